"""Logistics items on real SQLite files: raising, editing and settling an item (one
audit row each, refusals naming their field and writing nothing), stale edits, the
board's order and filters on dates, closed batches as history, bulk loads, and the
first schema's rows carried over by migration 0007."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from cadre_tui.domain.coordination import LogisticsCategory, LogisticsState, NewItem
from cadre_tui.domain.enums import ManagementMode, ReceivingUnitKind
from cadre_tui.errors import CadreError
from cadre_tui.store import batches, logistics, units, working_groups
from cadre_tui.store.connection import connect, transaction
from cadre_tui.store.sqlite import sqlite3

TODAY = dt.date(2026, 11, 27)
START = dt.date(2026, 9, 28)
VEHICLE, MEALS = LogisticsCategory.VEHICLE, LogisticsCategory.MEALS_LODGING
OPEN, BUSY = LogisticsState.OPEN, LogisticsState.IN_PROGRESS
DONE, DROPPED = LogisticsState.RESOLVED, LogisticsState.WONT_FIX


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def audit_rows(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()


def items_table(conn: sqlite3.Connection) -> list[tuple]:
    return [tuple(r) for r in conn.execute("SELECT * FROM logistics_items ORDER BY id")]


@pytest.fixture
def org(conn: sqlite3.Connection) -> SimpleNamespace:
    """An active-looking batch with a group in each of two units."""
    units.create_sending_unit(conn, code="D17", name="区财政局")
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
    batch = batches.create_batch(conn, number=3, name="第三批抽调干部", start_date=START)
    make = working_groups.create_working_group
    east = make(conn, batch_id=batch.id, receiving_unit_id=zone.id, name="高新区第一工作组")
    west = make(conn, batch_id=batch.id, receiving_unit_id=town.id, name="牛塘镇工作组")
    return SimpleNamespace(batch=batch, zone=zone, town=town, east=east, west=west)


def raise_one(conn: sqlite3.Connection, group_id: int, **changes) -> logistics.LogisticsItem:
    values = {
        "group_id": group_id,
        "category": VEHICLE,
        "description": "下村入户没有公务用车",
        "raised_by": "王磊（组长）",
        "raised_on": ago(10),
        "owner": "高新区党政办",
        "due_on": ago(3),
        **changes,
    }
    return logistics.raise_item(conn, **values)


# -- raising ---------------------------------------------------------------------------


def test_raising_an_item_writes_it_open_with_one_audit_row(conn, org) -> None:
    before = len(audit_rows(conn))
    item = raise_one(conn, org.east.id, category="meals_lodging", description="  晚餐无着落 ")
    assert item.state == OPEN and item.category == MEALS and item.description == "晚餐无着落"
    assert item.due_on == ago(3) and item.resolved_on is None and item.row_version == 1
    assert logistics.get_item(conn, item.id) == item
    rows = audit_rows(conn)[before:]
    assert [(r["entity"], r["action"], r["entity_id"]) for r in rows] == [
        ("logistics_item", "create", item.id)
    ]
    after = json.loads(rows[0]["after_json"])
    assert after["category"] == "meals_lodging" and after["owner"] == "高新区党政办"


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"description": "   "}, "store.logistics.description_required"),
        ({"due_on": ago(11)}, "store.logistics.due_before_raised"),
        ({"category": "helicopter"}, "store.logistics.bad_category"),
        ({"group_id": 999}, "store.group.not_found"),
    ],
)
def test_a_bad_item_is_refused_by_name_and_nothing_is_written(conn, org, changes, key) -> None:
    before = audit_rows(conn), items_table(conn)
    with pytest.raises(CadreError) as caught:
        raise_one(conn, changes.pop("group_id", org.east.id), **changes)
    assert caught.value.key == key
    assert (audit_rows(conn), items_table(conn)) == before


def test_a_bad_category_lists_the_codes(conn, org) -> None:
    with pytest.raises(CadreError) as caught:
        raise_one(conn, org.east.id, category="helicopter")
    assert "helicopter" in caught.value.message() and "meals_lodging" in caught.value.message()


# -- editing ---------------------------------------------------------------------------


def test_an_edit_changes_only_what_differs_and_bumps_the_version(conn, org) -> None:
    item = raise_one(conn, org.east.id)
    before = len(audit_rows(conn))
    edited = logistics.update_item(
        conn,
        item.id,
        expected_version=1,
        owner="高新区社会事业局",
        due_on=ago(-5),
        category=VEHICLE,
    )
    assert edited.owner == "高新区社会事业局" and edited.due_on == ago(-5)
    assert edited.row_version == 2
    (row,) = audit_rows(conn)[before:]
    assert row["action"] == "update"
    assert json.loads(row["before_json"]) == {"owner": "高新区党政办", "due_on": ago(3).isoformat()}
    assert json.loads(row["after_json"]) == {
        "owner": "高新区社会事业局",
        "due_on": ago(-5).isoformat(),
    }


def test_an_edit_that_changes_nothing_writes_nothing(conn, org) -> None:
    item = raise_one(conn, org.east.id)
    before = audit_rows(conn)
    assert logistics.update_item(conn, item.id, expected_version=1, owner=item.owner) == item
    assert audit_rows(conn) == before


def test_a_stale_edit_is_refused(conn, org) -> None:
    item = raise_one(conn, org.east.id)
    logistics.update_item(conn, item.id, expected_version=1, owner="区交通运输局")
    before = audit_rows(conn), items_table(conn)
    with pytest.raises(CadreError) as caught:
        logistics.update_item(conn, item.id, expected_version=1, owner="区财政局")
    assert caught.value.key == "store.logistics.changed_elsewhere"
    with pytest.raises(CadreError):
        logistics.set_item_state(conn, item.id, BUSY, on=TODAY, expected_version=1)
    assert (audit_rows(conn), items_table(conn)) == before


def test_edits_are_checked_like_new_items(conn, org) -> None:
    item = raise_one(conn, org.east.id)
    with pytest.raises(CadreError) as caught:
        logistics.update_item(conn, item.id, expected_version=1, due_on=ago(20))
    assert caught.value.key == "store.logistics.due_before_raised"
    with pytest.raises(CadreError) as caught:
        logistics.update_item(conn, item.id, expected_version=None, description=" ")
    assert caught.value.key == "store.logistics.description_required"
    with pytest.raises(ValueError):
        logistics.update_item(conn, item.id, expected_version=1, state="resolved")


# -- states ----------------------------------------------------------------------------


def test_an_item_moves_through_its_states(conn, org) -> None:
    item = raise_one(conn, org.east.id)
    before = len(audit_rows(conn))
    busy = logistics.set_item_state(conn, item.id, "in_progress", on=ago(4), expected_version=1)
    assert busy.state == BUSY and busy.resolved_on is None and busy.row_version == 2
    done = logistics.set_item_state(conn, item.id, DONE, on=ago(1), resolution="已调配一辆公务车")
    assert done.state == DONE and done.resolved_on == ago(1)
    assert done.resolution == "已调配一辆公务车" and not done.is_overdue(TODAY)
    reopened = logistics.set_item_state(conn, item.id, OPEN, on=TODAY)
    assert reopened.state == OPEN and reopened.resolved_on is None and reopened.resolution == ""
    assert reopened.is_overdue(TODAY)
    dropped = logistics.set_item_state(conn, item.id, DROPPED, on=TODAY, resolution="改由镇里解决")
    assert dropped.resolved_on == TODAY
    rows = audit_rows(conn)[before:]
    assert [r["action"] for r in rows] == ["set_state"] * 4
    assert json.loads(rows[1]["after_json"]) == {
        "state": "resolved",
        "resolution": "已调配一辆公务车",
        "resolved_on": ago(1).isoformat(),
        "on": ago(1).isoformat(),
    }
    assert json.loads(rows[2]["before_json"])["state"] == "resolved"


def test_settling_needs_a_note_and_a_day_after_raising(conn, org) -> None:
    item = raise_one(conn, org.east.id)
    before = audit_rows(conn), items_table(conn)
    for state in (DONE, DROPPED):
        with pytest.raises(CadreError) as caught:
            logistics.set_item_state(conn, item.id, state, on=TODAY, resolution="  ")
        assert caught.value.key == "store.logistics.resolution_required"
    with pytest.raises(CadreError) as caught:
        logistics.set_item_state(conn, item.id, DONE, on=ago(11), resolution="已解决")
    assert caught.value.key == "store.logistics.resolved_before_raised"
    with pytest.raises(CadreError) as caught:
        logistics.set_item_state(conn, item.id, "fixed", on=TODAY)
    assert caught.value.key == "store.logistics.bad_state"
    assert (audit_rows(conn), items_table(conn)) == before


def test_the_same_state_again_writes_nothing(conn, org) -> None:
    item = raise_one(conn, org.east.id)
    before = audit_rows(conn)
    assert logistics.set_item_state(conn, item.id, OPEN, on=TODAY) == item
    assert audit_rows(conn) == before


# -- the board -------------------------------------------------------------------------


@pytest.fixture
def board(conn, org) -> dict[str, int]:
    """Items of every standing on two groups, named by how they stand on TODAY."""
    made = {
        "overdue_long": raise_one(conn, org.east.id, raised_on=ago(20), due_on=ago(9)),
        "overdue_busy": raise_one(conn, org.west.id, raised_on=ago(30), due_on=ago(2)),
        "due_today": raise_one(conn, org.east.id, category=MEALS, raised_on=ago(25), due_on=TODAY),
        "no_due": raise_one(conn, org.west.id, category=MEALS, raised_on=ago(12), due_on=None),
        "fresh": raise_one(conn, org.east.id, raised_on=ago(1), due_on=ago(-14)),
        "late_done": raise_one(conn, org.west.id, raised_on=ago(40), due_on=ago(30)),
        "dropped": raise_one(conn, org.east.id, raised_on=ago(15), due_on=ago(5)),
    }
    ids = {name: item.id for name, item in made.items()}
    logistics.set_item_state(conn, ids["overdue_busy"], BUSY, on=ago(3))
    logistics.set_item_state(conn, ids["late_done"], DONE, on=ago(20), resolution="已发放补贴")
    logistics.set_item_state(conn, ids["dropped"], DROPPED, on=ago(3), resolution="不属于协调范围")
    return ids


def test_the_board_is_problems_first(conn, board) -> None:
    rows = logistics.list_items(conn, today=TODAY)
    names = {v: k for k, v in board.items()}
    assert [names[row.id] for row in rows] == [
        "overdue_long",
        "overdue_busy",
        "due_today",
        "no_due",
        "fresh",
        "dropped",
        "late_done",
    ]
    first = rows[0]
    assert first.overdue and first.days_overdue == 9 and first.age_days == 20
    assert first.group_name == "高新区第一工作组" and first.receiving_unit_name == "高新区"
    assert first.batch_number == 3
    settled = rows[-1]
    assert not settled.overdue and settled.age_days == 20 and settled.days_overdue == 0
    assert logistics.overdue_count(conn, TODAY) == sum(row.overdue for row in rows) == 2


def test_due_today_becomes_overdue_tomorrow(conn, board) -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    assert logistics.overdue_count(conn, tomorrow) == 3
    rows = logistics.list_items(conn, overdue_only=True, today=tomorrow)
    assert board["due_today"] in [row.id for row in rows]


def test_the_board_filters_by_unit_group_category_state_and_batch(conn, org, board) -> None:
    def ids(**filters) -> set[int]:
        return {row.id for row in logistics.list_items(conn, today=TODAY, **filters)}

    assert ids(receiving_unit_id=org.town.id) == {
        board["overdue_busy"],
        board["no_due"],
        board["late_done"],
    }
    assert ids(group_id=org.east.id) == ids(receiving_unit_id=org.zone.id)
    assert ids(categories=["meals_lodging"]) == {board["due_today"], board["no_due"]}
    assert ids(states=[DONE, "wont_fix"]) == {board["late_done"], board["dropped"]}
    assert ids(overdue_only=True) == {board["overdue_long"], board["overdue_busy"]}
    assert ids(batch_id=org.batch.id) == set(board.values())
    assert ids(batch_id=org.batch.id + 1) == set()
    assert logistics.overdue_count(conn, TODAY, batch_id=org.batch.id + 1) == 0
    with pytest.raises(CadreError):
        ids(states=["stuck"])


# -- history and bulk ------------------------------------------------------------------


def test_a_closed_batchs_items_are_history(demo_copy: Path) -> None:
    conn = connect(demo_copy)
    try:
        closed = conn.execute("SELECT id FROM batches WHERE state = 'closed' LIMIT 1").fetchone()[0]
        group = working_groups.list_working_groups(conn, closed)[0]
        logistics.insert_items(
            conn, [new_item(group.id, raised_on=dt.date(2025, 4, 1), due_on=None)]
        )
        before = len(audit_rows(conn))
        with pytest.raises(CadreError) as caught:
            raise_one(conn, group.id)
        assert caught.value.key == "store.batch.closed"
        old = logistics.list_items(conn, batch_id=closed, today=TODAY)[0]
        with pytest.raises(CadreError) as caught:
            logistics.set_item_state(conn, old.id, OPEN, on=TODAY)
        assert caught.value.key == "store.batch.closed"
        with pytest.raises(CadreError):
            logistics.update_item(conn, old.id, expected_version=None, owner="区财政局")
        assert len(audit_rows(conn)) == before
    finally:
        conn.close()


def new_item(group_id: int, **changes) -> NewItem:
    values = {
        "group_id": group_id,
        "category": LogisticsCategory.OFFICE_SPACE,
        "description": "办公场地不足",
        "raised_by": "组长",
        "raised_on": ago(50),
        "owner": "镇党政办",
        "due_on": ago(40),
        **changes,
    }
    return NewItem(**values)


def test_a_bulk_load_checks_every_row_and_writes_one_audit_row(conn, org) -> None:
    before = len(audit_rows(conn))
    count = logistics.insert_items(
        conn,
        [
            new_item(org.east.id),
            new_item(org.west.id, state=DONE, resolution="已腾出两间办公室", resolved_on=ago(45)),
        ],
    )
    assert count == 2
    rows = audit_rows(conn)[before:]
    assert [(r["entity"], r["action"]) for r in rows] == [("logistics_item", "bulk_insert")]
    state = audit_rows(conn), items_table(conn)
    with pytest.raises(CadreError) as caught:
        logistics.insert_items(conn, [new_item(org.east.id), new_item(org.east.id, state=DONE)])
    assert caught.value.key == "store.bulk.row_rejected" and caught.value.params["row"] == 2
    assert (audit_rows(conn), items_table(conn)) == state


def test_the_schema_refuses_an_impossible_item(conn, org) -> None:
    """The CHECKs hold even for a write that skips the store."""
    bad = [
        ("resolved", None),  # settled without a day
        ("open", ago(1).isoformat()),  # open with one
    ]
    for state, resolved_on in bad:
        with pytest.raises(sqlite3.IntegrityError), transaction(conn):
            conn.execute(
                "INSERT INTO logistics_items (group_id, category, description, raised_on, state,"
                " resolved_on) VALUES (?, 'pay', '工资', ?, ?, ?)",
                (org.east.id, ago(5).isoformat(), state, resolved_on),
            )


def test_migration_0007_carries_the_first_schemas_rows_over(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from cadre_tui.store import migrate

    conn = connect(tmp_path / "old.db")
    try:
        with transaction(conn):
            db = Database(conn, recursive_triggers=False, execute_plugins=False)
            migrate._build_migrations().apply(db, stop_before="0007_coordination")
        with transaction(conn):
            conn.execute("INSERT INTO sending_units (code, name) VALUES ('D1', '区财政局')")
            conn.execute(
                "INSERT INTO receiving_units (code, name, default_mode)"
                " VALUES ('GX', '高新区', 'stationed_village')"
            )
            conn.execute(
                "INSERT INTO batches (number, name, start_date) VALUES (1, '第一批', '2025-03-03')"
            )
            conn.execute(
                "INSERT INTO working_groups (batch_id, receiving_unit_id, name, mode)"
                " VALUES (1, 1, '工作组', 'stationed_village')"
            )
            conn.execute(
                "INSERT INTO logistics_items (group_id, category, description, raised_on,"
                " due_date, state, resolution) VALUES"
                " (1, 'pay', '补贴未发', '2025-04-01', '2025-03-20', 'resolved', '已发')"
            )
            conn.execute("INSERT INTO meetings (kind, held_on) VALUES ('exchange', '2025-04-10')")
            conn.execute("INSERT INTO meeting_attendance (meeting_id, group_id) VALUES (1, 1)")
            conn.execute("INSERT INTO meeting_attendance (meeting_id, group_id) VALUES (1, 1)")
        assert migrate.migrate(conn) == ["0007_coordination"]
        item = logistics.get_item(conn, 1)
        assert item.due_on == dt.date(2025, 4, 1) and item.resolved_on == dt.date(2025, 4, 1)
        assert [tuple(r) for r in conn.execute("SELECT * FROM meeting_groups")] == [(1, 1)]
    finally:
        conn.close()
