"""The demo's three batches: members drawn from the pool, working groups in
every receiving unit, placements shaped by each unit's mode, and the close.

Everything goes through the store's per-intent functions, so the demo obeys
the same rules (eligibility, one active placement, one project owner, mode
shapes, evaluations before the close) as a coordinator at the keyboard, and
needs no exception reasons.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cadre_tui.domain.eligibility import blocking_failures
from cadre_tui.domain.enums import (
    CadreCategory,
    EvaluationGrade,
    LineSide,
    ManagementMode,
    PlacementRole,
)
from cadre_tui.domain.model import Cadre, ReceivingUnit, SendingUnit, Village
from cadre_tui.errors import CadreError
from cadre_tui.services.demo.definition import DEMO_RULES, BatchPlan, DemoDefinition, GroupPlan
from cadre_tui.services.demo.figures import PlacedCadre
from cadre_tui.services.demo.people import Picker
from cadre_tui.store import (
    batches,
    cadres,
    evaluations,
    group_changes,
    placements,
    units,
    working_groups,
)
from cadre_tui.store.round_nominees import judge_cadres
from cadre_tui.store.sqlite import sqlite3

LEADERS = (CadreCategory.SERVING_LEADER, CadreCategory.MIDDLE_LEVEL_CADRE)
SAMPLE = 2400
"""Pool cadres looked at when choosing members: enough for 127 eligible ones (about
two in three pass the rules), cheap at a million."""
ROUND_RESERVE = 3
"""Cadres eligible for the current round each sending unit keeps out of the batches
where the pool allows: round.toml has a unit put forward three."""


@dataclass(frozen=True)
class BatchDates:
    """A batch's calendar: fixed for closed batches, counted back from today for the active one."""

    start: dt.date
    planned_end: dt.date | None
    closed_on: dt.date | None
    first_figure: dt.date
    last_figure: dt.date

    @classmethod
    def of(cls, plan: BatchPlan, today: dt.date) -> BatchDates:
        if plan.is_closed:
            assert plan.start_date is not None and plan.closed_on is not None
            last = plan.closed_on
            if plan.figure_days:
                last = min(last, plan.start_date + dt.timedelta(days=plan.figure_days - 1))
            return cls(plan.start_date, plan.planned_end, plan.closed_on, plan.start_date, last)
        start = today - dt.timedelta(days=plan.started_days_ago)
        planned_end = start + dt.timedelta(days=plan.planned_days)
        return cls(start, planned_end, None, start, today - dt.timedelta(days=1))

    def days(self) -> list[dt.date]:
        span = (self.last_figure - self.first_figure).days + 1
        return [self.first_figure + dt.timedelta(days=n) for n in range(span)]


class RoundReserve:
    """Who would be eligible for the current recommendation round, counted by sending
    unit: a cadre in a batch is not (placed, or back too recently), so the batches
    leave every unit someone to put forward while the pool allows."""

    def __init__(self, conn: sqlite3.Connection, pool: Sequence[Cadre], on: dt.date):
        judged = judge_cadres(conn, [c.id for c in pool], on, DEMO_RULES)
        self.eligible = {i for i, (_, results) in judged.items() if not blocking_failures(results)}
        self.left = Counter(c.sending_unit_id for c in pool if c.id in self.eligible)

    def pick(self, candidates: Sequence[Cadre], count: int) -> list[Cadre]:
        """``count`` of ``candidates`` in their order, those the round can spare first."""
        first: list[Cadre] = []
        for cadre in candidates:
            if len(first) == count:
                break
            spare = self.left[cadre.sending_unit_id] > ROUND_RESERVE
            if cadre.id not in self.eligible or spare:
                first.append(cadre)
                self._take(cadre)
        taken = {c.id for c in first}
        rest = [c for c in candidates if c.id not in taken][: count - len(first)]
        for cadre in rest:
            self._take(cadre)
        return first + rest

    def _take(self, cadre: Cadre) -> None:
        if cadre.id in self.eligible:
            self.left[cadre.sending_unit_id] -= 1


