"""Meetings, training and mentors on real SQLite files: a meeting's follow-ups become
items in its one transaction and audit row, attendance belongs to one open batch,
lists and monthly counts, the training flag on dates (exactly 14 days, a late
placement, an ended one), mentors replaced in place, and the mentor flag."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from cadre_tui.domain.coordination import (
    FollowUp,
    LogisticsCategory,
    LogisticsState,
    MeetingKind,
    NewMeeting,
    NewMentor,
    NewSession,
    TrainingKind,
)
from cadre_tui.domain.enums import (
    CadreCategory,
    Gender,
    ManagementMode,
    PartyStatus,
    ReceivingUnitKind,
)
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.errors import CadreError
from cadre_tui.store import (
    batches,
    cadres,
    logistics,
    meetings,
    placements,
    training,
    units,
    working_groups,
)
from cadre_tui.store.connection import connect
from cadre_tui.store.sqlite import sqlite3

START = dt.date(2026, 9, 28)
NAMES = ("张伟", "李娜", "王磊", "赵敏", "陈静")
DUE_EARLY = "store.logistics.due_before_raised"


def day(n: int) -> dt.date:
    """``n`` days after the batch started."""
    return START + dt.timedelta(days=n)


def audit_rows(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()


def tables(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    names = ("meetings", "meeting_groups", "meeting_cadres", "logistics_items")
    names += ("training_sessions", "training_attendance", "mentors", "audit_log")
    return {n: [tuple(r) for r in conn.execute(f"SELECT * FROM {n} ORDER BY 1, 2")] for n in names}


def cadre(unit_id: int, sequence: int, name: str) -> NewCadre:
    birth = dt.date(1994, 5, 17)
    return NewCadre(
        name=name,
        gender=Gender.MALE,
        birth_date=birth,
        id_number=make_id_number("320412", birth, sequence, "M"),
        sending_unit_id=unit_id,
        category=CadreCategory.RESERVE_CADRE,
        party_status=PartyStatus.MEMBER,
        party_joined_on=dt.date(2015, 6, 1),
        work_started_on=dt.date(2016, 8, 1),
    )


@pytest.fixture
def org(conn: sqlite3.Connection) -> SimpleNamespace:
    """Batch 3 with a zone group (张伟, 李娜, 王磊 from the start) and a town group
    (赵敏 from the start, 陈静 from day 30); batch 4 planned with a group of its own."""
    sending = units.create_sending_unit(conn, code="D17", name="区财政局")
    zone = units.create_receiving_unit(
        conn,
        code="GX",
        name="高新区",
        kind=ReceivingUnitKind.ZONE,
        default_mode=ManagementMode.STATIONED_VILLAGE,
    )
    town = units.create_receiving_unit(
        conn, code="NT", name="牛塘镇", default_mode=ManagementMode.PROJECT_BASED
    )
    village = units.add_village(conn, zone.id, "南田村", 1200)
    batch = batches.create_batch(conn, number=3, name="第三批抽调干部", start_date=START)
    later = batches.create_batch(conn, number=4, name="第四批抽调干部", start_date=day(40))
    make = working_groups.create_working_group
    east = make(conn, batch_id=batch.id, receiving_unit_id=zone.id, name="高新区工作组")
    west = make(conn, batch_id=batch.id, receiving_unit_id=town.id, name="牛塘镇工作组")
    other = make(conn, batch_id=later.id, receiving_unit_id=town.id, name="第四批工作组")
    cadres.insert_cadres(conn, [cadre(sending.id, 2 * n + 1, name) for n, name in enumerate(NAMES)])
    ids = {c.name: c.id for c in cadres.list_cadres(conn, limit=100)}
    placed = {}
    for name, group, start in (
        ("张伟", east, START),
        ("李娜", east, START),
        ("王磊", east, START),
        ("赵敏", west, START),
        ("陈静", west, day(30)),
    ):
        shape = {"village_id": village.id} if group is east else {}
        placed[name] = placements.place_cadre(
            conn, group_id=group.id, cadre_id=ids[name], start_date=start, **shape
        )
    return SimpleNamespace(
        batch=batch, later=later, zone=zone, town=town, east=east, west=west, other=other,
        ids=ids, placed=placed,
    )  # fmt: skip


def exchange(conn, org, **changes):
    values = {
        "held_on": day(17),
        "kind": MeetingKind.EXCHANGE,
        "place": "区委组织部三楼会议室",
        "title": "第三批抽调干部十月交流会",
        "notes": "各组汇报入户丈量进度",
        "decisions": "下月起每周报送进度",
        "group_ids": [org.east.id, org.west.id],
        "cadre_ids": [org.ids["张伟"], org.ids["赵敏"]],
        **changes,
    }
    return meetings.record_meeting(conn, **values)


# -- meetings --------------------------------------------------------------------------


def test_a_meetings_follow_ups_become_items_in_its_one_audit_row(conn, org) -> None:
    before = len(audit_rows(conn))
    actions = [
        FollowUp(org.east.id, LogisticsCategory.VEHICLE, "协调下村用车", "高新区党政办", day(24)),
        FollowUp(org.west.id, "meals_lodging", "解决午餐", "牛塘镇食堂", None, raised_by="恽晓峰"),
    ]
    meeting = exchange(conn, org, actions=actions)
    assert meeting.batch_id == org.batch.id and meeting.kind == MeetingKind.EXCHANGE
    assert meeting.group_ids == (org.east.id, org.west.id)
    assert set(meeting.cadre_ids) == {org.ids["张伟"], org.ids["赵敏"]}
    assert len(meeting.item_ids) == 2
    first, second = (logistics.get_item(conn, i) for i in meeting.item_ids)
    assert first.meeting_id == meeting.id and first.raised_on == day(17)
    assert first.state == LogisticsState.OPEN and first.owner == "高新区党政办"
    assert first.raised_by == "Exchange meeting (2026-10-15)" and second.raised_by == "恽晓峰"
    rows = audit_rows(conn)[before:]
    assert [(r["entity"], r["action"], r["entity_id"]) for r in rows] == [
        ("meeting", "create", meeting.id)
    ]
    assert json.loads(rows[0]["after_json"])["item_ids"] == list(meeting.item_ids)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"group_ids": [], "cadre_ids": []}, "store.meeting.nobody_attending"),
        ({"kind": "training"}, "store.meeting.training_is_session"),
        ({"kind": "banquet"}, "store.meeting.bad_kind"),
        ({"held_on": day(-1)}, "store.meeting.cadre_not_placed"),
        ({"group_ids": [999]}, "store.group.not_found"),
        ({"cadre_ids": [999]}, "store.cadre.not_found"),
        ({"actions": [FollowUp(999, "pay", "补贴", "区财政局")]}, "store.group.not_found"),
        ({"actions": [FollowUp(1, "pay", " ", "财政局")]}, "store.logistics.description_required"),
        ({"actions": [FollowUp(1, "pay", "补贴", "财政局", day(3))]}, DUE_EARLY),
    ],
)  # fmt: skip
def test_a_bad_meeting_is_refused_whole(conn, org, changes, key) -> None:
    before = tables(conn)
    with pytest.raises(CadreError) as caught:
        exchange(conn, org, **changes)
    assert caught.value.key == key
    assert tables(conn) == before


def test_attendance_belongs_to_one_batch(conn, org) -> None:
    with pytest.raises(CadreError) as caught:
        exchange(conn, org, group_ids=[org.east.id, org.other.id])
    assert caught.value.key == "store.meeting.batches_mixed"
    alone = exchange(conn, org, group_ids=[], cadre_ids=[org.ids["李娜"]])
    assert alone.batch_id == org.batch.id and alone.group_ids == ()


def test_meetings_are_listed_newest_first_and_by_group_and_cadre(conn, org) -> None:
    october = exchange(conn, org, actions=[FollowUp(org.east.id, "pay", "补贴", "区财政局")])
    committee = exchange(
        conn,
        org,
        held_on=day(20),
        kind="party_committee",
        place="牛塘镇党委会议室",
        group_ids=[],
        cadre_ids=[org.ids["赵敏"]],
    )
    visit = exchange(
        conn, org, held_on=day(45), kind="site_visit", group_ids=[org.east.id], cadre_ids=[]
    )
    listed = meetings.list_meetings(conn)
    assert [m.id for m in listed] == [visit.id, committee.id, october.id]
    assert listed[-1].group_names == ("高新区工作组", "牛塘镇工作组")
    assert listed[-1].cadre_count == 2 and listed[-1].item_count == 1
    assert listed[-1].batch_number == 3
    by_group = {m.id for m in meetings.list_meetings(conn, group_id=org.west.id)}
    assert by_group == {october.id, committee.id}  # the committee through 赵敏
    assert [m.id for m in meetings.cadre_meetings(conn, org.ids["赵敏"])] == [
        committee.id,
        october.id,
    ]
    assert meetings.cadre_meetings(conn, org.ids["王磊"]) == []
    assert meetings.list_meetings(conn, batch_id=org.later.id) == []
    assert meetings.meetings_per_month(conn, org.west.id, today=day(60)) == [
        ("2026-09", 0),
        ("2026-10", 2),
        ("2026-11", 0),
    ]
    assert meetings.meetings_per_month(conn, org.east.id) == [
        ("2026-09", 0),
        ("2026-10", 1),
        ("2026-11", 1),
    ]


def test_a_meeting_is_corrected_with_its_version(conn, org) -> None:
    meeting = exchange(conn, org)
    before = len(audit_rows(conn))
    fixed = meetings.update_meeting(conn, meeting.id, expected_version=1, notes="各组汇报进度")
    assert fixed.notes == "各组汇报进度" and fixed.row_version == 2
    (row,) = audit_rows(conn)[before:]
    assert (row["entity"], row["action"]) == ("meeting", "update")
    with pytest.raises(CadreError) as caught:
        meetings.update_meeting(conn, meeting.id, expected_version=1, place="镇政府")
    assert caught.value.key == "store.meeting.changed_elsewhere"
    with pytest.raises(CadreError) as caught:
        meetings.update_meeting(conn, meeting.id, expected_version=None, held_on=day(-3))
    assert caught.value.key == "store.meeting.cadre_not_placed"
    assert meetings.update_meeting(conn, meeting.id, expected_version=2, notes=fixed.notes) == fixed


# -- training and its flag -------------------------------------------------------------


def test_a_training_session_records_attendance_with_one_audit_row(conn, org) -> None:
    before = len(audit_rows(conn))
    session = training.record_training(
        conn,
        held_on=day(2),
        kind="policy_training",
        title="征收拆迁政策培训",
        place="高新区管委会",
        receiving_unit_id=org.zone.id,
        cadre_ids=[org.ids["张伟"], org.ids["李娜"], org.ids["张伟"]],
    )
    assert session.batch_id == org.batch.id and session.kind == TrainingKind.POLICY_TRAINING
    assert session.cadre_ids == tuple(sorted((org.ids["张伟"], org.ids["李娜"])))
    rows = audit_rows(conn)[before:]
    assert [(r["entity"], r["action"]) for r in rows] == [("training_session", "create")]
    (listed,) = training.list_training(conn, batch_id=org.batch.id)
    assert listed.attendance == 2 and listed.receiving_unit_name == "高新区"
    assert [s.id for s in training.cadre_training(conn, org.ids["李娜"])] == [session.id]
    assert training.cadre_training(conn, org.ids["王磊"]) == []


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"title": "  "}, "store.training.title_required"),
        ({"cadre_ids": []}, "store.training.nobody_attending"),
        ({"kind": "banquet"}, "store.training.bad_kind"),
        ({"held_on": day(-1)}, "store.training.cadre_not_placed"),
        ({"receiving_unit_id": 999}, "store.unit.receiving_not_found"),
    ],
)
def test_a_bad_session_is_refused(conn, org, changes, key) -> None:
    values = {
        "held_on": day(2),
        "kind": "site_visit",
        "title": "现场观摩",
        "place": "武南村",
        "cadre_ids": [org.ids["张伟"]],
        **changes,
    }
    before = tables(conn)
    with pytest.raises(CadreError) as caught:
        training.record_training(conn, **values)
    assert caught.value.key == key
    assert tables(conn) == before


def flagged(conn, org, today: dt.date) -> dict[str, int]:
    return {
        f.cadre_name: f.days_without for f in training.training_flags(conn, org.batch.id, today)
    }


def test_the_training_flag_on_dates(conn, org) -> None:
    ids = org.ids
    training.record_training(
        conn,
        held_on=day(3),
        kind="policy_training",
        title="政策培训",
        place="高新区",
        cadre_ids=[ids["张伟"], ids["李娜"]],
    )
    assert flagged(conn, org, day(14)) == {}  # exactly 14 days: nobody yet
    assert flagged(conn, org, day(15)) == {"王磊": 15, "赵敏": 15}
    training.record_training(
        conn, held_on=day(16), kind="site_visit", title="现场观摩", place="南田村",
        cadre_ids=[ids["赵敏"]],
    )  # fmt: skip
    assert flagged(conn, org, day(16)) == {"王磊": 16}
    # 陈静 joined on day 30: flagged only once her own 14 days are over
    assert flagged(conn, org, day(44)) == {"王磊": 44}
    assert flagged(conn, org, day(45)) == {"王磊": 45, "陈静": 15}
    assert list(flagged(conn, org, day(45))) == ["王磊", "陈静"]  # longest without first
    assert flagged(conn, org, day(45)).keys() == {
        f.cadre_name for f in training.training_flags(conn, org.batch.id, day(45), days=14)
    }
    assert flagged(conn, org, day(20)) == {"王磊": 20}
    assert training.training_flags(conn, org.batch.id, day(20), days=30) == []
    placements.end_placement(conn, org.placed["王磊"].id, day(40))
    assert "王磊" not in flagged(conn, org, day(45))  # ended: history


# -- mentors ---------------------------------------------------------------------------


def test_a_mentor_is_set_and_replaced_on_the_placement(conn, org) -> None:
    placement = org.placed["张伟"]
    before = len(audit_rows(conn))
    first = training.set_mentor(
        conn, placement.id, name="周建国", post="村党支部书记", village="南田村", started_on=day(3)
    )
    assert training.get_mentor(conn, placement.id) == first
    same = training.set_mentor(
        conn, placement.id, name="周建国", post="村党支部书记", village="南田村", started_on=day(3)
    )
    assert same == first
    second = training.set_mentor(
        conn, placement.id, name="钱玉芳", post="村委会主任", village="南田村", started_on=day(20)
    )
    assert second.id == first.id and second.row_version == 2 and second.name == "钱玉芳"
    rows = audit_rows(conn)[before:]
    assert [(r["entity"], r["action"], r["entity_id"]) for r in rows] == [
        ("placement", "set_mentor", placement.id),
        ("placement", "set_mentor", placement.id),
    ]
    assert rows[0]["before_json"] is None
    assert json.loads(rows[1]["before_json"])["mentor"] == "周建国"
    assert json.loads(rows[1]["after_json"]) == {
        "mentor": "钱玉芳",
        "post": "村委会主任",
        "village": "南田村",
        "started_on": day(20).isoformat(),
    }


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"name": " "}, "store.mentor.name_required"),
        ({"post": ""}, "store.mentor.post_required"),
        ({"started_on": day(-1)}, "store.mentor.before_placement"),
        ({"placement_id": 999}, "store.placement.not_found"),
    ],
)
def test_a_bad_pairing_is_refused(conn, org, changes, key) -> None:
    values = {
        "placement_id": org.placed["李娜"].id,
        "name": "周建国",
        "post": "村党支部书记",
        "village": "南田村",
        "started_on": day(3),
        **changes,
    }
    before = tables(conn)
    with pytest.raises(CadreError) as caught:
        training.set_mentor(conn, values.pop("placement_id"), **values)
    assert caught.value.key == key
    assert tables(conn) == before


def test_the_mentor_flag_names_every_active_member_without_one(conn, org) -> None:
    for name in ("张伟", "赵敏"):
        training.set_mentor(
            conn, org.placed[name].id, name="周建国", post="镇拆迁办主任", village="",
            started_on=day(5),
        )  # fmt: skip
    flags = training.mentor_flags(conn, org.batch.id)
    assert [(f.group_name, f.cadre_name) for f in flags] == [
        ("高新区工作组", "李娜"),
        ("高新区工作组", "王磊"),
        ("牛塘镇工作组", "陈静"),
    ]
    placements.end_placement(conn, org.placed["王磊"].id, day(40))
    assert "王磊" not in {f.cadre_name for f in training.mentor_flags(conn, org.batch.id)}
    with pytest.raises(CadreError) as caught:
        training.set_mentor(
            conn, org.placed["王磊"].id, name="周建国", post="书记", village="", started_on=day(41)
        )
    assert caught.value.key == "store.placement.ended"
    members = training.mentors_of_group(conn, org.east.id)
    assert [(m.cadre_name, m.mentor.name if m.mentor else None) for m in members] == [
        ("李娜", None),
        ("张伟", "周建国"),
    ]


# -- history and bulk ------------------------------------------------------------------


def test_a_closed_batch_takes_no_meetings_training_or_mentors(demo_copy: Path) -> None:
    conn = connect(demo_copy)
    try:
        closed = conn.execute("SELECT id FROM batches WHERE state = 'closed' LIMIT 1").fetchone()[0]
        group = working_groups.list_working_groups(conn, closed)[0]
        member = placements.list_placements(conn, group_id=group.id)[0]
        before = tables(conn)
        with pytest.raises(CadreError) as caught:
            meetings.record_meeting(
                conn, held_on=member.start_date, kind="exchange", place="区委", group_ids=[group.id]
            )
        assert caught.value.key == "store.batch.closed"
        with pytest.raises(CadreError) as caught:
            training.record_training(
                conn,
                held_on=member.start_date,
                kind="policy_training",
                title="政策培训",
                place="区委党校",
                cadre_ids=[member.cadre_id],
            )
        assert caught.value.key == "store.batch.closed"
        with pytest.raises(CadreError):
            training.set_mentor(
                conn,
                member.id,
                name="周建国",
                post="书记",
                village="",
                started_on=member.start_date,
            )
        assert tables(conn) == before
    finally:
        conn.close()


def test_bulk_loads_write_one_audit_row_each(conn, org) -> None:
    before = len(audit_rows(conn))
    ids = meetings.insert_meetings(
        conn,
        [
            NewMeeting(held_on=day(10), kind=MeetingKind.SEMINAR, place="区委", group_ids=(1, 2)),
            NewMeeting(held_on=day(11), kind=MeetingKind.EXCHANGE, place="区委", cadre_ids=(1,)),
        ],
    )
    assert len(ids) == 2 and meetings.get_meeting(conn, ids[0]).group_ids == (1, 2)
    count = training.insert_sessions(
        conn,
        [NewSession(held_on=day(1), kind=TrainingKind.SITE_VISIT, title="观摩", place="村",
                    cadre_ids=(org.ids["张伟"], org.ids["李娜"]), batch_id=org.batch.id)],
    )  # fmt: skip
    assert count == 1
    assert (
        training.insert_mentors(
            conn,
            [
                NewMentor(
                    placement_id=org.placed["李娜"].id,
                    name="周建国",
                    post="书记",
                    village="",
                    started_on=day(2),
                )
            ],
        )  # fmt: skip
        == 1
    )
    rows = audit_rows(conn)[before:]
    assert [(r["entity"], r["action"]) for r in rows] == [
        ("meeting", "bulk_insert"),
        ("training_session", "bulk_insert"),
        ("mentor", "bulk_insert"),
    ]
    assert flagged(conn, org, day(20)) == {"王磊": 20, "赵敏": 20}
