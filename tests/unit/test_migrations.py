"""Schema migrations: same end state however reached, applied once, atomic."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cadre_tui.errors import CadreError
from cadre_tui.resources import data_dir
from cadre_tui.store import migrate as migrate_module
from cadre_tui.store.connection import connect, transaction
from cadre_tui.store.database import open_database
from cadre_tui.store.migrate import (
    applied_names,
    migrate,
    migration_names,
    pending_names,
    schema_version,
    split_statements,
)
from cadre_tui.store.sqlite import sqlite3

METRIC_CODES = [
    "measured_households",
    "measured_area",
    "signed_households",
    "demolished_households",
    "demolished_area",
]


def file_stems() -> list[str]:
    return [path.stem for path in sorted((data_dir("db") / "migrations").glob("*.sql"))]


def schema(conn: sqlite3.Connection) -> list[tuple]:
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    ).fetchall()
    return [(r[0], r[1], r[2], " ".join((r[3] or "").split())) for r in rows]


def contents(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Rows of every table migrations fill, except the applied-at timestamps."""
    return {
        "metrics": [tuple(r) for r in conn.execute("SELECT * FROM metrics ORDER BY code")],
        "migrations": [
            tuple(r)
            for r in conn.execute(
                "SELECT migration_set, name FROM _sqlite_migrations ORDER BY rowid"
            )
        ],
    }


def apply_one_at_a_time(conn: sqlite3.Connection, upto: int | None = None) -> None:
    """Apply the migrations one by one through sqlite-utils, stopping before ``upto``."""
    from sqlite_utils import Database

    names = migration_names()
    upto = len(names) if upto is None else upto
    for index in range(upto):
        stop = names[index + 1] if index + 1 < len(names) else None
        with transaction(conn):
            db = Database(conn, recursive_triggers=False, execute_plugins=False)
            migrate_module._build_migrations().apply(db, stop_before=stop)
        assert applied_names(conn) == names[: index + 1]


@pytest.fixture
def fresh(tmp_path: Path):
    opened: list[sqlite3.Connection] = []

    def make(name: str) -> sqlite3.Connection:
        conn = connect(tmp_path / name)
        opened.append(conn)
        return conn

    yield make
    for conn in opened:
        conn.close()


# --- names and idempotence --------------------------------------------------------


def test_migration_files_exist_and_are_numbered() -> None:
    stems = file_stems()
    assert stems, "no migrations found"
    assert all(re.fullmatch(r"\d{4}_[a-z0-9_]+", stem) for stem in stems), stems
    numbers = [int(stem[:4]) for stem in stems]
    assert numbers == sorted(set(numbers)), "migration numbers must be unique and ordered"
    assert migration_names() == stems


def test_new_database_applies_every_file_in_order(fresh) -> None:
    conn = fresh("a.db")
    assert pending_names(conn) == file_stems()
    assert schema_version(conn) is None
    assert migrate(conn) == file_stems()
    assert applied_names(conn) == file_stems()
    assert pending_names(conn) == []
    assert schema_version(conn) == file_stems()[-1]


def test_migrate_twice_is_a_no_op(fresh) -> None:
    conn = fresh("a.db")
    migrate(conn)
    before = schema(conn), contents(conn)
    stamps = conn.execute("SELECT applied_at FROM _sqlite_migrations").fetchall()
    assert migrate(conn) == []
    assert migrate(conn) == []
    assert (schema(conn), contents(conn)) == before
    assert conn.execute("SELECT applied_at FROM _sqlite_migrations").fetchall() == stamps


