"""Opening the database: one factory, the same settings everywhere.

WAL so readers never block the writer, ``synchronous=FULL`` so an acknowledged
write survives power loss, foreign keys on, and a 5 s busy timeout. Writes go
through :func:`transaction`, which issues ``BEGIN IMMEDIATE`` so contending
writers queue on the lock instead of failing half-way. A coordinator leaving
calls :func:`checkpoint`, so the -wal does not outlive the people using it.
"""

from __future__ import annotations

import contextlib
import os
import random
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from cadre_tui.errors import CadreError, ReadOnlyError
from cadre_tui.store import sqlite
from cadre_tui.store.sqlite import sqlite3

BUSY_TIMEOUT_MS = 5000
BEGIN_RETRY_FIRST_S, BEGIN_RETRY_MAX_S = 0.0005, 0.005
"""A writer waiting for the lock looks again after 0.5 ms, doubling to every 5 ms."""
CHECKPOINT_TIMEOUT_MS = 1000
"""How long a leaving coordinator's checkpoint waits for readers. It holds the write
lock meanwhile, so it must stay well under the others' busy timeout."""
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024
"""SQLite never shrinks the -wal by itself: each time a checkpoint lets it start
over, it is cut back to this (about one auto-checkpoint's 1,000 pages)."""


class CadreConnection(sqlite3.Connection):
    """A connection that knows whether it was opened read-only."""

    read_only: bool = False


def check_sqlite_version(allow_old: bool = False) -> None:
    """Refuse an SQLite with the WAL-reset corruption bug unless explicitly allowed."""
    if not allow_old and not sqlite.is_safe_version():
        raise CadreError(
            "error.sqlite_too_old",
            version=sqlite3.sqlite_version,
            minimum=".".join(map(str, sqlite.MIN_SAFE_VERSION)),
        )


def secure_file_mode(directory: Path) -> int:
    """0600, or 0660 when the directory is group-shared (setgid bit set)."""
    try:
        shared = bool(directory.stat().st_mode & stat.S_ISGID)
    except OSError:
        shared = False
    return 0o660 if shared else 0o600


def create_database_file(path: Path) -> None:
    """Create an empty database file with safe permissions before SQLite opens it.

    SQLite gives its -wal and -shm files the main file's permissions, so
    getting this one right keeps all three private.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = secure_file_mode(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, mode)


def connect(
    path: str | os.PathLike[str],
    *,
    read_only: bool = False,
    create: bool = True,
    allow_old_sqlite: bool = False,
) -> sqlite3.Connection:
    """Open ``path`` with the project's settings; one connection per thread."""
    check_sqlite_version(allow_old_sqlite)
    db_path = Path(path)
    if db_path.is_dir():
        raise CadreError("error.db_is_directory", path=str(db_path))
    if not db_path.exists():
        if read_only or not create:
            raise CadreError("error.db_missing", path=str(db_path))
        try:
            create_database_file(db_path)
        except OSError as exc:
            raise CadreError(
                "error.db_cannot_create", path=str(db_path), reason=exc.strerror
            ) from exc
    try:
        if read_only:
            conn = _connect_read_only(db_path)
        else:
            conn = sqlite3.connect(str(db_path), isolation_level=None, factory=CadreConnection)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if read_only:
            conn.execute("PRAGMA query_only=ON")
        else:
            _enable_wal(conn)
            conn.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        raise database_error(exc, db_path) from exc
    return conn


def _connect_read_only(db_path: Path) -> sqlite3.Connection:
    """Read-only, also in a folder the user cannot write.

    A WAL database is read through its -shm file; when nobody is writing there is
    none, and a reader who may not create files in the folder cannot make one. No
    -shm means no writer has the file open, so the file is read as it stands
    (``immutable``). Each worker opens its own connection, so once a coordinator
    starts writing (and the -shm exists) the next read sees their work.
    """
    uri = db_path.resolve().as_uri()
    conn = sqlite3.connect(
        f"{uri}?mode=ro", uri=True, isolation_level=None, factory=CadreConnection
    )
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.OperationalError as exc:
        shm = db_path.with_name(db_path.name + "-shm")
        if "unable to open" not in str(exc) or shm.exists():
            conn.close()
            raise
        conn.close()
        conn = sqlite3.connect(
            f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, factory=CadreConnection
        )
    conn.read_only = True
    return conn


def database_error(exc: Exception, path: Path) -> CadreError:
    """The user's words for an SQLite failure: locked by someone else, or unreadable."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return CadreError("error.db_locked", path=str(path))
    return CadreError("error.db_unreadable", path=str(path), reason=text)


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Two processes switching a new file to WAL get SQLITE_BUSY without the busy handler; retry."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.005)


def checkpoint(conn: sqlite3.Connection, *, timeout_ms: int = CHECKPOINT_TIMEOUT_MS) -> bool:
    """Copy the -wal into the database and truncate it to nothing; for a coordinator leaving.

    False, never an error, when others are still reading or writing (waiting at most
    ``timeout_ms``): their own checkpoints will do it, and leaving must not fail.
    """
    if getattr(conn, "read_only", False) or conn.in_transaction:
        return False
    try:
        usual_ms = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute(f"PRAGMA busy_timeout={int(timeout_ms)}")
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            conn.execute(f"PRAGMA busy_timeout={usual_ms}")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return False
        raise
    return busy == 0


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, retried every few ms for as long as the busy timeout allows.

    SQLite's own busy handler backs off to one try per 100 ms, so under steady
    contention the writer that has waited longest looks least often and keeps losing
    the lock to newcomers: with 4 processes writing flat out, single writes waited up
    to 3 s of the 5 s. When every waiter looks at the same short pace, the worst wait
    is a few hundred ms.
    """
    timeout_ms = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute("PRAGMA busy_timeout=0")
    try:
        deadline = time.monotonic() + timeout_ms / 1000
        pause = BEGIN_RETRY_FIRST_S
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(min(pause * random.uniform(0.5, 1.5), max(deadline - time.monotonic(), 0)))
            pause = min(pause * 2, BEGIN_RETRY_MAX_S)
    finally:
        conn.execute(f"PRAGMA busy_timeout={timeout_ms}")


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One short write transaction (``BEGIN IMMEDIATE``); nested calls use savepoints."""
    if getattr(conn, "read_only", False):
        raise ReadOnlyError()
    if conn.in_transaction:
        name = f"sp_{id(conn)}_{os.urandom(4).hex()}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    _begin_immediate(conn)
    try:
        yield conn
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if "readonly" in str(exc).replace(" ", "").lower():
            raise ReadOnlyError() from exc
        raise
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
