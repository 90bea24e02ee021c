"""The connection factory: pragmas, file permissions, SQLite version, transactions."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from cadre_tui.errors import CadreError, ReadOnlyError
from cadre_tui.store import sqlite
from cadre_tui.store.connection import (
    BUSY_TIMEOUT_MS,
    JOURNAL_SIZE_LIMIT,
    check_sqlite_version,
    checkpoint,
    connect,
    transaction,
)
from cadre_tui.store.sqlite import sqlite3


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def make_table(path: Path) -> None:
    conn = connect(path)
    try:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER NOT NULL)")
    finally:
        conn.close()


def values(path: Path) -> list[int]:
    conn = connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT x FROM t ORDER BY id")]
    finally:
        conn.close()


# --- settings ----------------------------------------------------------------------


def test_pragmas_read_back(db_path: Path) -> None:
    conn = connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert BUSY_TIMEOUT_MS == 5000
        assert conn.isolation_level is None
    finally:
        conn.close()


def test_read_only_connection_has_the_same_safety_settings(db_path: Path) -> None:
    make_table(db_path)
    conn = connect(db_path, read_only=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert conn.execute("PRAGMA query_only").fetchone()[0] == 1
    finally:
        conn.close()


def test_foreign_keys_are_enforced(db_path: Path) -> None:
    conn = connect(db_path)
    try:
        conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        conn.execute("CREATE TABLE child (parent_id INTEGER REFERENCES parent(id))")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO child VALUES (42)")
    finally:
        conn.close()


# --- permissions ---------------------------------------------------------------------


def test_new_file_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "private"
    folder.mkdir()
    folder.chmod(0o755)
    path = folder / "cadre.db"
    old_umask = os.umask(0o000)  # a careless umask must not leak into the file's mode
    try:
        conn = connect(path)
        with transaction(conn):
            conn.execute("CREATE TABLE t (x)")
            conn.execute("INSERT INTO t VALUES (1)")
        wal = Path(f"{path}-wal")
        shm = Path(f"{path}-shm")
        assert wal.exists()
        assert mode_of(path) == 0o600
        assert mode_of(wal) == 0o600
        assert mode_of(shm) == 0o600
        conn.close()
    finally:
        os.umask(old_umask)


def test_new_file_in_a_group_shared_folder_is_group_writable(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o2770)
    assert folder.stat().st_mode & stat.S_ISGID
    path = folder / "cadre.db"
    conn = connect(path)
    try:
        with transaction(conn):
            conn.execute("CREATE TABLE t (x)")
            conn.execute("INSERT INTO t VALUES (1)")
        wal = Path(f"{path}-wal")
        assert wal.exists()
        for file in (path, wal, Path(f"{path}-shm")):
            assert mode_of(file) == 0o660, file
            assert mode_of(file) & 0o007 == 0, f"{file} is world-accessible"
    finally:
        conn.close()


def test_missing_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "cadre.db"
    connect(path).close()
    assert path.is_file()
    assert mode_of(path) == 0o600


# --- which SQLite ------------------------------------------------------------------------


def test_same_sqlite_module_as_sqlite_utils() -> None:
    import sqlite_utils.db
    import sqlite_utils.utils

    assert sqlite_utils.utils.dbapi2 is sqlite.sqlite3
    assert sqlite_utils.db.sqlite3.Connection is sqlite.sqlite3.Connection
    assert sqlite_utils.db.sqlite3.sqlite_version == sqlite.sqlite3.sqlite_version


def test_bundled_sqlite_is_new_enough() -> None:
    assert sqlite.library_version() >= (3, 51, 3)
    assert sqlite.MIN_SAFE_VERSION == (3, 51, 3)
    assert sqlite.is_safe_version()
    check_sqlite_version()


def test_sqlite_utils_database_on_our_connection_runs_on_the_same_library(db_path: Path) -> None:
    from sqlite_utils import Database

    conn = connect(db_path)
    try:
        db = Database(conn, recursive_triggers=False, execute_plugins=False)
        version = db.execute("SELECT sqlite_version()").fetchone()[0]
        assert version == sqlite.sqlite3.sqlite_version
    finally:
        conn.close()


@pytest.fixture
def old_sqlite(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(sqlite.sqlite3, "sqlite_version", "3.40.1")
    assert sqlite.library_version() == (3, 40, 1)
    assert not sqlite.is_safe_version()
    return "3.40.1"


def test_old_sqlite_is_refused_naming_the_version(old_sqlite: str, db_path: Path) -> None:
    with pytest.raises(CadreError) as caught:
        check_sqlite_version()
    assert caught.value.key == "error.sqlite_too_old"
    assert caught.value.params["version"] == old_sqlite
    assert caught.value.params["minimum"] == "3.51.3"
    assert old_sqlite in str(caught.value)
    assert "3.51.3" in str(caught.value)
    with pytest.raises(CadreError):
        connect(db_path)
    assert not db_path.exists(), "a refused open must not create the file"


def test_old_sqlite_message_in_chinese(old_sqlite: str) -> None:
    with pytest.raises(CadreError) as caught:
        check_sqlite_version()
    from cadre_tui.i18n import t

    text = t(caught.value.key, lang="zh", **caught.value.params)
    assert old_sqlite in text
    assert text != caught.value.key


def test_old_sqlite_allowed_when_asked(old_sqlite: str, db_path: Path) -> None:
    check_sqlite_version(allow_old=True)
    conn = connect(db_path, allow_old_sqlite=True)
    conn.close()


# --- transactions --------------------------------------------------------------------


def test_transaction_commits(db_path: Path) -> None:
    make_table(db_path)
    conn = connect(db_path)
    try:
        with transaction(conn):
            conn.execute("INSERT INTO t (x) VALUES (1)")
        assert not conn.in_transaction
    finally:
        conn.close()
    assert values(db_path) == [1]


def test_transaction_begins_immediate(db_path: Path) -> None:
    """A second writer is refused at BEGIN, before it reads anything (no plain BEGIN)."""
    make_table(db_path)
    first = connect(db_path)
    second = connect(db_path)
    second.execute("PRAGMA busy_timeout=100")
    try:
        with transaction(first):
            first.execute("INSERT INTO t (x) VALUES (1)")
            with pytest.raises(sqlite3.OperationalError, match="locked|busy"), transaction(second):
                pytest.fail("the second transaction must not start while the first holds the lock")
            assert not second.in_transaction
            # Readers are not blocked by the writer (WAL).
            assert second.execute("SELECT count(*) FROM t").fetchone()[0] == 0
        with transaction(second):
            second.execute("INSERT INTO t (x) VALUES (2)")
    finally:
        first.close()
        second.close()
    assert values(db_path) == [1, 2]


def test_exception_rolls_everything_back(db_path: Path) -> None:
    make_table(db_path)
    conn = connect(db_path)
    try:
        with pytest.raises(ZeroDivisionError), transaction(conn):
            conn.execute("INSERT INTO t (x) VALUES (1)")
            conn.execute("INSERT INTO t (x) VALUES (2)")
            _ = 1 / 0
        assert not conn.in_transaction
    finally:
        conn.close()
    assert values(db_path) == []


def test_sql_error_rolls_everything_back(db_path: Path) -> None:
    make_table(db_path)
    conn = connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError), transaction(conn):
            conn.execute("INSERT INTO t (x) VALUES (1)")
            conn.execute("INSERT INTO t (x) VALUES (NULL)")
        assert not conn.in_transaction
        with transaction(conn):
            conn.execute("INSERT INTO t (x) VALUES (3)")
    finally:
        conn.close()
    assert values(db_path) == [3]


def test_nested_failure_rolls_back_only_the_inner_part(db_path: Path) -> None:
    make_table(db_path)
    conn = connect(db_path)
    try:
        with transaction(conn):
            conn.execute("INSERT INTO t (x) VALUES (1)")
            with pytest.raises(ValueError), transaction(conn):
                conn.execute("INSERT INTO t (x) VALUES (2)")
                raise ValueError("inner")
            assert conn.in_transaction
            with transaction(conn):
                conn.execute("INSERT INTO t (x) VALUES (3)")
            conn.execute("INSERT INTO t (x) VALUES (4)")
    finally:
        conn.close()
    assert values(db_path) == [1, 3, 4]


def test_outer_failure_rolls_back_a_released_inner_part(db_path: Path) -> None:
    make_table(db_path)
    conn = connect(db_path)
    try:
        with pytest.raises(KeyError), transaction(conn):
            with transaction(conn):
                conn.execute("INSERT INTO t (x) VALUES (1)")
            raise KeyError("outer")
    finally:
        conn.close()
    assert values(db_path) == []


def test_read_only_connection_refuses_transactions(db_path: Path) -> None:
    make_table(db_path)
    conn = connect(db_path, read_only=True)
    try:
        with pytest.raises(ReadOnlyError), transaction(conn):
            conn.execute("INSERT INTO t (x) VALUES (1)")
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("INSERT INTO t (x) VALUES (1)")
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    finally:
        conn.close()
    assert values(db_path) == []


def test_read_only_error_is_a_cadre_error() -> None:
    error = ReadOnlyError()
    assert isinstance(error, CadreError)
    assert error.key == "error.read_only"


# --- refusing what is not a database ------------------------------------------------


@pytest.mark.parametrize("create", [True, False])
def test_missing_file_read_only_is_refused(tmp_path: Path, create: bool) -> None:
    path = tmp_path / "absent.db"
    with pytest.raises(CadreError) as caught:
        connect(path, read_only=True, create=create)
    assert caught.value.key == "error.db_missing"
    assert not path.exists()


def test_missing_file_without_create_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    with pytest.raises(CadreError) as caught:
        connect(path, create=False)
    assert caught.value.key == "error.db_missing"
    assert not path.exists()


@pytest.mark.parametrize("read_only", [False, True])
def test_directory_is_refused(tmp_path: Path, read_only: bool) -> None:
    with pytest.raises(CadreError) as caught:
        connect(tmp_path, read_only=read_only)
    assert caught.value.key == "error.db_is_directory"


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a database\n" * 10,
        "姓名,身份证号\n张三,11010519491231002X\n".encode(),
        b"PK\x03\x04" + bytes(range(256)) * 8,  # what an .xlsx starts with
        b"\x00" * 4096,
        b"SQLite format 3\x00" + b"\xff" * 200,  # a damaged header
    ],
)
@pytest.mark.parametrize("read_only", [False, True])
def test_non_database_file_is_refused(tmp_path: Path, content: bytes, read_only: bool) -> None:
    path = tmp_path / "not-a.db"
    path.write_bytes(content)
    with pytest.raises(CadreError) as caught:
        conn = connect(path, read_only=read_only)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert caught.value.key == "error.db_unreadable"
    assert path.read_bytes() == content, "the file must be left as it was"


# --- several processes ---------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from cadre_tui.store.connection import connect, transaction

    path, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    conn = connect(path)
    sys.stdout.write("ready\\n")
    sys.stdout.flush()
    sys.stdin.readline()
    for _ in range(count):
        with transaction(conn):
            top = conn.execute("SELECT coalesce(max(x), 0) FROM t").fetchone()[0]
            conn.execute("INSERT INTO t (x, worker) VALUES (?, ?)", (top + 1, worker))
    conn.close()
    """
)


