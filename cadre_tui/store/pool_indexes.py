"""Loading many cadres at once (the demo, a large import) without paying for the
pool's search indexes row by row.

With its sort indexes and the search trigger, adding a cadre updates about
fifteen B-trees and the FTS index at random places: the 1,000,000-cadre demo
took ~5 minutes (~1 before migration 0003). Dropped first and built afresh
after (sorted index builds, one pass over the names), it takes ~2 minutes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3


@contextlib.contextmanager
def suspended(conn: sqlite3.Connection) -> Iterator[None]:
    """Within the block, cadres' indexes and search triggers are gone (the UNIQUE
    ID number stays); on leaving, also on error, they are rebuilt from their own
    definitions and the FTS index from every name. For loads of 10,000s of cadres."""
    saved = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'cadres'"
        " AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name"
    ).fetchall()
    with transaction(conn):
        for kind, name, _ in saved:
            conn.execute(f'DROP {kind.upper()} "{name}"')
    try:
        yield
    finally:
        with transaction(conn):
            for _, _, sql in saved:
                conn.execute(sql)
            conn.execute("INSERT INTO cadre_name_grams (cadre_name_grams) VALUES ('delete-all')")
            conn.execute(
                "INSERT INTO cadre_name_grams (rowid, grams)"
                " SELECT id, grams FROM cadre_name_grams_source"
            )
