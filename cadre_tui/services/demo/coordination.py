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
    LogisticsCategory,
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
from cadre_tui.services.demo.definition import DemoDefinition
from cadre_tui.services.demo.people import People
from cadre_tui.store import batches, cadres, logistics, meetings, placements, training, units
from cadre_tui.store import working_groups as groups_store
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3

C = LogisticsCategory
OPEN, BUSY = LogisticsState.OPEN, LogisticsState.IN_PROGRESS
DONE, DROPPED = LogisticsState.RESOLVED, LogisticsState.WONT_FIX
PROBLEMS: tuple[tuple[LogisticsCategory, str, str, str], ...] = (
    # category, description, owner ({unit}: the receiving unit), how it was settled
    (C.OFFICE_SPACE, "工作组集中办公场地不足，档案资料无处存放", "{unit}党政办",
     "已在党群服务中心腾出两间办公室"),
    (C.OFFICE_SPACE, "驻村干部在村部没有固定办公桌", "{unit}党政办",
     "已协调村委会调配办公桌椅"),
    (C.PAY, "抽调期间交通补贴、误餐补贴未按月发放", "区财政局",
     "已协调随月工资一并发放"),
    (C.PAY, "派出单位年度考核未计入抽调期间表现", "区委组织部干部科",
     "已发文明确抽调期间表现作为考核依据"),
    (C.MEALS_LODGING, "驻村干部午餐无着落", "{unit}党政办",
     "已协调村部食堂统一安排午餐"),
    (C.MEALS_LODGING, "夜间入户结束较晚，需安排临时住宿", "{unit}党政办",
     "已安排镇招待所房间"),
    (C.TRANSPORT, "下村入户路途远，往返缺少交通工具", "{unit}拆迁安置办",
     "已安排通勤车每日接送"),
    (C.TRANSPORT, "312国道改道施工封路，往返现场绕行时间长", "{unit}拆迁安置办",
     "已开通施工便道"),
    (C.FUNDS, "入户宣传资料印制经费未落实", "区财政局",
     "已拨付工作经费"),
    (C.FUNDS, "工作组日常办公经费尚未拨付", "区财政局",
     "首期办公经费已到位"),
    (C.VEHICLE, "丈量评估需用车，现有公务车辆不足", "区机关事务管理局",
     "已调配一辆公务车供工作组使用"),
    (C.VEHICLE, "拆迁现场夜间巡查缺少车辆", "{unit}党政办",
     "已由镇里安排值班车辆"),
    (C.OTHER, "个别拆迁户情绪激烈，需协调派出所配合", "{unit}综治办",
     "已落实民警陪同入户"),
    (C.OTHER, "丈量测绘设备不足，需协调测绘单位支援", "区自然资源和规划分局",
     "测绘单位已增派两个小组"),
)  # fmt: skip
WONT_FIX = "超出协调范围，已向工作组说明情况"
EXCHANGE_PLACE = "区委组织部三楼会议室"
EXCHANGE_NOTES = "各工作组汇报入户丈量、签约和拆除进度，交流做群众工作的方法"
EXCHANGE_DECISIONS = "下阶段聚焦签约攻坚，各组每周五报送进度"
ACTIVE_ITEMS: tuple[tuple[int, int | None, LogisticsState, int | None], ...] = (
    # raised (days ago), due (days ago; negative: ahead; None: no due day), the state
    # it reaches and how many days ago (None: still open)
    (40, 20, OPEN, None), (30, 9, OPEN, None), (24, 4, OPEN, None), (35, 14, BUSY, 20),
    (9, 0, OPEN, None), (6, -5, OPEN, None), (3, -10, OPEN, None), (1, None, OPEN, None),
    (12, -3, BUSY, 8), (15, -7, BUSY, 11), (50, 40, DONE, 45), (45, 35, DONE, 30),
    (28, 14, DONE, 16), (20, 10, DONE, 11), (55, 48, DONE, 49), (38, 28, DROPPED, 30),
)  # fmt: skip
OTHER_MEETINGS = (
    # kind, title, place, notes, decisions
    (MeetingKind.SEMINAR, "征收拆迁政策座谈会", "区委党校报告厅",
     "围绕补偿标准解释口径、特殊困难户安置开展座谈", "统一政策解释口径，困难户一户一策"),
    (MeetingKind.PARTY_COMMITTEE, "列席{committee}会议", "{committee}会议室",
     "工作组组长列席党委会议，汇报阶段性进展", "镇里明确专人对接工作组后勤保障"),
    (MeetingKind.SITE_VISIT, "拆迁安置现场观摩", "{unit}拆迁现场",
     "观摩先进村组签约攻坚做法", "推广“一户一档”和“阳光征收”做法"),
)  # fmt: skip
VILLAGE_POSTS = ("村党支部书记", "村委会主任", "村党总支副书记", "村委会副主任")
LINE_POSTS = ("镇拆迁办主任", "镇拆迁办副主任")
PROJECT_POSTS = ("镇重点工程指挥部副指挥", "镇城建办主任", "镇拆迁办副主任")
SITE_VISITS = (
    # share of the time in the field, title, place
    (0.4, "签约攻坚经验交流", "高新区武南村拆迁现场"),
    (0.75, "拆除现场安全管理", "牛塘镇312国道改道施工现场"),
)
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