def choose_members(
    conn: sqlite3.Connection,
    definition: DemoDefinition,
    rng: random.Random,
    today: dt.date,
    round_on: dt.date,
) -> dict[int, list[Cadre]]:
    """Distinct pool cadres for every batch, each eligible on the batch's start date
    under the rules of a batch that takes leaders. A share are serving leaders and
    middle-level cadres (the seed took them too) as far as young enough ones exist;
    other eligible cadres make up the batch's size. Units keep cadres eligible for
    the round judged on ``round_on`` where the pool allows (see :class:`RoundReserve`)."""
    total = cadres.count_cadres(conn)
    ids = rng.sample(range(1, total + 1), min(total, SAMPLE))
    found = cadres.cadres_by_id(conn, ids)
    pool = [found[i] for i in ids if i in found and found[i].status == "available"]
    looked_at = len(pool)
    reserve = RoundReserve(conn, pool, round_on)
    rules = DEMO_RULES.for_batch(True)
    share = float(definition.placement["leader_share"])
    chosen: dict[int, list[Cadre]] = {}
    for plan in definition.batches:
        on = BatchDates.of(plan, today).start
        judged = judge_cadres(conn, [c.id for c in pool], on, rules)
        eligible = [c for c in pool if c.id in judged and not blocking_failures(judged[c.id][1])]
        leaders = [c for c in eligible if c.category in LEADERS]
        others = [c for c in eligible if c.category not in LEADERS]
        wanted = min(len(leaders), max(len(plan.groups), round(plan.size * share)))
        leading = reserve.pick(leaders, wanted)
        chosen_ids = {c.id for c in leading}
        rest = others + [c for c in leaders if c.id not in chosen_ids]
        members = leading + reserve.pick(rest, plan.size - wanted)
        if len(members) < plan.size:
            needed = sum(b.size for b in definition.batches)
            raise CadreError("store.demo.pool_too_small", minimum=needed, cadres=looked_at)
        taken = {c.id for c in members}
        pool = [c for c in pool if c.id not in taken]
        chosen[plan.number] = members
    return chosen


def _split_groups(plan: BatchPlan, members: list[Cadre]) -> list[list[Cadre]]:
    """Leaders go round the groups first so every group can be led by one."""
    leading = [c for c in members if c.category in LEADERS]
    rest = [c for c in members if c.category not in LEADERS]
    groups: list[list[Cadre]] = [[] for _ in plan.groups]
    for index, cadre in enumerate(leading[: len(groups)]):
        groups[index].append(cadre)
    queue = leading[len(groups) :] + rest
    for index, group in enumerate(plan.groups):
        while len(groups[index]) < group.size:
            groups[index].append(queue.pop(0))
    return groups


def _roles(group: list[Cadre]) -> dict[int, PlacementRole]:
    """Leader: the most senior cadre; deputy: the next (serving leaders first, then age)."""
    rank = sorted(
        group,
        key=lambda c: (
            c.category != CadreCategory.SERVING_LEADER,
            c.category not in LEADERS,
            c.birth_date,
            c.id,
        ),
    )
    return {rank[0].id: PlacementRole.LEADER, rank[1].id: PlacementRole.DEPUTY}


