"""The entry grid on a copy of the demo (batch 3 active, today 2026-11-27): what it
shows, what it refuses, and what it writes — a ledger line per change, corrections
beside the entries they correct, all or nothing in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadre_tui.domain.enums import BatchState, ManagementMode, PlacementRole
from cadre_tui.domain.figure_rules import FigureRules
from cadre_tui.domain.model import WorkingGroup
from cadre_tui.i18n import t
from cadre_tui.services.figure_entry import (
    CellProblem,
    GridRefused,
    GridSaved,
    check_grid,
    load_grid,
    save_grid,
)
from cadre_tui.store import batches, figure_ledger, figures, working_groups
from cadre_tui.store.connection import connect
from cadre_tui.store.placements import get_placement
from cadre_tui.store.sqlite import sqlite3

TODAY = dt.date(2026, 11, 27)
DAY = dt.date(2026, 11, 20)


@pytest.fixture
def conn(demo_copy: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(demo_copy)
    try:
        yield connection
    finally:
        connection.close()


def active_batch(conn: sqlite3.Connection) -> int:
    (batch,) = [b for b in batches.list_batches(conn) if b.state == BatchState.ACTIVE]
    return batch.id


def group_of(conn: sqlite3.Connection, mode: ManagementMode, batch_id: int = 0) -> WorkingGroup:
    batch_id = batch_id or active_batch(conn)
    return next(g for g in working_groups.list_working_groups(conn, batch_id) if g.mode == mode)


def counts(conn: sqlite3.Connection) -> tuple[int, int]:
    entries = conn.execute("SELECT COUNT(*) FROM figure_entries").fetchone()[0]
    audits = conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    return entries, audits


def ledger(conn: sqlite3.Connection, placement_id: int, day: dt.date, code: str) -> list[tuple]:
    return [
        tuple(row)
        for row in conn.execute(
            "SELECT id, value, corrects_id, village_id, project_id FROM figure_entries"
            " WHERE placement_id = ? AND entry_date = ? AND metric_code = ? ORDER BY id",
            (placement_id, day.isoformat(), code),
        )
    ]


def blank_cell(conn: sqlite3.Connection, group_id: int, day: dt.date, code: str):
    grid = load_grid(conn, group_id, day)
    return next(r for r in grid.rows if r.reportable and r.values[code] is None)


def filled_cell(conn: sqlite3.Connection, group_id: int, day: dt.date, code: str):
    grid = load_grid(conn, group_id, day)
    return next(r for r in grid.rows if r.values[code])


# -- what the grid shows ----------------------------------------------------------------


def test_the_grid_lists_members_leader_first_with_the_days_figures(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    grid = load_grid(conn, group.id, DAY)
    assert grid.group == group and grid.day == DAY
    assert [m.code for m in grid.metrics] == [m.code for m in figures.list_metrics(conn)]
    assert grid.rows[0].role == PlacementRole.LEADER
    assert grid.rows[0].cadre_id == group.leader_cadre_id
    assert all(row.reportable for row in grid.rows)
    for row in grid.rows:
        for code, value in row.values.items():
            total = conn.execute(
                "SELECT ROUND(SUM(value), 1) FROM figure_entries WHERE placement_id = ?"
                " AND entry_date = ? AND metric_code = ?",
                (row.placement_id, DAY.isoformat(), code),
            ).fetchone()[0]
            assert value == total
    assert any(v is not None for row in grid.rows for v in row.values.values())
    villages = {r[0] for r in conn.execute("SELECT name FROM villages")}
    assert all(row.place in villages for row in grid.rows)


def test_places_are_named_by_the_groups_mode(conn) -> None:
    lines = load_grid(conn, group_of(conn, ManagementMode.BLOCK_AND_LINE).id, DAY).rows
    teams = {r[0] for r in conn.execute("SELECT name FROM field_teams")}
    assert {row.place for row in lines} <= teams | {t("batch.line_office")}
    assert t("batch.line_office") in {row.place for row in lines}
    projects = load_grid(conn, group_of(conn, ManagementMode.PROJECT_BASED).id, DAY).rows
    names = {r[0] for r in conn.execute("SELECT name FROM projects")}
    for row in projects:
        assert set(row.place.split(t("store.name_separator"))) <= names


def test_a_day_before_the_placement_shows_the_members_read_only(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    grid = load_grid(conn, group.id, dt.date(2026, 1, 5))
    assert grid.rows and not any(row.reportable for row in grid.rows)
    assert all(v is None for row in grid.rows for v in row.values.values())


def test_a_closed_batch_is_shown_but_not_editable(conn) -> None:
    closed = next(b for b in batches.list_batches(conn) if b.state == BatchState.CLOSED)
    group = working_groups.list_working_groups(conn, closed.id)[0]
    day = closed.start_date + dt.timedelta(days=10)
    grid = load_grid(conn, group.id, day)
    assert grid.rows and not any(row.reportable for row in grid.rows)
    row = grid.rows[0]
    (problem,) = check_grid(
        conn, group.id, day, {(row.placement_id, "measured_households"): "1"}, today=TODAY
    )
    assert problem.metric_code is None and not problem.warning
    assert problem.message == t("figures.batch_closed", date=day.isoformat())


# -- checking ---------------------------------------------------------------------------


def test_blank_cells_are_left_as_they_are(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    row = filled_cell(conn, group.id, DAY, "measured_area")
    before = counts(conn)
    cells = {(row.placement_id, "measured_area"): "", (row.placement_id, "signed_households"): " "}
    assert check_grid(conn, group.id, DAY, cells, today=TODAY) == []
    assert save_grid(conn, group.id, DAY, cells, today=TODAY) == GridSaved(0, 0)
    assert counts(conn) == before


def test_each_bad_cell_is_named_with_its_reason(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    first, second = load_grid(conn, group.id, DAY).rows[:2]
    cells = {
        (first.placement_id, "measured_households"): "2.5",
        (first.placement_id, "measured_area"): "12,34",
        (second.placement_id, "signed_households"): "-1",
        (second.placement_id, "measured_area"): "abc",
    }
    problems = check_grid(conn, group.id, DAY, cells, today=TODAY)
    assert {(p.placement_id, p.metric_code) for p in problems} == set(cells)
    assert not any(p.warning for p in problems)
    (whole,) = [p for p in problems if p.metric_code == "measured_households"]
    assert "2.5" in whole.message and "Households measured" in whole.message


def test_the_future_is_refused_once_per_row(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    row = load_grid(conn, group.id, TODAY).rows[0]
    tomorrow = TODAY + dt.timedelta(days=1)
    cells = {
        (row.placement_id, "measured_households"): "1",
        (row.placement_id, "measured_area"): "1",
    }
    assert check_grid(conn, group.id, TODAY, cells, today=TODAY) == []
    (problem,) = check_grid(conn, group.id, tomorrow, cells, today=TODAY)
    assert problem == CellProblem(
        row.placement_id,
        None,
        t("figures.date_future", date=tomorrow.isoformat(), today=TODAY),
        False,
    )


def test_a_day_before_the_placement_is_refused(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    row = load_grid(conn, group.id, DAY).rows[0]
    placement = get_placement(conn, row.placement_id)
    day = placement.start_date - dt.timedelta(days=1)
    cells = {(row.placement_id, "measured_households"): "1"}
    (problem,) = check_grid(conn, group.id, day, cells, today=TODAY)
    assert "before this cadre's placement started" in problem.message
    assert check_grid(conn, group.id, placement.start_date, cells, today=TODAY) == []


def test_cells_of_someone_outside_the_group_are_refused(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    other = group_of(conn, ManagementMode.PROJECT_BASED)
    stranger = load_grid(conn, other.id, DAY).rows[0]
    cells = {(stranger.placement_id, "measured_households"): "1"}
    (problem,) = check_grid(conn, group.id, DAY, cells, today=TODAY)
    assert problem.message == t("figures.not_in_group") and problem.metric_code is None
    with pytest.raises(GridRefused):
        save_grid(conn, group.id, DAY, cells, today=TODAY)


def test_area_per_household_at_its_bound(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    row = blank_cell(conn, group.id, DAY, "measured_households")
    rules = FigureRules(max_area_per_household=1000)
    key_h, key_a = (row.placement_id, "measured_households"), (row.placement_id, "measured_area")
    fine = {key_h: "2", key_a: "2,000"}
    assert check_grid(conn, group.id, DAY, fine, today=TODAY, rules=rules) == []
    over = {key_h: "2", key_a: "2000.1"}
    (problem,) = check_grid(conn, group.id, DAY, over, today=TODAY, rules=rules)
    assert problem.metric_code == "measured_area" and not problem.warning
    assert "2,000.1" in problem.message


# -- saving -----------------------------------------------------------------------------


def test_a_blank_cell_gets_a_new_entry_at_the_placements_village(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    row = blank_cell(conn, group.id, DAY, "signed_households")
    placement = get_placement(conn, row.placement_id)
    before = counts(conn)
    saved = save_grid(
        conn, group.id, DAY, {(row.placement_id, "signed_households"): "２"}, today=TODAY
    )
    assert saved == GridSaved(written=1, corrected=0)
    ((entry_id, value, corrects, village, project),) = ledger(
        conn, row.placement_id, DAY, "signed_households"
    )
    assert (value, corrects, village, project) == (2.0, None, placement.village_id, None)
    assert counts(conn) == (before[0] + 1, before[1] + 1)
    assert row_of(conn, group.id, DAY, row.placement_id).values["signed_households"] == 2.0


def test_a_changed_figure_is_a_correction_beside_the_entry(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    row = filled_cell(conn, group.id, DAY, "measured_area")
    old = row.values["measured_area"]
    original = ledger(conn, row.placement_id, DAY, "measured_area")
    key = (row.placement_id, "measured_area")
    assert save_grid(conn, group.id, DAY, {key: str(old + 10.5)}, today=TODAY) == GridSaved(0, 1)
    assert save_grid(conn, group.id, DAY, {key: str(old)}, today=TODAY) == GridSaved(0, 1)
    assert save_grid(conn, group.id, DAY, {key: str(old)}, today=TODAY) == GridSaved(0, 0)
    lines = ledger(conn, row.placement_id, DAY, "measured_area")
    assert lines[: len(original)] == original
    first_id = original[0][0]
    assert [(v, c) for _, v, c, _, _ in lines[len(original) :]] == [
        (10.5, first_id),
        (-10.5, first_id),
    ]
    assert {(vil, proj) for *_, vil, proj in lines} == {original[0][3:]}
    history = figures.cadre_entries(conn, row.cadre_id, since=DAY)
    assert {e.id for e in history} >= {line[0] for line in lines}
    actions = [
        r[0]
        for r in conn.execute(
            "SELECT action FROM audit_log WHERE entity = 'figure_entry' AND entity_id = ?"
            " ORDER BY id",
            (first_id,),
        )
    ]
    assert actions[-2:] == ["correct", "correct"]


def test_zero_in_a_blank_cell_writes_nothing_but_zeroes_a_recorded_one(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    blank = blank_cell(conn, group.id, DAY, "demolished_households")
    cells = {(blank.placement_id, "demolished_households"): "0"}
    assert save_grid(conn, group.id, DAY, cells, today=TODAY) == GridSaved(0, 0)
    row = filled_cell(conn, group.id, DAY, "measured_area")
    cells = {(row.placement_id, "measured_area"): "0"}
    assert save_grid(conn, group.id, DAY, cells, today=TODAY) == GridSaved(0, 1)
    assert row_of(conn, group.id, DAY, row.placement_id).values["measured_area"] == 0.0


def test_one_bad_cell_means_nothing_is_written(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    rows = load_grid(conn, group.id, DAY).rows
    cells = {(r.placement_id, "measured_households"): "3" for r in rows}
    cells[(rows[-1].placement_id, "measured_area")] = "lots"
    before = counts(conn)
    with pytest.raises(GridRefused) as refused:
        save_grid(conn, group.id, DAY, cells, today=TODAY)
    (problem,) = refused.value.problems
    assert problem.placement_id == rows[-1].placement_id and problem.metric_code == "measured_area"
    assert "1 cell(s) refused" in refused.value.message()
    assert counts(conn) == before
    assert not conn.in_transaction


def _signed_margin(conn, row, batch_id: int) -> float:
    totals = figure_ledger.cumulative_totals(conn, [row.cadre_id], TODAY, batch_id=batch_id)
    mine = totals.get(row.cadre_id, {})
    return mine.get("measured_households", 0.0) - mine.get("signed_households", 0.0)


def test_signed_beyond_measured_warns_and_needs_confirming(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    row = load_grid(conn, group.id, TODAY).rows[0]
    margin = _signed_margin(conn, row, group.batch_id)
    assert margin > 0
    key = (row.placement_id, "signed_households")
    at_bound = {key: str(int(margin))}
    assert check_grid(conn, group.id, TODAY, at_bound, today=TODAY) == []
    beyond = {key: str(int(margin) + 1)}
    (warning,) = check_grid(conn, group.id, TODAY, beyond, today=TODAY)
    assert warning.warning and warning.metric_code == "signed_households"
    assert "Households measured" in warning.message
    before = counts(conn)
    with pytest.raises(GridRefused) as refused:
        save_grid(conn, group.id, TODAY, beyond, today=TODAY)
    assert refused.value.problems == [warning]
    assert counts(conn) == before
    saved = save_grid(conn, group.id, TODAY, beyond, today=TODAY, confirm_warnings=True)
    assert saved == GridSaved(1, 0)


def test_lowering_an_old_measured_figure_warns_for_the_later_signing(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    row = filled_cell(conn, group.id, DAY, "measured_households")
    margin = int(_signed_margin(conn, row, group.batch_id))
    signed = {(row.placement_id, "signed_households"): str(margin)}
    assert check_grid(conn, group.id, TODAY, signed, today=TODAY) == []
    save_grid(conn, group.id, TODAY, signed, today=TODAY)
    lowered = int(row.values["measured_households"]) - 1
    cells = {(row.placement_id, "measured_households"): str(lowered)}
    (warning,) = check_grid(conn, group.id, DAY, cells, today=TODAY)
    assert warning.warning and warning.metric_code == "measured_households"
    assert warning.placement_id == row.placement_id


def row_of(conn, group_id: int, day: dt.date, placement_id: int):
    return next(r for r in load_grid(conn, group_id, day).rows if r.placement_id == placement_id)


def several_projects(conn, group_id: int):
    rows = load_grid(conn, group_id, TODAY).rows
    return next(r for r in rows if len(get_placement(conn, r.placement_id).project_ids) > 1)


def test_a_project_based_cadres_new_day_goes_to_the_first_project(conn) -> None:
    group = group_of(conn, ManagementMode.PROJECT_BASED)
    row = several_projects(conn, group.id)
    first = get_placement(conn, row.placement_id).project_ids[0]
    assert all(v is None for v in row.values.values())
    save_grid(conn, group.id, TODAY, {(row.placement_id, "measured_area"): "10"}, today=TODAY)
    assert ledger(conn, row.placement_id, TODAY, "measured_area")[0][4] == first
    assert row_of(conn, group.id, TODAY, row.placement_id).values["measured_area"] == 10


def test_a_new_metric_joins_the_project_the_day_is_recorded_at(conn) -> None:
    group = group_of(conn, ManagementMode.PROJECT_BASED)
    row = several_projects(conn, group.id)
    second = get_placement(conn, row.placement_id).project_ids[1]
    figure_ledger.set_day_figure(
        conn,
        placement_id=row.placement_id,
        cadre_id=row.cadre_id,
        day=TODAY,
        metric_code="measured_area",
        place=(None, second),
        value=50,
    )
    cells = {(row.placement_id, "measured_households"): "1"}
    assert save_grid(conn, group.id, TODAY, cells, today=TODAY, confirm_warnings=True)
    assert ledger(conn, row.placement_id, TODAY, "measured_households")[0][4] == second


def test_a_day_split_over_projects_is_refused_in_the_grid(conn) -> None:
    group = group_of(conn, ManagementMode.PROJECT_BASED)
    row = several_projects(conn, group.id)
    projects = get_placement(conn, row.placement_id).project_ids
    for project, value in zip(projects[:2], (10, 20), strict=True):
        figure_ledger.set_day_figure(
            conn,
            placement_id=row.placement_id,
            cadre_id=row.cadre_id,
            day=TODAY,
            metric_code="measured_area",
            place=(None, project),
            value=value,
        )
    assert row_of(conn, group.id, TODAY, row.placement_id).values["measured_area"] == 30
    cells = {(row.placement_id, "measured_area"): "40"}
    (problem,) = check_grid(conn, group.id, TODAY, cells, today=TODAY)
    assert problem.message == t("figures.split_places", count=2)
    assert problem.metric_code == "measured_area" and not problem.warning


def test_two_people_saving_the_same_blank_cell_add_one_entry(demo_copy: Path) -> None:
    first, second = connect(demo_copy), connect(demo_copy)
    try:
        group = group_of(first, ManagementMode.STATIONED_VILLAGE)
        row = blank_cell(first, group.id, DAY, "signed_households")
        load_grid(second, group.id, DAY)  # both had the grid open
        cells = {(row.placement_id, "signed_households"): "4"}
        assert save_grid(first, group.id, DAY, cells, today=TODAY) == GridSaved(1, 0)
        assert save_grid(second, group.id, DAY, cells, today=TODAY) == GridSaved(0, 0)
        assert [line[1] for line in ledger(first, row.placement_id, DAY, "signed_households")] == [
            4.0
        ]
    finally:
        first.close()
        second.close()


def test_a_figure_someone_else_changed_meanwhile_is_not_overwritten(conn) -> None:
    group = group_of(conn, ManagementMode.STATIONED_VILLAGE)
    row = filled_cell(conn, group.id, DAY, "measured_area")
    old = row.values["measured_area"]
    shown = load_grid(conn, group.id, DAY)  # the grid as this coordinator read it
    key = (row.placement_id, "measured_area")
    # Another coordinator corrects the same cell first.
    save_grid(conn, group.id, DAY, {key: str(old + 100)}, today=TODAY, entered_by="li")
    before = counts(conn)
    with pytest.raises(GridRefused) as refused:
        save_grid(conn, group.id, DAY, {key: str(old + 5)}, today=TODAY, loaded=shown)
    [problem] = refused.value.problems
    assert (problem.placement_id, problem.metric_code, problem.warning) == (
        row.placement_id,
        "measured_area",
        False,
    )
    assert problem.message.startswith("li ")
    assert counts(conn) == before
    # Read again, the same change goes through.
    again = load_grid(conn, group.id, DAY)
    saved = save_grid(conn, group.id, DAY, {key: str(old + 5)}, today=TODAY, loaded=again)
    assert saved == GridSaved(0, 1)
