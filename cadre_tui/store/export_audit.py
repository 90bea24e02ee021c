"""Unmasked exports in the audit log: who wrote which file with whose ID numbers and
phones in clear, recorded before the file is written (an export that then fails
leaves a record of the attempt, never a file without one)."""

from __future__ import annotations

from typing import Any

from cadre_tui.store import audit
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3

ACTION = "export_unmasked"
ENTITY = "export"


def record_unmasked_export(
    conn: sqlite3.Connection,
    kind: str,
    path: str,
    rows: int,
    details: dict[str, Any] | None = None,
    cadre_id: int | None = None,
) -> int:
    """One audit row for an export of ``kind`` to ``path`` holding ``rows`` rows in
    clear; ``details`` says what was asked for (filter, year, batch ...)."""
    after = {"kind": kind, "path": path, "rows": rows, **(details or {})}
    with transaction(conn):
        return audit.record(conn, ACTION, ENTITY, cadre_id, None, after)


def unmasked_exports(conn: sqlite3.Connection, limit: int = 100) -> list[dict[str, Any]]:
    """The latest unmasked exports, newest first."""
    return [row for row in audit.entries(conn, ENTITY, limit) if row["action"] == ACTION]
