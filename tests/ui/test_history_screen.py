"""The history screen at 80×24 on a copy of the demo: a cadre's changes newest first
in words, Enter opens the whole change (phones masked), Escape goes back and then
closes; in Chinese no English word is left; a group's rows name their member; an
empty history says so."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.message import Message
from textual.widgets import DataTable

from cadre_tui import i18n
from cadre_tui.i18n import t
from cadre_tui.store import cadre_history, cadres, figures, placements
from cadre_tui.store.audit import current_actor
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.screens.history import HistoryDetailScreen, HistoryScreen

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
KEY_NAMES = {"Esc", "esc", "Enter"}


def english_words(text: str) -> list[str]:
    """English words left in Chinese text, key names and the user's login aside."""
    text = text.replace(current_actor(), "")
    return [word for word in ENGLISH_WORD.findall(text) if word not in KEY_NAMES]


@pytest.fixture
def changed(demo_copy: Path) -> tuple[Path, int, str, int]:
    """A demo cadre whose post and phone were changed, whose full numbers were shown
    and whose figure was entered then corrected: (path, cadre id, name, group id)."""
    conn = connect(demo_copy)
    try:
        (group,) = conn.execute(
            "SELECT g.id FROM working_groups g JOIN batches b ON b.id = g.batch_id"
            " WHERE b.state = 'active' AND g.name = '湖塘镇工作组'"
        ).fetchone()
        member = next(p for p in placements.list_placements(conn, group_id=group) if p.is_active)
        cadre = cadres.get_cadre(conn, member.cadre_id)
        record = dataclasses.replace(cadre.record(), post="拆迁办副主任", phone="13900001111")
        cadres.update_cadre(conn, cadre.id, record)
        cadre_history.record_reveal(conn, cadre.id, ("phone",))
        entry = figures.record_figure(
            conn,
            placement_id=member.id,
            entry_date=member.start_date + dt.timedelta(days=1),
            metric_code="signed_households",
            value=4,
        )
        figures.correct_figure(conn, entry.id, 3)
    finally:
        conn.close()
    return demo_copy, cadre.id, cadre.name, group


async def settle(app: CadreApp, pilot) -> None:  # noqa: ANN001
    """Wait for the screens' workers (not the app's never-ending database watcher)."""
    for _ in range(3):
        await pilot.pause()
        busy = [w for w in app.workers if w.group != "live-watch"]
        if busy:
            await app.workers.wait_for_complete(busy)
        await pilot.pause()


async def open_history(app: CadreApp, pilot, kind: str, subject_id: int, title: str):  # noqa: ANN001, ANN201
    await settle(app, pilot)
    app.push_screen(HistoryScreen(kind, subject_id, title))  # type: ignore[arg-type]
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_cadres_history_then_one_change_in_full(
    changed: tuple[Path, int, str, int], screen_text, lang: str
) -> None:
    path, cadre_id, name, _ = changed
    i18n.set_language(lang)
    app = CadreApp(open_database(path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot, "cadre", cadre_id, name)
        table = screen.query_one(DataTable)
        assert table.row_count == len(screen.lines) >= 5
        text = screen_text(app)
        lines = text.splitlines()
        assert all(cell_len(line) <= 80 for line in lines)
        assert t("history.title_cadre", name=name) in text
        assert t("history.count", count=table.row_count) in text
        for key in ("correct", "create"):
            assert t(f"history.action.figure_entry.{key}") in text
        assert t("history.action.cadre.reveal") in text
        assert t("history.action.cadre.update") in text
        assert t("history.key_detail") in lines[-1]  # the footer names Enter
        assert "13900001111" not in text
        if lang == "zh":
            assert not english_words(text), english_words(text)

        # newest first: the correction, the entry, the reveal, then the edit
        await pilot.press("down", "down", "down")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryDetailScreen)
        detail = screen_text(app)
        assert all(cell_len(line) <= 80 for line in detail.splitlines())
        assert t("history.action.cadre.update") in detail
        assert "拆迁办副主任" in detail and "139****1111" in detail
        assert "13900001111" not in detail
        if lang == "zh":
            assert not english_words(detail), english_words(detail)

        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, HistoryScreen)


async def test_a_groups_history_names_the_member_of_each_row(
    changed: tuple[Path, int, str, int], screen_text
) -> None:
    path, _, name, group = changed
    i18n.set_language("zh")
    app = CadreApp(open_database(path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot, "group", group, "湖塘镇工作组")
        assert screen.lines and screen.lines[0].row.entity == "figure_entry"
        text = screen_text(app)
        assert t("history.title_group", name="湖塘镇工作组") in text
        assert f"{name}：" in text
        assert all(cell_len(line) <= 80 for line in text.splitlines())


async def test_an_empty_history_says_so(demo_db: Path, screen_text) -> None:
    app = CadreApp(open_database(demo_db))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot, "group", 999_999, "—")
        assert screen.query_one(DataTable).row_count == 0
        assert t("history.empty") in screen_text(app)
        await pilot.press("enter")  # nothing to open
        assert app.screen is screen
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, HistoryScreen)


class DataChanged(Message):
    """Stands in for the app's live watcher's message of the same name."""


async def test_a_change_committed_meanwhile_appears(
    changed: tuple[Path, int, str, int], screen_text
) -> None:
    path, cadre_id, name, _ = changed
    app = CadreApp(open_database(path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot, "cadre", cadre_id, name)
        before = len(screen.lines)
        conn = connect(path)
        try:
            cadre_history.record_reveal(conn, cadre_id, ("id_number",))
        finally:
            conn.close()
        screen.post_message(DataChanged())
        await settle(app, pilot)
        assert len(screen.lines) == before + 1
        assert screen.lines[0].row.after == {"fields": ["id_number"]}
        assert screen.query_one(DataTable).row_count == before + 1


def test_the_kind_is_checked() -> None:
    with pytest.raises(ValueError):
        HistoryScreen("batch", 1, "x")  # type: ignore[arg-type]
