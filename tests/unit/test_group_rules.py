"""The working-group rules by management mode, on plain values (no database)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre_tui.domain.enums import LineSide, ManagementMode, PlacementRole
from cadre_tui.domain.group_rules import (
    BLOCKING,
    GroupProblem,
    GroupShape,
    MemberPlace,
    ProblemKind,
    broken_by_mode_change,
    group_problems,
    party_pending,
    place_fits,
)

STATIONED = ManagementMode.STATIONED_VILLAGE
BLOCK_AND_LINE = ManagementMode.BLOCK_AND_LINE
PROJECTS = ManagementMode.PROJECT_BASED

FITTING: dict[ManagementMode, set[tuple[bool, LineSide | None, bool, bool]]] = {
    STATIONED: {(True, None, False, False)},
    BLOCK_AND_LINE: {(False, LineSide.LINE, False, False), (False, LineSide.BLOCK, True, False)},
    PROJECTS: {(False, None, False, True)},
}
"""(has village, line side, has field team, has projects) each mode accepts: PRODUCT.md's shapes."""


def fits_by_table(
    mode: ManagementMode,
    village_id: int | None,
    line_side: LineSide | None,
    field_team_id: int | None,
    project_ids: Sequence[int],
) -> bool:
    shape = (village_id is not None, line_side, field_team_id is not None, bool(project_ids))
    return shape in FITTING[mode]


def member(
    name: str,
    number: int = 1,
    *,
    role: PlacementRole = PlacementRole.MEMBER,
    village_id: int | None = None,
    line_side: LineSide | None = None,
    field_team_id: int | None = None,
    project_ids: tuple[int, ...] = (),
    party_member: bool = False,
    party_transferred: bool = False,
) -> MemberPlace:
    return MemberPlace(
        placement_id=100 + number,
        cadre_id=number,
        name=name,
        role=role,
        village_id=village_id,
        line_side=line_side,
        field_team_id=field_team_id,
        project_ids=project_ids,
        party_member=party_member,
        party_transferred=party_transferred,
    )


def kinds(problems: list[GroupProblem]) -> list[ProblemKind]:
    return [p.kind for p in problems]


def of_kind(problems: list[GroupProblem], kind: ProblemKind) -> list[GroupProblem]:
    return [p for p in problems if p.kind is kind]


# -- the place each mode needs ---------------------------------------------------------

villages = st.sampled_from([None, 1, 7])
sides = st.sampled_from([None, LineSide.LINE, LineSide.BLOCK])
teams = st.sampled_from([None, 3])
project_lists = st.sampled_from([(), (5,), (5, 6)])
modes = st.sampled_from(list(ManagementMode))


@given(modes, villages, sides, teams, project_lists)
def test_place_fits_agrees_with_the_table_of_shapes(
    mode: ManagementMode,
    village_id: int | None,
    line_side: LineSide | None,
    field_team_id: int | None,
    project_ids: tuple[int, ...],
) -> None:
    expected = fits_by_table(mode, village_id, line_side, field_team_id, project_ids)
    assert place_fits(mode, village_id, line_side, field_team_id, project_ids) is expected
    placed = member(
        "张伟",
        village_id=village_id,
        line_side=line_side,
        field_team_id=field_team_id,
        project_ids=project_ids,
    )
    assert placed.fits(mode) is expected


def test_every_place_fits_exactly_one_mode_or_none() -> None:
    """The shapes are disjoint: no place is valid in two modes."""
    for shape in itertools.product([None, 1], [None, *LineSide], [None, 3], [(), (5,)]):
        fitting = [mode for mode in ManagementMode if place_fits(mode, *shape)]
        assert len(fitting) <= 1, shape


def test_a_block_needs_a_team_and_the_line_takes_none() -> None:
    assert not place_fits(BLOCK_AND_LINE, None, LineSide.BLOCK, None, ())
    assert place_fits(BLOCK_AND_LINE, None, LineSide.BLOCK, 3, ())
    assert place_fits(BLOCK_AND_LINE, None, LineSide.LINE, None, ())
    assert not place_fits(BLOCK_AND_LINE, None, LineSide.LINE, 3, ())
    assert not place_fits(BLOCK_AND_LINE, None, None, 3, ())


# -- what is always checked -------------------------------------------------------------


