"""Undo: the user's last change reversed from the audit log, once, only when nothing
newer touched the record; every refusal says why; the undo is one audited write."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus, PlacementRole
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.domain.pool_query import PoolFilter
from cadre_tui.errors import CadreError
from cadre_tui.store import (
    audit,
    batches,
    cadres,
    figure_ledger,
    figures,
    group_changes,
    placements,
    saved_filters,
    undo,
    units,
    working_groups,
)
from cadre_tui.store.database import open_database
from cadre_tui.store.sqlite import sqlite3


def new_cadre(unit_id: int, sequence: int = 1) -> NewCadre:
    birth = dt.date(1994, 5, 17)
    return NewCadre(
        name="张伟",
        gender=Gender.MALE,
        birth_date=birth,
        id_number=make_id_number("320412", birth, sequence, "M"),
        sending_unit_id=unit_id,
        category=CadreCategory.RESERVE_CADRE,
        phone="13812345678",
        party_status=PartyStatus.MEMBER,
        party_joined_on=dt.date(2015, 6, 1),
        post="科员",
    )


def as_user(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setattr(audit, "current_actor", lambda: name)


def audit_rows(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]


@pytest.fixture
def cadre(conn: sqlite3.Connection):
    unit = units.create_sending_unit(conn, code="D17", name="区财政局")
    return cadres.create_cadre(conn, new_cadre(unit.id))


def test_an_edit_is_undone_and_the_undo_names_the_row_it_reverses(conn, cadre) -> None:
    edited = cadres.update_cadre(
        conn, cadre.id, dataclasses.replace(cadre.record(), post="副科长", phone="13900000000")
    )
    assert edited.post == "副科长"
    rows_before = audit_rows(conn)
    reversed_entry = undo.undo_last(conn)
    back = cadres.get_cadre(conn, cadre.id)
    assert (back.post, back.phone) == ("科员", "13812345678")
    assert back.row_version == edited.row_version + 1
    assert audit_rows(conn) == rows_before + 1
    last = conn.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert last["undoes"] == reversed_entry.id
    assert reversed_entry.action == "update"


def test_undo_walks_back_one_change_at_a_time_then_says_there_is_nothing(conn, cadre) -> None:
    cadres.update_cadre(conn, cadre.id, dataclasses.replace(cadre.record(), post="副科长"))
    cadres.set_cadre_status(conn, cadre.id, CadreStatus.ARCHIVED)
    assert undo.undo_last(conn).action == "set_status"
    assert cadres.get_cadre(conn, cadre.id).status == CadreStatus.AVAILABLE
    assert undo.undo_last(conn).action == "update"
    assert cadres.get_cadre(conn, cadre.id).post == "科员"
    assert undo.undo_last(conn).action == "create"
    assert conn.execute("SELECT COUNT(*) FROM cadres").fetchone()[0] == 0
    with pytest.raises(CadreError) as caught:
        undo.undo_last(conn)
    # The unit's creation is the last change left, and creating a unit is not reversible.
    assert caught.value.key == "undo.not_reversible"


def test_undo_works_after_a_restart(database, cadre) -> None:
    first = database.connect()
    cadres.update_cadre(first, cadre.id, dataclasses.replace(cadre.record(), post="副科长"))
    first.close()
    again = open_database(database.path).connect()
    try:
        undo.undo_last(again)
        assert cadres.get_cadre(again, cadre.id).post == "科员"
    finally:
        again.close()


def test_a_newer_change_by_someone_else_stops_the_undo_and_names_them(
    conn, cadre, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "wang")
    cadres.update_cadre(conn, cadre.id, dataclasses.replace(cadre.record(), post="副科长"))
    as_user(monkeypatch, "li")
    latest = cadres.get_cadre(conn, cadre.id)
    cadres.update_cadre(conn, cadre.id, dataclasses.replace(latest.record(), rank="三级主任科员"))
    as_user(monkeypatch, "wang")
    rows_before = audit_rows(conn)
    with pytest.raises(CadreError) as caught:
        undo.undo_last(conn)
    assert caught.value.key == "undo.changed_since"
    assert caught.value.params["who"] == "li"
    assert "li" in caught.value.message()
    assert cadres.get_cadre(conn, cadre.id).post == "副科长"
    assert audit_rows(conn) == rows_before


def test_each_user_undoes_only_their_own_changes(
    conn, cadre, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, "li")
    cadres.update_cadre(conn, cadre.id, dataclasses.replace(cadre.record(), post="副科长"))
    as_user(monkeypatch, "zhao")
    with pytest.raises(CadreError) as caught:
        undo.undo_last(conn)
    assert caught.value.key == "undo.nothing"


def test_a_change_of_id_number_is_not_undone_from_the_masked_log(conn, cadre) -> None:
    cadres.update_cadre(
        conn,
        cadre.id,
        dataclasses.replace(
            cadre.record(), id_number=make_id_number("320412", cadre.birth_date, 7, "M")
        ),
    )
    with pytest.raises(CadreError) as caught:
        undo.undo_last(conn)
    assert caught.value.key == "undo.id_number_masked"


def test_a_status_changed_by_a_write_the_log_cannot_tie_to_the_cadre_is_not_overwritten(
    conn, cadre
) -> None:
    cadres.set_cadre_status(conn, cadre.id, CadreStatus.RECOMMENDED)
    cadres.set_cadres_status(conn, [cadre.id], CadreStatus.SECONDED)
    with pytest.raises(CadreError) as caught:
        undo.undo_last(conn)
    # The bulk change is the user's last change, and it is not reversible on its own.
    assert caught.value.key == "undo.not_reversible"


def test_saved_filters_come_back_after_create_change_and_delete(conn) -> None:
    saved_filters.save_filter(conn, "待推荐", PoolFilter(text="张"))
    saved_filters.save_filter(conn, "待推荐", PoolFilter(text="王"))
    saved_filters.delete_saved_filter(conn, "待推荐")
    undo.undo_last(conn)
    assert saved_filters.list_saved_filters(conn)[0][1].text == "王"
    undo.undo_last(conn)
    assert saved_filters.list_saved_filters(conn)[0][1].text == "张"
    undo.undo_last(conn)
    assert saved_filters.list_saved_filters(conn) == []


# -- on the demo programme: groups, places and figures ----------------------------------


@pytest.fixture
def demo(demo_copy: Path) -> Iterator[sqlite3.Connection]:
    connection = open_database(demo_copy).connect()
    try:
        yield connection
    finally:
        connection.close()


def active_group(conn: sqlite3.Connection):
    batch = next(b for b in batches.list_batches(conn) if b.state == "active")
    group = working_groups.list_working_groups(conn, batch.id)[0]
    members = [p for p in placements.list_placements(conn, group_id=group.id) if p.is_active]
    return group, members


def test_a_group_edit_and_a_role_change_are_undone(demo) -> None:
    group, members = active_group(demo)
    working_groups.update_working_group(demo, group.id, office="镇政府三楼")
    member = next(p for p in members if p.role == PlacementRole.MEMBER)
    group_changes.set_role(demo, member.id, PlacementRole.DEPUTY)
    undo.undo_last(demo)
    assert placements.get_placement(demo, member.id).role == PlacementRole.MEMBER
    assert working_groups.get_working_group(demo, group.id).deputy_cadre_id == group.deputy_cadre_id
    undo.undo_last(demo)
    assert working_groups.get_working_group(demo, group.id).office == group.office


def test_a_figure_entered_then_corrected_is_undone_step_by_step(demo) -> None:
    group, members = active_group(demo)
    member = members[0]
    day = dt.date(2026, 11, 28)
    place = figures.default_place(group.mode, member)
    written = figure_ledger.set_day_figure(
        demo,
        placement_id=member.id,
        cadre_id=member.cadre_id,
        day=day,
        metric_code="measured_households",
        place=place,
        value=12,
    )
    assert written is not None
    figure_ledger.set_day_figure(
        demo,
        placement_id=member.id,
        cadre_id=member.cadre_id,
        day=day,
        metric_code="measured_households",
        place=place,
        value=15,
    )

    def today_value() -> float | None:
        found = figure_ledger.day_figures(demo, [member.id], day)
        return next((f.value for f in found if f.metric_code == "measured_households"), None)

    assert today_value() == 15
    undo.undo_last(demo)
    assert today_value() == 12
    undo.undo_last(demo)
    assert today_value() is None
    assert (
        demo.execute(
            "SELECT COUNT(*) FROM figure_entries WHERE entry_date = ?", (day.isoformat(),)
        ).fetchone()[0]
        == 0
    )
    assert demo.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_cadre_placed_since_cannot_be_unadded(demo, monkeypatch: pytest.MonkeyPatch) -> None:
    group, _members = active_group(demo)
    batch = batches.get_batch(demo, group.batch_id)
    unit = units.create_sending_unit(demo, code="D99", name="区档案馆")
    as_user(monkeypatch, "wang")
    added = cadres.create_cadre(demo, new_cadre(unit.id, sequence=913))
    as_user(monkeypatch, "li")
    placements.place_cadre(
        demo,
        group_id=group.id,
        cadre_id=added.id,
        start_date=batch.start_date,
        exception_reason="补充力量",
    )
    as_user(monkeypatch, "wang")
    with pytest.raises(CadreError) as caught:
        undo.undo_last(demo)
    assert caught.value.key == "undo.cadre_in_use"
    assert "张伟" in caught.value.message()
    assert cadres.get_cadre(demo, added.id).name == "张伟"


def test_placing_and_ending_a_placement_each_leave_one_audit_row(demo) -> None:
    group, members = active_group(demo)
    batch = batches.get_batch(demo, group.batch_id)
    free = demo.execute("SELECT id FROM cadres WHERE status = 'available' LIMIT 1").fetchone()[0]
    rows = audit_rows(demo)
    placed = placements.place_cadre(
        demo, group_id=group.id, cadre_id=free, start_date=batch.start_date, exception_reason="补充"
    )
    assert audit_rows(demo) == rows + 1
    assert cadres.get_cadre(demo, free).status == CadreStatus.SECONDED
    placements.end_placement(demo, placed.id, dt.date(2026, 11, 27))
    assert audit_rows(demo) == rows + 2
    assert cadres.get_cadre(demo, free).status == CadreStatus.AVAILABLE


def test_a_logistics_item_raised_edited_and_settled_is_undone_step_by_step(demo) -> None:
    from cadre_tui.domain.coordination import LogisticsCategory, LogisticsState
    from cadre_tui.store import logistics

    group, _members = active_group(demo)
    item = logistics.raise_item(
        demo,
        group_id=group.id,
        category=LogisticsCategory.VEHICLE,
        description="拆迁现场用车",
        raised_by="组长",
        raised_on=dt.date(2026, 11, 20),
        owner="镇党政办",
        due_on=dt.date(2026, 11, 30),
    )
    logistics.update_item(
        demo, item.id, expected_version=item.row_version, owner="区机关事务局", due_on=None
    )
    logistics.set_item_state(
        demo, item.id, LogisticsState.RESOLVED, on=dt.date(2026, 11, 25), resolution="已调车"
    )
    undo.undo_last(demo)
    back = logistics.get_item(demo, item.id)
    assert (back.state, back.resolved_on, back.resolution) == (LogisticsState.OPEN, None, "")
    undo.undo_last(demo)
    back = logistics.get_item(demo, item.id)
    assert (back.owner, back.due_on) == ("镇党政办", dt.date(2026, 11, 30))
    undo.undo_last(demo)
    with pytest.raises(CadreError):
        logistics.get_item(demo, item.id)
    assert demo.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
