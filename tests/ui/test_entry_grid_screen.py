"""The figure entry grid driven with keys at 80×24 on the demo: enter a row,
correct a cell (the ledger keeps both), a refused value at its cell, a warning
confirmed, and the dashboard moving with what was saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rich.cells import cell_len

from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.screens import batch_actions, dashboard
from cadre_tui.ui.screens.dialogs import ConfirmScreen
from cadre_tui.ui.screens.figure_entry import FigureEntryScreen
from cadre_tui.ui.widgets.figure_grid import FigureCell

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_actions, "today", lambda: TODAY)
    monkeypatch.setattr(dashboard, "today", lambda: TODAY)


async def settle(app: CadreApp, pilot) -> None:  # noqa: ANN001
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def read(path: Path, sql: str, *params):  # noqa: ANN001, ANN201
    conn = connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def group_id(path: Path, name: str) -> int:
    (row,) = read(path, "SELECT id FROM working_groups WHERE batch_id = 3 AND name = ?", name)
    return row[0]


def entries(path: Path, group: int, day: dt.date) -> list[tuple]:
    return [
        tuple(r)
        for r in read(
            path,
            "SELECT f.cadre_id, f.metric_code, f.value, f.corrects_id FROM figure_entries f"
            " JOIN placements p ON p.id = f.placement_id"
            " WHERE p.group_id = ? AND f.entry_date = ? ORDER BY f.id",
            group,
            day.isoformat(),
        )
    ]


async def open_grid(path: Path, group: int, pilot_app: CadreApp, pilot) -> FigureEntryScreen:  # noqa: ANN001
    await settle(pilot_app, pilot)
    screen = FigureEntryScreen(group)
    pilot_app.push_screen(screen)
    await settle(pilot_app, pilot)
    return screen


async def test_enter_a_row_then_correct_a_cell(demo_copy: Path, screen_text) -> None:
    group = group_id(demo_copy, "湖塘镇工作组")
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_grid(demo_copy, group, app, pilot)
        text = screen_text(app)
        assert all(cell_len(line) <= 80 for line in text.splitlines())
        assert "湖塘镇工作组 · 2026-11-27" in text
        first = screen.grid.rows[0]
        assert isinstance(app.focused, FigureCell) and app.focused.row == 0
        # measured households, measured area, signed: → moves across the row
        await pilot.press("1", "2", "right", *"3600", "right", "2", "ctrl+s")
        await settle(app, pilot)
        written = entries(demo_copy, group, TODAY)
        assert (first.cadre_id, "measured_households", 12.0, None) in written
        assert (first.cadre_id, "measured_area", 3600.0, None) in written
        assert (first.cadre_id, "signed_households", 2.0, None) in written
        # correct one cell: the first entry stays, a correction carries the difference
        cell = app.focused
        assert isinstance(cell, FigureCell) and (cell.row, cell.column) == (0, 0)
        assert cell.value == "12"  # the saved figure, selected: typing replaces it
        await pilot.press("1", "0", "ctrl+s")
        await settle(app, pilot)
        after = entries(demo_copy, group, TODAY)
        (original,) = [e for e in after if e[1] == "measured_households" and e[3] is None]
        corrections = [e for e in after if e[1] == "measured_households" and e[3] is not None]
        assert original[2] == 12.0 and [c[2] for c in corrections] == [-2.0]
        assert screen.table.cell(0, 0).value == "10"


async def test_a_refused_value_is_shown_at_its_cell_and_nothing_is_saved(
    demo_copy: Path, screen_text
) -> None:
    group = group_id(demo_copy, "湖塘镇工作组")
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_grid(demo_copy, group, app, pilot)
        before = entries(demo_copy, group, TODAY)
        # one household measured at 90,000 m²: far beyond a household's plausible area
        await pilot.press("1", "right", *"90000", "ctrl+s")
        await settle(app, pilot)
        assert entries(demo_copy, group, TODAY) == before
        assert screen.table.cell(0, 1).has_class("-invalid")
        assert "✗" in screen_text(app)


async def test_a_warning_needs_confirming(demo_copy: Path) -> None:
    group = group_id(demo_copy, "湖塘镇工作组")
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_grid(demo_copy, group, app, pilot)
        before = entries(demo_copy, group, TODAY)
        # more households signed today than measured in the whole placement: a warning
        await pilot.press("right", "right", *"99999", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert entries(demo_copy, group, TODAY) == before
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is screen
        row = screen.grid.rows[0]
        assert (row.cadre_id, "signed_households", 99999.0, None) in entries(
            demo_copy, group, TODAY
        )


async def test_changing_day_with_unsaved_cells_asks_first(demo_copy: Path) -> None:
    group = group_id(demo_copy, "湖塘镇工作组")
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_grid(demo_copy, group, app, pilot)
        await pilot.press("5", "left_square_bracket")
        await settle(app, pilot)
        assert screen.day == TODAY and screen.dirty
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert screen.day == TODAY - dt.timedelta(days=1) and not screen.dirty


async def test_saved_figures_move_the_dashboard(demo_copy: Path, screen_text) -> None:
    from cadre_tui.domain.quantities import format_total
    from cadre_tui.ui.screens.dashboard import DashboardScreen

    group = group_id(demo_copy, "湖塘镇工作组")
    app = CadreApp(open_database(demo_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        board = app.screen
        assert isinstance(board, DashboardScreen)
        before = next(b for b in board.status.batches if b.number == 3).totals
        app.push_screen(FigureEntryScreen(group))
        await settle(app, pilot)
        await pilot.press(*"25", "ctrl+s")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        after = next(b for b in board.status.batches if b.number == 3).totals
        assert after["measured_households"] == before["measured_households"] + 25
        assert format_total(after["measured_households"]) in screen_text(app)


async def test_drill_down_from_the_dashboard_to_a_groups_members(demo_db: Path) -> None:
    from cadre_tui.ui.screens.progress import ProgressScreen

    app = CadreApp(open_database(demo_db, read_only=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "enter")  # batch 3 (newest last in the table)
        await settle(app, pilot)
        level = app.screen
        assert isinstance(level, ProgressScreen) and level.node.kind == "batch"
        assert level.node.name == "第三批抽调干部"
        assert {c.kind for c in level.children_} == {"unit"}
        await pilot.press("enter")  # the unit furthest ahead on households measured
        await settle(app, pilot)
        unit = app.screen
        assert isinstance(unit, ProgressScreen) and unit.node.kind == "unit"
        await pilot.press("enter")
        await settle(app, pilot)
        group = app.screen
        assert isinstance(group, ProgressScreen) and group.node.kind == "group"
        await pilot.press("5")  # rank the members by area demolished
        await settle(app, pilot)
        ranked = [c.metric("demolished_area").total for c in group.children_]
        assert ranked == sorted(ranked, reverse=True) and len(ranked) >= 7
        await pilot.press("escape", "escape", "escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressScreen)


def test_a_cadres_history_shows_the_entry_and_its_correction(demo_copy: Path) -> None:
    from cadre_tui.services.cadre_profile import profile as load_profile
    from cadre_tui.store import figures, placements

    conn = connect(demo_copy)
    try:
        group = group_id(demo_copy, "湖塘镇工作组")
        member = placements.list_placements(conn, group_id=group)[0]
        first = figures.record_figure(
            conn,
            placement_id=member.id,
            entry_date=TODAY,
            metric_code="signed_households",
            value=4,
            entered_by="wangbing",
        )
        figures.correct_figure(conn, first.id, 3, entered_by="zhaomin")
        profile = load_profile(conn, member.cadre_id, TODAY)
    finally:
        conn.close()
    (correction,) = profile.corrections
    assert correction["entered"] == 4 and correction["difference"] == -1
    assert (correction["first_by"], correction["corrected_by"]) == ("wangbing", "zhaomin")


async def test_a_groups_target_is_set_from_its_progress(demo_copy: Path) -> None:
    from cadre_tui.services import field_status
    from cadre_tui.ui.screens.dialogs import PromptScreen
    from cadre_tui.ui.screens.progress import ProgressScreen

    group = group_id(demo_copy, "湖塘镇工作组")
    conn = connect(demo_copy)
    try:
        node = field_status.group_progress(conn, group, TODAY)
    finally:
        conn.close()
    app = CadreApp(open_database(demo_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = ProgressScreen(node)
        app.push_screen(screen)
        await settle(app, pilot)
        await pilot.press("3", "t")  # signed households
        await settle(app, pilot)
        assert isinstance(app.screen, PromptScreen)
        prompt = app.screen
        prompt.query_one("#dialog-input").value = "abc"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is prompt  # refused at the prompt, which says why
        assert str(prompt.query_one("#dialog-error").render()).strip()
        prompt.query_one("#dialog-input").value = "1,234"
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.node.metric("signed_households").target == 1234
    (row,) = read(
        demo_copy,
        "SELECT value FROM targets WHERE scope = 'group' AND scope_id = ?"
        " AND metric_code = 'signed_households'",
        group,
    )
    assert row[0] == 1234


async def test_a_daily_sheet_is_imported_as_record_imports_it(
    demo_copy: Path, tmp_path: Path
) -> None:
    from cadre_tui.ui.screens.dialogs import PromptScreen

    group = group_id(demo_copy, "湖塘镇工作组")
    (member,) = read(
        demo_copy,
        "SELECT c.name FROM placements p JOIN cadres c ON c.id = p.cadre_id"
        " WHERE p.group_id = ? AND p.role = 'leader' AND p.end_date IS NULL",
        group,
    )
    good = tmp_path / "日报.csv"
    good.write_bytes(f"干部,日期,指标,数值\n{member[0]},{TODAY},丈量户数,7\n".encode("gb18030"))
    bad = tmp_path / "错表.csv"
    bad.write_bytes(f"干部,日期,指标,数值\n{member[0]},{TODAY},丈量户数,七\n".encode())
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_grid(demo_copy, group, app, pilot)
        before = entries(demo_copy, group, TODAY)
        await pilot.press("i")
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one("#dialog-input").value = str(bad)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the errors, line by line
        assert "2" in app.screen.question and "七" in app.screen.question
        await pilot.press("enter")
        await settle(app, pilot)
        assert entries(demo_copy, group, TODAY) == before
        await pilot.press("i")
        app.screen.query_one("#dialog-input").value = str(good)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.table.cell(0, 0).value == "7"
    assert len(entries(demo_copy, group, TODAY)) == len(before) + 1
