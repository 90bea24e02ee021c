"""Store writes: one transaction and one audit row per intent; bad input writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest

from cadre_tui.domain.enums import (
    BatchState,
    CadreCategory,
    CadreStatus,
    EvaluationGrade,
    Gender,
    LineSide,
    ManagementMode,
    PartyStatus,
    PlacementRole,
    ReceivingUnitKind,
)
from cadre_tui.domain.identity import make_id_number, parse_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.errors import CadreError
from cadre_tui.store import (
    audit,
    batches,
    cadres,
    evaluations,
    figures,
    group_changes,
    placements,
    units,
    working_groups,
)
from cadre_tui.store.sqlite import sqlite3

START = dt.date(2026, 3, 2)


def audit_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]


def table_count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


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


@pytest.fixture
def org(conn: sqlite3.Connection) -> SimpleNamespace:
    """One sending unit and a receiving unit per mode, with their places and a liaison."""
    sending = units.create_sending_unit(conn, code="D17", name="区财政局")
    zone = units.create_receiving_unit(
        conn,
        code="GX",
        name="高新区",
        kind=ReceivingUnitKind.ZONE,
        default_mode=ManagementMode.STATIONED_VILLAGE,
        deputy_party_secretary="顾建忠",
    )
    hutang = units.create_receiving_unit(
        conn, code="HT", name="湖塘镇", default_mode=ManagementMode.BLOCK_AND_LINE
    )
    niutang = units.create_receiving_unit(
        conn, code="NT", name="牛塘镇", default_mode=ManagementMode.PROJECT_BASED
    )
    return SimpleNamespace(
        sending=sending,
        zone=zone,
        hutang=hutang,
        niutang=niutang,
        village=units.add_village(conn, zone.id, "南田村", 1200),
        other_village=units.add_village(conn, hutang.id, "马杭村", 800),
        team=units.add_field_team(conn, hutang.id, "长虹片区拆迁工作组"),
        projects=[
            units.add_project(conn, niutang.id, "312国道改道牛塘段一期", "312国道改道"),
            units.add_project(conn, niutang.id, "大运河南移工程牛塘段一期", "大运河南移工程"),
        ],
        officer=units.add_officer(conn, "陆晓东", "13900001111", "区委组织部干部科副科长"),
    )


# -- units -------------------------------------------------------------------------


def test_unit_writes_each_leave_one_audit_row(conn: sqlite3.Connection, org) -> None:
    entities = [row["entity"] for row in audit.entries(conn, limit=50)]
    assert sorted(entities) == sorted(
        ["sending_unit"]
        + ["receiving_unit"] * 3
        + ["village"] * 2
        + ["field_team"]
        + ["project"] * 2
        + ["officer"]
    )
    assert units.list_villages(conn, org.zone.id) == [org.village]
    assert units.get_receiving_unit(conn, org.zone.id).deputy_party_secretary == "顾建忠"


def test_a_taken_unit_name_is_refused_and_nothing_written(conn: sqlite3.Connection, org) -> None:
    before = audit_count(conn)
    with pytest.raises(CadreError) as caught:
        units.create_sending_unit(conn, code="D99", name="区财政局")
    assert caught.value.key == "store.unit.name_taken"
    with pytest.raises(CadreError):
        units.add_village(conn, org.zone.id, "南田村")
    assert audit_count(conn) == before
    assert table_count(conn, "sending_units") == 1


def test_an_officer_phone_must_be_a_mobile(conn: sqlite3.Connection) -> None:
    with pytest.raises(CadreError) as caught:
        units.add_officer(conn, "钱佳怡", "0519-1234567")
    assert caught.value.key == "validate.phone.invalid"
    assert table_count(conn, "officers") == 0


# -- cadres --------------------------------------------------------------------------


def test_create_cadre_fills_pinyin_and_timestamps(conn: sqlite3.Connection, org) -> None:
    before = audit_count(conn)
    cadre = cadres.create_cadre(conn, new_cadre(org.sending.id, phone="+86 138-1234-5678"))
    assert (cadre.name_pinyin, cadre.name_initials) == ("zhangwei", "zw")
    assert cadre.phone == "13812345678"
    assert cadre.created_at and cadre.created_at == cadre.updated_at
    assert cadre.row_version == 1
    assert audit_count(conn) == before + 1
    row = audit.entries(conn, entity="cadre", limit=1)[0]
    assert (row["action"], row["entity_id"]) == ("create", cadre.id)
    assert cadre.id_number not in row["after_json"]


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"id_number": "320412199405170011"}, "validate.id_number.check_character"),
        ({"id_number": "32041219940517001"}, "validate.id_number.length"),
        ({"birth_date": dt.date(1994, 5, 18)}, "store.cadre.birth_date_mismatch"),
        ({"gender": Gender.FEMALE}, "store.cadre.gender_mismatch"),
        ({"name": "  "}, "store.cadre.name_required"),
        ({"phone": "12345"}, "validate.phone.invalid"),
        ({"work_started_on": dt.date(1990, 1, 1)}, "store.cadre.date_before_birth"),
    ],
)
def test_a_bad_cadre_record_is_refused_and_nothing_written(
    conn: sqlite3.Connection, org, changes: dict, key: str
) -> None:
    before = audit_count(conn)
    with pytest.raises(CadreError) as caught:
        cadres.create_cadre(conn, new_cadre(org.sending.id, **changes))
    assert caught.value.key == key
    assert caught.value.message() != key
    assert table_count(conn, "cadres") == 0
    assert audit_count(conn) == before


def test_an_id_number_is_in_the_pool_once(conn: sqlite3.Connection, org) -> None:
    cadres.create_cadre(conn, new_cadre(org.sending.id))
    with pytest.raises(CadreError) as caught:
        cadres.create_cadre(conn, new_cadre(org.sending.id, name="李强"))
    assert caught.value.key == "store.cadre.id_number_taken"
    assert table_count(conn, "cadres") == 1


def test_lower_case_x_and_full_width_digits_are_normalised(conn: sqlite3.Connection, org) -> None:
    birth = dt.date(1990, 1, 1)
    number = next(
        make_id_number("320412", birth, n, "F")
        for n in range(0, 999, 2)
        if make_id_number("320412", birth, n, "F").endswith("X")
    )
    typed = number[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    cadre = cadres.create_cadre(
        conn,
        new_cadre(org.sending.id, id_number=typed, birth_date=birth, gender=Gender.FEMALE),
    )
    assert cadre.id_number == number
    assert cadres.find_by_id_number(conn, typed) == cadre


def test_update_cadre_records_only_what_changed(conn: sqlite3.Connection, org) -> None:
    cadre = cadres.create_cadre(conn, new_cadre(org.sending.id))
    edited = dataclasses.replace(cadre.record(), name="张伟强", post="副科长")
    updated = cadres.update_cadre(conn, cadre.id, edited, expected_version=cadre.row_version)
    assert (updated.name_pinyin, updated.name_initials) == ("zhangweiqiang", "zwq")
    assert updated.row_version == cadre.row_version + 1
    assert updated.created_at == cadre.created_at
    row = audit.entries(conn, entity="cadre", limit=1)[0]
    assert row["action"] == "update"
    assert "副科长" in row["after_json"] and "科员" in row["before_json"]


def test_a_stale_edit_is_refused(conn: sqlite3.Connection, org) -> None:
    cadre = cadres.create_cadre(conn, new_cadre(org.sending.id))
    cadres.update_cadre(conn, cadre.id, dataclasses.replace(cadre.record(), post="副科长"))
    before = audit_count(conn)
    with pytest.raises(CadreError) as caught:
        cadres.update_cadre(
            conn,
            cadre.id,
            dataclasses.replace(cadre.record(), post="科长"),
            expected_version=cadre.row_version,
        )
    assert caught.value.key == "store.cadre.changed_elsewhere"
    assert cadres.get_cadre(conn, cadre.id).post == "副科长"
    assert audit_count(conn) == before


def test_update_validates_like_create(conn: sqlite3.Connection, org) -> None:
    cadre = cadres.create_cadre(conn, new_cadre(org.sending.id))
    with pytest.raises(CadreError) as caught:
        cadres.update_cadre(
            conn, cadre.id, dataclasses.replace(cadre.record(), birth_date=dt.date(1994, 5, 1))
        )
    assert caught.value.key == "store.cadre.birth_date_mismatch"
    assert cadres.get_cadre(conn, cadre.id) == cadre


def test_bulk_insert_is_one_audit_row_and_all_or_nothing(conn: sqlite3.Connection, org) -> None:
    before = audit_count(conn)
    records = [new_cadre(org.sending.id, sequence=n) for n in range(1, 40, 2)]
    assert cadres.insert_cadres(conn, records, at="2024-12-20T02:00:00+00:00") == 20
    assert audit_count(conn) == before + 1
    stored = cadres.list_cadres(conn, limit=100)
    assert len(stored) == 20
    assert {c.created_at for c in stored} == {"2024-12-20T02:00:00+00:00"}
    assert all(parse_id_number(c.id_number).birth_date == c.birth_date for c in stored)

    bad = [new_cadre(org.sending.id, sequence=n) for n in range(101, 107, 2)]
    bad[2] = dataclasses.replace(bad[2], gender=Gender.FEMALE)
    with pytest.raises(CadreError) as caught:
        cadres.insert_cadres(conn, bad)
    assert (caught.value.key, caught.value.params["row"]) == ("store.bulk.row_rejected", 3)
    with pytest.raises(CadreError):
        cadres.insert_cadres(conn, [new_cadre(org.sending.id, sequence=201), records[0]])
    assert cadres.count_cadres(conn) == 20
    assert audit_count(conn) == before + 1


def test_keyset_pages_and_status(conn: sqlite3.Connection, org) -> None:
    cadres.insert_cadres(conn, [new_cadre(org.sending.id, sequence=n) for n in range(1, 21, 2)])
    first = cadres.list_cadres(conn, limit=4)
    second = cadres.list_cadres(conn, after_id=first[-1].id, limit=4)
    assert [c.id for c in first + second] == list(range(1, 9))
    cadres.set_cadre_status(conn, 3, CadreStatus.ARCHIVED)
    assert cadres.count_cadres(conn, CadreStatus.ARCHIVED) == 1
    assert [c.id for c in cadres.list_cadres(conn, status=CadreStatus.ARCHIVED)] == [3]


# -- batches, groups, placements -------------------------------------------------------


@pytest.fixture
def batch(conn: sqlite3.Connection, org) -> SimpleNamespace:
    """A planning batch over the three units, a group per unit and eight cadres."""
    made = batches.create_batch(
        conn,
        number=1,
        name="第一批抽调干部",
        start_date=START,
        allow_leaders=False,
        receiving_unit_ids=[org.zone.id, org.hutang.id, org.niutang.id],
    )
    groups = {
        mode: working_groups.create_working_group(
            conn,
            batch_id=made.id,
            receiving_unit_id=unit.id,
            name=f"{unit.name}工作组",
            liaison_officer_id=org.officer.id,
            office="指挥部",
        )
        for mode, unit in (
            (ManagementMode.STATIONED_VILLAGE, org.zone),
            (ManagementMode.BLOCK_AND_LINE, org.hutang),
            (ManagementMode.PROJECT_BASED, org.niutang),
        )
    }
    cadres.insert_cadres(conn, [new_cadre(org.sending.id, sequence=n) for n in range(1, 17, 2)])
    return SimpleNamespace(batch=made, groups=groups)


def place(conn: sqlite3.Connection, batch, mode: ManagementMode, cadre_id: int, **shape):
    return placements.place_cadre(
        conn, group_id=batch.groups[mode].id, cadre_id=cadre_id, start_date=START, **shape
    )


def test_groups_take_mode_and_branch_secretary_from_their_unit(batch, org) -> None:
    zone_group = batch.groups[ManagementMode.STATIONED_VILLAGE]
    assert zone_group.mode == ManagementMode.STATIONED_VILLAGE
    assert zone_group.branch_secretary == "顾建忠"
    assert zone_group.liaison_officer_id == org.officer.id


def test_group_edits_keep_names_unique_and_refuse_stale_versions(
    conn: sqlite3.Connection, batch
) -> None:
    group = batch.groups[ManagementMode.BLOCK_AND_LINE]
    other = batch.groups[ManagementMode.PROJECT_BASED]
    edited = working_groups.update_working_group(
        conn, group.id, expected_version=group.row_version, office="湖塘镇拆迁办三楼"
    )
    assert (edited.office, edited.row_version) == ("湖塘镇拆迁办三楼", group.row_version + 1)
    with pytest.raises(CadreError) as caught:
        working_groups.update_working_group(conn, group.id, name=other.name)
    assert caught.value.key == "store.group.name_taken"
    with pytest.raises(CadreError) as caught:
        working_groups.update_working_group(
            conn, group.id, expected_version=group.row_version, office=""
        )
    assert caught.value.key == "store.group.changed_elsewhere"


def test_placements_are_shaped_by_the_group_mode(conn: sqlite3.Connection, batch, org) -> None:
    stationed = place(conn, batch, ManagementMode.STATIONED_VILLAGE, 1, village_id=org.village.id)
    line = place(conn, batch, ManagementMode.BLOCK_AND_LINE, 2, line_side=LineSide.LINE)
    block = place(
        conn,
        batch,
        ManagementMode.BLOCK_AND_LINE,
        3,
        line_side=LineSide.BLOCK,
        field_team_id=org.team.id,
    )
    owner = place(
        conn, batch, ManagementMode.PROJECT_BASED, 4, project_ids=[p.id for p in org.projects]
    )
    assert stationed.village_id == org.village.id and stationed.line_side is None
    assert (line.line_side, line.field_team_id) == (LineSide.LINE, None)
    assert (block.line_side, block.field_team_id) == (LineSide.BLOCK, org.team.id)
    assert owner.project_ids == tuple(p.id for p in org.projects)
    assert [row["entity"] for row in audit.entries(conn, limit=4)] == ["placement"] * 4


@pytest.mark.parametrize(
    ("mode", "shape", "key"),
    [
        (ManagementMode.STATIONED_VILLAGE, {"line_side": LineSide.LINE}, "wrong_shape"),
        (ManagementMode.BLOCK_AND_LINE, {"field_team_id": 1}, "line_side_required"),
        (ManagementMode.BLOCK_AND_LINE, {"line_side": LineSide.BLOCK}, "field_team_required"),
        (ManagementMode.PROJECT_BASED, {"village_id": 1}, "wrong_shape"),
    ],
)
def test_a_placement_of_the_wrong_shape_is_refused(
    conn: sqlite3.Connection, batch, mode: ManagementMode, shape: dict, key: str
) -> None:
    before = audit_count(conn)
    with pytest.raises(CadreError) as caught:
        place(conn, batch, mode, 1, **shape)
    assert caught.value.key == f"store.placement.{key}"
    assert table_count(conn, "placements") == 0
    assert audit_count(conn) == before


@pytest.mark.parametrize("mode", list(ManagementMode))
def test_a_member_may_join_before_being_placed(
    conn: sqlite3.Connection, batch, mode: ManagementMode
) -> None:
    """Members are added first and placed one by one; until then the group flags them."""
    joined = place(conn, batch, mode, 1)
    assert (joined.village_id, joined.line_side, joined.project_ids) == (None, None, ())


def test_a_place_of_another_unit_is_refused(conn: sqlite3.Connection, batch, org) -> None:
    with pytest.raises(CadreError) as caught:
        place(conn, batch, ManagementMode.STATIONED_VILLAGE, 1, village_id=org.other_village.id)
    assert caught.value.key == "store.placement.place_elsewhere"


def test_one_active_placement_per_cadre(conn: sqlite3.Connection, batch, org) -> None:
    place(conn, batch, ManagementMode.BLOCK_AND_LINE, 1, line_side=LineSide.LINE)
    with pytest.raises(CadreError) as caught:
        place(conn, batch, ManagementMode.STATIONED_VILLAGE, 1, village_id=org.village.id)
    assert caught.value.key == "store.placement.already_placed"


def test_each_project_has_one_owner_in_a_batch(conn: sqlite3.Connection, batch, org) -> None:
    first = place(conn, batch, ManagementMode.PROJECT_BASED, 1, project_ids=[org.projects[0].id])
    with pytest.raises(CadreError) as caught:
        place(conn, batch, ManagementMode.PROJECT_BASED, 2, project_ids=[org.projects[0].id])
    assert caught.value.key == "store.placement.project_taken"
    assert table_count(conn, "placements") == 1
    second = place(conn, batch, ManagementMode.PROJECT_BASED, 2)
    with pytest.raises(CadreError):
        group_changes.assign_projects(conn, second.id, [org.projects[0].id])
    updated = group_changes.assign_projects(conn, first.id, [org.projects[1].id])
    assert updated.project_ids == (org.projects[0].id, org.projects[1].id)


def test_leaders_need_the_batch_leave_or_a_reason(conn: sqlite3.Connection, batch, org) -> None:
    leader = cadres.update_cadre(
        conn,
        1,
        dataclasses.replace(
            cadres.get_cadre(conn, 1).record(), category=CadreCategory.SERVING_LEADER
        ),
    )
    with pytest.raises(CadreError) as caught:
        place(conn, batch, ManagementMode.BLOCK_AND_LINE, leader.id, line_side=LineSide.LINE)
    assert caught.value.key == "store.placement.ineligible"
    placed = place(
        conn,
        batch,
        ManagementMode.BLOCK_AND_LINE,
        leader.id,
        line_side=LineSide.LINE,
        exception_reason="拆迁任务重，经部务会研究同意",
    )
    assert placed.exception_reason


def test_group_leaders_come_from_its_members(conn: sqlite3.Connection, batch, org) -> None:
    mode = ManagementMode.BLOCK_AND_LINE
    for cadre_id in (1, 2, 3):
        place(conn, batch, mode, cadre_id, line_side=LineSide.LINE)
    group = group_changes.set_group_leaders(
        conn, batch.groups[mode].id, leader_cadre_id=2, deputy_cadre_id=3
    )
    assert (group.leader_cadre_id, group.deputy_cadre_id) == (2, 3)
    roles = {p.cadre_id: p.role for p in placements.list_placements(conn, group_id=group.id)}
    assert roles == {1: PlacementRole.MEMBER, 2: PlacementRole.LEADER, 3: PlacementRole.DEPUTY}
    with pytest.raises(CadreError) as caught:
        group_changes.set_group_leaders(conn, group.id, leader_cadre_id=5, deputy_cadre_id=None)
    assert caught.value.key == "store.group.leader_not_member"


def test_a_batch_starts_and_closes_with_its_cadres(conn: sqlite3.Connection, batch, org) -> None:
    placed = place(
        conn,
        batch,
        ManagementMode.STATIONED_VILLAGE,
        1,
        village_id=org.village.id,
        role=PlacementRole.LEADER,
    )
    assert cadres.get_cadre(conn, 1).status == CadreStatus.AVAILABLE
    with pytest.raises(CadreError) as caught:
        batches.start_batch(conn, batch.batch.id)
    assert caught.value.key == "store.batch.groups_without_leader"
    assert caught.value.params["count"] == 2
    place(conn, batch, ManagementMode.BLOCK_AND_LINE, 2, line_side=LineSide.LINE, role="leader")
    owned = [org.projects[0].id]
    place(conn, batch, ManagementMode.PROJECT_BASED, 3, project_ids=owned, role="leader")
    started = batches.start_batch(conn, batch.batch.id)
    assert started.state == BatchState.ACTIVE
    assert cadres.get_cadre(conn, 1).status == CadreStatus.SECONDED
    entry = figures.record_figure(
        conn,
        placement_id=placed.id,
        entry_date=START + dt.timedelta(days=3),
        metric_code="measured_area",
        value=420.26,
        entered_by="zhangwei",
    )
    assert (entry.value, entry.village_id) == (420.3, org.village.id)
    with pytest.raises(CadreError) as caught:
        batches.close_batch(conn, batch.batch.id, dt.date(2026, 8, 31))
    assert caught.value.key == "store.batch.evaluations_missing"
    assert caught.value.params["count"] == 3
    assert placements.get_placement(conn, placed.id).end_date is None
    evaluation = evaluations.record_evaluation(
        conn,
        placed.id,
        grade=EvaluationGrade.EXCELLENT,
        evaluated_on=dt.date(2026, 9, 10),
        evaluated_by="区委组织部干部科",
        recommended_for_promotion=True,
    )
    assert evaluations.list_evaluations(conn, batch.batch.id) == [evaluation]
    for other in placements.list_placements(conn, batch_id=batch.batch.id)[1:]:
        evaluations.record_evaluation(
            conn, other.id, grade="competent", evaluated_on=dt.date(2026, 9, 10), evaluated_by="科"
        )
    closed = batches.close_batch(conn, batch.batch.id, dt.date(2026, 8, 31))
    assert (closed.state, closed.closed_on) == (BatchState.CLOSED, dt.date(2026, 8, 31))
    assert placements.get_placement(conn, placed.id).end_date == dt.date(2026, 8, 31)
    assert cadres.get_cadre(conn, 1).status == CadreStatus.AVAILABLE
    with pytest.raises(CadreError) as caught:
        place(conn, batch, ManagementMode.STATIONED_VILLAGE, 2, village_id=org.village.id)
    assert caught.value.key == "store.batch.closed"


# -- figures -----------------------------------------------------------------------------


def test_figures_take_their_place_from_the_placement(conn: sqlite3.Connection, batch, org) -> None:
    owner = place(conn, batch, ManagementMode.PROJECT_BASED, 1, project_ids=[org.projects[0].id])
    day = START + dt.timedelta(days=1)
    entry = figures.record_figure(
        conn, placement_id=owner.id, entry_date=day, metric_code="signed_households", value=3
    )
    assert (entry.project_id, entry.village_id, entry.cadre_id) == (org.projects[0].id, None, 1)
    assert entry.entered_by == audit.current_actor()
    for bad, key in (
        ({"entry_date": START - dt.timedelta(days=1)}, "store.figure.outside_placement"),
        ({"value": 0}, "store.figure.value_not_positive"),
        ({"metric_code": "trees_planted"}, "store.figure.metric_unknown"),
        ({"project_id": org.projects[1].id}, "store.figure.place_not_placement"),
    ):
        arguments = {
            "placement_id": owner.id,
            "entry_date": day,
            "metric_code": "signed_households",
            "value": 3,
            **bad,
        }
        with pytest.raises(CadreError) as caught:
            figures.record_figure(conn, **arguments)
        assert caught.value.key == key
    assert table_count(conn, "figure_entries") == 1


def test_a_correction_appends_the_difference(conn: sqlite3.Connection, batch, org) -> None:
    line = place(conn, batch, ManagementMode.BLOCK_AND_LINE, 1, line_side=LineSide.LINE)
    entry = figures.record_figure(
        conn, placement_id=line.id, entry_date=START, metric_code="measured_households", value=5
    )
    correction = figures.correct_figure(conn, entry.id, 3)
    assert (correction.value, correction.corrects_id) == (-2.0, entry.id)
    figures.correct_figure(conn, correction.id, 4)
    assert figures.batch_totals(conn, batch.batch.id) == {"measured_households": 4.0}
    assert figures.get_figure_entry(conn, entry.id).value == 5.0


def test_targets_and_bulk_entries(conn: sqlite3.Connection, batch, org) -> None:
    line = place(conn, batch, ManagementMode.BLOCK_AND_LINE, 1, line_side=LineSide.LINE)
    before = audit_count(conn)
    rows = [
        (
            line.id,
            1,
            (START + dt.timedelta(days=n)).isoformat(),
            "measured_households",
            2.0,
            None,
            None,
            "zhangwei",
            f"{START.isoformat()}T10:00:00+00:00",
        )
        for n in range(10)
    ]
    assert figures.insert_figure_entries(conn, rows) == 10
    assert audit_count(conn) == before + 1
    target = figures.set_target(
        conn,
        batch_id=batch.batch.id,
        scope="batch",
        scope_id=batch.batch.id,
        metric_code="measured_households",
        value=30,
    )
    again = figures.set_target(
        conn,
        batch_id=batch.batch.id,
        scope="batch",
        scope_id=batch.batch.id,
        metric_code="measured_households",
        value=25,
    )
    assert (again.id, again.value) == (target.id, 25.0)
    assert figures.list_targets(conn, batch.batch.id) == [again]
    assert figures.last_report_dates(conn, batch.batch.id) == {1: START + dt.timedelta(days=9)}
    with pytest.raises(CadreError):
        figures.set_target(
            conn,
            batch_id=batch.batch.id,
            scope="town",
            scope_id=1,
            metric_code="measured_households",
            value=1,
        )
