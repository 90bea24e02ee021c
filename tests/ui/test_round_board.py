"""The round board and a unit's nominees, driven with keys at 80×24 on the demo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from cadre_tui import i18n
from cadre_tui.domain.eligibility import EligibilityRules, blocking_failures
from cadre_tui.domain.enums import RecommendationState
from cadre_tui.domain.round import UnitState
from cadre_tui.store import recommendations as store
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.screens import round_board
from cadre_tui.ui.screens.dialogs import PromptScreen
from cadre_tui.ui.screens.round_board import RoundBoardScreen
from cadre_tui.ui.screens.round_nominate import RoundNominateScreen
from cadre_tui.ui.screens.round_unit import RoundUnitScreen

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(round_board, "today", lambda: TODAY)


async def settle(app: CadreApp, pilot) -> None:  # noqa: ANN001
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def read(path: Path, call):  # noqa: ANN001, ANN201
    conn = connect(path)
    try:
        return call(conn)
    finally:
        conn.close()


def unmet_unit_and_free_day(conn) -> tuple[int, int, dt.date]:  # noqa: ANN001
    """This year's round, a unit whose committee has not met, and a day no unit met on."""
    round_ = store.get_round(conn, 2026)
    met = dict(
        conn.execute(
            "SELECT sending_unit_id, meeting_date FROM round_units WHERE round_id = ?",
            (round_.id,),
        ).fetchall()
    )
    units = [row[0] for row in conn.execute("SELECT id FROM sending_units ORDER BY id")]
    unmet = next(unit for unit in units if met.get(unit) is None)
    day = next(
        d for d in (dt.date(2026, 11, n) for n in range(1, 27)) if d.isoformat() not in met.values()
    )
    return round_.id, unmet, day


def nominations(path: Path, unit_id: int) -> list:
    return read(
        path,
        lambda conn: store.list_recommendations(conn, store.get_round(conn, 2026).id, unit_id),
    )


def audit_count(path: Path) -> int:
    return read(path, lambda conn: conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_board_at_80x24_problems_first(demo_db: Path, screen_text, lang: str) -> None:
    i18n.set_language(lang)
    app = CadreApp(open_database(demo_db, read_only=True), start="round")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RoundBoardScreen)
        text = screen_text(app)
        states = [u.state for u in screen.units.units]
    lines = text.splitlines()
    assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
    assert states[0] is UnitState.INELIGIBLE_NOMINEE and states[-1] is UnitState.SUBMITTED
    assert len(states) == 53
    if lang == "zh":
        assert "2026年度推荐人选 · 截止 2026-12-31 · 还有 34 天" in text
        for words in ("人选不符合条件", "超出名额", "未报送", "人数不足", "已报送"):
            assert words in text
        assert "查看单位" in lines[-1]
    else:
        assert "due 2026-12-31 · 34 days left" in text
        assert "ineligible nominee" in text and "not submitted" in text
    assert "****" in text  # the highlighted unit's leader, phone masked


async def test_f4_and_the_palette_reach_the_board(demo_db: Path) -> None:
    app = CadreApp(open_database(demo_db, read_only=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Recommendation round" in titles
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, RoundBoardScreen)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Open unit", "Late only"} <= titles


async def test_the_board_read_ahead_after_start_up_is_what_f4_shows(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cadre_tui.services import round_board as service

    service.forget_kept_board()
    reads = []
    judged = service.board
    monkeypatch.setattr(service, "board", lambda *a, **k: reads.append(1) or judged(*a, **k))
    app = CadreApp(open_database(demo_copy))
    app.read_ahead_seconds = 0.01
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert len(reads) == 1  # read ahead, on the dashboard
        round_id, unit_id, day = read(demo_copy, unmet_unit_and_free_day)
        read(demo_copy, lambda conn: store.record_meeting(conn, round_id, unit_id, day))
        for _ in range(40):  # someone else's write: the board is read ahead again
            await pilot.pause(0.1)
            if len(reads) == 2:
                break
        assert len(reads) == 2
        await pilot.press("f4")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RoundBoardScreen) and screen.board is not None
        assert len(reads) == 2 and screen.board.units  # shown from what was read ahead
        assert (unit_id, day) in {(u.unit_id, u.meeting_date) for u in screen.board.units}
        await pilot.press("r")
        await settle(app, pilot)
        assert len(reads) == 3  # the refresh key reads it again
    service.forget_kept_board()


async def test_late_only_filter(demo_db: Path, screen_text) -> None:
    i18n.set_language("zh")
    app = CadreApp(open_database(demo_db, read_only=True), start="round")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)
        units = app.screen.units.units
        assert units and {u.state for u in units} == {UnitState.NOT_SUBMITTED}
        lines = screen_text(app).splitlines()
        header = next(i for i, line in enumerate(lines) if "单位" in line and "状态" in line)
        listed = [line.split()[0] for line in lines[header + 1 : -4] if line.strip()]
        assert listed and set(listed) == {"未报送"}


