"""Issue 8: exactly one audit row per write, over 1,000 random store operations of many kinds.

The operations run on a copy of the demo programme, chosen by a seeded
``random.Random`` so a failure replays. Each is judged on its own: when it changed
a row (SQLite's own count of rows inserted, updated or deleted, less the audit
rows) it must have added exactly one audit row, for its entity; when it changed
nothing or was refused it must have added none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from cadre_tui.domain.enums import CadreStatus, Gender
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre, Placement
from cadre_tui.domain.pool_query import PoolFilter
from cadre_tui.errors import CadreError
from cadre_tui.store import (
    cadres,
    figure_ledger,
    figures,
    placements,
    saved_filters,
    units,
    working_groups,
)
from cadre_tui.store.connection import connect
from cadre_tui.store.sqlite import sqlite3

pytestmark = pytest.mark.stress

OPERATIONS, SEED = 1000, 20260308
POSTS = ("科员", "副科长", "科长")
OFFICES = ("指挥部", "镇政府二楼", "村委会")
FILTER_NAMES = tuple(f"筛选{n}" for n in range(6))
FILTER_TEXTS = ("张", "王", "")


class Programme:
    """Random store operations on the demo's active batch; each returns the entity it writes."""

    def __init__(self, conn: sqlite3.Connection, rng: random.Random) -> None:
        self.conn, self.rng = conn, rng
        active = conn.execute("SELECT id FROM batches WHERE state = 'active'").fetchone()[0]
        self.groups = [g.id for g in working_groups.list_working_groups(conn, active)]
        self.placements = [
            p for p in placements.list_placements(conn, batch_id=active) if p.is_active
        ]
        self.modes = {g: working_groups.get_working_group(conn, g).mode for g in self.groups}
        self.metrics = [m.code for m in figures.list_metrics(conn)]
        self.unit_ids = [u.id for u in units.list_sending_units(conn)]
        self.entries: list[int] = []
        self.serial = 0

    def cadre_id(self) -> int:
        return self.rng.choice([row[0] for row in self.conn.execute("SELECT id FROM cadres")])

    def create_cadre(self) -> str:
        birth = dt.date(1985, 1, 1) + dt.timedelta(days=self.serial // 400)
        number = make_id_number("320499", birth, (self.serial % 400) * 2 + 1, "M")
        self.serial += 1
        record = NewCadre(
            name=self.rng.choice(("张伟", "欧阳明辉", "李娜")),
            gender=Gender.MALE,
            birth_date=birth,
            id_number=number,
            sending_unit_id=self.rng.choice(self.unit_ids),
            category="reserve_cadre",
            phone=self.rng.choice(("13812345678", "12345")),  # the second is refused
        )
        cadres.create_cadre(self.conn, record)
        return "cadre"

    def update_cadre(self) -> str:
        cadre = cadres.get_cadre(self.conn, self.cadre_id())
        record = dataclasses.replace(cadre.record(), post=self.rng.choice(POSTS))
        cadres.update_cadre(self.conn, cadre.id, record, expected_version=cadre.row_version)
        return "cadre"

    def set_status(self) -> str:
        cadres.set_cadre_status(self.conn, self.cadre_id(), self.rng.choice(list(CadreStatus)))
        return "cadre"

    def save_filter(self) -> str:
        text = self.rng.choice(FILTER_TEXTS)
        saved_filters.save_filter(self.conn, self.rng.choice(FILTER_NAMES), PoolFilter(text=text))
        return "saved_filter"

    def delete_filter(self) -> str:
        saved_filters.delete_saved_filter(self.conn, self.rng.choice(FILTER_NAMES))
        return "saved_filter"

    def update_group(self) -> str:
        working_groups.update_working_group(
            self.conn, self.rng.choice(self.groups), office=self.rng.choice(OFFICES)
        )
        return "working_group"

    def day(self, placement: Placement) -> dt.date:
        return placement.start_date + dt.timedelta(days=self.rng.randrange(60))

    def record_figure(self) -> str:
        placement = self.rng.choice(self.placements)
        entry = figures.record_figure(
            self.conn,
            placement_id=placement.id,
            entry_date=self.day(placement),
            metric_code=self.rng.choice(self.metrics),
            value=self.rng.choice((0, 1, 2, 3.5)),  # zero is refused
        )
        self.entries.append(entry.id)
        return "figure_entry"

    def correct_figure(self) -> str:
        if not self.entries:
            return self.record_figure()
        entry_id = self.rng.choice(self.entries)
        figures.correct_figure(self.conn, entry_id, self.rng.choice((0, 1, 2, 4)))
        return "figure_entry"

    def set_day_figure(self) -> str:
        placement = self.rng.choice(self.placements)
        figure_ledger.set_day_figure(
            self.conn,
            placement_id=placement.id,
            cadre_id=placement.cadre_id,
            day=self.day(placement),
            metric_code=self.rng.choice(self.metrics),
            place=figures.default_place(self.modes[placement.group_id], placement),
            value=self.rng.choice((0, 1, 3)),
        )
        return "figure_entry"

    def set_unit_leader(self) -> str:
        units.set_sending_unit_leader(
            self.conn, self.rng.choice(self.unit_ids), self.rng.choice(("周强", "吴敏"))
        )
        return "sending_unit"

    def add_officer(self) -> str:
        units.add_officer(self.conn, self.rng.choice(("陆晓东", "钱佳怡")), "13900001111")
        return "officer"

    def all(self) -> list[Callable[[], str]]:
        return [
            self.create_cadre,
            self.update_cadre,
            self.set_status,
            self.save_filter,
            self.delete_filter,
            self.update_group,
            self.record_figure,
            self.correct_figure,
            self.set_day_figure,
            self.set_unit_leader,
            self.add_officer,
        ]


def last_audit_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]


def test_one_audit_row_per_write_over_1000_random_operations(demo_copy: Path) -> None:
    conn = connect(demo_copy)
    rng = random.Random(SEED)
    programme = Programme(conn, rng)
    operations = programme.all()
    outcomes: Counter[str] = Counter()
    writes = 0
    audit_start = last_audit_id(conn)
    try:
        for number in range(OPERATIONS):
            operation = rng.choice(operations)
            changes, since = conn.total_changes, last_audit_id(conn)
            try:
                entity = operation()
            except CadreError:
                entity = None
            added = conn.execute(
                "SELECT entity FROM audit_log WHERE id > ? ORDER BY id", (since,)
            ).fetchall()
            rows_changed = conn.total_changes - changes - len(added)
            where = f"operation {number}: {operation.__name__}"
            if entity is None:
                outcomes[f"{operation.__name__} refused"] += 1
                assert added == [], f"{where} was refused but audited"
            elif rows_changed:
                outcomes[f"{operation.__name__} wrote"] += 1
                writes += 1
                assert [row[0] for row in added] == [entity], where
            else:
                outcomes[f"{operation.__name__} changed nothing"] += 1
                assert added == [], f"{where} changed nothing but was audited"
        assert last_audit_id(conn) - audit_start == writes
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    print(sorted(outcomes.items()))
    assert {op.__name__ for op in operations} <= {k.split()[0] for k in outcomes if "wrote" in k}
    assert sum(n for k, n in outcomes.items() if "wrote" not in k) > 50, "no-ops and refusals too"
