"""The demo's cadre pool (拟选派干部数据库): standard cadre records in parts.

The pool is generated in parts of :data:`PART` cadres, each from its own
Random, so a part comes out the same wherever it is made. Large pools make
the next parts in a worker process (checked by the store's own
:func:`~cadre_tui.store.cadres.stored_row`) while this one writes: on two
cores a million cadres take about half the time. One transaction and one
audit row per part; a million cadres never sit in memory at once.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.model import NewCadre
from cadre_tui.services.demo.definition import CategoryPlan, DemoDefinition
from cadre_tui.services.demo.people import People, Picker
from cadre_tui.store import cadres
from cadre_tui.store.sqlite import sqlite3

PART = 50_000
WORKER_FROM = 150_000
"""Pools this large are prepared in a worker process; smaller ones are not worth its start."""
AHEAD = 2
"""Parts prepared ahead of the writer: enough to keep both cores busy, little memory."""
ARCHIVED_SHARE = 0.01
"""Cadres who left their unit since the pool was reported stay on file, archived."""

_YOUNG = frozenset({"new_civil_servant", "other_young_cadre"})


def pool_records(
    definition: DemoDefinition,
    count: int,
    sending_unit_ids: list[int],
    rng: random.Random,
    part: tuple[int, int] = (0, 1),
) -> Iterator[NewCadre]:
    """``count`` cadres as a unit would report them; same ``rng`` state → same people.

    ``part`` is (index, parts): which share of the ID sequences this part may use.
    """
    programme = definition.people
    pool_date = dt.date.fromisoformat(str(definition.programme["pool_date"]))
    people = People(definition.names, definition.male_share, rng, part)
    weights = [int(unit.get("weight", 1)) for unit in definition.sending_units]
    units = Picker(list(zip(sending_unit_ids, weights, strict=True)), resolution=4000)
    categories = Picker([(plan, plan.weight) for plan in definition.categories])
    party = programme["party"]
    party_statuses = Picker([(PartyStatus(code), party[code]) for code in PartyStatus])
    joined_low, joined_high = party["joined_ages"]
    educations = Picker([(e, e["weight"]) for e in programme["education"]])
    grassroots = programme["grassroots"]
    grassroots_share = float(grassroots["share"])
    grassroots_texts = list(grassroots["texts"])
    enums = {plan.code: CadreCategory(plan.code) for plan in definition.categories}
    genders = {"M": Gender.MALE, "F": Gender.FEMALE}
    pool_ordinal = pool_date.toordinal()

    def days_before_pool(low: int, high: int) -> dt.date:
        return dt.date.fromordinal(pool_ordinal - low - int(rng.random() * (high - low)))

    for _ in range(count):
        plan: CategoryPlan = categories.pick(rng)
        gender = people.gender()
        place, region = people.origin()
        id_number, birth = people.identity(region, people.birth_date(pool_date, plan.ages), gender)
        education = educations.pick(rng)
        started = birth.replace(year=birth.year + education["graduation_age"], month=8, day=1)
        if started > pool_date:
            started = days_before_pool(30, 300)
        status = party_statuses.pick(rng)
        if status == PartyStatus.LEAGUE and plan.code not in _YOUNG:
            status = PartyStatus.MEMBER
        joined = None
        if status == PartyStatus.PROBATIONARY:
            joined = days_before_pool(30, 330)
        elif status == PartyStatus.MEMBER:
            age = joined_low + int(rng.random() * (joined_high - joined_low + 1))
            joined = min(
                birth.replace(year=birth.year + age, month=7, day=1), days_before_pool(400, 800)
            )
        yield NewCadre(
            name=people.name(gender),
            gender=genders[gender],
            birth_date=birth,
            id_number=id_number,
            sending_unit_id=units.pick(rng),
            category=enums[plan.code],
            ethnicity=people.ethnicity(),
            native_place=place,
            phone=people.phone(),
            party_status=status,
            party_joined_on=joined,
            work_started_on=started,
            education=education["name"],
            degree=education["degree"],
            post=plan.posts[int(rng.random() * len(plan.posts))],
            rank=plan.ranks[int(rng.random() * len(plan.ranks))],
            status=CadreStatus.ARCHIVED if rng.random() < ARCHIVED_SHARE else CadreStatus.AVAILABLE,
            grassroots_experience=(
                grassroots_texts[int(rng.random() * len(grassroots_texts))]
                if rng.random() < grassroots_share
                else ""
            ),
        )


def pool_part(
    definition: DemoDefinition,
    index: int,
    parts: int,
    size: int,
    sending_unit_ids: list[int],
    created_at: str,
) -> list[tuple]:
    """Part ``index`` of the pool as checked INSERT rows (runs in a worker for big pools)."""
    rng = random.Random(f"{definition.seed}:pool:{index}")
    records = pool_records(definition, size, sending_unit_ids, rng, (index, parts))
    return [cadres.stored_row(record, created_at) for record in records]


def insert_pool(
    conn: sqlite3.Connection,
    definition: DemoDefinition,
    count: int,
    sending_unit_ids: list[int],
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Write the pool part by part through the store's bulk insert."""
    sizes = [min(PART, count - start) for start in range(0, count, PART)]
    created_at = str(definition.programme["pool_created_at"])
    jobs = [
        (definition, index, len(sizes), size, sending_unit_ids, created_at)
        for index, size in enumerate(sizes)
    ]
    written = 0

    def wrote(rows: list[tuple]) -> None:
        nonlocal written
        written += cadres.insert_cadre_rows(conn, rows)
        if progress is not None:
            progress("pool", written, count)

    if count < WORKER_FROM:
        for job in jobs:
            wrote(pool_part(*job))
        return written
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as worker:
        pending = [worker.submit(pool_part, *job) for job in jobs[:AHEAD]]
        for index in range(len(jobs)):
            rows = pending.pop(0).result()
            if index + AHEAD < len(jobs):
                pending.append(worker.submit(pool_part, *jobs[index + AHEAD]))
            wrote(rows)
    return written
