"""What makes a working group sound, by management mode: pure rules over plain
values, so the store, the batch screen and ``cadre-tui groups`` flag the same
problems in the same words.

- stationed_village (蹲点): every member sits in exactly one village; every
  village the group covers has a member.
- block_and_line (条块结合): every member is in the town office (line) or in a
  named field team (block); neither side is empty.
- project_based (项目管理): every project of the receiving unit has one owning
  member in the batch; a member owns at least one.
- always: a group has a leader; party members' relations move to the group's
  temporary branch (pending ones are counted, not blocked).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cadre_tui.domain.enums import Labelled, LineSide, ManagementMode, PlacementRole


class ProblemKind(Labelled):
    """A group's problem; the catalog key ``enum.ProblemKind.<code>`` words it."""

    NO_LEADER = "no_leader"
    NO_MEMBERS = "no_members"
    MEMBER_UNPLACED = "member_unplaced"  # a member without the place the mode needs
    VILLAGE_UNCOVERED = "village_uncovered"  # a covered village without a cadre
    LINE_EMPTY = "line_empty"  # nobody in the town office
    BLOCK_EMPTY = "block_empty"  # nobody in a field team
    PROJECT_UNOWNED = "project_unowned"
    PARTY_PENDING = "party_pending"  # party relations not yet transferred


@dataclass(frozen=True, slots=True)
class MemberPlace:
    """One active member as the rules see them: role and place."""

    placement_id: int
    cadre_id: int
    name: str
    role: PlacementRole
    village_id: int | None = None
    line_side: LineSide | None = None
    field_team_id: int | None = None
    project_ids: tuple[int, ...] = ()
    party_member: bool = False
    party_transferred: bool = False

    def fits(self, mode: ManagementMode) -> bool:
        """Placed as ``mode`` requires, and nowhere else."""
        return place_fits(
            mode, self.village_id, self.line_side, self.field_team_id, self.project_ids
        )

    @property
    def has_place(self) -> bool:
        return bool(
            self.village_id is not None or self.line_side or self.field_team_id or self.project_ids
        )


def place_fits(
    mode: ManagementMode,
    village_id: int | None,
    line_side: LineSide | None,
    field_team_id: int | None,
    project_ids: Sequence[int],
) -> bool:
    """The place shapes of PRODUCT.md: a village / the line or a team / projects."""
    if mode is ManagementMode.STATIONED_VILLAGE:
        return village_id is not None and not line_side and not field_team_id and not project_ids
    if mode is ManagementMode.BLOCK_AND_LINE:
        if village_id is not None or project_ids:
            return False
        if line_side is LineSide.LINE:
            return field_team_id is None
        return line_side is LineSide.BLOCK and field_team_id is not None
    return bool(project_ids) and village_id is None and not line_side and not field_team_id


@dataclass(frozen=True, slots=True)
class GroupProblem:
    """``subject`` names what is wrong (a cadre, a village, a project) where there
    is one; ``count`` says how many for counted problems (pending transfers)."""

    kind: ProblemKind
    subject: str = ""
    count: int = 0

    def text(self, lang: str | None = None) -> str:
        from cadre_tui.i18n import t

        return t(
            f"group_problem.{self.kind.value}", lang=lang, subject=self.subject, count=self.count
        )


@dataclass(frozen=True, slots=True)
class GroupShape:
    """What the rules need of one group: its mode, members and the places it answers for."""

    mode: ManagementMode
    members: tuple[MemberPlace, ...]
    has_leader: bool
    covered_villages: tuple[tuple[int, str], ...] = ()
    """(id, name) of villages the group covers (stationed_village)."""
    unowned_projects: tuple[str, ...] = ()
    """Names of the receiving unit's projects nobody in the batch owns (project_based)."""


def group_problems(shape: GroupShape) -> list[GroupProblem]:
    """Every problem of the group, most pressing first."""
    problems: list[GroupProblem] = []
    if not shape.members:
        problems.append(GroupProblem(ProblemKind.NO_MEMBERS))
    if not shape.has_leader:
        problems.append(GroupProblem(ProblemKind.NO_LEADER))
    for member in shape.members:
        if not member.fits(shape.mode):
            problems.append(GroupProblem(ProblemKind.MEMBER_UNPLACED, member.name))
    if shape.mode is ManagementMode.STATIONED_VILLAGE:
        occupied = {m.village_id for m in shape.members}
        problems += [
            GroupProblem(ProblemKind.VILLAGE_UNCOVERED, name)
            for village_id, name in shape.covered_villages
            if village_id not in occupied
        ]
    elif shape.mode is ManagementMode.BLOCK_AND_LINE and shape.members:
        sides = {m.line_side for m in shape.members if m.fits(shape.mode)}
        if LineSide.LINE not in sides:
            problems.append(GroupProblem(ProblemKind.LINE_EMPTY))
        if LineSide.BLOCK not in sides:
            problems.append(GroupProblem(ProblemKind.BLOCK_EMPTY))
    elif shape.mode is ManagementMode.PROJECT_BASED:
        problems += [GroupProblem(ProblemKind.PROJECT_UNOWNED, n) for n in shape.unowned_projects]
    pending = party_pending(shape.members)
    if pending:
        problems.append(GroupProblem(ProblemKind.PARTY_PENDING, count=pending))
    return problems


def party_pending(members: Iterable[MemberPlace]) -> int:
    """Party members whose relation has not reached the temporary branch yet."""
    return sum(1 for m in members if m.party_member and not m.party_transferred)


def broken_by_mode_change(
    members: Iterable[MemberPlace], new_mode: ManagementMode
) -> list[MemberPlace]:
    """The members whose place would no longer fit ``new_mode`` (they lose it)."""
    return [m for m in members if m.has_place and not m.fits(new_mode)]


BLOCKING = frozenset({ProblemKind.NO_LEADER})
"""Problems that stop a group becoming active; the rest are flags to act on."""
