"""Placing cadres by mode and changing groups, on real SQLite files: every refusal
names its key and leaves the database as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from cadre_tui.domain.enums import (
    BatchState,
    CadreCategory,
    CadreStatus,
    EvaluationGrade,
    Gender,
    GroupState,
    LineSide,
    ManagementMode,
    PartyStatus,
    PlacementRole,
    ReceivingUnitKind,
)
from cadre_tui.domain.group_rules import GroupProblem, ProblemKind
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.batch_view import batch_view
from cadre_tui.store import (
    audit,
    batches,
    cadres,
    evaluations,
    group_changes,
    placements,
    units,
    working_groups,
)
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3

START = dt.date(2026, 3, 2)
STATIONED = ManagementMode.STATIONED_VILLAGE
BLOCK_AND_LINE = ManagementMode.BLOCK_AND_LINE
PROJECTS = ManagementMode.PROJECT_BASED
NAMES = ("张伟", "李强", "王芳", "赵敏", "陈静", "刘洋", "杨帆", "黄磊")


def new_cadre(unit_id: int, sequence: int = 1, **changes: object) -> NewCadre:
    birth = dt.date(1994, 5, 17)
    record = NewCadre(
        name="张伟",
        gender=Gender.MALE,
        birth_date=birth,
        id_number=make_id_number("320412", birth, sequence, "M"),
        sending_unit_id=unit_id,
        category=CadreCategory.RESERVE_CADRE,
        phone="13812345678",
        party_status=PartyStatus.MEMBER,
        party_joined_on=dt.date(2015, 6, 1),
        work_started_on=dt.date(2016, 8, 1),
        education="大学本科",
        degree="学士",
        post="科员",
        rank="一级科员",
    )
    return dataclasses.replace(record, **changes)


def audit_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]


def snapshot(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Everything a group write may touch, to show a refusal or a preview wrote nothing."""
    tables = (
        "placements",
        "placement_projects",
        "working_groups",
        "group_villages",
        "batches",
        "evaluations",
        "audit_log",
    )
    found = {
        t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in tables
    }
    found["cadres"] = [tuple(r) for r in conn.execute("SELECT id, status, updated_at FROM cadres")]
    return found


@pytest.fixture
def org(conn: sqlite3.Connection) -> SimpleNamespace:
    """One sending unit and a receiving unit per mode, with their places and a liaison."""
    sending = units.create_sending_unit(conn, code="D17", name="区财政局")
    zone = units.create_receiving_unit(
        conn,
        code="GX",
        name="高新区",
        kind=ReceivingUnitKind.ZONE,
        default_mode=STATIONED,
        deputy_party_secretary="顾建忠",
    )
    hutang = units.create_receiving_unit(
        conn, code="HT", name="湖塘镇", default_mode=BLOCK_AND_LINE
    )
    niutang = units.create_receiving_unit(conn, code="NT", name="牛塘镇", default_mode=PROJECTS)
    return SimpleNamespace(
        sending=sending,
        zone=zone,
        hutang=hutang,
        niutang=niutang,
        village=units.add_village(conn, zone.id, "南田村", 1200),
        second_village=units.add_village(conn, zone.id, "龙虎塘村", 900),
        other_village=units.add_village(conn, hutang.id, "马杭村", 800),
        team=units.add_field_team(conn, hutang.id, "长虹片区拆迁工作组"),
        projects=[
            units.add_project(conn, niutang.id, "312国道改道牛塘段一期", "312国道改道"),
            units.add_project(conn, niutang.id, "大运河南移工程牛塘段一期", "大运河南移工程"),
        ],
        officer=units.add_officer(conn, "陆晓东", "13900001111", "区委组织部干部科副科长"),
    )


@pytest.fixture
def batch(conn: sqlite3.Connection, org) -> SimpleNamespace:
    """A planning batch over the three units, a group per unit and eight cadres by name."""
    made = batches.create_batch(
        conn,
        number=1,
        name="第一批抽调干部",
        start_date=START,
        receiving_unit_ids=[org.zone.id, org.hutang.id, org.niutang.id],
    )
    groups = {
        mode: working_groups.create_working_group(
            conn,
            batch_id=made.id,
            receiving_unit_id=unit.id,
            name=f"{unit.name}工作组",
            liaison_officer_id=org.officer.id,
        )
        for mode, unit in (
            (STATIONED, org.zone),
            (BLOCK_AND_LINE, org.hutang),
            (PROJECTS, org.niutang),
        )
    }
    cadres.insert_cadres(
        conn,
        [new_cadre(org.sending.id, sequence=2 * n + 1, name=name) for n, name in enumerate(NAMES)],
    )
    ids = {c.name: c.id for c in cadres.list_cadres(conn, limit=100)}
    return SimpleNamespace(batch=made, groups=groups, ids=ids)


