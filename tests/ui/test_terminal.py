"""Terminals without colour: with 16 colours (TEXTUAL_COLOR_SYSTEM=standard, as
on TERM=linux) and with NO_COLOR, every state still reads as a mark or a word;
and an idle app writes nothing (a focused text box does not blink)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input

from cadre_tui import i18n
from cadre_tui.i18n import t
from cadre_tui.store import logistics
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.clock import TODAY_ENV
from cadre_tui.ui.screens.batch import BatchScreen

DEMO_TODAY = dt.date(2026, 11, 27)
"""The day tests/conftest.py builds the demo as of."""

COLOURLESS = {"standard": ("TEXTUAL_COLOR_SYSTEM", "standard"), "no_color": ("NO_COLOR", "1")}


async def settle(app: CadreApp, pilot) -> None:  # noqa: ANN001
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


@pytest.fixture(params=list(COLOURLESS))
def colourless(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    name, value = COLOURLESS[request.param]
    monkeypatch.setenv(name, value)
    monkeypatch.setenv(TODAY_ENV, DEMO_TODAY.isoformat())
    return request.param


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_states_read_without_colour(
    demo_db: Path, screen_text, colourless: str, lang: str
) -> None:
    i18n.set_language(lang)
    conn = connect(demo_db)
    try:
        overdue = logistics.overdue_count(conn, DEMO_TODAY)
    finally:
        conn.close()
    assert overdue > 0
    app = CadreApp(open_database(demo_db, read_only=True))
    if colourless == "no_color":
        assert app.no_color  # Textual took NO_COLOR: the terminal gets no colour at all
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        # overdue: a ⚠ and the words, on the dashboard
        assert t("dashboard.overdue_items", count=overdue).strip() in screen_text(app)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, BatchScreen)
        lines = screen_text(app).splitlines()
        # a problem: ⚠ and its count beside each batch, unit and group that has one
        flagged = [view for view in screen.views if view.problem_count]
        assert flagged
        for view in flagged:
            line = next(line for line in lines if view.batch.name in line)
            assert f"⚠{view.problem_count}" in line
        # ok: a ✓ and words on a group with nothing to act on
        for _ in range(12):
            await pilot.press("down")
            await pilot.pause()
            _view, _unit, group, member = screen.context()
            if group is not None and member is None and not group.flags:
                break
        else:
            pytest.fail("no group without problems in the demo")
        assert t("batch.no_problems") in screen_text(app)


async def test_a_focused_text_box_does_not_blink(demo_db: Path) -> None:
    """A blinking cursor repaints twice a second for as long as it has focus."""
    app = CadreApp(open_database(demo_db, read_only=True), start="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        search = app.screen.query_one("#pool-search", Input)
        assert search.has_focus
        assert not search.cursor_blink
        assert search._cursor_visible  # steady and shown, not hidden
