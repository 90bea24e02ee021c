"""The config file's ``max_age = 30`` in the app, built as ``cadre-tui`` builds it and
driven with keys at 80×24: a 32-year-old of the demo is shown failing the age rule with
30 in the words, leaves the "eligible only" filter, and the round board flags the
units whose nominees are now over age; adding members to a group offers them only
with the reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Static

from cadre_tui import i18n
from cadre_tui.cli import build_app
from cadre_tui.cli.common import Settings
from cadre_tui.config import load_config
from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.domain.enums import BatchState
from cadre_tui.domain.model import Batch, WorkingGroup
from cadre_tui.domain.pool_query import PoolFilter
from cadre_tui.domain.round import UnitState
from cadre_tui.store import batches, pool, working_groups
from cadre_tui.store.database import open_database
from cadre_tui.ui.screens import round_board
from cadre_tui.ui.screens.cadre_detail import CadreDetailScreen
from cadre_tui.ui.screens.member_picker import MemberPickerScreen
from cadre_tui.ui.screens.pool import PoolScreen
from cadre_tui.ui.screens.round_board import RoundBoardScreen

ROUND_TODAY = dt.date(2026, 11, 27)


async def settle(app, pilot) -> None:  # noqa: ANN001
    """Wait for the pool's page, then for the count and the detail that follow it."""
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        if not isinstance(screen, PoolScreen) or screen.total is not None:
            break
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()


def an_open_group(path: Path) -> tuple[Batch, WorkingGroup]:
    conn = open_database(path, read_only=True).connect()
    try:
        batch = next(b for b in batches.list_batches(conn) if b.state != BatchState.CLOSED)
        return batch, working_groups.list_working_groups(conn, batch.id)[0]
    finally:
        conn.close()


def thirty_two_with_a_unique_name(path: Path) -> tuple[int, str]:
    """A cadre aged 32 today whom the seed's rules find eligible, alone with their name."""
    conn = open_database(path, read_only=True).connect()
    try:
        aged = PoolFilter(age_min=32, age_max=32, eligible_only=True)
        for cadre_id in pool.matching_ids(
            conn, aged, today=dt.date.today(), rules=EligibilityRules()
        ):
            (name,) = conn.execute("SELECT name FROM cadres WHERE id = ?", (cadre_id,)).fetchone()
            if (
                conn.execute("SELECT count(*) FROM cadres WHERE name = ?", (name,)).fetchone()[0]
                == 1
            ):
                return cadre_id, name
    finally:
        conn.close()
    raise AssertionError("the demo has no 32-year-old with a name of their own")


async def test_the_configured_max_age_in_the_pool_the_record_and_the_round(
    demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, screen_text
) -> None:
    monkeypatch.setattr(round_board, "today", lambda: ROUND_TODAY)
    path = tmp_path / "config.toml"
    path.write_text("[eligibility]\nmax_age = 30\n", encoding="utf-8")
    monkeypatch.setenv("CADRE_TUI_CONFIG", str(path))
    i18n.set_language("zh")
    settings = Settings(
        db=demo_copy,
        demo=False,
        read_only=False,
        allow_old_sqlite=False,
        lang="zh",
        config=load_config(),
    )
    cadre_id, name = thirty_two_with_a_unique_name(demo_copy)
    app = build_app(settings, "pool")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PoolScreen)
        await pilot.press("slash", *name, "enter")
        await settle(app, pilot)
        assert screen.grid.current is not None and screen.grid.current.id == cadre_id
        await pilot.pause(0.3)  # the detail panel follows the cursor a moment later
        await settle(app, pilot)
        assert "选派资格：不符合（年龄超过 30 岁）" in screen_text(app)

        await pilot.press("f", *["tab"] * 6, "space", "ctrl+s")  # "eligible only"
        await settle(app, pilot)
        assert screen.filter.eligible_only and screen.filter.text == name
        assert screen.total == 0 and screen.grid.rows == []

        await pilot.press("f", "ctrl+r")  # every filter off, the search kept
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CadreDetailScreen)
        rules = str(app.screen.query_one("#detail-rules", Static).render())
        assert "✗ 不符合  年龄不超过 30 岁（年龄超过 30 岁）" in rules

        await pilot.press("escape", "f4")
        await settle(app, pilot)
        board = app.screen
        assert isinstance(board, RoundBoardScreen)
        states = [u.state for u in board.units.units]
        assert states.count(UnitState.INELIGIBLE_NOMINEE) > 1  # the seed's rules: one
        lines = screen_text(app).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)

        batch, group = an_open_group(demo_copy)  # adding members, as batch "a" opens it
        picker = MemberPickerScreen(batch, group, max(dt.date.today(), batch.start_date))
        app.push_screen(picker)
        await settle(app, pilot)
        await pilot.press(*name, "ctrl+t")  # from this round's nominees to every eligible
        await settle(app, pilot)
        assert picker.scope == "eligible" and picker.rows == []
        await pilot.press("ctrl+t")  # everyone, each with the first rule they fail
        await settle(app, pilot)
        assert [row.id for row in picker.rows] == [cadre_id]
        assert picker.failing[cadre_id] == "年龄超过 30 岁"
        assert "年龄超过 30 岁" in screen_text(app)