def shape_for(org, mode: ManagementMode) -> dict:
    """A place that fits ``mode`` in the org fixture."""
    return {
        STATIONED: {"village_id": org.village.id},
        BLOCK_AND_LINE: {"line_side": LineSide.LINE},
        PROJECTS: {"project_ids": [org.projects[0].id]},
    }[mode]


def place(conn: sqlite3.Connection, batch, mode: ManagementMode, name: str, **shape):
    return placements.place_cadre(
        conn, group_id=batch.groups[mode].id, cadre_id=batch.ids[name], start_date=START, **shape
    )


def group(conn: sqlite3.Connection, batch, mode: ManagementMode):
    return working_groups.get_working_group(conn, batch.groups[mode].id)


def lead_every_group(conn: sqlite3.Connection, batch, org) -> None:
    for mode, name in zip(ManagementMode, ("张伟", "李强", "王芳"), strict=True):
        place(conn, batch, mode, name, role=PlacementRole.LEADER, **shape_for(org, mode))


# -- placing by mode ---------------------------------------------------------------------

WRONG_SHAPES = [
    (STATIONED, "line"),
    (STATIONED, "block"),
    (STATIONED, "projects"),
    (BLOCK_AND_LINE, "village"),
    (BLOCK_AND_LINE, "projects"),
    (BLOCK_AND_LINE, "line_with_team"),
    (PROJECTS, "village"),
    (PROJECTS, "line"),
    (PROJECTS, "block"),
]


@pytest.mark.parametrize(("mode", "shape_name"), WRONG_SHAPES)
def test_a_place_of_another_mode_is_refused_and_nothing_written(
    conn: sqlite3.Connection, batch, org, mode: ManagementMode, shape_name: str
) -> None:
    shapes = {
        "village": {"village_id": org.village.id},
        "line": {"line_side": LineSide.LINE},
        "block": {"line_side": LineSide.BLOCK, "field_team_id": org.team.id},
        "projects": {"project_ids": [org.projects[0].id]},
        "line_with_team": {"line_side": LineSide.LINE, "field_team_id": org.team.id},
    }
    before = snapshot(conn)
    with pytest.raises(CadreError) as caught:
        place(conn, batch, mode, "张伟", **shapes[shape_name])
    assert caught.value.key == "store.placement.wrong_shape"
    assert mode.label("en") in caught.value.message()
    assert snapshot(conn) == before


def test_each_mode_takes_its_own_place(conn: sqlite3.Connection, batch, org) -> None:
    village = place(conn, batch, STATIONED, "张伟", village_id=org.village.id)
    line = place(conn, batch, BLOCK_AND_LINE, "李强", line_side=LineSide.LINE)
    block = place(
        conn, batch, BLOCK_AND_LINE, "王芳", line_side=LineSide.BLOCK, field_team_id=org.team.id
    )
    owner = place(conn, batch, PROJECTS, "赵敏", project_ids=[p.id for p in org.projects])
    assert village.village_id == org.village.id
    assert (line.line_side, line.field_team_id) == (LineSide.LINE, None)
    assert (block.line_side, block.field_team_id) == (LineSide.BLOCK, org.team.id)
    assert owner.project_ids == tuple(p.id for p in org.projects)
    assert group_changes.covered_village_ids(conn, batch.groups[STATIONED].id) == (org.village.id,)


# -- eligibility ---------------------------------------------------------------------------


def test_an_ineligible_cadre_needs_a_reason_which_the_placement_and_audit_keep(
    conn: sqlite3.Connection, batch, org
) -> None:
    born = dt.date(1978, 4, 2)
    elder = cadres.create_cadre(
        conn,
        new_cadre(
            org.sending.id,
            name="钱国华",
            birth_date=born,
            id_number=make_id_number("320412", born, 901, "M"),
        ),
    )
    before = snapshot(conn)
    for reason in ("", "   "):
        with pytest.raises(CadreError) as caught:
            placements.place_cadre(
                conn,
                group_id=batch.groups[BLOCK_AND_LINE].id,
                cadre_id=elder.id,
                start_date=START,
                line_side=LineSide.LINE,
                exception_reason=reason,
            )
        assert caught.value.key == "store.placement.ineligible"
        assert caught.value.params["name"] == "钱国华"
        assert "钱国华" in caught.value.message()
        assert snapshot(conn) == before

    reason = "熟悉拆迁政策，经部务会研究同意"
    placed = placements.place_cadre(
        conn,
        group_id=batch.groups[BLOCK_AND_LINE].id,
        cadre_id=elder.id,
        start_date=START,
        line_side=LineSide.LINE,
        exception_reason=f"  {reason} ",
    )
    assert placed.exception_reason == reason
    assert placements.get_placement(conn, placed.id).exception_reason == reason
    row = audit.entries(conn, entity="placement", limit=1)[0]
    assert (row["action"], row["entity_id"]) == ("create", placed.id)
    assert json.loads(row["after_json"])["exception_reason"] == reason


