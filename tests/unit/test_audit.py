"""The audit log: one row per write, by the real user, append-only."""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd
from collections.abc import Iterator

import pytest

from cadre_tui.store import audit
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3


@pytest.fixture(autouse=True)
def fresh_actor_cache() -> Iterator[None]:
    audit.current_actor.cache_clear()
    yield
    audit.current_actor.cache_clear()


def real_user() -> str:
    return pwd.getpwuid(os.getuid()).pw_name


def rows(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT * FROM audit_log ORDER BY id")]


def test_record_inside_a_transaction_adds_one_row(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        row_id = audit.record(conn, "create", "cadre", 7, after={"name": "Zhang"})
    [row] = rows(conn)
    assert row["id"] == row_id
    assert row["action"] == "create"
    assert row["entity"] == "cadre"
    assert row["entity_id"] == 7
    assert row["before_json"] is None
    assert json.loads(row["after_json"]) == {"name": "Zhang"}
    assert row["actor"] == real_user()
    at = dt.datetime.fromisoformat(row["at"])
    assert at.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - at) < dt.timedelta(minutes=5)


def test_actor_is_the_real_user_whatever_the_environment_says(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "not-the-real-user")
    monkeypatch.setenv("USER", "not-the-real-user")
    monkeypatch.setenv("USERNAME", "not-the-real-user")
    monkeypatch.setenv("LNAME", "not-the-real-user")
    audit.current_actor.cache_clear()
    assert audit.current_actor() == real_user()
    with transaction(conn):
        audit.record(conn, "update", "cadre", 1, before={"a": 1}, after={"a": 2})
    [row] = rows(conn)
    assert row["actor"] == real_user()
    assert row["actor"] != "not-the-real-user"


def test_record_outside_a_transaction_is_refused(conn: sqlite3.Connection) -> None:
    assert not conn.in_transaction
    with pytest.raises(RuntimeError):
        audit.record(conn, "create", "cadre", 1)
    assert rows(conn) == []


def test_record_is_undone_with_the_write(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError), transaction(conn):
        audit.record(conn, "delete", "cadre", 3, before={"name": "x"})
        raise ValueError("the write failed")
    assert rows(conn) == []


def test_audit_log_refuses_update(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        audit.record(conn, "create", "cadre", 1, after={"name": "张三"})
    before = rows(conn)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit_log SET actor = 'someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), transaction(conn):
        conn.execute("UPDATE audit_log SET after_json = NULL WHERE id = 1")
    assert rows(conn) == before


def test_audit_log_refuses_delete(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        audit.record(conn, "create", "cadre", 1)
        audit.record(conn, "create", "cadre", 2)
    before = rows(conn)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit_log")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), transaction(conn):
        conn.execute("DELETE FROM audit_log WHERE id = 2")
    assert rows(conn) == before


def test_before_and_after_are_json_with_chinese_kept_readable(conn: sqlite3.Connection) -> None:
    before = {"name": "张三", "unit": "区发改委", "birth": dt.date(1990, 1, 2)}
    after = {"name": "张三丰", "tags": ["后备干部", "蹲点"], "count": 2}
    with transaction(conn):
        audit.record(conn, "update", "cadre", 5, before=before, after=after)
    [row] = rows(conn)
    assert "张三" in row["before_json"]
    assert "\\u" not in row["before_json"]
    assert "后备干部" in row["after_json"]
    assert "\\u" not in row["after_json"]
    assert json.loads(row["before_json"]) == {
        "name": "张三",
        "unit": "区发改委",
        "birth": "1990-01-02",
    }
    assert json.loads(row["after_json"]) == after


def test_entries_newest_first_and_by_entity(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        audit.record(conn, "create", "cadre", 1)
        audit.record(conn, "create", "batch", 1)
        audit.record(conn, "update", "cadre", 1)
    assert [(e["entity"], e["action"]) for e in audit.entries(conn)] == [
        ("cadre", "update"),
        ("batch", "create"),
        ("cadre", "create"),
    ]
    assert [e["action"] for e in audit.entries(conn, entity="cadre")] == ["update", "create"]
    assert len(audit.entries(conn, limit=1)) == 1


def test_nested_write_records_in_the_outer_transaction(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        audit.record(conn, "create", "batch", 1)
        with pytest.raises(ValueError), transaction(conn):
            audit.record(conn, "create", "group", 1)
            raise ValueError("inner failure")
    assert [(r["entity"], r["entity_id"]) for r in rows(conn)] == [("batch", 1)]
