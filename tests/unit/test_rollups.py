"""Field-status roll-ups against brute force: random placements, ledgers (with
corrections, a removed line and a group changing mode) and targets, every level
and the weekly trend compared with a plain Python sum of the same rows; then the
percent of target, the not-reporting rule on its date boundaries, and query plans
that never walk the whole ledger."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadre_tui.domain.enums import ManagementMode
from cadre_tui.services import field_status as fs
from cadre_tui.store import figures
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.store.sqlite import sqlite3

TODAY = dt.date(2026, 11, 27)  # a Friday
START = dt.date(2026, 9, 1)
CODES = [
    "measured_households",
    "measured_area",
    "signed_households",
    "demolished_households",
    "demolished_area",
]
MODES = [mode.value for mode in ManagementMode]
WEEKS = 6


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty database, copied for each example."""
    path = tmp_path_factory.mktemp("rollups") / "template.db"
    open_database(path)
    return path


@pytest.fixture
def fresh(template: Path, tmp_path: Path) -> Iterator[object]:
    opened: list[sqlite3.Connection] = []

    def make() -> sqlite3.Connection:
        path = tmp_path / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(template, path)
        conn = connect(path)
        opened.append(conn)
        return conn

    yield make
    for conn in opened:
        conn.close()


# -- a programme built from plain rows --------------------------------------------------------


@dataclass
class World:
    """What was written, to sum by hand: groups, placements, ledger lines, targets."""

    groups: dict[int, dict] = field(default_factory=dict)  # id -> batch, unit, mode, name
    placements: dict[int, dict] = field(default_factory=dict)  # id -> cadre, group, start, end
    lines: list[tuple[int, dt.date, str, float]] = field(default_factory=list)
    targets: dict[tuple[str, int, int], dict[str, float]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    batches: list[int] = field(default_factory=list)


def organisation(conn: sqlite3.Connection, batch_count: int, unit_count: int) -> None:
    conn.execute("INSERT INTO programme (id, name) VALUES (1, '测试计划')")
    conn.execute("INSERT INTO sending_units (id, code, name) VALUES (1, 'S1', '区财政局')")
    for unit in range(1, unit_count + 1):
        conn.execute(
            "INSERT INTO receiving_units (id, code, name, default_mode) VALUES (?, ?, ?, ?)",
            (unit, f"R{unit}", f"接收{unit}", MODES[unit % 3]),
        )
    for batch in range(1, batch_count + 1):
        conn.execute(
            "INSERT INTO batches (id, number, name, start_date, state) VALUES (?, ?, ?, ?, ?)",
            (batch, batch, f"第{batch}批", START.isoformat(), "active"),
        )


def add_cadre(conn: sqlite3.Connection, world: World, cadre: int) -> None:
    name = f"干部{cadre:02d}"
    world.names[cadre] = name
    conn.execute(
        "INSERT INTO cadres (id, name, name_pinyin, gender, birth_date, id_number,"
        " sending_unit_id, category, created_at, updated_at) VALUES"
        " (?, ?, ?, 'M', '1990-01-01', ?, 1, 'reserve_cadre', 'x', 'x')",
        (cadre, name, f"ganbu{cadre:02d}", f"ID{cadre}"),
    )


@st.composite
def worlds(draw: st.DrawFn) -> dict:
    batch_count = draw(st.integers(1, 2))
    unit_count = draw(st.integers(1, 3))
    groups = draw(
        st.lists(
            st.tuples(
                st.integers(1, batch_count), st.integers(1, unit_count), st.sampled_from(MODES)
            ),
            min_size=1,
            max_size=5,
        )
    )
    cadres = draw(st.integers(1, 8))
    placements = []
    for cadre in range(1, cadres + 1):
        group = draw(st.integers(0, len(groups) - 1))
        moved = draw(st.booleans())
        if moved:
            until = draw(st.integers(5, 60))
            placements.append((cadre, group, 0, until))
            group = draw(st.integers(0, len(groups) - 1))
            placements.append((cadre, group, until + 1, None))
        else:
            placements.append((cadre, group, draw(st.integers(0, 40)), None))
    days = (TODAY - START).days + 10  # a few lines after "today" too
    lines = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(placements) - 1),
                st.integers(0, days),
                st.sampled_from(CODES),
                st.integers(1, 5000),
                st.sampled_from([None, None, 0, -3, 7]),  # a correction's difference
            ),
            max_size=60,
        )
    )
    scopes = ["batch", "receiving_unit", "group", "cadre"]
    targets = draw(
        st.lists(
            st.tuples(
                st.sampled_from(scopes),
                st.integers(0, 9),
                st.sampled_from(CODES),
                st.integers(0, 900),
            ),
            max_size=25,
        )
    )
    return {
        "batches": batch_count,
        "units": unit_count,
        "groups": groups,
        "placements": placements,
        "lines": lines,
        "targets": targets,
        "remove_one": draw(st.booleans()),
        "mode_change": draw(st.none() | st.tuples(st.integers(0, 4), st.sampled_from(MODES))),
        "since": START + dt.timedelta(days=draw(st.integers(0, (TODAY - START).days))),
    }