def test_an_eligible_cadre_keeps_no_exception_reason(conn: sqlite3.Connection, batch) -> None:
    placed = place(conn, batch, BLOCK_AND_LINE, "张伟", line_side="line", exception_reason="不需要")
    assert placed.exception_reason == ""


def test_a_batch_that_takes_leaders_places_them_without_a_reason(
    conn: sqlite3.Connection, batch
) -> None:
    leader_id = batch.ids["张伟"]
    record = cadres.get_cadre(conn, leader_id).record()
    cadres.update_cadre(
        conn, leader_id, dataclasses.replace(record, category=CadreCategory.SERVING_LEADER)
    )
    with pytest.raises(CadreError) as caught:
        place(conn, batch, BLOCK_AND_LINE, "张伟", line_side=LineSide.LINE)
    assert caught.value.key == "store.placement.ineligible"
    batches.update_batch(conn, batch.batch.id, allow_leaders=True)
    placed = place(conn, batch, BLOCK_AND_LINE, "张伟", line_side=LineSide.LINE)
    assert placed.exception_reason == ""


# -- one active placement, one owner per project -------------------------------------------


def test_a_cadre_is_in_one_active_placement(conn: sqlite3.Connection, batch, org) -> None:
    place(conn, batch, BLOCK_AND_LINE, "张伟", line_side=LineSide.LINE)
    before = snapshot(conn)
    with pytest.raises(CadreError) as caught:
        place(conn, batch, STATIONED, "张伟", village_id=org.village.id)
    assert caught.value.key == "store.placement.already_placed"
    assert "张伟" in caught.value.message()
    assert snapshot(conn) == before


def test_the_unique_index_refuses_a_second_active_placement_by_name(
    conn: sqlite3.Connection, batch, org
) -> None:
    """Past the check (as a quicker writer would be), the index still refuses, in words."""
    place(conn, batch, BLOCK_AND_LINE, "张伟", line_side=LineSide.LINE)
    before = snapshot(conn)
    with pytest.raises(CadreError) as caught, transaction(conn):
        placements.insert_placement(
            conn, group(conn, batch, STATIONED), batch.ids["张伟"], START, village_id=org.village.id
        )
    assert caught.value.key == "store.placement.already_placed"
    assert caught.value.params["name"] == "张伟"
    assert snapshot(conn) == before


def test_a_project_has_one_owner_per_batch(conn: sqlite3.Connection, batch, org) -> None:
    first, second = org.projects
    owner = place(conn, batch, PROJECTS, "张伟", project_ids=[first.id])
    before = snapshot(conn)
    with pytest.raises(CadreError) as caught:
        place(conn, batch, PROJECTS, "李强", project_ids=[second.id, first.id])
    assert caught.value.key == "store.placement.project_taken"
    assert caught.value.params == {"project": first.name, "name": "张伟"}
    assert snapshot(conn) == before

    other = place(conn, batch, PROJECTS, "李强", project_ids=[second.id])
    for attempt in (
        lambda: group_changes.assign_projects(conn, other.id, [first.id]),
        lambda: group_changes.set_place(conn, other.id, project_ids=[first.id]),
    ):
        before = snapshot(conn)
        with pytest.raises(CadreError) as caught:
            attempt()
        assert caught.value.key == "store.placement.project_taken"
        assert snapshot(conn) == before

    later = batches.create_batch(
        conn, number=2, name="第二批", start_date=START, receiving_unit_ids=[org.niutang.id]
    )
    elsewhere = working_groups.create_working_group(
        conn, batch_id=later.id, receiving_unit_id=org.niutang.id, name="牛塘镇第二批工作组"
    )
    taken_again = placements.place_cadre(
        conn,
        group_id=elsewhere.id,
        cadre_id=batch.ids["王芳"],
        start_date=START,
        project_ids=[first.id],
    )
    assert taken_again.project_ids == (first.id,)

    placements.end_placement(conn, owner.id, START + dt.timedelta(days=10))
    assert group_changes.assign_projects(conn, other.id, [first.id]).project_ids == (
        first.id,
        second.id,
    )


# -- roles -----------------------------------------------------------------------------------


