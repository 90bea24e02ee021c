"""Building the demo database: the seed's programme, reproducible to the byte.

Same arguments (``today`` included) give the same rows: every choice comes
from ``random.Random`` streams seeded by the definition, and the clock is
read only for ``today``'s default and the audit log's timestamps.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cadre_tui.domain.enums import ManagementMode, ReceivingUnitKind, SendingUnitKind
from cadre_tui.errors import CadreError
from cadre_tui.services.demo.batches import BatchBuilder, BatchDates, choose_members
from cadre_tui.services.demo.coordination import build_coordination
from cadre_tui.services.demo.definition import DemoDefinition, load_definition
from cadre_tui.services.demo.figures import batch_figures, targets
from cadre_tui.services.demo.people import People
from cadre_tui.services.demo.pool import insert_pool
from cadre_tui.services.demo.round import build_round, round_judged_on
from cadre_tui.store import figures, pool_indexes, units
from cadre_tui.store.connection import transaction
from cadre_tui.store.database import open_database
from cadre_tui.store.sqlite import sqlite3

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; stages: ``units``, ``pool``, ``batch``, ``done``."""

BUILD_CACHE_KIB = 262_144
"""Page cache for the build's connection (256 MiB): index inserts of a big pool stay in memory."""


@dataclass(frozen=True)
class DemoSummary:
    """What was built, for the CLI to print."""

    path: Path
    cadres: int
    batches: int
    groups: int
    placements: int
    figure_entries: int
    evaluations: int
    targets: int
    seconds: float


def _holds_data(path: Path) -> bool:
    """True when the file has rows a user may care about (anything but a bare schema),
    or is not a database at all."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return True
    try:
        tables = [
            row[0]
            for row in conn.execute(
                # type 'table' leaves out FTS indexes and their shadow tables,
                # which hold bookkeeping rows even in a new database.
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT IN ('_sqlite_migrations', 'metrics')"
            )
        ]
        return any(conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() for table in tables)
    except sqlite3.Error:
        return True
    finally:
        conn.close()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _organisation(conn: sqlite3.Connection, definition: DemoDefinition) -> list[int]:
    """Units, villages, field teams, projects and liaisons; returns sending unit ids."""
    rng = random.Random(f"{definition.seed}:units")
    people = People(definition.names, definition.male_share, rng)
    posts = definition.raw["units"]["sending_leader_posts"]
    programme = definition.programme
    with transaction(conn):
        units.set_programme(conn, programme["name"], programme["district"])
        rows = []
        for unit in definition.sending_units:
            rows.append(
                {
                    "code": unit["code"],
                    "name": unit["name"],
                    "kind": SendingUnitKind(unit.get("kind", "department")),
                    "leader_in_charge": f"{people.name(people.gender())}（{rng.choice(posts)}）",
                    "leader_phone": people.phone(),
                }
            )
        units.insert_sending_units(conn, rows)
        for plan in definition.receiving_units:
            unit = units.create_receiving_unit(
                conn,
                code=plan.code,
                name=plan.name,
                kind=ReceivingUnitKind(plan.kind),
                default_mode=ManagementMode(plan.mode),
                deputy_party_secretary=plan.deputy_party_secretary,
                leader_in_charge=plan.leader_in_charge,
            )
            for name, households in plan.villages:
                units.add_village(conn, unit.id, name, households)
            for name in plan.field_teams:
                units.add_field_team(conn, unit.id, name)
            for name, purpose in plan.projects:
                units.add_project(conn, unit.id, name, purpose)
        for name, post in definition.officers:
            units.add_officer(conn, name, people.phone(), f"区委组织部{post}")
    codes = [unit["code"] for unit in definition.sending_units]
    by_code = {unit.code: unit.id for unit in units.list_sending_units(conn)}
    return [by_code[code] for code in codes]


def _earliest_today(definition: DemoDefinition) -> dt.date:
    """The active batch must start after the closed ones have ended."""
    closed = [b.closed_on for b in definition.batches if b.closed_on is not None]
    active = [b.started_days_ago for b in definition.batches if b.closed_on is None]
    if not closed or not active:
        return dt.date.min
    return max(closed) + dt.timedelta(days=max(active) + 1)


def build_demo(
    path: str | Path,
    *,
    cadres: int | None = None,
    force: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Build the seed's programme into ``path``: ~520 cadres (or ``cadres``), three
    batches of 63, 25 and 39 with groups in every unit, and their figures.

    Refuses a file that already holds data unless ``force``, which deletes it
    (and its -wal/-shm) first.
    """
    started = time.perf_counter()
    target = Path(path).expanduser()
    definition = load_definition()
    today = today or dt.date.today()
    earliest = _earliest_today(definition)
    if today < earliest:
        raise CadreError("store.demo.today_too_early", earliest=earliest.isoformat())
    count = int(definition.programme["pool_size"]) if cadres is None else int(cadres)
    minimum = int(definition.programme["minimum_pool"])
    if count < minimum:
        raise CadreError("store.demo.pool_too_small", minimum=minimum, cadres=count)
    if _holds_data(target) and not force:
        raise CadreError("store.demo.not_empty", path=str(target))
    # Built beside the target and renamed at the end: an interrupted build never
    # leaves a half-made demo where ``--demo`` would reuse it.
    building = target.with_name(target.name + ".building")
    _remove(building)
    conn = open_database(building).connect()
    try:
        conn.execute(f"PRAGMA cache_size=-{BUILD_CACHE_KIB}")
        # The file is private until renamed into place, so a crash costs nothing
        # but a rebuild: no fsyncs, sorts in memory, index builds on both cores.
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA threads=2")
        sending_ids = _organisation(conn, definition)
        if progress:
            progress("units", 1, 1)
        # Big pools skip the search indexes row by row and build them once after.
        with pool_indexes.suspended(conn) if count >= 20_000 else contextlib.nullcontext():
            insert_pool(conn, definition, count, sending_ids, progress=progress)
        summary = _batches(conn, definition, today, progress)
        build_round(conn, definition.seed, today)
        build_coordination(conn, definition, today)
        conn.execute("PRAGMA optimize")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        conn.close()
        _remove(building)
        raise
    conn.close()
    _remove(target)
    os.replace(building, target)
    if progress:
        progress("done", 1, 1)
    return DemoSummary(target, count, *summary, seconds=time.perf_counter() - started)


