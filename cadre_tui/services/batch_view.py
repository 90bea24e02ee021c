"""A batch as the batch screen and ``cadre-tui groups`` show it: receiving units,
their working groups with leaders, liaison, branch and members in their places,
and every group's problems judged by :mod:`cadre_tui.domain.group_rules`.

One read of a handful of queries per batch; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from cadre_tui.domain.enums import BatchState, LineSide, ManagementMode, PlacementRole
from cadre_tui.domain.group_rules import (
    GroupProblem,
    GroupShape,
    ProblemKind,
    group_problems,
    party_pending,
)
from cadre_tui.domain.model import Batch, ReceivingUnit, WorkingGroup
from cadre_tui.i18n import t
from cadre_tui.store import batches, group_shapes, meetings, units, working_groups
from cadre_tui.store.group_shapes import MemberRow
from cadre_tui.store.sqlite import sqlite3


@dataclass(frozen=True)
class MemberLine:
    """A member with role and place in words."""

    row: MemberRow
    mode: ManagementMode

    @property
    def placement_id(self) -> int:
        return self.row.place.placement_id

    @property
    def cadre_id(self) -> int:
        return self.row.place.cadre_id

    @property
    def name(self) -> str:
        return self.row.place.name

    @property
    def role(self) -> PlacementRole:
        return self.row.place.role

    @property
    def placed(self) -> bool:
        return self.row.place.fits(self.mode)

    def place_text(self) -> str:
        """Where the member works, as the group's mode names it ("—" when unplaced)."""
        row = self.row
        if not self.placed:
            return t("batch.unplaced")
        if self.mode is ManagementMode.STATIONED_VILLAGE:
            return row.village
        if self.mode is ManagementMode.BLOCK_AND_LINE:
            if row.place.line_side is LineSide.LINE:
                return t("batch.line_office")
            return row.field_team
        return t("store.name_separator").join(row.projects)

    @property
    def party_pending(self) -> bool:
        return self.row.place.party_member and not self.row.place.party_transferred


@dataclass(frozen=True)
class GroupView:
    group: WorkingGroup
    unit: ReceivingUnit
    leader: str
    deputy: str
    liaison: str
    members: tuple[MemberLine, ...]
    covered_villages: tuple[str, ...]
    problems: tuple[GroupProblem, ...]
    meetings_by_month: tuple[tuple[str, int], ...] = ()
    """("2026-09", 2): the group's meetings per month (交流会, 座谈会 …)."""

    @property
    def party_members(self) -> int:
        return sum(1 for m in self.members if m.row.place.party_member)

    @property
    def party_pending(self) -> int:
        return party_pending(m.row.place for m in self.members)

    @property
    def flags(self) -> tuple[GroupProblem, ...]:
        """Problems to act on (pending party transfers are counted, not flagged)."""
        return tuple(p for p in self.problems if p.kind is not ProblemKind.PARTY_PENDING)

    def side_counts(self) -> tuple[int, int]:
        """(line, block) members of a block-and-line group."""
        line = sum(1 for m in self.members if m.placed and m.row.place.line_side is LineSide.LINE)
        block = sum(1 for m in self.members if m.placed and m.row.place.line_side is LineSide.BLOCK)
        return line, block


@dataclass(frozen=True)
class UnitView:
    unit: ReceivingUnit
    groups: tuple[GroupView, ...]

    @property
    def problem_count(self) -> int:
        return sum(len(g.flags) for g in self.groups)


@dataclass(frozen=True)
class BatchView:
    batch: Batch
    units: tuple[UnitView, ...]
    missing_evaluations: tuple[tuple[int, str, str], ...]
    """(placement id, cadre, group) of active members not yet evaluated."""

    @property
    def groups(self) -> tuple[GroupView, ...]:
        return tuple(g for u in self.units for g in u.groups)

    @property
    def member_count(self) -> int:
        return sum(len(g.members) for g in self.groups)

    @property
    def problem_count(self) -> int:
        return sum(u.problem_count for u in self.units)


def list_batches(conn: sqlite3.Connection) -> list[Batch]:
    """Every batch, the newest first (the one being worked on is usually the last)."""
    return list(reversed(batches.list_batches(conn)))


def batch_view(conn: sqlite3.Connection, batch_id: int) -> BatchView:
    """The batch's units, groups, members and problems. A closed batch shows the
    members as they were when it closed."""
    batch = batches.get_batch(conn, batch_id)
    closed = batch.state is BatchState.CLOSED
    members = group_shapes.batch_members(conn, batch_id, ended=closed)
    by_group: dict[int, list[MemberRow]] = {}
    for row in members:
        by_group.setdefault(row.group_id, []).append(row)
    villages = group_shapes.covered_villages(conn, batch_id)
    unowned = {} if closed else group_shapes.unowned_projects(conn, batch_id)
    names = _cadre_names(members)
    officers = {o.id: o.name for o in units.list_officers(conn)}
    unit_list = {u.id: u for u in units.list_receiving_units(conn)}
    groups_by_unit: dict[int, list[GroupView]] = {
        unit_id: [] for unit_id in batches.batch_unit_ids(conn, batch_id)
    }
    groups = working_groups.list_working_groups(conn, batch_id)
    owners = _project_owners(groups)
    for group in groups:
        rows = by_group.get(group.id, [])
        lines = tuple(MemberLine(row, group.mode) for row in rows)
        shape = GroupShape(
            mode=group.mode,
            members=tuple(row.place for row in rows),
            has_leader=group.leader_cadre_id is not None or closed,
            covered_villages=tuple(villages.get(group.id, ())),
            unowned_projects=tuple(unowned.get(group.receiving_unit_id, ()))
            if owners.get(group.receiving_unit_id) == group.id
            else (),
        )
        problems = tuple(group_problems(shape)) if not closed else ()
        view = GroupView(
            group=group,
            unit=unit_list[group.receiving_unit_id],
            leader=names.get(group.leader_cadre_id, ""),
            deputy=names.get(group.deputy_cadre_id, ""),
            liaison=officers.get(group.liaison_officer_id, ""),
            members=lines,
            covered_villages=tuple(name for _, name in villages.get(group.id, ())),
            problems=problems,
            meetings_by_month=tuple(meetings.meetings_per_month(conn, group.id)),
        )
        groups_by_unit.setdefault(group.receiving_unit_id, []).append(view)
    unit_views = tuple(
        UnitView(unit_list[unit_id], tuple(groups)) for unit_id, groups in groups_by_unit.items()
    )
    missing = () if closed else tuple(group_shapes.missing_evaluations(conn, batch_id))
    return BatchView(batch, unit_views, missing)


def _project_owners(groups: list[WorkingGroup]) -> dict[int, int]:
    """The group that answers for a unit's unowned projects: its first
    project-based group (each project is flagged once, not once per group)."""
    owners: dict[int, int] = {}
    for group in groups:
        if group.mode is ManagementMode.PROJECT_BASED:
            owners.setdefault(group.receiving_unit_id, group.id)
    return owners


def _cadre_names(members: list[MemberRow]) -> dict[int | None, str]:
    return {row.place.cadre_id: row.place.name for row in members}
