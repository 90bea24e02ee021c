"""Backups while two processes write, rotation, file modes, restore round trips and
refusals, and the quick/integrity checks the app runs at start."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cadre_tui.domain.enums import CadreCategory, Gender, PartyStatus
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.errors import CadreError
from cadre_tui.store import backup, cadres, units
from cadre_tui.store.connection import connect
from cadre_tui.store.database import Database
from cadre_tui.store.health import integrity_check, quick_check
from cadre_tui.store.sqlite import sqlite3

WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from pathlib import Path
    from cadre_tui.domain.enums import CadreCategory, Gender, PartyStatus
    from cadre_tui.domain.identity import make_id_number
    from cadre_tui.domain.model import NewCadre
    from cadre_tui.store import cadres, units
    from cadre_tui.store.connection import connect

    db, kind, unit_id, stop = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    conn = connect(db)
    written = 0
    while written < 5000 and (written < 3 or not stop.exists()):
        if kind == "cadre":
            birth = dt.date(1988, 1, 1) + dt.timedelta(days=written)
            cadres.create_cadre(conn, NewCadre(
                name="李娜", gender=Gender.FEMALE, birth_date=birth,
                id_number=make_id_number("320412", birth, 2, "F"), sending_unit_id=unit_id,
                category=CadreCategory.RESERVE_CADRE, phone="13812345678",
                party_status=PartyStatus.MEMBER, party_joined_on=dt.date(2012, 6, 1),
                work_started_on=dt.date(2013, 8, 1), education="大学本科", degree="学士",
                post="科员", rank="一级科员"))
        else:
            units.create_sending_unit(conn, code=f"W{written}", name=f"写入单位{written}")
        written += 1
        if written == 3:
            print("ready", flush=True)
    print(written, flush=True)
    """
)


def count(conn: sqlite3.Connection, sql: str, *params: object) -> int:
    return conn.execute(sql, params).fetchone()[0]


def add_cadre(conn: sqlite3.Connection, unit_id: int, sequence: int) -> None:
    birth = dt.date(1994, 5, 17)
    cadres.create_cadre(
        conn,
        NewCadre(
            name="张伟",
            gender=Gender.MALE,
            birth_date=birth,
            id_number=make_id_number("320412", birth, sequence, "M"),
            sending_unit_id=unit_id,
            category=CadreCategory.RESERVE_CADRE,
            phone="13812345678",
            party_status=PartyStatus.MEMBER,
            party_joined_on=dt.date(2015, 6, 1),
            work_started_on=dt.date(2016, 8, 1),
            education="大学本科",
            degree="学士",
            post="科员",
            rank="一级科员",
        ),
    )


def ids(conn: sqlite3.Connection, table: str) -> set[int]:
    return {row[0] for row in conn.execute(f"SELECT id FROM {table}")}


def audited(conn: sqlite3.Connection, entity: str) -> list[int]:
    rows = conn.execute(
        "SELECT entity_id FROM audit_log WHERE action = 'create' AND entity = ?", (entity,)
    )
    return [row[0] for row in rows]


def test_a_backup_taken_while_two_processes_write_is_a_consistent_snapshot(
    database: Database, tmp_path: Path
) -> None:
    conn = database.connect()
    unit = units.create_sending_unit(conn, code="D1", name="区财政局")
    conn.close()
    stop = tmp_path / "stop"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(database.path), kind, str(unit.id), str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for kind in ("cadre", "unit")
    ]
    results = []
    try:
        for writer in writers:
            assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
        for _ in range(3):
            results.append(backup.take_backup(database.path, keep=10))
    finally:
        stop.touch()
        outputs = [writer.communicate() for writer in writers]
    assert all(writer.returncode == 0 for writer in writers), [err for _, err in outputs]
    written = [int(out.split()[-1]) for out, _ in outputs]

    for result in results:
        copy = sqlite3.connect(f"file:{result.path}?mode=ro", uri=True)
        try:
            assert integrity_check(copy) == []
            cadre_ids, unit_ids = ids(copy, "cadres"), ids(copy, "sending_units")
            assert sorted(audited(copy, "cadre")) == sorted(cadre_ids)
            assert sorted(audited(copy, "sending_unit")) == sorted(unit_ids)
            assert result.counts["cadres"] == len(cadre_ids) >= 3
            assert result.counts["sending_units"] == len(unit_ids) >= 4
            assert result.counts["audit_log"] == count(copy, "SELECT COUNT(*) FROM audit_log")
        finally:
            copy.close()
    live = connect(database.path)
    try:
        assert len(ids(live, "cadres")) == written[0]
        assert len(ids(live, "sending_units")) == written[1] + 1
    finally:
        live.close()
    assert not list(backup.default_backup_dir(database.path).glob(".*partial"))