class BatchBuilder:
    """Creates one batch after another with shared look-ups and one Random."""

    def __init__(self, conn: sqlite3.Connection, definition: DemoDefinition, rng: random.Random):
        self.conn = conn
        self.definition = definition
        self.rng = rng
        self.units: dict[str, ReceivingUnit] = {u.code: u for u in units.list_receiving_units(conn)}
        self.sending: dict[int, SendingUnit] = {u.id: u for u in units.list_sending_units(conn)}
        self.officers = units.list_officers(conn)
        self.villages = {c: units.list_villages(conn, u.id) for c, u in self.units.items()}
        self.teams = {c: units.list_field_teams(conn, u.id) for c, u in self.units.items()}
        self.projects = {c: units.list_projects(conn, u.id) for c, u in self.units.items()}
        self.group_count = 0

    def create(
        self, plan: BatchPlan, members: list[Cadre], dates: BatchDates
    ) -> tuple[int, list[PlacedCadre]]:
        """The batch, its groups and placements, started; returns its id and who is where."""
        unit_codes = list(dict.fromkeys(group.unit for group in plan.groups))
        batch = batches.create_batch(
            self.conn,
            number=plan.number,
            name=plan.name,
            purpose=plan.purpose,
            start_date=dates.start,
            planned_end=dates.planned_end,
            allow_leaders=True,
            receiving_unit_ids=[self.units[code].id for code in unit_codes],
        )
        self.rng.shuffle(members)
        placed: list[PlacedCadre] = []
        by_unit: dict[str, list[tuple[GroupPlan, list[Cadre]]]] = {}
        for group_plan, group in zip(plan.groups, _split_groups(plan, members), strict=True):
            by_unit.setdefault(group_plan.unit, []).append((group_plan, group))
        party = [c.id for c in members if c.party_status.is_party_member]
        pending = set(self.rng.sample(party, min(len(party), plan.pending_party_transfers)))
        for code, unit_groups in by_unit.items():
            placed += self._place_unit(batch.id, code, unit_groups, dates, pending)
        batches.start_batch(self.conn, batch.id, at=f"{dates.start.isoformat()}T01:00:00+00:00")
        return batch.id, placed

    def _place_unit(
        self,
        batch_id: int,
        code: str,
        unit_groups: list[tuple[GroupPlan, list[Cadre]]],
        dates: BatchDates,
        pending: set[int],
    ) -> list[PlacedCadre]:
        """One unit's groups: formed, led by their most senior members, every member
        placed, each stationed group covering its own villages. Villages and projects a
        group plan names as left uncovered or unowned get nobody."""
        unit = self.units[code]
        spare = {name for plan, _ in unit_groups for name in plan.uncovered_villages}
        held = {name for plan, _ in unit_groups for name in plan.unowned_projects}
        villages = [v for v in self.villages[code] if v.name not in spare]
        projects = [p.id for p in self.projects[code] if p.name not in held]
        self.rng.shuffle(projects)
        owners = [c.id for _, group in unit_groups for c in group]
        owned = {cadre_id: projects[i :: len(owners)] for i, cadre_id in enumerate(owners)}
        low, high = self.definition.placement["party_transfer_days"]
        placed: list[PlacedCadre] = []
        for number, (group_plan, group) in enumerate(unit_groups):
            roles = _roles(group)
            leader = next(c for c in group if roles.get(c.id) == PlacementRole.LEADER)
            working_group = working_groups.create_working_group(
                self.conn,
                batch_id=batch_id,
                receiving_unit_id=unit.id,
                name=group_plan.name,
                liaison_officer_id=self.officers[self.group_count % len(self.officers)].id,
                sending_leader_in_charge=self.sending[leader.sending_unit_id].leader_in_charge,
                office=self._office(unit, code, number),
            )
            self.group_count += 1
            if unit.default_mode == ManagementMode.STATIONED_VILLAGE:
                share = len(villages) // len(unit_groups) or 1
                own = villages[number * share : (number + 1) * share] or villages
                # No more villages than cadres: every village a group covers has one.
                own_villages = own[: len(group)]
                extra = [v for v in self.villages[code] if v.name in group_plan.uncovered_villages]
                group_changes.set_covered_villages(
                    self.conn, working_group.id, [v.id for v in own_villages + extra]
                )
            else:
                own_villages = []
            for index, cadre in enumerate(group):
                shape = self._where(unit, number, index, len(group), own_villages, owned[cadre.id])
                transferred = None
                if cadre.party_status.is_party_member and cadre.id not in pending:
                    transferred = dates.start + dt.timedelta(days=self.rng.randint(low, high))
                placement = placements.place_cadre(
                    self.conn,
                    group_id=working_group.id,
                    cadre_id=cadre.id,
                    start_date=dates.start,
                    role=roles.get(cadre.id, PlacementRole.MEMBER),
                    party_transferred_on=transferred,
                    rules=DEMO_RULES,
                    **shape,
                )
                placed.append(
                    PlacedCadre(
                        placement_id=placement.id,
                        cadre_id=cadre.id,
                        group_id=working_group.id,
                        unit_id=unit.id,
                        village_id=placement.village_id,
                        project_ids=placement.project_ids,
                        login=cadre.name_pinyin,
                        leader_login=leader.name_pinyin,
                    )
                )
        return placed

    def _where(
        self,
        unit: ReceivingUnit,
        group_number: int,
        index: int,
        size: int,
        villages: list[Village],
        projects: list[int],
    ) -> dict[str, Any]:
        """Where the index-th cadre of a group sits, as the unit's mode requires: a
        village in turn; the town office for the first share, field teams in turn
        for the rest; or the projects the cadre owns."""
        if unit.default_mode == ManagementMode.STATIONED_VILLAGE:
            return {"village_id": villages[index % len(villages)].id}
        if unit.default_mode == ManagementMode.BLOCK_AND_LINE:
            lines = max(1, round(size * float(self.definition.placement["line_share"])))
            if index < lines:
                return {"line_side": LineSide.LINE}
            teams = self.teams[unit.code]
            team = teams[(index + group_number * 3) % len(teams)]
            return {"line_side": LineSide.BLOCK, "field_team_id": team.id}
        return {"project_ids": projects}

    def _office(self, unit: ReceivingUnit, code: str, number: int) -> str:
        offices = self.definition.receiving_unit(code).offices
        return offices[number % len(offices)] if offices else unit.name

    def close(self, batch_id: int, plan: BatchPlan, dates: BatchDates) -> int:
        """Evaluate every member, then close the batch (the store refuses a close
        while anyone lacks an evaluation); returns the evaluations written."""
        assert dates.closed_on is not None
        settings = self.definition.raw["batches"]["evaluation"]
        grades = Picker([(EvaluationGrade(g), w) for g, w in settings["grades"]])
        comments = settings["comments"]
        promoted = float(settings["promotion_share_of_excellent"])
        before = dt.timedelta(days=int(settings["days_before_close"]))
        on = max(dates.start, dates.closed_on - before)
        by = str(self.definition.programme["evaluated_by"])
        written = 0
        for placement in placements.list_placements(self.conn, batch_id=batch_id):
            grade = grades.pick(self.rng)
            evaluations.record_evaluation(
                self.conn,
                placement.id,
                grade=grade,
                evaluated_on=on,
                evaluated_by=by,
                comment=self.rng.choice(comments[grade.value]),
                recommended_for_promotion=grade == EvaluationGrade.EXCELLENT
                and self.rng.random() < promoted,
            )
            written += 1
        at = f"{dates.closed_on.isoformat()}T09:00:00+00:00"
        batches.close_batch(self.conn, batch_id, dates.closed_on, at=at)
        return written