def build(conn: sqlite3.Connection, plan: dict) -> World:
    """Write ``plan`` (structure as rows, figures and targets through the store's bulk
    functions, so the ledger's triggers do their work) and remember it."""
    world = World(batches=list(range(1, plan["batches"] + 1)))
    organisation(conn, plan["batches"], plan["units"])
    for index, (batch, unit, mode) in enumerate(plan["groups"], start=1):
        conn.execute(
            "INSERT INTO working_groups (id, batch_id, receiving_unit_id, name, mode, state)"
            " VALUES (?, ?, ?, ?, ?, 'active')",
            (index, batch, unit, f"组{index}", mode),
        )
        world.groups[index] = {"batch": batch, "unit": unit, "mode": mode}
    for cadre in sorted({p[0] for p in plan["placements"]}):
        add_cadre(conn, world, cadre)
    for pid, (cadre, group, start, end) in enumerate(plan["placements"], start=1):
        begin = START + dt.timedelta(days=start)
        finish = None if end is None else START + dt.timedelta(days=end)
        conn.execute(
            "INSERT INTO placements (id, cadre_id, group_id, start_date, end_date)"
            " VALUES (?, ?, ?, ?, ?)",
            (pid, cadre, group + 1, begin.isoformat(), finish and finish.isoformat()),
        )
        world.placements[pid] = {"cadre": cadre, "group": group + 1, "start": begin, "end": finish}
    rows, corrections = [], []
    for index, (placement, day, code, value, correction) in enumerate(plan["lines"], start=1):
        pid = placement + 1
        on = START + dt.timedelta(days=day)
        amount = value / 10 if code.endswith("area") else float(value)
        rows.append(
            (pid, world.placements[pid]["cadre"], on.isoformat(), code, amount)
            + (None, None, "test", "2026-01-01T00:00:00+00:00")
        )
        world.lines.append((pid, on, code, amount))
        if correction is not None:
            corrections.append((index, pid, on, code, float(correction)))
    figures.insert_figure_entries(conn, rows)
    for original, pid, on, code, difference in corrections:
        conn.execute(
            "INSERT INTO figure_entries (placement_id, cadre_id, entry_date, metric_code, value,"
            " corrects_id, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?, 'test', 'x')",
            (pid, world.placements[pid]["cadre"], on.isoformat(), code, difference, original),
        )
        world.lines.append((pid, on, code, difference))
    if plan["remove_one"] and plan["lines"]:  # the newest line: nothing corrects it
        conn.execute("DELETE FROM figure_entries WHERE id = (SELECT MAX(id) FROM figure_entries)")
        pid, on, code, _ = world.lines[-1]
        world.lines[-1] = (pid, on, code, 0.0)
    if plan["mode_change"] is not None:
        group = plan["mode_change"][0] % len(world.groups) + 1
        conn.execute(
            "UPDATE working_groups SET mode = ? WHERE id = ?", (plan["mode_change"][1], group)
        )
        world.groups[group]["mode"] = plan["mode_change"][1]
    target_rows = {}
    units = sorted({(g["batch"], g["unit"]) for g in world.groups.values()})
    for scope, pick, code, value in plan["targets"]:
        if scope == "batch":
            batch = world.batches[pick % len(world.batches)]
            key = (batch, scope, batch, code)
        elif scope == "receiving_unit":
            batch, unit = units[pick % len(units)]
            key = (batch, scope, unit, code)
        elif scope == "group":
            group = pick % len(world.groups) + 1
            key = (world.groups[group]["batch"], scope, group, code)
        else:
            placement = world.placements[pick % len(world.placements) + 1]
            key = (world.groups[placement["group"]]["batch"], scope, placement["cadre"], code)
        target_rows[key] = float(value)
    figures.insert_targets(conn, [(*key, value) for key, value in target_rows.items()])
    for (batch, scope, scope_id, code), value in target_rows.items():
        world.targets.setdefault((scope, batch, scope_id), {})[code] = value
    return world