def test_set_role_moves_the_role_and_ending_a_leader_empties_the_post(
    conn: sqlite3.Connection, batch, org
) -> None:
    mode = BLOCK_AND_LINE
    a, b, c = (
        place(conn, batch, mode, n, line_side=LineSide.LINE) for n in ("张伟", "李强", "王芳")
    )
    ids = batch.ids

    names = {cadre_id: name for name, cadre_id in ids.items()}

    def roles() -> dict[str, PlacementRole]:
        found = placements.list_placements(conn, group_id=batch.groups[mode].id)
        return {names[p.cadre_id]: p.role for p in found if p.is_active}

    g = group_changes.set_role(conn, a.id, PlacementRole.LEADER)
    assert (g.leader_cadre_id, g.deputy_cadre_id) == (ids["张伟"], None)
    g = group_changes.set_role(conn, b.id, PlacementRole.LEADER)
    assert g.leader_cadre_id == ids["李强"]
    assert roles() == {
        "张伟": PlacementRole.MEMBER,
        "李强": PlacementRole.LEADER,
        "王芳": PlacementRole.MEMBER,
    }
    g = group_changes.set_role(conn, a.id, PlacementRole.DEPUTY)
    assert (g.leader_cadre_id, g.deputy_cadre_id) == (ids["李强"], ids["张伟"])
    g = group_changes.set_role(conn, a.id, PlacementRole.LEADER)
    assert (g.leader_cadre_id, g.deputy_cadre_id) == (ids["张伟"], None)
    assert roles()["李强"] is PlacementRole.MEMBER
    g = group_changes.set_role(conn, c.id, PlacementRole.DEPUTY)
    assert g.deputy_cadre_id == ids["王芳"]
    assert [r["action"] for r in audit.entries(conn, entity="placement", limit=5)] == [
        "set_role"
    ] * 5

    placements.end_placement(conn, a.id, START + dt.timedelta(days=20))
    g = group(conn, batch, mode)
    assert (g.leader_cadre_id, g.deputy_cadre_id) == (None, ids["王芳"])
    placements.end_placement(conn, c.id, START + dt.timedelta(days=20))
    assert group(conn, batch, mode).deputy_cadre_id is None


def test_placing_a_new_leader_demotes_the_old_one(conn: sqlite3.Connection, batch) -> None:
    first = place(conn, batch, BLOCK_AND_LINE, "张伟", line_side="line", role="leader")
    place(conn, batch, BLOCK_AND_LINE, "李强", line_side="line", role="leader")
    assert group(conn, batch, BLOCK_AND_LINE).leader_cadre_id == batch.ids["李强"]
    assert placements.get_placement(conn, first.id).role is PlacementRole.MEMBER


# -- moving a cadre --------------------------------------------------------------------------


def test_a_move_ends_the_old_placement_and_starts_the_new_one_the_same_day(
    conn: sqlite3.Connection, batch, org
) -> None:
    transferred = START + dt.timedelta(days=5)
    moving = place(
        conn,
        batch,
        STATIONED,
        "张伟",
        village_id=org.village.id,
        role=PlacementRole.LEADER,
        party_transferred_on=transferred,
    )
    place(conn, batch, BLOCK_AND_LINE, "李强", line_side=LineSide.LINE, role="leader")
    day = START + dt.timedelta(days=30)

    after = group_changes.move_cadre(
        conn,
        moving.id,
        to_group_id=batch.groups[BLOCK_AND_LINE].id,
        on=day,
        line_side=LineSide.BLOCK,
        field_team_id=org.team.id,
    )
    old = placements.get_placement(conn, moving.id)
    assert old.end_date == day
    assert (after.start_date, after.end_date) == (day, None)
    assert (after.group_id, after.line_side, after.field_team_id) == (
        batch.groups[BLOCK_AND_LINE].id,
        LineSide.BLOCK,
        org.team.id,
    )
    assert after.party_transferred_on == transferred
    assert after.role is PlacementRole.MEMBER
    assert group(conn, batch, STATIONED).leader_cadre_id is None
    assert group(conn, batch, BLOCK_AND_LINE).leader_cadre_id == batch.ids["李强"]
    assert placements.active_placement(conn, batch.ids["张伟"]) == after
    row = audit.entries(conn, limit=1)[0]
    assert (row["action"], row["entity"], row["entity_id"]) == ("move", "placement", after.id)
    assert json.loads(row["before_json"]) == {
        "placement_id": moving.id,
        "group_id": batch.groups[STATIONED].id,
    }


def test_a_move_without_a_place_leaves_the_cadre_to_be_placed(
    conn: sqlite3.Connection, batch, org
) -> None:
    moving = place(conn, batch, STATIONED, "张伟", village_id=org.village.id)
    after = group_changes.move_cadre(
        conn, moving.id, to_group_id=batch.groups[PROJECTS].id, on=START + dt.timedelta(days=9)
    )
    assert after.is_active and after.project_ids == ()
    view = batch_view(conn, batch.batch.id)
    projects = next(g for g in view.groups if g.group.id == batch.groups[PROJECTS].id)
    assert GroupProblem(ProblemKind.MEMBER_UNPLACED, "张伟") in projects.problems
    assert [m.place_text() for m in projects.members] == [t("batch.unplaced")]