def test_an_empty_group_has_no_members_and_no_leader_first() -> None:
    for mode in ManagementMode:
        problems = group_problems(GroupShape(mode=mode, members=(), has_leader=False))
        assert kinds(problems)[:2] == [ProblemKind.NO_MEMBERS, ProblemKind.NO_LEADER]
        assert ProblemKind.LINE_EMPTY not in kinds(problems)
        assert ProblemKind.BLOCK_EMPTY not in kinds(problems)


def test_a_sound_group_of_each_mode_has_no_problems() -> None:
    leader = PlacementRole.LEADER
    sound = {
        STATIONED: (member("张伟", 1, role=leader, village_id=1),),
        BLOCK_AND_LINE: (
            member("张伟", 1, role=leader, line_side=LineSide.LINE),
            member("李强", 2, line_side=LineSide.BLOCK, field_team_id=3),
        ),
        PROJECTS: (member("张伟", 1, role=leader, project_ids=(5, 6)),),
    }
    for mode, members in sound.items():
        shape = GroupShape(
            mode=mode, members=members, has_leader=True, covered_villages=((1, "南田村"),)
        )
        assert group_problems(shape) == [], mode


def test_a_group_without_a_leader_is_flagged_and_that_blocks_it() -> None:
    shape = GroupShape(mode=STATIONED, members=(member("张伟", village_id=1),), has_leader=False)
    assert kinds(group_problems(shape)) == [ProblemKind.NO_LEADER]
    assert {ProblemKind.NO_LEADER} == BLOCKING


def test_pending_party_transfers_are_counted() -> None:
    members = (
        member("张伟", 1, village_id=1, party_member=True),
        member("李强", 2, village_id=1, party_member=True, party_transferred=True),
        member("王芳", 3, village_id=1, party_member=True),
        member("赵敏", 4, village_id=1),  # not a party member: nothing to transfer
    )
    assert party_pending(members) == 2
    problems = group_problems(GroupShape(mode=STATIONED, members=members, has_leader=True))
    assert problems == [GroupProblem(ProblemKind.PARTY_PENDING, count=2)]
    assert "2" in problems[0].text("en")
    done = tuple(m for m in members if not (m.party_member and not m.party_transferred))
    assert party_pending(done) == 0
    assert group_problems(GroupShape(mode=STATIONED, members=done, has_leader=True)) == []


# -- stationed by village ---------------------------------------------------------------


def test_stationed_member_without_a_village_is_named() -> None:
    shape = GroupShape(
        mode=STATIONED,
        members=(member("张伟", 1, village_id=1), member("李强", 2)),
        has_leader=True,
        covered_villages=((1, "南田村"),),
    )
    problems = group_problems(shape)
    assert problems == [GroupProblem(ProblemKind.MEMBER_UNPLACED, "李强")]
    assert "李强" in problems[0].text("en")


def test_stationed_covered_village_without_a_member_is_named() -> None:
    shape = GroupShape(
        mode=STATIONED,
        members=(member("张伟", 1, village_id=1), member("李强", 2, village_id=1)),
        has_leader=True,
        covered_villages=((1, "南田村"), (2, "马杭村"), (3, "龙虎塘村")),
    )
    problems = group_problems(shape)
    assert problems == [
        GroupProblem(ProblemKind.VILLAGE_UNCOVERED, "马杭村"),
        GroupProblem(ProblemKind.VILLAGE_UNCOVERED, "龙虎塘村"),
    ]
    assert "马杭村" in problems[0].text("en")


def test_stationed_member_with_a_place_of_another_mode_is_unplaced() -> None:
    shape = GroupShape(
        mode=STATIONED,
        members=(member("张伟", 1, line_side=LineSide.LINE), member("李强", 2, project_ids=(5,))),
        has_leader=True,
    )
    unplaced = of_kind(group_problems(shape), ProblemKind.MEMBER_UNPLACED)
    assert [p.subject for p in unplaced] == ["张伟", "李强"]


# -- block and line ---------------------------------------------------------------------


def test_block_and_line_flags_an_empty_line() -> None:
    shape = GroupShape(
        mode=BLOCK_AND_LINE,
        members=(member("张伟", 1, line_side=LineSide.BLOCK, field_team_id=3),),
        has_leader=True,
    )
    assert kinds(group_problems(shape)) == [ProblemKind.LINE_EMPTY]


def test_block_and_line_flags_an_empty_block_side() -> None:
    shape = GroupShape(
        mode=BLOCK_AND_LINE,
        members=(member("张伟", 1, line_side=LineSide.LINE),),
        has_leader=True,
    )
    assert kinds(group_problems(shape)) == [ProblemKind.BLOCK_EMPTY]


