"""Read-only refuses every write path: each store function that opens a write
transaction, called with real arguments on a read-only connection, raises the
clear read-only error and changes nothing. A new write function must join the
list (the last test finds them all)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import cadre_tui.store
from cadre_tui.domain.coordination import FollowUp
from cadre_tui.domain.enums import (
    CadreCategory,
    CadreStatus,
    EvaluationGrade,
    Gender,
    ManagementMode,
    PartyStatus,
    PlacementRole,
)
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.domain.pool_query import PoolFilter
from cadre_tui.errors import ReadOnlyError
from cadre_tui.store import (
    batches,
    bulk,
    cadre_history,
    cadre_import,
    cadres,
    evaluations,
    export_audit,
    figure_ledger,
    figures,
    group_changes,
    logistics,
    meetings,
    placements,
    pool_indexes,
    recommendations,
    rounds,
    saved_filters,
    training,
    undo,
    units,
    working_groups,
)
from cadre_tui.store.connection import connect
from cadre_tui.store.sqlite import sqlite3

DAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def ro(demo_db: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(demo_db, read_only=True)
    try:
        yield conn
    finally:
        conn.close()


def one(conn: sqlite3.Connection, sql: str) -> Any:
    return conn.execute(sql).fetchone()[0]


def new_cadre(unit_id: int) -> NewCadre:
    birth = dt.date(1994, 5, 17)
    return NewCadre(
        name="张伟",
        gender=Gender.MALE,
        birth_date=birth,
        id_number=make_id_number("320412", birth, 917, "M"),
        sending_unit_id=unit_id,
        category=CadreCategory.RESERVE_CADRE,
        party_status=PartyStatus.MEMBER,
        party_joined_on=dt.date(2015, 6, 1),
    )


def calls(c: sqlite3.Connection) -> dict[str, Callable[[], Any]]:
    """Every write function with arguments it would accept on a writable copy."""
    active = one(c, "SELECT id FROM batches WHERE state = 'active'")
    closed = one(c, "SELECT id FROM batches WHERE state = 'closed' LIMIT 1")
    group = working_groups.list_working_groups(c, active)[0]
    other = working_groups.list_working_groups(c, active)[1]
    member = next(
        p for p in placements.list_placements(c, group_id=group.id) if p.is_active and p.role
    )
    cadre = cadres.get_cadre(c, member.cadre_id)
    unit = one(c, "SELECT id FROM sending_units LIMIT 1")
    free = one(c, "SELECT id FROM cadres WHERE status = 'available' LIMIT 1")
    round_ = rounds.list_rounds(c)[-1]
    rec = one(c, f"SELECT id FROM recommendations WHERE round_id = {round_.id} LIMIT 1")
    entry = one(c, "SELECT id FROM figure_entries WHERE corrects_id IS NULL LIMIT 1")
    place = figures.default_place(group.mode, member)
    item = one(
        c,
        "SELECT COALESCE(MIN(i.id), 1) FROM logistics_items i JOIN working_groups g"
        f" ON g.id = i.group_id WHERE g.batch_id = {active} AND i.state = 'open'",
    )
    meeting = one(c, f"SELECT COALESCE(MIN(id), 1) FROM meetings WHERE batch_id = {active}")
    return {
        "batches.add_batch_unit": lambda: batches.add_batch_unit(
            c, active, group.receiving_unit_id
        ),
        "batches.close_batch": lambda: batches.close_batch(c, active, DAY),
        "batches.create_batch": lambda: batches.create_batch(
            c, number=9, name="第九批", start_date=DAY
        ),
        "batches.start_batch": lambda: batches.start_batch(c, active),
        "batches.update_batch": lambda: batches.update_batch(c, active, purpose="拆迁"),
        "bulk.insert_rows": lambda: bulk.insert_rows(
            c, "INSERT INTO officers (name) VALUES (?)", [("钱佳怡",)], entity="officer"
        ),
        "cadre_history.record_reveal": lambda: cadre_history.record_reveal(c, cadre.id, ("phone",)),
        "cadre_import.update_cadres": lambda: cadre_import.update_cadres(
            c,
            [cadre_import.CadreUpdate(cadre.id, cadre.row_version, cadre.record(), cadre.record())],
            at="2026-11-20",
        ),
        "cadres.create_cadre": lambda: cadres.create_cadre(c, new_cadre(unit)),
        "cadres.insert_cadre_rows": lambda: cadres.insert_cadre_rows(c, []),
        "cadres.set_cadre_status": lambda: cadres.set_cadre_status(c, free, CadreStatus.ARCHIVED),
        "cadres.set_cadres_status": lambda: cadres.set_cadres_status(
            c, [free], CadreStatus.ARCHIVED
        ),
        "cadres.update_cadre": lambda: cadres.update_cadre(
            c, cadre.id, cadre.record(), expected_version=cadre.row_version
        ),
        "evaluations.record_evaluation": lambda: evaluations.record_evaluation(
            c, member.id, grade=EvaluationGrade.EXCELLENT, evaluated_on=DAY, evaluated_by="区委"
        ),
        "export_audit.record_unmasked_export": lambda: export_audit.record_unmasked_export(
            c, "pool", "/tmp/x.xlsx", 1
        ),
        "figure_ledger.set_day_figure": lambda: figure_ledger.set_day_figure(
            c,
            placement_id=member.id,
            cadre_id=member.cadre_id,
            day=DAY,
            metric_code="measured_households",
            place=place,
            value=999,
        ),
        "figures.correct_figure": lambda: figures.correct_figure(c, entry, 12345),
        "figures.record_figure": lambda: figures.record_figure(
            c, placement_id=member.id, entry_date=DAY, metric_code="signed_households", value=1
        ),
        "figures.set_target": lambda: figures.set_target(
            c,
            batch_id=active,
            scope="batch",
            scope_id=active,
            metric_code="measured_households",
            value=1,
        ),
        "group_changes.activate_group": lambda: group_changes.activate_group(c, group.id),
        "group_changes.assign_projects": lambda: group_changes.assign_projects(c, member.id, []),
        "group_changes.change_group_mode": lambda: group_changes.change_group_mode(
            c, group.id, ManagementMode.PROJECT_BASED, expected_version=group.row_version
        ),
        "group_changes.move_cadre": lambda: group_changes.move_cadre(
            c, member.id, to_group_id=other.id, on=DAY
        ),
        "group_changes.record_party_transfer": lambda: group_changes.record_party_transfer(
            c, member.id, DAY
        ),
        "group_changes.set_covered_villages": lambda: group_changes.set_covered_villages(
            c, group.id, []
        ),
        "group_changes.set_group_leaders": lambda: group_changes.set_group_leaders(
            c, group.id, leader_cadre_id=member.cadre_id, deputy_cadre_id=None
        ),
        "group_changes.set_place": lambda: group_changes.set_place(c, member.id),
        "group_changes.set_role": lambda: group_changes.set_role(
            c, member.id, PlacementRole.MEMBER
        ),
        "migrate.migrate": lambda: _migrate_pending(c),
        "placements.add_members": lambda: placements.add_members(c, group.id, [free], DAY),
        "placements.end_placement": lambda: placements.end_placement(c, member.id, DAY),
        "placements.place_cadre": lambda: placements.place_cadre(
            c, group_id=group.id, cadre_id=free, start_date=DAY, exception_reason="补充"
        ),
        "pool_indexes.suspended": lambda: _enter(pool_indexes.suspended(c)),
        "recommendations.approve": lambda: recommendations.approve(c, rec),
        "recommendations.nominate": lambda: recommendations.nominate(c, round_.id, [free]),
        "recommendations.return_nomination": lambda: recommendations.return_nomination(
            c, rec, "材料不全"
        ),
        "recommendations.withdraw": lambda: recommendations.withdraw(c, rec),
        "rounds.create_round": lambda: rounds.create_round(c, 2031),
        "rounds.record_meeting": lambda: rounds.record_meeting(c, round_.id, unit, DAY),
        "rounds.set_unit_quota": lambda: rounds.set_unit_quota(c, round_.id, unit, None),
        "rounds.update_round": lambda: rounds.update_round(c, round_.id, deadline=DAY),
        "saved_filters.delete_saved_filter": lambda: saved_filters.delete_saved_filter(c, "x"),
        "saved_filters.save_filter": lambda: saved_filters.save_filter(c, "x", PoolFilter()),
        "undo.undo_last": lambda: undo.undo_last(c),
        "units.add_officer": lambda: units.add_officer(c, "钱佳怡"),
        "units.create_receiving_unit": lambda: units.create_receiving_unit(
            c, code="ZZ", name="邹区镇", default_mode=ManagementMode.STATIONED_VILLAGE
        ),
        "units.create_sending_unit": lambda: units.create_sending_unit(
            c, code="ZZ", name="区档案馆"
        ),
        "units.set_programme": lambda: units.set_programme(c, "选派"),
        "units.set_receiving_unit_leaders": lambda: units.set_receiving_unit_leaders(
            c, group.receiving_unit_id, deputy_party_secretary="顾", leader_in_charge="钱"
        ),
        "units.set_sending_unit_leader": lambda: units.set_sending_unit_leader(c, unit, "周"),
        "working_groups.create_working_group": lambda: working_groups.create_working_group(
            c, batch_id=active, receiving_unit_id=group.receiving_unit_id, name="新工作组"
        ),
        "working_groups.update_working_group": lambda: working_groups.update_working_group(
            c, group.id, office="镇政府"
        ),
        "batches.close_batch(closed)": lambda: batches.close_batch(c, closed, DAY),
        "logistics.raise_item": lambda: logistics.raise_item(
            c,
            group_id=group.id,
            category="vehicle",
            description="下村用车不足",
            raised_by="组长",
            raised_on=DAY,
            owner="镇党政办",
            due_on=DAY,
        ),
        "logistics.update_item": lambda: logistics.update_item(
            c, item, expected_version=None, owner="区交通运输局"
        ),
        "logistics.set_item_state": lambda: logistics.set_item_state(
            c, item, "resolved", on=DAY, resolution="已协调解决"
        ),
        "logistics.insert_items": lambda: logistics.insert_items(c, []),
        "meetings.record_meeting": lambda: meetings.record_meeting(
            c,
            held_on=DAY,
            kind="exchange",
            place="区委组织部会议室",
            group_ids=[group.id],
            cadre_ids=[member.cadre_id],
            actions=[FollowUp(group.id, "transport", "协调交通补贴", "区财政局", DAY)],
        ),
        "meetings.update_meeting": lambda: meetings.update_meeting(
            c, meeting, expected_version=None, notes="补充纪要"
        ),
        "meetings.insert_meetings": lambda: meetings.insert_meetings(c, []),
        "training.record_training": lambda: training.record_training(
            c,
            held_on=DAY,
            kind="policy_training",
            title="征收拆迁政策培训",
            place="镇政府",
            receiving_unit_id=group.receiving_unit_id,
            cadre_ids=[member.cadre_id],
        ),
        "training.insert_sessions": lambda: training.insert_sessions(c, []),
        "training.set_mentor": lambda: training.set_mentor(
            c, member.id, name="周建国", post="村党支部书记", village="南田村", started_on=DAY
        ),
        "training.insert_mentors": lambda: training.insert_mentors(c, []),
    }


def _enter(manager: Any) -> None:
    with manager:
        pass


def _migrate_pending(conn: sqlite3.Connection) -> None:
    from cadre_tui.store.connection import transaction

    with transaction(conn):  # what migrate() does once there is something to apply
        pass


def test_every_write_path_is_refused_as_read_only(ro: sqlite3.Connection) -> None:
    audit_rows = one(ro, "SELECT COUNT(*) FROM audit_log")
    refused, wrong = [], {}
    for name, call in calls(ro).items():
        try:
            call()
        except ReadOnlyError as exc:
            refused.append(name)
            assert "read-only" in exc.message().lower()
        except Exception as exc:  # noqa: BLE001 - collected and reported together
            wrong[name] = repr(exc)
        else:
            wrong[name] = "wrote nothing and raised nothing"
    assert wrong == {}
    assert len(refused) >= 63
    assert one(ro, "SELECT COUNT(*) FROM audit_log") == audit_rows


def test_the_list_names_every_function_that_opens_a_write_transaction(
    ro: sqlite3.Connection,
) -> None:
    writers = set()
    for info in pkgutil.iter_modules(cadre_tui.store.__path__):
        module = importlib.import_module(f"cadre_tui.store.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ != module.__name__ or name.startswith("_"):
                continue
            source = inspect.getsource(func)
            if "transaction(" in source and "def transaction" not in source:
                writers.add(f"{info.name}.{name}")
    assert writers - set(calls(ro)) == set()
