"""SQLite's own checks of a database file: ``quick_check`` at start, ``integrity_check``
before a restore. Both return the problems SQLite reports, an empty list when the file
is sound, so a caller can refuse to write and say why."""

from __future__ import annotations

import os
from pathlib import Path

from cadre_tui.errors import CadreError
from cadre_tui.store.connection import BUSY_TIMEOUT_MS
from cadre_tui.store.sqlite import sqlite3

MAX_PROBLEMS = 100

Target = str | os.PathLike[str] | sqlite3.Connection


def open_read_only(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """A plain read-only connection (no ``query_only``, so ``VACUUM INTO`` still works)."""
    file = Path(path)
    if file.is_dir():
        raise CadreError("error.db_is_directory", path=str(file))
    if not file.exists():
        raise CadreError("error.db_missing", path=str(file))
    conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def quick_check(target: Target, max_problems: int = MAX_PROBLEMS) -> list[str]:
    """``PRAGMA quick_check``: the fast structural check (no index contents); [] when ok."""
    return _check(target, "quick_check", max_problems)


def integrity_check(target: Target, max_problems: int = MAX_PROBLEMS) -> list[str]:
    """``PRAGMA integrity_check``: every page, index and constraint; [] when ok."""
    return _check(target, "integrity_check", max_problems)


def _check(target: Target, pragma: str, max_problems: int) -> list[str]:
    """A missing file or a folder raises ``CadreError``; a damaged one is a problem listed."""
    if isinstance(target, sqlite3.Connection):
        return _run(target, pragma, max_problems)
    try:
        conn = open_read_only(target)
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    try:
        return _run(conn, pragma, max_problems)
    finally:
        conn.close()


def _run(conn: sqlite3.Connection, pragma: str, max_problems: int) -> list[str]:
    try:
        rows = conn.execute(f"PRAGMA {pragma}({int(max_problems)})").fetchall()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        return [str(exc)]
    problems = [str(row[0]) for row in rows]
    return [] if problems == ["ok"] else problems
