"""The app shell and dashboard, driven with keys at 80×24."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadre_tui import i18n
from cadre_tui.domain.quantities import format_total
from cadre_tui.services import reports
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.screens.dashboard import DashboardScreen
from cadre_tui.ui.screens.help import HelpScreen


async def wait_for_dashboard(app: CadreApp, pilot) -> DashboardScreen:  # noqa: ANN001
    screen = app.screen
    assert isinstance(screen, DashboardScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


def batch_one_totals(path: Path) -> dict[str, float]:
    conn = open_database(path, read_only=True).connect()
    try:
        (batch,) = reports.batch_statuses(conn, 1)
    finally:
        conn.close()
    return batch.totals


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_dashboard_shows_the_programme_at_80x24(demo_db: Path, screen_text, lang: str):
    i18n.set_language(lang)
    app = CadreApp(open_database(demo_db, read_only=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_dashboard(app, pilot)
        text = screen_text(app)
        assert screen.status is not None
    lines = text.splitlines()
    assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
    totals = batch_one_totals(demo_db)
    assert format_total(totals["measured_households"]) in text
    assert format_total(totals["demolished_area"]) in text
    if lang == "zh":
        assert "第1批" in text and "蹲点" in text and "条块结合" in text and "项目管理" in text
        assert "干部库" in text
    else:
        assert "Batch 1" in text and "Stationed by village" in text
    # the footer's last line holds the keys and does not overflow
    assert "^q" in lines[-1]


async def test_help_lists_every_binding_and_closes(demo_db: Path, screen_text):
    app = CadreApp(open_database(demo_db, read_only=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_dashboard(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for description in ("Refresh", "Quit", "Help", "Commands"):
            assert description in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_palette_offers_bindings_and_runs_them(demo_db: Path, screen_text):
    app = CadreApp(open_database(demo_db, read_only=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_dashboard(app, pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Dashboard", "Refresh", "Help", "Quit"} <= titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"help")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_refresh_reads_again_off_the_ui_thread(demo_copy: Path):
    app = CadreApp(open_database(demo_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_dashboard(app, pilot)
        before = screen.status
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.status is not None and screen.status is not before
        assert screen.status.pool_size == before.pool_size


async def test_empty_database_shows_an_empty_programme(database, screen_text):  # noqa: ANN001
    app = CadreApp(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_dashboard(app, pilot)
        text = screen_text(app)
    assert "Pool 0 cadres" in text
    assert "No batch is active now." in text