# -- brute force ----------------------------------------------------------------------------------


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def window() -> list[dt.date]:
    last = monday(TODAY)
    return [last - dt.timedelta(weeks=WEEKS - 1 - n) for n in range(WEEKS)]


def sums(world: World, key, since: dt.date | None = None) -> dict:  # noqa: ANN001
    """{node: {code: total}} and {node: {code: {monday: total}}} by ``key(line)``."""
    totals: dict = defaultdict(lambda: defaultdict(float))
    weekly: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
    for pid, on, code, amount in world.lines:
        node = key(world, pid)
        if node is None:
            continue
        if since is None or on >= since:
            totals[node][code] += amount
        weekly[node][code][monday(on)] += amount
    return totals, weekly


def by_batch(world: World, pid: int) -> int:
    return world.groups[world.placements[pid]["group"]]["batch"]


def by_group(world: World, pid: int) -> int:
    return world.placements[pid]["group"]


def check(node: fs.Progress, totals: dict, weekly: dict, target: dict[str, float]) -> None:
    assert [m.code for m in node.metrics] == CODES
    for metric in node.metrics:
        assert metric.total == pytest.approx(totals.get(metric.code, 0.0), abs=1e-6), (
            node.kind,
            node.id,
            metric.code,
        )
        expected = [weekly.get(metric.code, {}).get(week, 0.0) for week in window()]
        assert list(metric.weekly) == pytest.approx(expected, abs=1e-6), (node.kind, node.id)
        assert metric.target == target.get(metric.code)
        if metric.target:
            assert metric.percent == pytest.approx(metric.total / metric.target * 100)
        else:
            assert metric.percent is None


def all_of(parts: list[dict[str, float]]) -> dict[str, float]:
    if not parts:
        return {}
    shared = set(parts[0]).intersection(*parts[1:])
    return {code: sum(part[code] for part in parts) for code in shared}


class Goals:
    """The target rule by hand: a node's own, else the sum of its children's when
    every child has one."""

    def __init__(self, world: World) -> None:
        self.world = world

    def cadre(self, batch: int, cadre: int) -> dict[str, float]:
        return self.world.targets.get(("cadre", batch, cadre), {})

    def group(self, group: int) -> dict[str, float]:
        batch = self.world.groups[group]["batch"]
        members = sorted(
            {p["cadre"] for p in self.world.placements.values() if p["group"] == group}
        )
        derived = all_of([self.cadre(batch, c) for c in members])
        return {**derived, **self.world.targets.get(("group", batch, group), {})}

    def unit(self, batch: int, unit: int) -> dict[str, float]:
        groups = [
            self.group(g)
            for g, row in self.world.groups.items()
            if (row["batch"], row["unit"]) == (batch, unit)
        ]
        return {**all_of(groups), **self.world.targets.get(("receiving_unit", batch, unit), {})}

    def batch(self, batch: int) -> dict[str, float]:
        units = sorted({g["unit"] for g in self.world.groups.values() if g["batch"] == batch})
        derived = all_of([self.unit(batch, u) for u in units])
        return {**derived, **self.world.targets.get(("batch", batch, batch), {})}

    def mode(self, batch: int | None, mode: str) -> dict[str, float]:
        return all_of(
            [
                self.group(g)
                for g, row in self.world.groups.items()
                if row["mode"] == mode and batch in (None, row["batch"])
            ]
        )


