"""Bring a database's schema up to date from the SQL files under ``db/migrations``.

Applied by ``sqlite_utils.Migrations`` inside one ``BEGIN IMMEDIATE``
transaction, so two processes opening a new file at once cannot both migrate.
The cheap check for pending work uses plain SQL: sqlite-utils is imported
only when something is to be applied, keeping it off the start-up path.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cadre_tui.resources import data_dir
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3

MIGRATION_SET = "cadre_tui"
MIGRATIONS_TABLE = "_sqlite_migrations"


@cache
def migration_files() -> tuple[Path, ...]:
    return tuple(sorted((data_dir("db") / "migrations").glob("*.sql")))


def migration_names() -> list[str]:
    return [path.stem for path in migration_files()]


def split_statements(script: str) -> list[str]:
    """Split a script into statements; triggers' inner semicolons stay inside."""
    statements: list[str] = []
    start = 0
    for index, char in enumerate(script):
        if char == ";" and sqlite3.complete_statement(script[start : index + 1]):
            statement = script[start : index + 1].strip()
            if statement != ";":
                statements.append(statement)
            start = index + 1
    rest = script[start:]
    if rest.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in rest.splitlines()
    ):
        raise ValueError(f"incomplete SQL statement at end of script: {rest[:80]!r}")
    return statements


def applied_names(conn: sqlite3.Connection) -> list[str]:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
    ).fetchone()
    if not exists:
        return []
    rows = conn.execute(
        f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
        (MIGRATION_SET,),
    )
    return [row[0] for row in rows]


def pending_names(conn: sqlite3.Connection) -> list[str]:
    done = set(applied_names(conn))
    return [name for name in migration_names() if name not in done]


def _build_migrations():  # -> sqlite_utils.Migrations
    from sqlite_utils import Migrations

    migrations = Migrations(MIGRATION_SET)
    for path in migration_files():
        statements = split_statements(path.read_text(encoding="utf-8"))

        def apply(db, statements=statements):  # noqa: ANN001 - sqlite_utils.Database
            for statement in statements:
                db.conn.execute(statement)

        migrations(name=path.stem)(apply)
    return migrations


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations; returns the names applied (empty when current)."""
    if not pending_names(conn):
        return []
    from sqlite_utils import Database

    with transaction(conn):
        todo = pending_names(conn)
        if todo:
            _build_migrations().apply(
                Database(conn, recursive_triggers=False, execute_plugins=False)
            )
    return todo


def schema_version(conn: sqlite3.Connection) -> str | None:
    names = applied_names(conn)
    return names[-1] if names else None
