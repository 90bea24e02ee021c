"""The pool screen driven with keys at 80×24 on a copy of the demo programme."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadre_tui import i18n
from cadre_tui.domain.enums import CadreStatus
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.screens.cadre_detail import CadreDetailScreen
from cadre_tui.ui.screens.pool import PoolScreen


async def settle(app: CadreApp, pilot) -> None:  # noqa: ANN001
    """Wait for the query, then for the count that follows it a moment later."""
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        if not isinstance(screen, PoolScreen) or screen.total is not None:
            break
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_pool(app: CadreApp, pilot) -> PoolScreen:  # noqa: ANN001
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, PoolScreen)
    return screen


async def type_search(app: CadreApp, pilot, text: str) -> None:  # noqa: ANN001
    await pilot.press("slash")
    for char in text:
        await pilot.press(char)
    await pilot.press("enter")
    await settle(app, pilot)


def rows_of(path: Path, sql: str, *params) -> list:  # noqa: ANN002
    conn = connect(path, read_only=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def visible_rows(screen: PoolScreen) -> list:
    grid = screen.grid
    return grid.rows[grid.top : grid.top + grid.visible_rows]


@pytest.fixture
def app(demo_copy: Path) -> CadreApp:
    i18n.set_language("zh")
    return CadreApp(open_database(demo_copy), start="pool")


async def test_pool_opens_with_the_whole_pool_counted(app: CadreApp, demo_copy: Path, screen_text):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pool(app, pilot)
        text = screen_text(app)
        (total,) = rows_of(demo_copy, "SELECT count(*) FROM cadres WHERE status != 'archived'")[0]
        assert screen.total == total
        assert f"共 {total:,} 人" in text
        assert "姓名" in text and "派出单位" in text
        lines = text.splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)


async def test_search_by_one_chinese_character(app: CadreApp, demo_copy: Path):
    (surname,) = rows_of(demo_copy, "SELECT substr(name, 1, 1) FROM cadres LIMIT 1")[0]
    expected = {
        r[0]
        for r in rows_of(
            demo_copy,
            "SELECT c.id FROM cadres c JOIN sending_units u ON u.id = c.sending_unit_id"
            " WHERE c.status != 'archived' AND (instr(c.name, ?) OR instr(u.name, ?))",
            surname,
            surname,
        )
    }
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pool(app, pilot)
        await type_search(app, pilot, surname)
        assert screen.total == len(expected)
        assert visible_rows(screen)
        assert all(row.id in expected for row in screen.grid.rows)


async def test_search_by_initials_and_by_id_tail(app: CadreApp, demo_copy: Path):
    cadre_id, initials, id_number = rows_of(
        demo_copy,
        "SELECT id, name_initials, id_number FROM cadres WHERE status != 'archived'"
        " ORDER BY id LIMIT 1 OFFSET 7",
    )[0]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pool(app, pilot)
        await type_search(app, pilot, initials)
        assert cadre_id in {row.id for row in screen.grid.rows} or screen.total > len(
            screen.grid.rows
        )
        assert all(r.id for r in screen.grid.rows)
        await pilot.press("escape")  # clears the search
        await settle(app, pilot)
        await type_search(app, pilot, id_number[-6:].lower())
        assert [row.id for row in screen.grid.rows] == [cadre_id]
        assert screen.total == 1


async def test_sort_by_age_and_reverse(app: CadreApp):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pool(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        ages = [row.age for row in screen.grid.rows]
        assert ages == sorted(ages)
        await pilot.press("3")
        await settle(app, pilot)
        ages = [row.age for row in screen.grid.rows]
        assert ages == sorted(ages, reverse=True)
        assert "▼" in screen.grid.header_text()


async def test_filters_combine_with_search(app: CadreApp, demo_copy: Path):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pool(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        await pilot.press("space")  # first status: available
        await pilot.press("tab")
        await pilot.press("space")  # first category: new civil servant
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen.filter.statuses == {CadreStatus.AVAILABLE}
        (expected,) = rows_of(
            demo_copy,
            "SELECT count(*) FROM cadres WHERE status = 'available'"
            " AND category = 'new_civil_servant'",
        )[0]
        assert screen.total == expected
        assert all(row.status is CadreStatus.AVAILABLE for row in screen.grid.rows)
        assert all(row.category.value == "new_civil_servant" for row in screen.grid.rows)


async def test_selection_survives_refiltering(app: CadreApp):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pool(app, pilot)
        first, second = screen.grid.rows[0].id, screen.grid.rows[1].id
        await pilot.press("space", "space")
        assert screen.grid.marked == {first, second}
        await type_search(app, pilot, "0000")  # an ID tail nobody has, most likely
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen.grid.marked == {first, second}
        third = screen.grid.rows[2].id
        await pilot.press("shift+down", "shift+down")  # from the top: extends to row 3
        assert screen.grid.marked == {first, second, third}


async def test_select_all_matches_then_change_status(app: CadreApp, demo_copy: Path):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pool(app, pilot)
        await type_search(app, pilot, screen.grid.rows[0].name)
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        marked = set(screen.grid.marked)
        assert len(marked) == screen.total >= 1
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("down", "enter")  # second status: recommended
        await settle(app, pilot)
        statuses = {
            row[0]
            for row in rows_of(
                demo_copy,
                f"SELECT status FROM cadres WHERE id IN ({','.join('?' * len(marked))})",
                *marked,
            )
        }
        assert statuses == {"recommended"}


async def test_reveal_is_audited_and_archive_never_deletes(app: CadreApp, demo_copy: Path):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pool(app, pilot)
        row = screen.grid.current
        (id_number,) = rows_of(demo_copy, "SELECT id_number FROM cadres WHERE id = ?", row.id)[0]
        detail = str(screen.query_one("#pool-detail").render())
        assert id_number not in detail
        await pilot.press("v")
        await settle(app, pilot)
        detail = str(screen.query_one("#pool-detail").render())
        assert id_number in detail
        audit = rows_of(
            demo_copy,
            "SELECT action FROM audit_log WHERE entity = 'cadre' AND entity_id = ?",
            row.id,
        )
        assert ("reveal",) in [tuple(a) for a in audit]
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert rows_of(demo_copy, "SELECT status FROM cadres WHERE id = ?", row.id)[0][0] == (
            "archived"
        )
        assert row.id not in {r.id for r in screen.grid.rows}


async def test_enter_opens_the_full_record(app: CadreApp, screen_text):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pool(app, pilot)
        name = screen.grid.current.name
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CadreDetailScreen)
        text = screen_text(app)
        assert name in text and "选派资格" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PoolScreen)


async def test_paging_reaches_the_end_and_back(app: CadreApp, demo_copy: Path, screen_text):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pool(app, pilot)
        await pilot.press("end")
        await settle(app, pilot)
        last = screen.grid.current
        (expected_last,) = rows_of(
            demo_copy,
            "SELECT id FROM cadres WHERE status != 'archived' ORDER BY name_pinyin DESC, id DESC"
            " LIMIT 1",
        )[0]
        assert last.id == expected_last
        assert screen.grid.position == screen.total - 1
        await pilot.press("home")
        await settle(app, pilot)
        assert screen.grid.position == 0
        await pilot.press("down", "down")
        await pilot.pause()
        assert "第 3 行" in screen_text(app).splitlines()[1]
        for _ in range(12):
            await pilot.press("pagedown")
            await settle(app, pilot)
        seen = [row.id for row in screen.grid.rows]
        assert len(seen) == len(set(seen))


async def test_add_selection_to_the_round_with_a_reason_for_the_ineligible(
    app: CadreApp, demo_copy: Path
):
    (year,) = rows_of(demo_copy, "SELECT max(year) FROM recommendation_rounds")[0]
    eligible_id, ineligible_id = (
        rows_of(
            demo_copy,
            "SELECT id FROM cadres WHERE status = 'available' AND category = 'new_civil_servant'"
            " AND id NOT IN (SELECT cadre_id FROM recommendations) ORDER BY id LIMIT 1",
        )[0][0],
        rows_of(
            demo_copy,
            "SELECT id FROM cadres WHERE status = 'available' AND category = 'serving_leader'"
            " AND id NOT IN (SELECT cadre_id FROM recommendations) ORDER BY id LIMIT 1",
        )[0][0],
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pool(app, pilot)
        screen.grid.mark([eligible_id, ineligible_id])
        await pilot.press("n")
        await settle(app, pilot)
        nominated = rows_of(
            demo_copy,
            "SELECT count(*) FROM recommendations WHERE cadre_id IN (?, ?)",
            eligible_id,
            ineligible_id,
        )[0][0]
        assert nominated == 0  # refused whole: one of them needs a reason
        for char in "镇党委特别推荐":
            await pilot.press(char)
        await pilot.press("enter")
        await settle(app, pilot)
    rows = rows_of(
        demo_copy,
        "SELECT r.cadre_id, r.exception_reason, rr.year FROM recommendations r"
        " JOIN recommendation_rounds rr ON rr.id = r.round_id WHERE r.cadre_id IN (?, ?)",
        eligible_id,
        ineligible_id,
    )
    assert {row[0] for row in rows} == {eligible_id, ineligible_id}
    assert {row[2] for row in rows} == {year}
    reasons = {row[0]: row[1] for row in rows}
    assert reasons[ineligible_id] == "镇党委特别推荐"  # the exception is written down