def test_rotation_keeps_the_newest_and_touches_only_this_databases_backups(
    database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    strangers = [folder / "other-20200101-000000.db", folder / "notes.txt"]
    for path in strangers:
        path.write_text("not ours")
    (folder / "cadre-20200101-000000-replaced.db").write_text("kept by a restore")
    start = dt.datetime(2026, 11, 1, 9, 0, 0)
    taken = [
        backup.take_backup(database.path, folder, keep=2, now=start + dt.timedelta(hours=h))
        for h in (0, 1, 2, 2)
    ]
    assert taken[2].path.name == "cadre-20261101-110000.db"
    assert taken[3].path.name == "cadre-20261101-110000-2.db"
    assert taken[2].removed == [taken[0].path] and taken[3].removed == [taken[1].path]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            "cadre-20200101-000000-replaced.db",
            "cadre-20261101-110000.db",
            "cadre-20261101-110000-2.db",
            "notes.txt",
            "other-20200101-000000.db",
        ]
    )
    assert backup.latest_backup(database.path, folder) == taken[3].path
    assert backup.latest_backup(database.path) is None


def test_latest_backup_uses_the_backup_commands_default_folder(database: Database) -> None:
    result = backup.take_backup(database.path)
    assert result.path.parent == database.path.parent / "backups"
    assert backup.latest_backup(database.path) == result.path
    assert quick_check(result.path) == []


@pytest.mark.parametrize(
    ("shared", "file_mode", "dir_mode"), [(False, 0o600, 0o700), (True, 0o660, 0o2770)]
)
def test_backup_files_are_as_private_as_the_database(
    tmp_path: Path, shared: bool, file_mode: int, dir_mode: int
) -> None:
    home = tmp_path / "office"
    home.mkdir()
    os.chmod(home, 0o2770 if shared else 0o700)
    from cadre_tui.store.database import open_database

    db = open_database(home / "cadre.db")
    result = backup.take_backup(db.path)
    assert stat.S_IMODE(result.path.stat().st_mode) == file_mode
    assert stat.S_IMODE(result.path.parent.stat().st_mode) == dir_mode


def test_restore_round_trips_and_keeps_the_replaced_database(database: Database) -> None:
    conn = database.connect()
    unit = units.create_sending_unit(conn, code="D1", name="区财政局")
    add_cadre(conn, unit.id, 1)
    saved = backup.take_backup(database.path)
    add_cadre(conn, unit.id, 3)
    later_audit = count(conn, "SELECT COUNT(*) FROM audit_log")
    result = backup.restore(database.path, saved.path)
    # the connection that stayed open sees the restored content at once
    assert count(conn, "SELECT COUNT(*) FROM cadres") == 1
    assert count(conn, "SELECT COUNT(*) FROM audit_log") == saved.counts["audit_log"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert result.counts == saved.counts and result.migrated == []
    assert integrity_check(database.path) == []
    assert result.replaced.path.name.endswith("-replaced.db")
    assert result.replaced.counts["cadres"] == 2
    assert result.replaced.counts["audit_log"] == later_audit
    assert backup.latest_backup(database.path) == saved.path
    # and back again: restoring the replaced copy returns the later state
    backup.restore(database.path, result.replaced.path)
    again = connect(database.path)
    try:
        assert count(again, "SELECT COUNT(*) FROM cadres") == 2
    finally:
        again.close()


def damaged_copy(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page + 8 : page * 3] = b"\xff" * (page * 3 - page - 8)
    target.write_bytes(bytes(data))
    return target


def test_restore_refuses_damaged_foreign_newer_and_missing_files(
    database: Database, tmp_path: Path
) -> None:
    conn = database.connect()
    for code in range(60):
        units.create_sending_unit(conn, code=f"U{code}", name=f"单位{code}" * 20)
    conn.close()
    good = backup.take_backup(database.path).path
    before = database.path.read_bytes()

    damaged = damaged_copy(good, tmp_path / "damaged.db")
    assert integrity_check(damaged) != []
    assert quick_check(damaged) != []

    foreign = tmp_path / "foreign.db"
    other = sqlite3.connect(foreign)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()

    newer = tmp_path / "newer.db"
    newer.write_bytes(good.read_bytes())
    other = sqlite3.connect(newer)
    other.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('cadre_tui', '9999_from_the_future', '2030-01-01')"
    )
    other.commit()
    other.close()

    junk = tmp_path / "junk.db"
    junk.write_text("not a database at all")

    cases = {
        damaged: "backup.restore_damaged",
        foreign: "backup.restore_not_cadre",
        newer: "backup.restore_newer",
        junk: "backup.restore_unreadable",
        tmp_path / "missing.db": "backup.file_missing",
        database.path: "backup.restore_same_file",
    }
    for source, key in cases.items():
        with pytest.raises(CadreError) as caught:
            backup.restore(database.path, source)
        assert caught.value.key == key, source
    assert database.path.read_bytes() == before
    assert backup.list_backups(database.path, include_replaced=True)[-1].path == good


def test_restore_refuses_a_database_someone_keeps_busy(database: Database) -> None:
    saved = backup.take_backup(database.path)
    holder = database.connect()
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(CadreError) as caught:
            backup.restore(database.path, saved.path, busy_timeout_ms=0)
        assert caught.value.key == "error.db_locked"
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_checks_take_a_path_or_a_connection(database: Database, tmp_path: Path) -> None:
    assert quick_check(database.path) == []
    assert integrity_check(database.path) == []
    conn = database.connect()
    try:
        assert quick_check(conn) == [] and integrity_check(conn) == []
    finally:
        conn.close()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"x" * 4096)
    assert quick_check(junk) != []
    with pytest.raises(CadreError):
        quick_check(tmp_path / "missing.db")
