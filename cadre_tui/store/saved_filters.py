"""Named pool filters ("my unit's young cadres"), kept in the database so every
coordinator sharing it can recall them from the command palette.

Names are compared after NFKC and trimming, so a full-width copy of a name
replaces the filter instead of adding a look-alike. Saving under a taken name
replaces that filter; each save and delete is one audited transaction.
"""

from __future__ import annotations

import json

from cadre_tui.domain.identity import normalise_text
from cadre_tui.domain.pool_query import PoolFilter
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3

NAME_MAX = 40


def _name(raw: str) -> str:
    name = normalise_text(raw)
    if not name:
        raise CadreError("pool_store.filter_name_empty")
    if len(name) > NAME_MAX:
        raise CadreError("pool_store.filter_name_too_long", max=NAME_MAX)
    return name


def save_filter(conn: sqlite3.Connection, name: str, flt: PoolFilter) -> None:
    """Save ``flt`` under ``name``, replacing a filter of that name."""
    clean, text = _name(name), flt.to_json()
    with transaction(conn):
        row = conn.execute(
            "SELECT id, filter_json FROM saved_filters WHERE name = ?", (clean,)
        ).fetchone()
        if row is None:
            cursor = conn.execute(
                "INSERT INTO saved_filters (name, filter_json, created_by, created_at)"
                " VALUES (?, ?, ?, ?)",
                (clean, text, audit.current_actor(), audit.utc_now()),
            )
            after = {"name": clean, "filter": json.loads(text)}
            audit.record(conn, "create", "saved_filter", int(cursor.lastrowid), None, after)
        elif row[1] != text:
            conn.execute("UPDATE saved_filters SET filter_json = ? WHERE id = ?", (text, row[0]))
            audit.record(
                conn,
                "update",
                "saved_filter",
                row[0],
                {"filter": json.loads(row[1])},
                {"filter": json.loads(text)},
            )


def list_saved_filters(conn: sqlite3.Connection) -> list[tuple[str, PoolFilter]]:
    """Every saved filter by name. One this version cannot read (saved by a newer
    one, naming codes it does not know) is left out rather than failing the list."""
    found = []
    for name, text in conn.execute("SELECT name, filter_json FROM saved_filters ORDER BY name"):
        try:
            found.append((name, PoolFilter.from_json(text)))
        except (ValueError, TypeError, AttributeError):
            continue
    return found


def delete_saved_filter(conn: sqlite3.Connection, name: str) -> None:
    clean = _name(name)
    with transaction(conn):
        row = conn.execute(
            "SELECT id, filter_json FROM saved_filters WHERE name = ?", (clean,)
        ).fetchone()
        if row is None:
            raise CadreError("pool_store.filter_not_found", name=clean)
        conn.execute("DELETE FROM saved_filters WHERE id = ?", (row[0],))
        before = {"name": clean, "filter": json.loads(row[1])}
        audit.record(conn, "delete", "saved_filter", row[0], before, None)