def active(world: World, keep) -> int:  # noqa: ANN001
    return len({p["cadre"] for p in world.placements.values() if p["end"] is None and keep(p)})


# -- the property ---------------------------------------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=worlds())
def test_every_level_matches_a_plain_sum(fresh, plan: dict) -> None:  # noqa: ANN001
    conn = fresh()
    world = build(conn, plan)
    goals = Goals(world)

    def unit_of(w: World, pid: int) -> tuple[int, int]:
        group = w.groups[w.placements[pid]["group"]]
        return group["batch"], group["unit"]

    programme = fs.programme_progress(conn, TODAY, WEEKS)
    totals, weekly = sums(world, lambda w, pid: 0)
    check(programme, totals[0], weekly[0], all_of([goals.batch(b) for b in world.batches]))
    assert programme.cadres == active(world, lambda p: True)

    batch_totals, batch_weekly = sums(world, by_batch)
    unit_totals, unit_weekly = sums(world, unit_of)
    group_totals, group_weekly = sums(world, by_group)
    cadre_totals, cadre_weekly = sums(
        world, lambda w, pid: (w.placements[pid]["group"], w.placements[pid]["cadre"])
    )
    batches = fs.children(conn, programme, TODAY, WEEKS)
    assert [b.id for b in batches] == world.batches
    for batch in batches:
        check(batch, batch_totals[batch.id], batch_weekly[batch.id], goals.batch(batch.id))
        assert fs.batch_progress(conn, batch.id, TODAY, WEEKS) == batch
        units = fs.children(conn, batch, TODAY, WEEKS)
        expected_units = sorted(
            {g["unit"] for g in world.groups.values() if g["batch"] == batch.id}
        )
        assert [u.id for u in units] == expected_units
        for unit in units:
            key = (batch.id, unit.id)
            assert (unit.kind, unit.parent_id) == ("unit", batch.id)
            check(unit, unit_totals[key], unit_weekly[key], goals.unit(*key))
            groups = fs.children(conn, unit, TODAY, WEEKS)
            for group in groups:
                assert world.groups[group.id]["unit"] == unit.id
                check(group, group_totals[group.id], group_weekly[group.id], goals.group(group.id))
                assert group.cadres == active(world, lambda p, g=group.id: p["group"] == g)
                assert group.mode == world.groups[group.id]["mode"]
                members = fs.children(conn, group, TODAY, WEEKS)
                served = {p["cadre"] for p in world.placements.values() if p["group"] == group.id}
                assert {m.id for m in members} == served
                for member in members:
                    key = (group.id, member.id)
                    target = goals.cadre(batch.id, member.id)
                    check(member, cadre_totals[key], cadre_weekly[key], target)
                    assert member.parent_id == group.id
                    assert fs.children(conn, member, TODAY, WEEKS) == []
                ranked = fs.group_members(conn, group.id, TODAY, "signed_households", WEEKS)
                assert sorted(ranked, key=lambda n: n.id) == sorted(members, key=lambda n: n.id)
                values = [n.metric("signed_households").total for n in ranked]
                assert values == sorted(values, reverse=True)
    for batch_id in (None, *world.batches):
        mode_totals, mode_weekly = sums(
            world,
            lambda w, pid, b=batch_id: (
                w.groups[w.placements[pid]["group"]]["mode"]
                if b in (None, by_batch(w, pid))
                else None
            ),
        )
        modes = fs.by_mode(conn, batch_id, TODAY, WEEKS)
        present = {g["mode"] for g in world.groups.values() if batch_id in (None, g["batch"])}
        assert [m.mode for m in modes] == [mode for mode in MODES if mode in present]
        for node in modes:
            assert (node.kind, node.id, node.parent_id) == ("mode", None, batch_id)
            check(
                node,
                mode_totals[node.mode],
                mode_weekly[node.mode],
                goals.mode(batch_id, node.mode),
            )
            groups = fs.children(conn, node, TODAY, WEEKS)
            assert {g.id for g in groups} == {
                g
                for g, row in world.groups.items()
                if row["mode"] == node.mode and batch_id in (None, row["batch"])
            }

    since = plan["since"]
    totals, _ = sums(world, lambda w, pid: 0, since)
    recent = fs.programme_progress(conn, TODAY, WEEKS, since=since)
    for metric in recent.metrics:
        assert metric.total == pytest.approx(totals[0].get(metric.code, 0.0), abs=1e-6)
    totals, _ = sums(world, by_group, since)
    for group_id in world.groups:
        node = fs.group_progress(conn, group_id, TODAY, WEEKS, since=since)
        for metric in node.metrics:
            assert metric.total == pytest.approx(totals[group_id].get(metric.code, 0.0), abs=1e-6)
        for member in fs.children(conn, node, TODAY, WEEKS, since=since):
            expected = sum(
                amount
                for pid, on, code, amount in world.lines
                if code == "measured_households"
                and on >= since
                and world.placements[pid]["group"] == group_id
                and world.placements[pid]["cadre"] == member.id
            )
            assert member.metric("measured_households").total == pytest.approx(expected, abs=1e-6)


