"""The one sqlite module the project uses: the same one sqlite-utils picks.

sqlite-utils prefers ``pysqlite3`` (bundling a current SQLite) and falls back
to the standard library; we mirror that choice without importing sqlite-utils,
which costs ~0.2 s of start-up. A test checks both agree.
"""

from __future__ import annotations

try:
    import pysqlite3.dbapi2 as sqlite3  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - the dependency is declared
    import sqlite3  # type: ignore[no-redef]

MIN_SAFE_VERSION = (3, 51, 3)
"""Every SQLite before 3.51.3 can corrupt a WAL database under concurrent writers."""

Connection = sqlite3.Connection
Row = sqlite3.Row
Error = sqlite3.Error
OperationalError = sqlite3.OperationalError
IntegrityError = sqlite3.IntegrityError
DatabaseError = sqlite3.DatabaseError


def library_version() -> tuple[int, int, int]:
    major, minor, patch = (int(p) for p in sqlite3.sqlite_version.split(".")[:3])
    return major, minor, patch


def is_safe_version() -> bool:
    return library_version() >= MIN_SAFE_VERSION
