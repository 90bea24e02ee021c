"""Several coordinator processes on one file: starting them, and judging what they left.

The children run ``store_writer.py`` as a script (see its docstring); these
fixtures start them, release them together and collect their reports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cadre_tui.store import units
from cadre_tui.store.database import Database, open_database
from cadre_tui.store.sqlite import sqlite3

WRITER = Path(__file__).with_name("store_writer.py")
"""Passed to the children by path: they import cadre_tui as installed, not from here."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The stress proofs run one after another on one worker (``--dist loadgroup``):
    each loads both cores with its own processes, and two at once would starve them
    (a starved reader holds the WAL back, and the size proof measures exactly that)."""
    for item in items:
        if "tests/stress/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.xdist_group("stress"))


def writer_command(*args: object) -> list[str]:
    return [sys.executable, str(WRITER), *map(str, args)]


@pytest.fixture
def writer() -> Callable[..., list[str]]:
    """The command line running store_writer.py with these arguments."""
    return writer_command


@pytest.fixture
def programme(db_path: Path) -> Callable[[int], list[int]]:
    """A migrated file with one sending unit per coordinator; returns the units' ids."""

    def make(coordinators: int) -> list[int]:
        conn = open_database(db_path).connect()
        try:
            return [
                units.create_sending_unit(conn, code=f"W{n}", name=f"第{n}单位").id
                for n in range(coordinators)
            ]
        finally:
            conn.close()

    return make


class Coordinators:
    """Child processes each making ``count`` writes through the store, released at once."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[str]] = []

    def start(self, path: Path, unit_ids: list[int], count: int) -> None:
        for worker, unit_id in enumerate(unit_ids):
            self.procs.append(
                subprocess.Popen(
                    writer_command("batch", path, worker, unit_id, count),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        for proc in self.procs:
            assert proc.stdout is not None and proc.stderr is not None
            line = proc.stdout.readline()
            assert line.strip() == "ready", proc.stderr.read()
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()

    def running(self) -> bool:
        return any(proc.poll() is None for proc in self.procs)

    def reports(self, timeout: float = 120) -> list[dict]:
        """Each child's report: ``{"writes": n, "errors": [...]}``."""
        found = []
        for proc in self.procs:
            out, err = proc.communicate(timeout=timeout)
            assert proc.returncode == 0, err
            found.append(json.loads(out.strip().splitlines()[-1]))
        return found

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.fixture
def coordinators() -> Iterator[Coordinators]:
    group = Coordinators()
    try:
        yield group
    finally:
        group.stop()


def integrity(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("PRAGMA integrity_check")]


def half_written(conn: sqlite3.Connection) -> list[str]:
    """Rows without their audit row, audit rows without their change: a partial transaction."""
    problems = []
    created = {
        entity: {
            row[0]
            for row in conn.execute(
                "SELECT entity_id FROM audit_log WHERE entity = ? AND action = 'create'", (entity,)
            )
        }
        for entity in ("cadre", "saved_filter")
    }
    for entity, table in (("cadre", "cadres"), ("saved_filter", "saved_filters")):
        stored = {row[0] for row in conn.execute(f"SELECT id FROM {table}")}
        if stored - created[entity]:
            problems.append(f"{table} without an audit row: {sorted(stored - created[entity])}")
        if created[entity] - stored:
            problems.append(f"audit rows of missing {table}: {sorted(created[entity] - stored)}")
    mismatched = conn.execute(
        "SELECT c.id, c.row_version, count(a.id) FROM cadres c"
        " LEFT JOIN audit_log a ON a.entity = 'cadre' AND a.entity_id = c.id"
        "  AND a.action = 'set_status'"
        " GROUP BY c.id HAVING c.row_version != count(a.id) + 1"
    ).fetchall()
    if mismatched:
        rows = [tuple(row) for row in mismatched[:5]]
        problems.append(f"status moves without audit rows (id, version, rows): {rows}")
    return problems


@pytest.fixture
def check_store() -> Callable[[Path], None]:
    """Open the file as a new coordinator would and assert it is whole and consistent."""

    def check(path: Path) -> None:
        conn = Database(path).connect()
        try:
            assert integrity(conn) == ["ok"]
            assert half_written(conn) == []
        finally:
            conn.close()

    return check