# -- percent of target -----------------------------------------------------------------------------


def small_programme(conn: sqlite3.Connection) -> World:
    """One batch, one unit, two groups of two cadres each."""
    plan = {
        "batches": 1,
        "units": 1,
        "groups": [(1, 1, "stationed_village"), (1, 1, "stationed_village")],
        "placements": [(1, 0, 0, None), (2, 0, 0, None), (3, 1, 0, None), (4, 1, 0, None)],
        "lines": [
            (0, 80, "measured_households", 30, None),
            (1, 81, "measured_households", 20, None),
            (2, 82, "measured_households", 60, None),
            (3, 83, "measured_households", 40, None),
        ],
        "targets": [],
        "remove_one": False,
        "mode_change": None,
        "since": START,
    }
    return build(conn, plan)


def test_percent_of_target_at_each_level(fresh) -> None:  # noqa: ANN001
    conn = fresh()
    small_programme(conn)
    figures.insert_targets(
        conn,
        [
            (1, "cadre", 1, "measured_households", 60.0),
            (1, "cadre", 2, "measured_households", 40.0),
            (1, "group", 2, "measured_households", 0.0),
            (1, "receiving_unit", 1, "signed_households", 10.0),
        ],
    )
    batch = fs.batch_progress(conn, 1, TODAY)
    (unit,) = fs.children(conn, batch, TODAY)
    first, second = fs.children(conn, unit, TODAY)
    # A group without its own target takes its members' when every one has one.
    assert first.metric("measured_households").target == 100
    assert first.metric("measured_households").percent == pytest.approx(50.0)
    # A target of 0 is a target, but no share of it can be reached.
    assert second.metric("measured_households").target == 0
    assert second.metric("measured_households").percent is None
    # The unit and the batch add up their children's targets.
    assert unit.metric("measured_households").target == 100
    assert unit.metric("measured_households").percent == pytest.approx(150.0)
    assert batch.metric("measured_households").percent == pytest.approx(150.0)
    assert unit.metric("signed_households").percent == pytest.approx(0.0)
    # Nobody has a target for the areas.
    assert unit.metric("measured_area").target is None
    assert unit.metric("measured_area").percent is None
    leader, other = fs.group_members(conn, 1, TODAY, "measured_households")
    assert (leader.id, leader.metric("measured_households").percent) == (1, 50.0)
    assert (other.id, other.metric("measured_households").percent) == (2, 50.0)
    # The batch's own target wins over its units'.
    figures.set_target(
        conn, batch_id=1, scope="batch", scope_id=1, metric_code="measured_households", value=300
    )
    batch = fs.batch_progress(conn, 1, TODAY)
    assert batch.metric("measured_households").percent == pytest.approx(50.0)
    programme = fs.programme_progress(conn, TODAY)
    assert programme.metric("measured_households").target == 300


