"""The audit log stays append-only after every migration, not only after the last.

sqlite-utils' ``transform()`` rebuilds a table and drops its triggers; a future
migration doing so to ``audit_log`` would silently make it editable. Migrations
are applied here one at a time, through the same sqlite-utils machinery
``migrate()`` uses, as an installation upgraded release by release would be.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from cadre_tui.store import migrate
from cadre_tui.store.connection import connect, transaction
from cadre_tui.store.sqlite import sqlite3

GUARDS = {"audit_log_no_update": "UPDATE", "audit_log_no_delete": "DELETE"}


def apply_until(conn: sqlite3.Connection, stop_before: str | None) -> None:
    with transaction(conn):
        migrate._build_migrations().apply(
            Database(conn, recursive_triggers=False, execute_plugins=False),
            stop_before=stop_before,
        )


def assert_append_only(conn: sqlite3.Connection, after: str) -> None:
    triggers = {
        row[0]: " ".join(row[2].split()).upper()
        for row in conn.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = ?", ("trigger",)
        )
        if row[1] == "audit_log"
    }
    for name, verb in GUARDS.items():
        assert name in triggers, f"{name} is gone after {after}"
        assert f"BEFORE {verb} ON AUDIT_LOG" in triggers[name], after
    with transaction(conn):
        row_id = conn.execute(
            "INSERT INTO audit_log (at, actor, action, entity) VALUES (?, ?, ?, ?)",
            ("2026-03-02T09:00:00+00:00", "tester", "create", "probe"),
        ).lastrowid
    for statement in (
        "UPDATE audit_log SET actor = 'someone else' WHERE id = ?",
        "DELETE FROM audit_log WHERE id = ?",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"), transaction(conn):
            conn.execute(statement, (row_id,))
    row = conn.execute("SELECT actor, entity FROM audit_log WHERE id = ?", (row_id,)).fetchone()
    assert tuple(row) == ("tester", "probe"), f"the audit row was changed after {after}"


def test_audit_log_is_append_only_after_each_migration_in_turn(db_path: Path) -> None:
    names = migrate.migration_names()
    assert names[0] == "0001_programme", "the audit log and its guards come with the first"
    conn = connect(db_path)
    try:
        for applied, name in enumerate(names, start=1):
            apply_until(conn, names[applied] if applied < len(names) else None)
            assert migrate.applied_names(conn) == names[:applied]
            assert_append_only(conn, name)
    finally:
        conn.close()


def test_audit_log_is_append_only_after_the_sql_files_alone(db_path: Path) -> None:
    """The same, running each file's statements directly (no migration bookkeeping)."""
    conn = connect(db_path)
    try:
        for path in migrate.migration_files():
            with transaction(conn):
                for statement in migrate.split_statements(path.read_text(encoding="utf-8")):
                    conn.execute(statement)
            assert_append_only(conn, path.stem)
    finally:
        conn.close()