def _batches(
    conn: sqlite3.Connection, definition: DemoDefinition, today: dt.date, progress: Progress | None
) -> tuple[int, int, int, int, int, int]:
    """All batches in order.

    Returns counts of (batches, groups, placements, entries, evaluations, targets).
    """
    rng = random.Random(f"{definition.seed}:batches")
    members = choose_members(conn, definition, rng, today, round_judged_on(today))
    builder = BatchBuilder(conn, definition, rng)
    placement = definition.placement
    factors = definition.raw["batches"]["targets"]
    counts = [0] * 6
    for index, plan in enumerate(definition.batches, start=1):
        dates = BatchDates.of(plan, today)
        with transaction(conn):
            batch_id, placed = builder.create(plan, list(members[plan.number]), dates)
            figure_rng = random.Random(f"{definition.seed}:figures:{plan.number}")
            ledger = batch_figures(
                plan,
                placed,
                dates.days(),
                figure_rng,
                leader_share=float(placement["entered_by_leader_share"]),
            )
            counts[3] += figures.insert_figure_entries(conn, ledger.rows)
            if plan.is_closed:
                rows = targets(
                    batch_id, ledger, tuple(factors["closed_factor"]), figure_rng, ("batch",)
                )
            else:
                rows = targets(
                    batch_id,
                    ledger,
                    tuple(factors["active_factor"]),
                    figure_rng,
                    ("batch", "receiving_unit", "group"),
                )
            counts[5] += figures.insert_targets(conn, rows)
            if plan.is_closed:
                counts[4] += builder.close(batch_id, plan, dates)
        counts[0] += 1
        counts[1] += len(plan.groups)
        counts[2] += len(placed)
        if progress:
            progress("batch", index, len(definition.batches))
    return counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]
