"""Reading the audit log back: a cadre's and a group's whole history (placements,
nominations, figures and moves included, nobody else's rows), the log's filters,
the names its ids refer to, and every query answered from an index."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadre_tui.store import audit, cadres, figures, group_changes, placements, recommendations
from cadre_tui.store.audit_queries import (
    cadre_history,
    group_history,
    is_known_entity,
    log_entries,
    names_for,
    since_text,
)
from cadre_tui.store.connection import connect
from cadre_tui.store.sqlite import sqlite3


@pytest.fixture
def demo(demo_copy: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(demo_copy)
    try:
        yield conn
    finally:
        conn.close()


def active_member(conn: sqlite3.Connection, group_id: int):  # noqa: ANN201 - a Placement
    return next(p for p in placements.list_placements(conn, group_id=group_id) if p.is_active)


def group_id(conn: sqlite3.Connection, batch: int, name: str) -> int:
    return conn.execute(
        "SELECT g.id FROM working_groups g JOIN batches b ON b.id = g.batch_id"
        " WHERE b.number = ? AND g.name = ?",
        (batch, name),
    ).fetchone()[0]


def rows_about(rows, entity: str) -> list:  # noqa: ANN001
    return [row for row in rows if row.entity == entity]


def test_a_cadres_history_holds_their_record_placements_figures_and_nominations(
    demo: sqlite3.Connection,
) -> None:
    group = group_id(demo, 3, "湖塘镇工作组")
    member = active_member(demo, group)
    cadre = cadres.get_cadre(demo, member.cadre_id)
    cadres.update_cadre(demo, cadre.id, dataclasses.replace(cadre.record(), post="拆迁办副主任"))
    entry = figures.record_figure(
        demo,
        placement_id=member.id,
        entry_date=member.start_date + dt.timedelta(days=2),
        metric_code="signed_households",
        value=4,
    )
    figures.correct_figure(demo, entry.id, 3)
    other = active_member(demo, group_id(demo, 3, "牛塘镇工作组"))
    other_cadre = cadres.get_cadre(demo, other.cadre_id)
    cadres.update_cadre(demo, other.cadre_id, dataclasses.replace(other_cadre.record(), post="x"))

    rows = cadre_history(demo, cadre.id, 200)
    ids = [row.id for row in rows]
    assert ids == sorted(ids, reverse=True)
    assert [(r.entity, r.action) for r in rows[:3]] == [
        ("figure_entry", "correct"),
        ("figure_entry", "create"),
        ("cadre", "update"),
    ]
    assert rows[2].before == {"post": cadre.post} and rows[2].after == {"post": "拆迁办副主任"}
    assert {r.entity_id for r in rows_about(rows, "placement")} >= {member.id}
    assert ("cadre", "bulk_insert") in {(r.entity, r.action) for r in rows}  # the demo's import
    assert other.cadre_id not in {r.entity_id for r in rows_about(rows, "cadre")}
    assert all(r.entity_id != other.id for r in rows_about(rows, "placement"))


def test_a_nomination_of_several_cadres_at_once_is_in_each_ones_history(
    demo: sqlite3.Connection,
) -> None:
    multi = demo.execute(
        "SELECT id, after_json ->> '$.nominations[0].cadre_id',"
        " after_json ->> '$.nominations[1].cadre_id' FROM audit_log"
        " WHERE entity = 'recommendation' AND entity_id IS NULL AND action = 'nominate' LIMIT 1"
    ).fetchone()
    row_id, first, second = multi
    for cadre_id in (first, second):
        assert row_id in [row.id for row in cadre_history(demo, cadre_id)]
    outsider = demo.execute(
        "SELECT id FROM cadres WHERE id NOT IN (SELECT cadre_id FROM recommendations) LIMIT 1"
    ).fetchone()[0]
    assert row_id not in [row.id for row in cadre_history(demo, outsider)]


def test_a_withdrawn_nominations_number_given_again_is_not_in_the_new_nominees_history(
    demo: sqlite3.Connection,
) -> None:
    last = demo.execute(
        "SELECT id, cadre_id, round_id FROM recommendations ORDER BY id DESC"
    ).fetchone()
    recommendations.withdraw(demo, last["id"])
    newcomer = demo.execute(
        "SELECT id FROM cadres WHERE status = 'available' AND id NOT IN"
        " (SELECT cadre_id FROM recommendations) ORDER BY id LIMIT 1"
    ).fetchone()[0]
    (again,) = recommendations.nominate(
        demo, last["round_id"], [newcomer], exception_reason="补充推荐"
    )
    assert again.id == last["id"]  # SQLite gave the freed number again
    mine = [row for row in cadre_history(demo, newcomer) if row.entity == "recommendation"]
    assert [row.action for row in mine] == ["nominate"]
    theirs = [row.action for row in cadre_history(demo, last["cadre_id"])]
    assert "withdraw" not in theirs  # the record is gone: see the report's limits


def test_a_groups_history_holds_the_group_its_members_their_figures_and_moves_out(
    demo: sqlite3.Connection,
) -> None:
    source = group_id(demo, 3, "湖塘镇工作组")
    target = group_id(demo, 3, "牛塘镇工作组")
    member = active_member(demo, source)
    entry = figures.record_figure(
        demo,
        placement_id=member.id,
        entry_date=member.start_date + dt.timedelta(days=1),
        metric_code="measured_households",
        value=7,
    )
    moved = group_changes.move_cadre(
        demo, member.id, to_group_id=target, on=member.start_date + dt.timedelta(days=3)
    )
    rows = group_history(demo, source, 500)
    pairs = [(r.entity, r.action, r.entity_id) for r in rows]
    assert pairs[0] == ("placement", "move", moved.id)  # left this group
    assert ("figure_entry", "create", entry.id) in pairs
    assert ("working_group", "create", source) in pairs
    assert ("placement", "create", member.id) in pairs
    other_members = {p.id for p in placements.list_placements(demo, group_id=target)} - {moved.id}
    assert not {r.entity_id for r in rows_about(rows, "placement")} & other_members
    into = group_history(demo, target, 500)
    assert ("placement", "move", moved.id) in [(r.entity, r.action, r.entity_id) for r in into]


def test_limit_keeps_the_newest(demo: sqlite3.Connection) -> None:
    group = group_id(demo, 3, "湖塘镇工作组")
    everything = group_history(demo, group, 1000)
    assert len(everything) > 5
    assert group_history(demo, group, 5) == everything[:5]


def test_log_filters_by_actor_time_and_record(
    demo: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    cadre = cadres.get_cadre(demo, 5)
    monkeypatch.setattr(audit, "current_actor", lambda: "zhaomin")
    monkeypatch.setattr(audit, "utc_now", lambda: "2030-01-02T01:30:00+00:00")
    cadres.update_cadre(demo, 5, dataclasses.replace(cadre.record(), post="科长"))
    newest = log_entries(demo, limit=3)
    assert newest[0].actor == "zhaomin" and len(newest) == 3
    assert [r.actor for r in log_entries(demo, actor="zhaomin")] == ["zhaomin"]
    assert log_entries(demo, actor="nobody") == []
    since = log_entries(demo, since=dt.datetime(2030, 1, 2, 1, 0, tzinfo=dt.UTC))
    assert [r.id for r in since] == [newest[0].id]
    assert log_entries(demo, since=dt.date(2031, 1, 1)) == []
    assert [r.id for r in log_entries(demo, entity="cadre", entity_id=5)][0] == newest[0].id
    batches = log_entries(demo, entity="batch", limit=1000)
    assert batches and {r.entity for r in batches} == {"batch"}
    groups = log_entries(demo, entity="group", limit=2)
    assert len(groups) == 2 and {r.entity for r in groups} == {"working_group"}


def test_since_is_a_local_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    import time

    time.tzset()
    try:
        assert since_text(dt.date(2026, 3, 1)) == "2026-02-28T16:00:00+00:00"
        assert since_text(dt.datetime(2026, 3, 1, 9, 0)) == "2026-03-01T01:00:00+00:00"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_names_for_the_ids_rows_refer_to(demo: sqlite3.Connection) -> None:
    member = active_member(demo, group_id(demo, 3, "湖塘镇工作组"))
    name = cadres.get_cadre(demo, member.cadre_id).name
    found = names_for(
        demo,
        [("cadre", member.cadre_id), ("placement", member.id), ("working_group", member.group_id)],
    )
    assert found[("cadre", member.cadre_id)] == name
    assert found[("placement", member.id)] == name
    assert found[("working_group", member.group_id)] == "湖塘镇工作组"
    assert names_for(demo, [("cadre", 10**9), ("no_such_kind", 1)]) == {}


def test_known_entities(demo: sqlite3.Connection) -> None:
    assert is_known_entity(demo, "cadre") and is_known_entity(demo, "group")
    assert not is_known_entity(demo, "bogus")


def test_every_history_query_is_answered_from_an_index(demo: sqlite3.Connection) -> None:
    """No statement scans the audit log: a cadre's history stays instant at millions of rows."""
    statements: list[str] = []
    demo.set_trace_callback(statements.append)
    member = active_member(demo, group_id(demo, 3, "湖塘镇工作组"))
    cadre_history(demo, member.cadre_id, since=dt.date(2020, 1, 1))
    group_history(demo, member.group_id)
    log_entries(demo, entity="placement", entity_id=member.id)
    log_entries(demo, actor="root")
    demo.set_trace_callback(None)
    reads = [sql for sql in statements if "audit_log" in sql and sql.lstrip().startswith("SELECT")]
    assert len(reads) > 10
    for sql in reads:
        plan = " / ".join(row[3] for row in demo.execute("EXPLAIN QUERY PLAN " + sql))
        assert "SCAN audit_log" not in plan, f"{sql}\n{plan}"


def test_follow_up_is_in_the_groups_and_cadres_histories(demo: sqlite3.Connection) -> None:
    from cadre_tui.domain.coordination import LogisticsCategory, MeetingKind
    from cadre_tui.store import logistics, meetings

    gid = group_id(demo, 3, "高新区第一工作组")
    member = active_member(demo, gid)
    item = logistics.raise_item(
        demo,
        group_id=gid,
        category=LogisticsCategory.FUNDS,
        description="工作经费",
        raised_by="组长",
        raised_on=dt.date(2026, 11, 20),
        owner="区财政局",
    )
    meeting = meetings.record_meeting(
        demo,
        held_on=dt.date(2026, 11, 21),
        kind=MeetingKind.EXCHANGE,
        place="镇政府",
        group_ids=(gid,),
        cadre_ids=(member.cadre_id,),
    )
    group_rows = group_history(demo, gid)
    assert item.id in {r.entity_id for r in rows_about(group_rows, "logistics_item")}
    assert meeting.id in {r.entity_id for r in rows_about(group_rows, "meeting")}
    cadre_rows = cadre_history(demo, member.cadre_id)
    assert meeting.id in {r.entity_id for r in rows_about(cadre_rows, "meeting")}