def test_a_group_missing_one_members_target_has_none(fresh) -> None:  # noqa: ANN001
    conn = fresh()
    small_programme(conn)
    figures.insert_targets(conn, [(1, "cadre", 1, "measured_households", 60.0)])
    node = fs.group_progress(conn, 1, TODAY)
    assert node.metric("measured_households").target is None


def test_weekly_trend_ends_with_the_week_of_today(fresh) -> None:  # noqa: ANN001
    conn = fresh()
    small_programme(conn)
    node = fs.programme_progress(conn, START + dt.timedelta(days=83), weeks=3)
    # Days 80-83 from 2026-09-01 are 2026-11-20 (Fri) to 2026-11-23 (Mon).
    assert node.metric("measured_households").weekly == (0.0, 110.0, 40.0)
    assert fs.programme_progress(conn, TODAY, weeks=0).metric("measured_households").weekly == ()


def test_villages_and_projects_against_their_targets(fresh) -> None:  # noqa: ANN001
    conn = fresh()
    small_programme(conn)
    conn.execute("INSERT INTO villages (id, receiving_unit_id, name) VALUES (1, 1, '南田村')")
    conn.execute("UPDATE placements SET village_id = 1 WHERE id IN (1, 2)")
    figures.insert_figure_entries(
        conn,
        [(1, 1, "2026-11-20", "measured_households", 5.0, 1, None, "t", "x")],
    )
    figures.insert_targets(conn, [(1, "village", 1, "measured_households", 10.0)])
    (village,) = fs.places(conn, 1, TODAY)
    assert (village.kind, village.id, village.name, village.cadres) == ("village", 1, "南田村", 2)
    assert village.metric("measured_households").percent == pytest.approx(50.0)


# -- not reporting ---------------------------------------------------------------------------------


def silent_programme(conn: sqlite3.Connection) -> None:
    """Cadre 1 leads group 1; cadre 2 last reported on 11-24, cadre 3 on 11-25, cadre 4
    never (placed 11-20), cadre 5 has a line dated after today only, cadre 6 left."""
    organisation(conn, 2, 1)
    conn.execute("UPDATE batches SET state = 'planning' WHERE id = 2")
    world = World()
    for cadre in range(1, 8):
        add_cadre(conn, world, cadre)
    conn.execute(
        "INSERT INTO working_groups (id, batch_id, receiving_unit_id, name, mode, state,"
        " leader_cadre_id) VALUES (1, 1, 1, '一组', 'stationed_village', 'active', 1),"
        " (2, 1, 1, '二组', 'stationed_village', 'active', NULL),"
        " (3, 2, 1, '筹备组', 'stationed_village', 'forming', NULL)"
    )
    rows = [
        (1, 1, 1, "2026-09-01", None),
        (2, 2, 1, "2026-09-01", None),
        (3, 3, 2, "2026-09-01", None),
        (4, 4, 1, "2026-11-20", None),
        (5, 5, 2, "2026-09-01", None),
        (6, 6, 1, "2026-09-01", "2026-10-01"),
        (7, 7, 3, "2026-09-01", None),  # in a batch still being planned
    ]
    conn.executemany(
        "INSERT INTO placements (id, cadre_id, group_id, start_date, end_date)"
        " VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    lines = [
        (1, "2026-11-26"),
        (2, "2026-11-20"),
        (2, "2026-11-24"),
        (3, "2026-11-25"),
        (5, "2026-11-10"),
        (5, "2026-11-29"),
        (6, "2026-09-20"),
    ]
    figures.insert_figure_entries(
        conn,
        [(pid, pid, day, "measured_households", 1.0, None, None, "t", "x") for pid, day in lines],
    )