def test_a_refused_move_leaves_the_cadre_where_they_were(
    conn: sqlite3.Connection, batch, org
) -> None:
    moving = place(conn, batch, STATIONED, "张伟", village_id=org.village.id)
    later = batches.create_batch(
        conn, number=2, name="第二批", start_date=START, receiving_unit_ids=[org.hutang.id]
    )
    elsewhere = working_groups.create_working_group(
        conn, batch_id=later.id, receiving_unit_id=org.hutang.id, name="湖塘镇第二批工作组"
    )
    day = START + dt.timedelta(days=30)
    attempts = [
        ({"to_group_id": elsewhere.id, "line_side": "line"}, "store.placement.move_other_batch"),
        (
            {"to_group_id": batch.groups[BLOCK_AND_LINE].id, "line_side": LineSide.BLOCK},
            "store.placement.field_team_required",
        ),
        (
            {"to_group_id": batch.groups[BLOCK_AND_LINE].id, "village_id": org.village.id},
            "store.placement.wrong_shape",
        ),
        (
            {"to_group_id": batch.groups[STATIONED].id, "village_id": org.village.id},
            "store.placement.move_same_group",
        ),
    ]
    before = snapshot(conn)
    for arguments, key in attempts:
        with pytest.raises(CadreError) as caught:
            group_changes.move_cadre(conn, moving.id, on=day, **arguments)
        assert caught.value.key == key
        assert snapshot(conn) == before
    with pytest.raises(CadreError) as caught:
        group_changes.move_cadre(
            conn,
            moving.id,
            to_group_id=batch.groups[BLOCK_AND_LINE].id,
            on=START - dt.timedelta(days=1),
            line_side="line",
        )
    assert caught.value.key == "store.placement.end_before_start"
    assert snapshot(conn) == before
    assert placements.active_placement(conn, batch.ids["张伟"]) == moving


# -- changing a group's mode -----------------------------------------------------------------


def test_a_mode_change_preview_writes_nothing_and_lists_exactly_who_loses_a_place(
    conn: sqlite3.Connection, batch, org
) -> None:
    grp = batch.groups[STATIONED]
    members = [place(conn, batch, STATIONED, n, village_id=org.village.id) for n in NAMES[:3]]

    before, changes = snapshot(conn), conn.total_changes
    preview = group_changes.preview_mode_change(conn, grp.id, BLOCK_AND_LINE)
    assert {m.placement_id for m in preview.losing} == {p.id for p in members}
    assert preview.covered_villages == 1
    assert preview.changes_anything
    assert (snapshot(conn), conn.total_changes) == (before, changes)

    version = group(conn, batch, STATIONED).row_version
    group_changes.change_group_mode(conn, grp.id, BLOCK_AND_LINE, expected_version=version)
    group_changes.set_place(conn, members[0].id, line_side=LineSide.LINE)

    before, changes = snapshot(conn), conn.total_changes
    preview = group_changes.preview_mode_change(conn, grp.id, PROJECTS)
    assert [m.placement_id for m in preview.losing] == [members[0].id]
    assert [m.name for m in preview.losing] == ["张伟"]
    assert preview.covered_villages == 0
    same = group_changes.preview_mode_change(conn, grp.id, BLOCK_AND_LINE)
    assert (same.losing, same.changes_anything) == ((), False)
    assert (snapshot(conn), conn.total_changes) == (before, changes)


def test_applying_a_mode_change_clears_the_broken_places(
    conn: sqlite3.Connection, batch, org
) -> None:
    grp = batch.groups[STATIONED]
    leader = place(conn, batch, STATIONED, "张伟", village_id=org.village.id, role="leader")
    member = place(conn, batch, STATIONED, "李强", village_id=org.second_village.id)
    version = group(conn, batch, STATIONED).row_version

    change = group_changes.change_group_mode(conn, grp.id, BLOCK_AND_LINE, expected_version=version)
    assert {m.placement_id for m in change.losing} == {leader.id, member.id}
    after = group(conn, batch, STATIONED)
    assert (after.mode, after.row_version) == (BLOCK_AND_LINE, version + 1)
    assert after.leader_cadre_id == batch.ids["张伟"]
    for placement in (leader, member):
        now = placements.get_placement(conn, placement.id)
        assert (now.village_id, now.line_side, now.field_team_id, now.project_ids) == (
            None,
            None,
            None,
            (),
        )
        assert now.is_active and now.role == placement.role
    assert group_changes.covered_village_ids(conn, grp.id) == ()
    row = audit.entries(conn, limit=1)[0]
    assert (row["action"], row["entity_id"]) == ("change_mode", grp.id)
    assert sorted(json.loads(row["after_json"])["unplaced"]) == sorted([leader.id, member.id])

    view = batch_view(conn, batch.batch.id)
    problems = next(g for g in view.groups if g.group.id == grp.id).problems
    unplaced = {p.subject for p in problems if p.kind is ProblemKind.MEMBER_UNPLACED}
    assert unplaced == {"张伟", "李强"}

    before = snapshot(conn)
    with pytest.raises(CadreError) as caught:
        group_changes.change_group_mode(conn, grp.id, PROJECTS, expected_version=version)
    assert caught.value.key == "store.group.changed_elsewhere"
    assert snapshot(conn) == before