def test_four_processes_read_then_write_without_losing_a_row(db_path: Path) -> None:
    workers, each = 4, 200
    conn = connect(db_path)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER NOT NULL, worker INTEGER)")
    conn.close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), str(n), str(each)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        for proc in procs:  # release them all at once
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = [proc.communicate(timeout=60) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
    conn = connect(db_path)
    try:
        xs = [row[0] for row in conn.execute("SELECT x FROM t ORDER BY x")]
        per_worker = dict(conn.execute("SELECT worker, count(*) FROM t GROUP BY worker").fetchall())
    finally:
        conn.close()
    assert len(xs) == workers * each
    # Each read-then-write saw the previous commit: no two transactions read the same max.
    assert xs == list(range(1, workers * each + 1))
    assert per_worker == dict.fromkeys(range(workers), each)


CONNECTOR = textwrap.dedent(
    """
    import os, pathlib, sys
    from cadre_tui.store.connection import connect

    folder, me, other, rounds = pathlib.Path(sys.argv[1]), *sys.argv[2:4], int(sys.argv[4])
    errors = []
    for i in range(rounds):
        (folder / "sync" / f"{i}-{me}").touch()
        theirs = str(folder / "sync" / f"{i}-{other}")
        while not os.path.exists(theirs):
            pass
        try:
            connect(folder / "db" / f"{i}.db").close()
        except Exception as exc:
            errors.append(f"round {i}: {type(exc).__name__}: {exc} ({exc.__cause__!r})")
    print("\\n".join(errors), file=sys.stderr)
    sys.exit(1 if errors else 0)
    """
)


def test_two_processes_creating_the_same_new_file_at_once(tmp_path: Path) -> None:
    """Switching a new file to WAL can return SQLITE_BUSY without the busy handler."""
    rounds = 20
    (tmp_path / "sync").mkdir()
    (tmp_path / "db").mkdir()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CONNECTOR, str(tmp_path), name, other, str(rounds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, other in (("a", "b"), ("b", "a"))
    ]
    try:
        results = [proc.communicate(timeout=60) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    failures = [err for proc, (_, err) in zip(procs, results, strict=True) if proc.returncode]
    assert not failures, "\n".join(failures)
    for i in range(rounds):
        path = tmp_path / "db" / f"{i}.db"
        assert mode_of(path) == 0o600
        conn = connect(path)
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            conn.close()


def test_a_writer_waiting_for_the_lock_gets_it_once_released(db_path: Path) -> None:
    make_table(db_path)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        other = connect(db_path)
        try:
            with transaction(other):
                other.execute("INSERT INTO t (x) VALUES (1)")
                holding.set()
                release.wait(5)
        finally:
            other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    conn = connect(db_path)
    try:
        assert holding.wait(5)
        threading.Timer(0.2, release.set).start()
        with transaction(conn):
            conn.execute("INSERT INTO t (x) VALUES (2)")
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    finally:
        release.set()
        holder.join()
        conn.close()
    assert values(db_path) == [1, 2]


def test_a_writer_gives_up_after_its_busy_timeout_and_keeps_it(db_path: Path) -> None:
    make_table(db_path)
    first, second = connect(db_path), connect(db_path)
    second.execute("PRAGMA busy_timeout=300")
    try:
        with transaction(first):
            started = time.monotonic()
            with pytest.raises(sqlite3.OperationalError, match="locked"), transaction(second):
                pass
            waited = time.monotonic() - started
        assert 0.3 <= waited < 2
        assert second.execute("PRAGMA busy_timeout").fetchone()[0] == 300
        assert not second.in_transaction
    finally:
        first.close()
        second.close()


# --- checkpoints and the -wal's size ----------------------------------------------------


def wal_size(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


def fill(conn: sqlite3.Connection, megabytes: int) -> None:
    for _ in range(megabytes):
        with transaction(conn):
            conn.execute("INSERT INTO t (x, blob) VALUES (1, randomblob(1024 * 1024))")


@pytest.fixture
def blob_db(db_path: Path) -> Path:
    conn = connect(db_path)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER NOT NULL, blob BLOB)")
    conn.close()
    return db_path


def test_checkpoint_empties_the_wal_and_keeps_every_row(blob_db: Path) -> None:
    conn = connect(blob_db)
    try:
        fill(conn, 2)
        assert wal_size(blob_db) > 2 * 1024 * 1024
        assert checkpoint(conn) is True
        assert wal_size(blob_db) == 0
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 2
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    finally:
        conn.close()
    assert len(values(blob_db)) == 2


def test_checkpoint_gives_way_to_a_reader_instead_of_raising(blob_db: Path) -> None:
    conn, reader = connect(blob_db), connect(blob_db)
    try:
        fill(conn, 1)
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 1
        fill(conn, 1)
        started = time.monotonic()
        assert checkpoint(conn, timeout_ms=100) is False
        assert time.monotonic() - started < 2
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
        reader.execute("COMMIT")
        assert checkpoint(conn) is True
        assert wal_size(blob_db) == 0
    finally:
        conn.close()
        reader.close()


def test_checkpoint_gives_way_to_a_writer_instead_of_raising(blob_db: Path) -> None:
    conn, writer = connect(blob_db), connect(blob_db)
    try:
        fill(conn, 1)
        with transaction(writer):
            writer.execute("INSERT INTO t (x) VALUES (2)")
            assert checkpoint(conn, timeout_ms=100) is False
        assert checkpoint(conn) is True
    finally:
        conn.close()
        writer.close()
    assert values(blob_db) == [1, 2]


def test_checkpoint_is_refused_quietly_inside_a_transaction_or_read_only(blob_db: Path) -> None:
    conn = connect(blob_db)
    try:
        with transaction(conn):
            conn.execute("INSERT INTO t (x) VALUES (1)")
            assert checkpoint(conn) is False
    finally:
        conn.close()
    read_only = connect(blob_db, read_only=True)
    try:
        assert checkpoint(read_only) is False
    finally:
        read_only.close()


def test_the_wal_is_cut_back_once_a_checkpoint_lets_it_start_over(blob_db: Path) -> None:
    """Without journal_size_limit the -wal keeps the size of its largest burst for good."""
    conn, reader = connect(blob_db), connect(blob_db)
    try:
        assert conn.execute("PRAGMA journal_size_limit").fetchone()[0] == JOURNAL_SIZE_LIMIT
        reader.execute("BEGIN")  # a long read: no checkpoint may reset the -wal meanwhile
        reader.execute("SELECT count(*) FROM t").fetchone()
        fill(conn, JOURNAL_SIZE_LIMIT // 2**20 * 2)
        assert wal_size(blob_db) > 2 * JOURNAL_SIZE_LIMIT - 2**20
        reader.execute("COMMIT")
        fill(conn, 2)  # the first commit's auto-checkpoint copies it all; the next starts over
        assert wal_size(blob_db) <= JOURNAL_SIZE_LIMIT
    finally:
        conn.close()
        reader.close()
    assert len(values(blob_db)) == JOURNAL_SIZE_LIMIT // 2**20 * 2 + 2