def test_not_reporting_counts_days_since_the_last_entry(fresh) -> None:  # noqa: ANN001
    conn = fresh()
    silent_programme(conn)
    found = fs.not_reporting(conn, TODAY)
    assert [(s.cadre_id, s.days, s.last_entry) for s in found] == [
        (5, 17, dt.date(2026, 11, 10)),  # the line dated 11-29 is not yet
        (4, 7, None),  # never reported: counted from the placement's start
        (2, 3, dt.date(2026, 11, 24)),  # exactly three days: listed
    ]
    first = found[-1]
    assert (first.name, first.group_id, first.group, first.leader) == (
        "干部02",
        1,
        "一组",
        "干部01",
    )
    assert found[0].leader == ""
    # Two days is not three; four is.
    assert 3 not in {s.cadre_id for s in fs.not_reporting(conn, TODAY)}
    assert 3 in {s.cadre_id for s in fs.not_reporting(conn, TODAY, days=2)}
    assert 2 not in {s.cadre_id for s in fs.not_reporting(conn, TODAY, days=4)}


def test_not_reporting_on_other_days_and_scopes(fresh) -> None:  # noqa: ANN001
    conn = fresh()
    silent_programme(conn)
    # On 11-22 the placement of cadre 4 is two days old: not yet silent.
    earlier = fs.not_reporting(conn, dt.date(2026, 11, 22))
    assert 4 not in {s.cadre_id for s in earlier}
    # A placement starting after the day asked about is not in the field yet.
    assert 4 not in {s.cadre_id for s in fs.not_reporting(conn, dt.date(2026, 11, 19), days=0)}
    # Everyone in the field, with days=0.
    assert {s.cadre_id for s in fs.not_reporting(conn, TODAY, days=0)} == {1, 2, 3, 4, 5}
    assert {s.cadre_id for s in fs.not_reporting(conn, TODAY, days=0, group_id=2)} == {3, 5}
    assert fs.not_reporting(conn, TODAY, batch_id=2) == []
    # Lines added later move the last entry on.
    figures.insert_figure_entries(
        conn, [(5, 5, "2026-11-27", "measured_households", 1.0, None, None, "t", "x")]
    )
    assert 5 not in {s.cadre_id for s in fs.not_reporting(conn, TODAY)}


def test_a_removed_line_is_no_report(fresh) -> None:  # noqa: ANN001
    conn = fresh()
    silent_programme(conn)
    conn.execute("DELETE FROM figure_entries WHERE placement_id = 3")
    (cadre3,) = [s for s in fs.not_reporting(conn, TODAY) if s.cadre_id == 3]
    assert (cadre3.last_entry, cadre3.days) == (None, 87)


# -- query plans -----------------------------------------------------------------------------------


def statements(conn: sqlite3.Connection, call) -> list[str]:  # noqa: ANN001
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def test_no_roll_up_walks_the_whole_ledger(fresh) -> None:  # noqa: ANN001
    """Every read of every level uses an index on the ledger (or none of it): a
    table scan of figure_entries is what made the dashboard slow at millions."""
    conn = fresh()
    small_programme(conn)
    programme = fs.programme_progress(conn, TODAY)

    def everything() -> None:
        node = fs.programme_progress(conn, TODAY, since=START + dt.timedelta(days=3))
        for batch in fs.children(conn, node, TODAY):
            for unit in fs.children(conn, batch, TODAY, since=START):
                for group in fs.children(conn, unit, TODAY):
                    fs.children(conn, group, TODAY, since=START)
                    fs.group_members(conn, group.id, TODAY, "measured_area")
                    fs.places(conn, group.id, TODAY, since=START)
        fs.by_mode(conn, None, TODAY)
        fs.not_reporting(conn, TODAY)

    assert programme.cadres == 4
    plans = []
    for sql in statements(conn, everything):
        plans += [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
    assert plans
    scans = [
        line
        for line in plans
        if "SCAN" in line and ("figure_entries" in line or " f " in f"{line} ")
    ]
    assert not scans, scans