def test_a_block_member_without_a_team_is_unplaced_and_does_not_fill_the_block() -> None:
    shape = GroupShape(
        mode=BLOCK_AND_LINE,
        members=(
            member("张伟", 1, line_side=LineSide.LINE),
            member("李强", 2, line_side=LineSide.BLOCK),
        ),
        has_leader=True,
    )
    problems = group_problems(shape)
    assert problems == [
        GroupProblem(ProblemKind.MEMBER_UNPLACED, "李强"),
        GroupProblem(ProblemKind.BLOCK_EMPTY),
    ]


def test_block_and_line_with_nobody_placed_flags_both_sides() -> None:
    shape = GroupShape(mode=BLOCK_AND_LINE, members=(member("张伟"),), has_leader=True)
    assert kinds(group_problems(shape)) == [
        ProblemKind.MEMBER_UNPLACED,
        ProblemKind.LINE_EMPTY,
        ProblemKind.BLOCK_EMPTY,
    ]


# -- project based ----------------------------------------------------------------------


def test_project_based_flags_each_unowned_project_by_name() -> None:
    shape = GroupShape(
        mode=PROJECTS,
        members=(member("张伟", 1, project_ids=(5,)),),
        has_leader=True,
        unowned_projects=("大运河南移工程牛塘段一期", "312国道改道牛塘段二期"),
    )
    problems = group_problems(shape)
    assert problems == [
        GroupProblem(ProblemKind.PROJECT_UNOWNED, "大运河南移工程牛塘段一期"),
        GroupProblem(ProblemKind.PROJECT_UNOWNED, "312国道改道牛塘段二期"),
    ]
    assert "大运河南移工程牛塘段一期" in problems[0].text("en")


def test_project_based_member_without_a_project_is_unplaced() -> None:
    shape = GroupShape(
        mode=PROJECTS,
        members=(member("张伟", 1, project_ids=(5,)), member("李强", 2)),
        has_leader=True,
    )
    assert group_problems(shape) == [GroupProblem(ProblemKind.MEMBER_UNPLACED, "李强")]


def test_mode_specific_checks_stay_in_their_mode() -> None:
    """Covered villages and unowned projects mean nothing to a group of another mode."""
    members = (
        member("张伟", 1, line_side=LineSide.LINE),
        member("李强", 2, line_side=LineSide.BLOCK, field_team_id=3),
    )
    shape = GroupShape(
        mode=BLOCK_AND_LINE,
        members=members,
        has_leader=True,
        covered_villages=((1, "南田村"),),
        unowned_projects=("312国道改道牛塘段一期",),
    )
    assert group_problems(shape) == []


# -- changing the mode ------------------------------------------------------------------

PLACED_AS = {
    STATIONED: {"village_id": 1},
    BLOCK_AND_LINE: {"line_side": LineSide.LINE},
    PROJECTS: {"project_ids": (5,)},
}


@pytest.mark.parametrize(("old", "new"), list(itertools.product(ManagementMode, ManagementMode)))
def test_who_loses_their_place_for_each_mode_pair(old: ManagementMode, new: ManagementMode) -> None:
    placed = member("张伟", 1, **PLACED_AS[old])
    teamed = member("王芳", 3, line_side=LineSide.BLOCK, field_team_id=3)
    unplaced = member("李强", 2)
    members = [placed, unplaced] + ([teamed] if old is BLOCK_AND_LINE else [])
    losing = broken_by_mode_change(members, new)
    if old is new:
        assert losing == []
    else:
        assert losing == [placed] + ([teamed] if old is BLOCK_AND_LINE else [])
    assert unplaced not in losing


@given(
    st.lists(st.tuples(villages, sides, teams, project_lists), max_size=6),
    modes,
)
def test_after_a_mode_change_everyone_fits_has_no_place_or_is_listed(
    places: list[tuple], new: ManagementMode
) -> None:
    members = [
        member(f"干部{n}", n, village_id=v, line_side=s, field_team_id=t, project_ids=p)
        for n, (v, s, t, p) in enumerate(places, start=1)
    ]
    losing = broken_by_mode_change(members, new)
    for m, (v, s, t, p) in zip(members, places, strict=True):
        has_place = v is not None or s is not None or t is not None or bool(p)
        assert (m in losing) == (has_place and not fits_by_table(new, v, s, t, p))