# -- group and batch life cycle ----------------------------------------------------------------


def test_activate_group_needs_a_started_batch_and_a_leader(
    conn: sqlite3.Connection, batch, org
) -> None:
    with pytest.raises(CadreError) as caught:
        group_changes.activate_group(conn, batch.groups[STATIONED].id)
    assert caught.value.key == "store.group.batch_not_started"
    lead_every_group(conn, batch, org)
    batches.start_batch(conn, batch.batch.id)
    late = working_groups.create_working_group(
        conn, batch_id=batch.batch.id, receiving_unit_id=org.zone.id, name="高新区第二工作组"
    )
    assert late.state is GroupState.FORMING

    before = snapshot(conn)
    with pytest.raises(CadreError) as caught:
        group_changes.activate_group(conn, late.id)
    assert caught.value.key == "store.group.no_leader"
    assert "高新区第二工作组" in caught.value.message()
    assert snapshot(conn) == before

    placements.place_cadre(
        conn,
        group_id=late.id,
        cadre_id=batch.ids["赵敏"],
        start_date=START + dt.timedelta(days=7),
        village_id=org.second_village.id,
        role=PlacementRole.LEADER,
    )
    assert group_changes.activate_group(conn, late.id).state is GroupState.ACTIVE
    assert cadres.get_cadre(conn, batch.ids["赵敏"]).status is CadreStatus.SECONDED


def test_start_batch_names_the_groups_without_a_leader(
    conn: sqlite3.Connection, batch, org
) -> None:
    place(conn, batch, STATIONED, "张伟", village_id=org.village.id, role="leader")
    place(conn, batch, BLOCK_AND_LINE, "李强", line_side="line")
    before = snapshot(conn)
    with pytest.raises(CadreError) as caught:
        batches.start_batch(conn, batch.batch.id)
    assert caught.value.key == "store.batch.groups_without_leader"
    assert caught.value.params["count"] == 2
    message = caught.value.message()
    assert "湖塘镇工作组" in message and "牛塘镇工作组" in message
    assert "高新区工作组" not in message
    assert snapshot(conn) == before


def test_close_batch_needs_every_evaluation_then_returns_cadres_with_history(
    conn: sqlite3.Connection, batch, org
) -> None:
    lead_every_group(conn, batch, org)
    mover = place(conn, batch, BLOCK_AND_LINE, "赵敏", line_side="line")
    batches.start_batch(conn, batch.batch.id)
    moved = group_changes.move_cadre(
        conn,
        mover.id,
        to_group_id=batch.groups[STATIONED].id,
        on=START + dt.timedelta(days=40),
        village_id=org.second_village.id,
    )
    assert cadres.get_cadre(conn, batch.ids["赵敏"]).status is CadreStatus.SECONDED
    closing = dt.date(2026, 8, 31)
    active = [p for p in placements.list_placements(conn, batch_id=batch.batch.id) if p.is_active]
    assert len(active) == 4

    for evaluated in ([], active[:3]):
        for placement in evaluated:
            evaluations.record_evaluation(
                conn,
                placement.id,
                grade=EvaluationGrade.COMPETENT,
                evaluated_on=closing,
                evaluated_by="区委组织部干部科",
            )
        before = snapshot(conn)
        with pytest.raises(CadreError) as caught:
            batches.close_batch(conn, batch.batch.id, closing)
        assert caught.value.key == "store.batch.evaluations_missing"
        assert caught.value.params["count"] == 4 - len(evaluated)
        assert snapshot(conn) == before
    assert "赵敏" in caught.value.message()

    evaluations.record_evaluation(
        conn,
        active[3].id,
        grade=EvaluationGrade.EXCELLENT,
        evaluated_on=closing,
        evaluated_by="区委组织部干部科",
    )
    closed = batches.close_batch(conn, batch.batch.id, closing)
    assert (closed.state, closed.closed_on) == (BatchState.CLOSED, closing)
    for name in ("张伟", "李强", "王芳", "赵敏"):
        assert cadres.get_cadre(conn, batch.ids[name]).status is CadreStatus.AVAILABLE
        assert placements.active_placement(conn, batch.ids[name]) is None
    history = placements.list_placements(conn, cadre_id=batch.ids["赵敏"])
    assert [(p.group_id, p.start_date, p.end_date) for p in history] == [
        (batch.groups[BLOCK_AND_LINE].id, START, moved.start_date),
        (batch.groups[STATIONED].id, moved.start_date, closing),
    ]
    assert all(
        g.state is GroupState.CLOSED for g in working_groups.list_working_groups(conn, closed.id)
    )

    view = batch_view(conn, batch.batch.id)
    where = {m.name: g.group.id for g in view.groups for m in g.members}
    assert where["赵敏"] == batch.groups[STATIONED].id
    assert view.member_count == 4