def test_open_database_twice_applies_once(db_path: Path) -> None:
    open_database(db_path)
    open_database(db_path)
    conn = connect(db_path)
    try:
        assert [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")] == file_stems()
    finally:
        conn.close()


# --- same end state however reached ------------------------------------------------


def test_step_by_step_equals_all_at_once(fresh) -> None:
    at_once = fresh("at_once.db")
    migrate(at_once)
    stepwise = fresh("stepwise.db")
    apply_one_at_a_time(stepwise)
    assert schema(stepwise) == schema(at_once)
    assert contents(stepwise) == contents(at_once)


@pytest.mark.parametrize("stop", range(len(file_stems())))
def test_migrating_forward_from_any_earlier_version(fresh, stop: int) -> None:
    """A database left at an older schema, then opened by this version, ends the same."""
    at_once = fresh("at_once.db")
    migrate(at_once)
    older = fresh(f"older_{stop}.db")
    apply_one_at_a_time(older, upto=stop)
    assert pending_names(older) == file_stems()[stop:]
    assert migrate(older) == file_stems()[stop:]
    assert schema(older) == schema(at_once)
    assert contents(older) == contents(at_once)


def test_applying_the_sql_files_by_hand_gives_the_same_tables(fresh) -> None:
    """The SQL files alone describe the schema: no hidden step in Python."""
    migrated = fresh("migrated.db")
    migrate(migrated)
    by_hand = fresh("by_hand.db")
    for path in sorted((data_dir("db") / "migrations").glob("*.sql")):
        by_hand.executescript(path.read_text(encoding="utf-8"))
    without_bookkeeping = [row for row in schema(migrated) if row[2] != "_sqlite_migrations"]
    assert schema(by_hand) == without_bookkeeping


def test_a_failing_migration_leaves_the_database_untouched(
    fresh, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "9999_broken.sql"
    broken.write_text(
        "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
        encoding="utf-8",
    )
    real = migrate_module.migration_files()
    monkeypatch.setattr(migrate_module, "migration_files", lambda: (*real, broken))
    conn = fresh("a.db")
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        migrate(conn)
    assert not conn.in_transaction
    assert schema(conn) == []
    assert applied_names(conn) == []


def test_read_only_open_of_an_outdated_database_is_refused(db_path: Path) -> None:
    connect(db_path).close()
    with pytest.raises(CadreError) as caught:
        open_database(db_path, read_only=True)
    assert caught.value.key == "error.schema_outdated_read_only"
    conn = connect(db_path)
    try:
        assert schema(conn) == []
    finally:
        conn.close()


def test_read_only_open_of_a_current_database(db_path: Path) -> None:
    open_database(db_path)
    handle = open_database(db_path, read_only=True)
    conn = handle.connect()
    try:
        assert getattr(conn, "read_only", False)
        assert applied_names(conn) == file_stems()
    finally:
        conn.close()


# --- splitting scripts --------------------------------------------------------------


def test_split_keeps_a_trigger_as_one_statement() -> None:
    script = textwrap.dedent(
        """
        -- a comment; with a semicolon
        CREATE TABLE a (x TEXT);
        CREATE TRIGGER a_no_update BEFORE UPDATE ON a
        BEGIN
            SELECT RAISE(ABORT, 'no; never');
            SELECT 1;
        END;
        INSERT INTO a VALUES ('semi;colon
        across lines;');
        -- trailing comment
        """
    )
    statements = split_statements(script)
    assert len(statements) == 3
    assert statements[1].startswith("CREATE TRIGGER a_no_update")
    assert statements[1].endswith("END;")
    assert "SELECT 1;" in statements[1]
    assert statements[2].startswith("INSERT INTO a")
    assert all(sqlite3.complete_statement(s) for s in statements)


def test_split_separates_statements_sharing_a_line() -> None:
    statements = split_statements("CREATE TABLE a (x); CREATE TABLE b (y);\n")
    assert [" ".join(s.split()) for s in statements] == [
        "CREATE TABLE a (x);",
        "CREATE TABLE b (y);",
    ]


def test_split_refuses_an_unfinished_statement() -> None:
    with pytest.raises(ValueError):
        split_statements("CREATE TABLE a (x);\nCREATE TABLE b (y)\n")
    with pytest.raises(ValueError):
        split_statements("CREATE TRIGGER t BEFORE DELETE ON a BEGIN SELECT 1; \n")


def test_split_accepts_empty_and_comment_only_scripts() -> None:
    assert split_statements("") == []
    assert split_statements("-- nothing here\n\n-- still nothing\n") == []


def test_every_migration_file_splits_into_single_runnable_statements(fresh) -> None:
    """``execute()`` takes one statement at a time: each piece must be exactly one."""
    conn = fresh("by_statement.db")
    with transaction(conn):
        for path in sorted((data_dir("db") / "migrations").glob("*.sql")):
            statements = split_statements(path.read_text(encoding="utf-8"))
            assert statements, path.name
            for statement in statements:
                conn.execute(statement)
    assert {"audit_log", "metrics", "placements"} <= {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }


# --- what the schema promises --------------------------------------------------------


def test_audit_log_triggers_exist(conn: sqlite3.Connection) -> None:
    triggers = {
        row[0]: row[1]
        for row in conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
    }
    assert triggers.get("audit_log_no_update") == "audit_log"
    assert triggers.get("audit_log_no_delete") == "audit_log"


def test_the_five_default_metrics(conn: sqlite3.Connection) -> None:
    rows = conn.execute("SELECT code, is_area FROM metrics ORDER BY sort_order").fetchall()
    assert [r[0] for r in rows] == METRIC_CODES
    assert {r[0] for r in rows if r[1]} == {"measured_area", "demolished_area"}


def test_every_table_is_strict(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name != '_sqlite_migrations'"
        # FTS5 indexes and their shadow tables cannot be STRICT
        " AND name IN (SELECT name FROM pragma_table_list WHERE type = 'table')"
    ).fetchall()
    assert rows
    for name, sql in rows:
        assert sql.rstrip().endswith("STRICT"), name


def test_views_compile(conn: sqlite3.Connection) -> None:
    views = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")]
    assert views
    for view in views:
        conn.execute(f"SELECT * FROM {view} LIMIT 1").fetchall()


def seed_cadres(conn: sqlite3.Connection, count: int = 2) -> None:
    conn.execute("INSERT INTO sending_units (id, code, name) VALUES (1, 'S1', '区发改委')")
    conn.execute(
        "INSERT INTO receiving_units (id, code, name, default_mode)"
        " VALUES (1, 'R1', '城东镇', 'stationed_village')"
    )
    for n in range(1, count + 1):
        conn.execute(
            "INSERT INTO cadres (id, name, gender, birth_date, id_number, sending_unit_id,"
            " category, created_at, updated_at) VALUES (?, ?, 'M', '1990-01-01', ?, 1,"
            " 'reserve_cadre', '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')",
            (n, f"干部{n}", f"ID{n}"),
        )
    conn.execute(
        "INSERT INTO batches (id, number, name, start_date) VALUES (1, 1, '第一批', '2024-03-01')"
    )
    conn.execute(
        "INSERT INTO working_groups (id, batch_id, receiving_unit_id, name, mode)"
        " VALUES (1, 1, 1, '一组', 'stationed_village'), (2, 1, 1, '二组', 'stationed_village')"
    )


def place(conn: sqlite3.Connection, cadre: int, group: int, start: str, end: str | None) -> None:
    conn.execute(
        "INSERT INTO placements (cadre_id, group_id, start_date, end_date) VALUES (?, ?, ?, ?)",
        (cadre, group, start, end),
    )


def test_one_active_placement_per_cadre(conn: sqlite3.Connection) -> None:
    seed_cadres(conn)
    place(conn, 1, 1, "2024-03-01", "2024-06-30")
    place(conn, 1, 2, "2024-07-01", "2024-09-30")  # ended placements do not count
    place(conn, 1, 1, "2024-10-01", None)
    place(conn, 2, 1, "2024-10-01", None)  # another cadre may be active at once
    with pytest.raises(sqlite3.IntegrityError, match="placements.cadre_id|UNIQUE"):
        place(conn, 1, 2, "2024-10-02", None)
    conn.execute(
        "UPDATE placements SET end_date = '2024-12-31' WHERE cadre_id = 1 AND end_date IS NULL"
    )
    place(conn, 1, 2, "2025-01-01", None)
    active = conn.execute(
        "SELECT cadre_id, group_id FROM placements WHERE end_date IS NULL ORDER BY cadre_id"
    ).fetchall()
    assert [tuple(r) for r in active] == [(1, 2), (2, 1)]


def test_placement_foreign_keys_and_dates_are_checked(conn: sqlite3.Connection) -> None:
    seed_cadres(conn)
    with pytest.raises(sqlite3.IntegrityError):
        place(conn, 99, 1, "2024-03-01", None)
    with pytest.raises(sqlite3.IntegrityError):
        place(conn, 1, 1, "2024-03-01", "2024-02-01")


# --- two processes at once ------------------------------------------------------------

OPENER = textwrap.dedent(
    """
    import os, pathlib, sys
    import sqlite_utils  # loaded up front so both processes race on the database itself
    from cadre_tui.store.database import open_database

    folder, me, other, rounds = pathlib.Path(sys.argv[1]), *sys.argv[2:4], int(sys.argv[4])
    errors = []
    for i in range(rounds):
        (folder / "sync" / f"{i}-{me}").touch()
        theirs = str(folder / "sync" / f"{i}-{other}")
        while not os.path.exists(theirs):
            pass
        try:
            open_database(folder / "db" / f"{i}.db")
        except Exception as exc:
            errors.append(f"round {i}: {type(exc).__name__}: {exc}")
    print("\\n".join(errors), file=sys.stderr)
    sys.exit(1 if errors else 0)
    """
)


def test_two_processes_opening_a_new_file_at_once(tmp_path: Path) -> None:
    rounds = 20
    (tmp_path / "sync").mkdir()
    (tmp_path / "db").mkdir()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, str(tmp_path), name, other, str(rounds)],
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
    failures = [
        err.strip() for proc, (_, err) in zip(procs, results, strict=True) if proc.returncode
    ]
    assert not failures, "\n".join(failures)
    for i in range(rounds):
        conn = connect(tmp_path / "db" / f"{i}.db")
        try:
            names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
            assert names == file_stems(), f"round {i}: applied {names}"
            assert conn.execute("SELECT count(*) FROM metrics").fetchone()[0] == 5
        finally:
            conn.close()