async def test_approve_return_and_meeting_by_keys(demo_copy: Path, screen_text) -> None:
    i18n.set_language("zh")
    app = CadreApp(open_database(demo_copy), start="round")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        board = app.screen
        unit = board.units.current
        assert unit is not None and unit.state is UnitState.INELIGIBLE_NOMINEE
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RoundUnitScreen)
        text = screen_text(app)
        # by name (pinyin): the over-age nominee with an exception comes first
        assert "不符合" in text and "年龄超过 35 岁" in text and "破格理由" in text
        await pilot.press("down")
        await pilot.pause()
        assert "年龄超过 35 岁" not in screen_text(app)  # the second one is eligible
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("up")
        await pilot.pause()
        assert "年龄超过 35 岁" in screen_text(app) and "破格理由" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")  # an empty note is not accepted
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "年龄超出，请另行推荐"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one(Input).value = "2026年11月20日"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "2026-11-20" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is board
        moved = next(u for u in board.units.units if u.unit_id == unit.unit_id)
        assert moved.state is UnitState.SUBMITTED
        assert board.units.units[0].state is UnitState.OVER_QUOTA
    first, second = nominations(demo_copy, unit.unit_id)
    assert first.state is RecommendationState.APPROVED
    assert second.state is RecommendationState.RETURNED and second.note == "年龄超出，请另行推荐"
    assert first.meeting_date == second.meeting_date == dt.date(2026, 11, 20)


async def test_nominate_dialog_eligible_then_an_exception_with_reason(demo_copy: Path) -> None:
    i18n.set_language("zh")
    app = CadreApp(open_database(demo_copy), start="round")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        board = app.screen
        late = next(i for i, u in enumerate(board.units.units) if u.state.value == "not_submitted")
        board.units.action_move_to(late)
        unit = board.units.current
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, RoundNominateScreen) and dialog.eligible_only
        assert dialog.rows
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RoundUnitScreen)
        (added,) = nominations(demo_copy, unit.unit_id)
        assert added.cadre_id == dialog.rows[0].id and added.exception_reason == ""

        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        dialog = app.screen
        assert not dialog.eligible_only
        judged = read(
            demo_copy,
            lambda conn: store.judge_cadres(
                conn, [r.id for r in dialog.rows], dt.date(2026, 12, 31), EligibilityRules()
            ),
        )
        ineligible = next(cid for cid, (_, res) in judged.items() if blocking_failures(res))
        results = dialog.query_one(OptionList)
        results.focus()
        results.highlighted = results.get_option_index(str(ineligible))
        audits = audit_count(demo_copy)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("escape")  # no reason: nothing is written
        await settle(app, pilot)
        assert len(nominations(demo_copy, unit.unit_id)) == 1
        assert audit_count(demo_copy) == audits
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one(Input).value = "熟悉拆迁政策，特别推荐"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RoundUnitScreen)
    rows = nominations(demo_copy, unit.unit_id)
    assert [r.exception_reason for r in rows] == ["", "熟悉拆迁政策，特别推荐"]
    assert rows[1].cadre_id == ineligible
    assert audit_count(demo_copy) == audits + 1
