"""A handle on one database file: where it is, how to open it, read-only or not.

Threads (Textual workers) each open their own connection from the handle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cadre_tui.store import connection, migrate
from cadre_tui.store.sqlite import sqlite3


@dataclass(frozen=True)
class Database:
    path: Path
    read_only: bool = False
    allow_old_sqlite: bool = False

    def connect(self) -> sqlite3.Connection:
        """A new connection for the calling thread (schema assumed current)."""
        return connection.connect(
            self.path, read_only=self.read_only, allow_old_sqlite=self.allow_old_sqlite
        )


def open_database(
    path: str | Path,
    *,
    read_only: bool = False,
    allow_old_sqlite: bool = False,
    create: bool = True,
) -> Database:
    """Check the file, bring its schema up to date, and return a handle for it."""
    db = Database(Path(path).expanduser(), read_only=read_only, allow_old_sqlite=allow_old_sqlite)
    conn = connection.connect(
        db.path, read_only=read_only, create=create, allow_old_sqlite=allow_old_sqlite
    )
    try:
        if not read_only:
            migrate.migrate(conn)
        elif migrate.pending_names(conn):
            from cadre_tui.errors import CadreError

            raise CadreError("error.schema_outdated_read_only", path=str(db.path))
    finally:
        conn.close()
    return db