def test_a_closed_batch_takes_no_more_group_changes(conn: sqlite3.Connection, batch, org) -> None:
    lead_every_group(conn, batch, org)
    batches.start_batch(conn, batch.batch.id)
    for placement in placements.list_placements(conn, batch_id=batch.batch.id):
        evaluations.record_evaluation(
            conn, placement.id, grade="competent", evaluated_on=START, evaluated_by="科"
        )
    batches.close_batch(conn, batch.batch.id, dt.date(2026, 8, 31))
    ended = placements.list_placements(conn, batch_id=batch.batch.id)[0]
    before = snapshot(conn)
    with pytest.raises(CadreError) as caught:
        group_changes.record_party_transfer(conn, ended.id, dt.date(2026, 9, 1))
    assert caught.value.key == "store.batch.closed"
    with pytest.raises(CadreError) as caught:
        evaluations.record_evaluation(
            conn, ended.id, grade="excellent", evaluated_on=dt.date(2026, 9, 1), evaluated_by="科"
        )
    assert caught.value.key == "store.batch.closed"
    with pytest.raises(CadreError) as caught:
        group_changes.change_group_mode(
            conn,
            ended.group_id,
            PROJECTS,
            expected_version=working_groups.get_working_group(conn, ended.group_id).row_version,
        )
    assert caught.value.key == "store.batch.closed"
    assert snapshot(conn) == before


# -- what the batch view flags -------------------------------------------------------------------


def test_the_batch_view_flags_each_group_by_its_mode(conn: sqlite3.Connection, batch, org) -> None:
    leader = place(conn, batch, STATIONED, "张伟", village_id=org.village.id, role="leader")
    group_changes.set_covered_villages(conn, batch.groups[STATIONED].id, [org.second_village.id])
    place(conn, batch, BLOCK_AND_LINE, "李强", line_side="line", role="leader")
    place(conn, batch, PROJECTS, "王芳", project_ids=[org.projects[0].id])

    view = batch_view(conn, batch.batch.id)
    problems = {g.group.id: list(g.problems) for g in view.groups}
    assert problems[batch.groups[STATIONED].id] == [
        GroupProblem(ProblemKind.VILLAGE_UNCOVERED, "龙虎塘村"),
        GroupProblem(ProblemKind.PARTY_PENDING, count=1),
    ]
    assert problems[batch.groups[BLOCK_AND_LINE].id] == [
        GroupProblem(ProblemKind.BLOCK_EMPTY),
        GroupProblem(ProblemKind.PARTY_PENDING, count=1),
    ]
    assert problems[batch.groups[PROJECTS].id] == [
        GroupProblem(ProblemKind.NO_LEADER),
        GroupProblem(ProblemKind.PROJECT_UNOWNED, org.projects[1].name),
        GroupProblem(ProblemKind.PARTY_PENDING, count=1),
    ]

    group_changes.record_party_transfer(conn, leader.id, START + dt.timedelta(days=3))
    view = batch_view(conn, batch.batch.id)
    stationed = next(g for g in view.groups if g.group.id == batch.groups[STATIONED].id)
    assert stationed.party_pending == 0
    assert [p.kind for p in stationed.problems] == [ProblemKind.VILLAGE_UNCOVERED]


def test_an_evaluation_belongs_inside_an_open_batch(conn: sqlite3.Connection, batch, org) -> None:
    placed = place(conn, batch, BLOCK_AND_LINE, "刘洋", line_side="line")
    with pytest.raises(CadreError) as caught:
        evaluations.record_evaluation(
            conn,
            placed.id,
            grade="competent",
            evaluated_on=START - dt.timedelta(days=1),
            evaluated_by="科",
        )
    assert caught.value.key == "store.evaluation.before_start"


def test_unowned_projects_are_flagged_once_per_unit(conn: sqlite3.Connection, batch, org) -> None:
    """Two project-based groups in one town: the unit's unowned projects are the
    first group's to answer for, not counted twice."""
    second = working_groups.create_working_group(
        conn, batch_id=batch.batch.id, receiving_unit_id=org.niutang.id, name="牛塘镇第二工作组"
    )
    view = batch_view(conn, batch.batch.id)
    unowned = [
        (g.group.id, p.subject)
        for g in view.groups
        for p in g.problems
        if p.kind is ProblemKind.PROJECT_UNOWNED
    ]
    first = batch.groups[PROJECTS].id
    assert unowned == [(first, p.name) for p in org.projects]
    assert second.id not in {group_id for group_id, _ in unowned}


