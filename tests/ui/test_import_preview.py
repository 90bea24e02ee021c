"""Importing a roster from the pool screen at 80×24: the preview lists each
rejected row with its line and reasons and the counts before anything is
written; with a rejected row nothing is written unless "valid rows only"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from textual.widgets import Input

from cadre_tui.domain.identity import make_id_number
from cadre_tui.store import units
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.screens.dialogs import PromptScreen
from cadre_tui.ui.screens.import_preview import ImportPreviewScreen
from cadre_tui.ui.screens.pool import PoolScreen

HEADER = ["姓名", "性别", "出生年月", "身份证号", "工作单位", "职务", "人员类别"]


def person(n: int, **changes: object) -> list[object]:
    gender = "M" if n % 2 else "F"
    birth = dt.date(1990, 1, 1) + dt.timedelta(days=37 * n)
    row = {
        "姓名": f"干部{n}",
        "性别": "男" if gender == "M" else "女",
        "出生年月": birth,
        "身份证号": make_id_number("320102", birth, 2 * n + (gender == "M"), gender),
        "工作单位": "区财政局",
        "职务": "科员",
        "人员类别": "后备干部",
    }
    row.update(changes)
    return [row[title] for title in HEADER]


def roster(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def names(path: Path) -> set[str]:
    conn = connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM cadres")}
    finally:
        conn.close()


async def settle(app: CadreApp, pilot) -> None:  # noqa: ANN001
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_preview_then_valid_rows_only(tmp_path: Path, screen_text) -> None:
    db = tmp_path / "pool.db"
    conn = open_database(db).connect()
    try:
        units.create_sending_unit(conn, code="D1", name="区财政局")
    finally:
        conn.close()
    broken = person(3, 身份证号="320102199001010000")  # a wrong check digit
    path = roster(tmp_path / "名册.xlsx", [person(1), person(2), broken])
    app = CadreApp(open_database(db), start="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, PoolScreen)
        await pilot.press("i")
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = str(tmp_path / "nowhere.xlsx")
        await pilot.press("enter")
        assert isinstance(app.screen, PromptScreen)  # refused: no such file
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await settle(app, pilot)
        preview = app.screen
        assert isinstance(preview, ImportPreviewScreen)
        text = screen_text(app)
        assert "✗" in text and "干部3" in text
        assert (preview.plan.new, preview.plan.rejected) == (2, 1)
        await pilot.press("ctrl+s")  # refused: a rejected row
        await settle(app, pilot)
        assert app.screen is preview and names(db) == set()
        await pilot.press("v", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, PoolScreen)
    assert names(db) == {"干部1", "干部2"}


async def test_missing_units_are_created_when_asked(tmp_path: Path) -> None:
    db = tmp_path / "pool.db"
    open_database(db).connect().close()
    path = roster(tmp_path / "名册.xlsx", [person(1, 工作单位="区审计局")])
    app = CadreApp(open_database(db), start="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ImportPreviewScreen(path))
        await settle(app, pilot)
        preview = app.screen
        assert preview.plan.rejected == 1
        await pilot.press("u")
        await settle(app, pilot)
        assert (preview.plan.rejected, preview.plan.new_units) == (0, ("区审计局",))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert names(db) == {"干部1"}
