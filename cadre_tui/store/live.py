"""Noticing other people's writes: each running app asks its own idle connection
for ``PRAGMA data_version`` about once a second (it changes when any other
connection, in any process, commits) and then reads who wrote from the audit log.

The watching connection never holds a read transaction between polls, so it
never stops a WAL checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from cadre_tui.store.sqlite import sqlite3


@dataclass(frozen=True, slots=True)
class Writes:
    """What was written since the last look: the newest audit row and who wrote."""

    last_id: int
    actors: tuple[str, ...]
    """Everyone who wrote, most recent first, each once."""


def data_version(conn: sqlite3.Connection) -> int:
    """Changes whenever another connection commits to the file (cheap: no I/O)."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def last_audit_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetchone()[0])


def writes_since(conn: sqlite3.Connection, last_id: int, limit: int = 200) -> Writes:
    """Who wrote after audit row ``last_id`` (the newest ``limit`` rows are enough to say)."""
    rows = conn.execute(
        "SELECT id, actor FROM audit_log WHERE id > ? ORDER BY id DESC LIMIT ?", (last_id, limit)
    ).fetchall()
    if not rows:
        return Writes(last_id, ())
    actors = tuple(dict.fromkeys(row[1] for row in rows))
    return Writes(int(rows[0][0]), actors)


def latest_write_on(
    conn: sqlite3.Connection, entity: str, entity_id: int
) -> tuple[str, str] | None:
    """Who last changed this record and when (ISO UTC), from the audit log."""
    row = conn.execute(
        "SELECT actor, at FROM audit_log WHERE entity = ? AND entity_id = ?"
        " AND action NOT IN ('reveal', 'export_unmasked') ORDER BY id DESC LIMIT 1",
        (entity, entity_id),
    ).fetchone()
    return (row[0], row[1]) if row is not None else None
