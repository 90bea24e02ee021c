"""The demo's follow-up and coordination (跟踪协调): logistics items, meetings,
training and mentors for every batch, deterministic from the seed and ``today``.

Every batch gets monthly exchange meetings, a seminar, a town party committee
meeting and a site visit; policy training at the start and two site visits; a
mentor per member. Closed batches are history, loaded in bulk (one audit row per
kind) with their items settled. The active batch goes through the store's
per-intent functions, so its audit log reads as coordinators wrote it: items
overdue, open, in progress and settled, meetings whose follow-ups became items,
two cadres left out of training and two without a mentor, so the flags show.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from cadre_tui.domain.coordination import (
    FollowUp,
    MeetingKind,
    NewItem,
    NewMeeting,
    NewMentor,
    NewSession,
    TrainingKind,
    months_between,
)
from cadre_tui.domain.enums import BatchState, LineSide, LogisticsState, PlacementRole
from cadre_tui.domain.model import Batch, Placement, WorkingGroup
from cadre_tui.services.demo.coordination_words import (
    ACTIVE_ITEMS,
    BUSY,
    DONE,
    DROPPED,
    EXCHANGE_DECISIONS,
    EXCHANGE_NOTES,
    EXCHANGE_PLACE,
    LINE_POSTS,
    OTHER_MEETINGS,
    PROBLEMS,
    PROJECT_POSTS,
    SITE_VISITS,
    VILLAGE_POSTS,
    WONT_FIX,
    C,
)
from cadre_tui.services.demo.definition import DemoDefinition
from cadre_tui.services.demo.people import People
from cadre_tui.store import batches, cadres, logistics, meetings, placements, training, units
from cadre_tui.store import working_groups as groups_store
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3

TRAINING_FLAGGED, MENTORS_MISSING = 2, 2


@dataclass(frozen=True)
class CoordinationCounts:
    items: int
    meetings: int
    training_sessions: int
    mentors: int


@dataclass
class _Group:
    group: WorkingGroup
    unit: str
    members: list[Placement]
    leader: str

    @property
    def heads(self) -> tuple[int, ...]:
        return tuple(m.cadre_id for m in self.members if m.role != PlacementRole.MEMBER)


class _Builder:
    """One batch at a time; every choice from one seeded Random."""

    def __init__(self, conn: sqlite3.Connection, definition: DemoDefinition) -> None:
        self.conn = conn
        self.rng = random.Random(f"{definition.seed}:coordination")
        self.people = People(definition.names, definition.male_share, self.rng)
        self.units = {u.id: u.name for u in units.list_receiving_units(conn)}
        self.villages = {v.id: v.name for v in units.list_villages(conn)}
        self.teams = {f.id: f.name for f in units.list_field_teams(conn)}
        self.village_cadres: dict[tuple[int, str], str] = {}
        self.problems = list(PROBLEMS)
        self.rng.shuffle(self.problems)
        self.counts = [0, 0, 0, 0]

    def groups(self, batch: Batch) -> list[_Group]:
        found = []
        for group in groups_store.list_working_groups(self.conn, batch.id):
            members = placements.list_placements(self.conn, group_id=group.id)
            leader = ""
            if group.leader_cadre_id is not None:
                leader = cadres.get_cadre(self.conn, group.leader_cadre_id).name
            found.append(_Group(group, self.units[group.receiving_unit_id], members, leader))
        return found

    def day(self, start: dt.date, low: int, high: int) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(low, high))

    # -- plans both kinds of batch share -------------------------------------------

    def meetings(self, batch: Batch, groups: list[_Group], end: dt.date) -> list[NewMeeting]:
        """Exchange meetings monthly for every group, then a seminar for all, a party
        committee meeting and a site visit attended by one group's leaders."""
        start, span = batch.start_date, (end - batch.start_date).days
        every = tuple(g.group.id for g in groups)
        plan = [
            NewMeeting(
                held_on=day,
                kind=MeetingKind.EXCHANGE,
                place=EXCHANGE_PLACE,
                title=f"{batch.name}{day.month}月工作交流会",
                notes=EXCHANGE_NOTES,
                decisions=EXCHANGE_DECISIONS,
                batch_id=batch.id,
                group_ids=every,
                cadre_ids=tuple(c for g in groups for c in g.heads),
            )
            for day in exchange_days(start, end)
        ]
        for step, (kind, title, place, notes, decisions) in enumerate(OTHER_MEETINGS, start=1):
            group = groups[step % len(groups)]
            plan.append(
                NewMeeting(
                    held_on=start + dt.timedelta(days=span * step // 4),
                    kind=kind,
                    place=_words(place, group.unit),
                    title=_words(title, group.unit),
                    notes=notes,
                    decisions=decisions,
                    batch_id=batch.id,
                    group_ids=every if kind == MeetingKind.SEMINAR else (group.group.id,),
                    cadre_ids=group.heads,
                )
            )
        return sorted(plan, key=lambda meeting: meeting.held_on)

    def sessions(
        self, batch: Batch, groups: list[_Group], end: dt.date, skip: set[int]
    ) -> list[NewSession]:
        """Policy training per receiving unit two days in, then two site visits for
        about half the cadres; ``skip`` attends none."""
        start, span = batch.start_date, (end - batch.start_date).days
        present = [m.cadre_id for g in groups for m in g.members if m.cadre_id not in skip]
        plan = []
        for unit_id, unit in dict.fromkeys((g.group.receiving_unit_id, g.unit) for g in groups):
            attending = [m.cadre_id for g in groups if g.unit == unit for m in g.members]
            plan.append(
                NewSession(
                    held_on=start + dt.timedelta(days=2),
                    kind=TrainingKind.POLICY_TRAINING,
                    title="征收拆迁政策培训",
                    place=f"{unit}党群服务中心",
                    cadre_ids=tuple(c for c in attending if c not in skip),
                    receiving_unit_id=unit_id,
                    batch_id=batch.id,
                )
            )
        for share, title, place in SITE_VISITS:
            visitors = tuple(c for c in present if self.rng.random() < 0.5)
            plan.append(
                NewSession(
                    held_on=start + dt.timedelta(days=int(span * share)),
                    kind=TrainingKind.SITE_VISIT,
                    title=title,
                    place=place,
                    cadre_ids=visitors,
                    batch_id=batch.id,
                )
            )
        return [s for s in plan if s.cadre_ids and s.held_on < end]

    def mentors(self, groups: list[_Group], end: dt.date, skip: set[int]) -> list[NewMentor]:
        plan = []
        for group in groups:
            for member in group.members:
                if member.id in skip:
                    continue
                name, post, village = self.mentor(member)
                paired = min(self.day(member.start_date, 2, 6), member.end_date or end)
                plan.append(
                    NewMentor(
                        placement_id=member.id,
                        name=name,
                        post=post,
                        village=village,
                        started_on=paired,
                    )
                )
        return plan

    def mentor(self, placement: Placement) -> tuple[str, str, str]:
        """(name, post, village): a cadre of the village the member is stationed in,
        or of the town's demolition office, team or project headquarters."""
        if placement.village_id is not None:
            post = VILLAGE_POSTS[self.rng.randrange(2)]
            key = (placement.village_id, post)
            if key not in self.village_cadres:
                self.village_cadres[key] = self.people.name(self.people.gender())
            return self.village_cadres[key], post, self.villages[placement.village_id]
        name = self.people.name(self.people.gender())
        if placement.line_side == LineSide.BLOCK and placement.field_team_id is not None:
            return name, f"{self.teams[placement.field_team_id]}组长", ""
        posts = LINE_POSTS if placement.line_side == LineSide.LINE else PROJECT_POSTS
        return name, posts[self.rng.randrange(len(posts))], ""

    # -- closed batches: history in bulk -------------------------------------------

    def history(self, batch: Batch) -> None:
        assert batch.closed_on is not None
        start, end = batch.start_date, batch.closed_on
        span = (end - start).days
        groups = self.groups(batch)
        items = []
        for index in range(6 + 3 * max(len(groups) - 3, 0) // 2):
            group = groups[index % len(groups)]
            category, description, owner, settled = self.problems[index % len(self.problems)]
            raised = self.day(start, 3, max(span - 20, 4))
            dropped = index % 6 == 5
            items.append(
                NewItem(
                    group_id=group.group.id,
                    category=category,
                    description=description,
                    raised_by=f"{group.leader}（组长）" if group.leader else "",
                    raised_on=raised,
                    owner=_words(owner, group.unit),
                    due_on=self.day(raised, 7, 20),
                    state=DROPPED if dropped else DONE,
                    resolution=WONT_FIX if dropped else settled,
                    resolved_on=min(self.day(raised, 2, 24), end),
                )
            )
        self.counts[0] += logistics.insert_items(self.conn, items)
        self.counts[1] += len(
            meetings.insert_meetings(self.conn, self.meetings(batch, groups, end))
        )
        self.counts[2] += training.insert_sessions(
            self.conn, self.sessions(batch, groups, end, set())
        )
        self.counts[3] += training.insert_mentors(self.conn, self.mentors(groups, end, set()))

    # -- the active batch: through the store, as coordinators would ---------------

    def active(self, batch: Batch, today: dt.date) -> None:
        groups = self.groups(batch)
        settled = today - dt.timedelta(days=15)
        plain = [
            m
            for g in groups
            for m in g.members
            if m.role == PlacementRole.MEMBER and m.end_date is None and m.start_date <= settled
        ]
        self.rng.shuffle(plain)
        untrained = {m.cadre_id for m in plain[:TRAINING_FLAGGED]}
        unmentored = {m.id for m in plain[TRAINING_FLAGGED : TRAINING_FLAGGED + MENTORS_MISSING]}
        plans = self.meetings(batch, groups, today)
        first = next((p for p in plans if p.kind == MeetingKind.EXCHANGE), None)
        for plan in plans:
            self.meeting(plan, groups, today, first=plan is first)
        for index, spec in enumerate(ACTIVE_ITEMS):
            self.item(groups[index % len(groups)], index + 5, spec, batch.start_date, today)
        for session in self.sessions(batch, groups, today, untrained):
            values = {k: getattr(session, k) for k in ("held_on", "kind", "title", "place")}
            training.record_training(
                self.conn, **values, receiving_unit_id=session.receiving_unit_id,
                cadre_ids=session.cadre_ids,
            )  # fmt: skip
            self.counts[2] += 1
        active = [
            _Group(g.group, g.unit, [m for m in g.members if not m.end_date], "") for g in groups
        ]
        for pair in self.mentors(active, today, unmentored):
            values = {k: getattr(pair, k) for k in ("name", "post", "village", "started_on")}
            training.set_mentor(self.conn, pair.placement_id, **values)
            self.counts[3] += 1

    def meeting(self, plan: NewMeeting, groups: list[_Group], today: dt.date, first: bool) -> None:
        """Recorded as a coordinator would; the first exchange meeting, the seminar and
        the party committee meeting give follow-ups that became items."""
        actions: tuple[FollowUp, ...] = ()
        later = plan.held_on + dt.timedelta(days=10)
        group = next(g for g in groups if g.group.id == plan.group_ids[-1])
        if first:
            actions = (
                FollowUp(groups[0].group.id, C.VEHICLE, "协调下村入户用车", "区机关事务管理局",
                         later, plan.title),
                FollowUp(groups[-1].group.id, C.FUNDS, "落实夜间入户误餐和加班经费", "区财政局",
                         later + dt.timedelta(days=4), plan.title),
            )  # fmt: skip
        elif plan.kind == MeetingKind.PARTY_COMMITTEE:
            actions = (
                FollowUp(group.group.id, C.OFFICE_SPACE, "解决工作组集中办公场地",
                         f"{group.unit}党政办", later + dt.timedelta(days=10), plan.title),
            )  # fmt: skip
        elif plan.kind == MeetingKind.SEMINAR:
            actions = (
                FollowUp(groups[1].group.id, C.MEALS_LODGING, "协调驻村干部午餐和临时住宿",
                         f"{groups[1].unit}党政办", today + dt.timedelta(days=5), plan.title),
            )  # fmt: skip
        values = {k: getattr(plan, k) for k in ("held_on", "kind", "place", "title", "notes")}
        meeting = meetings.record_meeting(
            self.conn, **values, decisions=plan.decisions, group_ids=plan.group_ids,
            cadre_ids=plan.cadre_ids, actions=actions,
        )  # fmt: skip
        if meeting.item_ids and plan.kind != MeetingKind.SEMINAR:
            state = DONE if first else BUSY
            on = min(plan.held_on + dt.timedelta(days=8), today)
            note = "已调配两辆公务车" if first else ""
            logistics.set_item_state(self.conn, meeting.item_ids[0], state, on=on, resolution=note)
        self.counts[0] += len(meeting.item_ids)
        self.counts[1] += 1

    def item(
        self,
        group: _Group,
        index: int,
        spec: tuple[int, int | None, LogisticsState, int | None],
        start: dt.date,
        today: dt.date,
    ) -> None:
        raised, due, state, changed = spec
        category, description, owner, note = self.problems[index % len(self.problems)]
        raised_on = max(start, today - dt.timedelta(days=raised))
        due_on = None if due is None else max(raised_on, today - dt.timedelta(days=due))
        item = logistics.raise_item(
            self.conn,
            group_id=group.group.id,
            category=category,
            description=description,
            raised_by=f"{group.leader}（组长）" if group.leader else "",
            raised_on=raised_on,
            owner=_words(owner, group.unit),
            due_on=due_on,
        )
        self.counts[0] += 1
        if changed is not None:
            on = min(max(raised_on, today - dt.timedelta(days=changed)), today)
            resolution = WONT_FIX if state == DROPPED else note
            logistics.set_item_state(self.conn, item.id, state, on=on, resolution=resolution)


def exchange_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """A monthly exchange meeting on the 15th, from a week into the secondment until
    before ``end``; a closing one two days before ``end`` when its month had none."""
    days = []
    for month in months_between(start, end):
        day = dt.date(int(month[:4]), int(month[5:]), 15)
        if start + dt.timedelta(days=7) <= day < end:
            days.append(day)
    closing = end - dt.timedelta(days=2)
    if days and closing.month != days[-1].month and (closing - days[-1]).days >= 14:
        days.append(closing)
    return days


def _words(text: str, unit: str) -> str:
    """A template with the unit's name and its party committee (a zone has a 党工委)."""
    committee = f"{unit}党工委" if unit.endswith("区") else f"{unit}党委"
    return text.format(unit=unit, committee=committee)


def build_coordination(
    conn: sqlite3.Connection, definition: DemoDefinition, today: dt.date
) -> CoordinationCounts:
    """Items, meetings, training and mentors for every batch, in one transaction."""
    builder = _Builder(conn, definition)
    with transaction(conn):
        for batch in batches.list_batches(conn):
            if batch.state == BatchState.CLOSED:
                builder.history(batch)
            elif batch.state == BatchState.ACTIVE:
                builder.active(batch, today)
    return CoordinationCounts(*builder.counts)
