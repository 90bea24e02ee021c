"""Bulk loads are all or nothing, name the rejected row and leave one audit row."""

from __future__ import annotations

import pytest

from cadre_tui.errors import CadreError
from cadre_tui.store.bulk import insert_rows
from cadre_tui.store.sqlite import sqlite3

SQL = "INSERT INTO officers (id, name) VALUES (?, ?)"


def test_rows_land_with_one_audit_row(conn: sqlite3.Connection) -> None:
    written = insert_rows(conn, SQL, ((i, f"联络员{i}") for i in range(1, 6)), entity="officer")
    assert written == 5
    assert conn.execute("SELECT count(*) FROM officers").fetchone()[0] == 5
    audit = conn.execute("SELECT action, entity, after_json FROM audit_log").fetchall()
    assert [(a[0], a[1]) for a in audit] == [("bulk_insert", "officer")]
    assert '"count": 5' in audit[0][2]


def test_a_rejected_row_is_named_and_nothing_is_written(conn: sqlite3.Connection) -> None:
    rows = [(1, "甲"), (2, "乙"), (2, "丙"), (4, "丁")]
    with pytest.raises(CadreError) as raised:
        insert_rows(conn, SQL, rows, entity="officer")
    assert raised.value.params["row"] == 3
    assert conn.execute("SELECT count(*) FROM officers").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