def test_coming_back_to_the_same_batch_is_not_a_second_secondment(
    conn: sqlite3.Connection, batch, org
) -> None:
    first = place(conn, batch, BLOCK_AND_LINE, "赵敏", line_side="line")
    placements.end_placement(conn, first.id, START + dt.timedelta(days=10))
    again = placements.place_cadre(
        conn,
        group_id=batch.groups[STATIONED].id,
        cadre_id=batch.ids["赵敏"],
        start_date=START + dt.timedelta(days=20),
        village_id=org.village.id,
    )
    assert again.is_active and again.exception_reason == ""


def test_a_party_transfer_needs_an_active_placement_and_a_date_inside_it(
    conn: sqlite3.Connection, batch, org
) -> None:
    placed = place(conn, batch, BLOCK_AND_LINE, "陈静", line_side="line")
    with pytest.raises(CadreError) as caught:
        group_changes.record_party_transfer(conn, placed.id, START - dt.timedelta(days=1))
    assert caught.value.key == "store.placement.party_before_start"
    placements.end_placement(conn, placed.id, START + dt.timedelta(days=5))
    with pytest.raises(CadreError) as caught:
        group_changes.record_party_transfer(conn, placed.id, START + dt.timedelta(days=2))
    assert caught.value.key == "store.placement.ended"


# -- two processes, one cadre -----------------------------------------------------------------

_CONTENDER = r"""
import datetime as dt, json, sys
from cadre_tui import i18n
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.store.connection import connect
from cadre_tui.store.placements import place_cadre

i18n.set_language("en")
path, group_id, shape, start = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
conn = connect(path)
conn.execute("SELECT COUNT(*) FROM placements").fetchone()
print("ready", flush=True)
for line in sys.stdin:
    try:
        placed = place_cadre(
            conn, group_id=group_id, cadre_id=int(line), start_date=dt.date.fromisoformat(start),
            **shape,
        )
    except CadreError as exc:
        result = {"ok": False, "key": exc.key, "message": exc.message()}
    except Exception as exc:
        result = {"ok": False, "key": "unexpected", "message": repr(exc)}
    else:
        result = {"ok": True, "placement_id": placed.id}
    print(json.dumps(result, ensure_ascii=False), flush=True)
"""


def _read_line(process: subprocess.Popen, deadline: float) -> str:
    """One line from a contender, or fail with its stderr rather than hang."""
    ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
    line = process.stdout.readline().decode() if ready else ""
    if not line:
        process.kill()
        raise AssertionError(f"contender stopped: {process.stderr.read().decode()}")
    return line.strip()


def test_two_processes_placing_one_cadre_in_two_groups_one_wins(
    conn: sqlite3.Connection, db_path: Path, batch, org
) -> None:
    rounds = 8
    contenders_names = [f"孙{'一二三四五六七八'[n]}" for n in range(rounds)]
    cadres.insert_cadres(
        conn,
        [
            new_cadre(org.sending.id, sequence=101 + 2 * n, name=name)
            for n, name in enumerate(contenders_names)
        ],
    )
    contenders = {c.name: c.id for c in cadres.list_cadres(conn, limit=100)}
    targets = [
        (batch.groups[STATIONED].id, {"village_id": org.village.id}),
        (batch.groups[BLOCK_AND_LINE].id, {"line_side": "line"}),
    ]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _CONTENDER, str(db_path), str(g), json.dumps(s), str(START)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
            env=env,
        )
        for g, s in targets
    ]
    try:
        deadline = time.monotonic() + 20
        assert [_read_line(p, deadline) for p in processes] == ["ready", "ready"]
        winners = []
        for name in contenders_names:
            cadre_id = contenders[name]
            for process in processes:  # both released together
                process.stdin.write(f"{cadre_id}\n".encode())
            results = [json.loads(_read_line(p, deadline)) for p in processes]
            won = [n for n, r in enumerate(results) if r["ok"]]
            assert len(won) == 1, results
            lost = results[1 - won[0]]
            assert lost["key"] == "store.placement.already_placed", lost
            assert name in lost["message"], lost
            active = placements.active_placement(conn, cadre_id)
            assert active is not None and active.id == results[won[0]]["placement_id"]
            assert active.group_id == targets[won[0]][0]
            winners.append(won[0])
        count = conn.execute(
            f"SELECT COUNT(*) FROM placements WHERE cadre_id IN ({', '.join('?' * rounds)})",
            [contenders[n] for n in contenders_names],
        ).fetchone()[0]
        assert count == rounds
    finally:
        for process in processes:
            process.stdin.close()
        for process in processes:
            process.wait(timeout=10)
            process.stdout.close()
            process.stderr.close()
