"""Long Chinese names and units keep every table's columns in line at 80x24: each
character takes two cells, and a name too long for its column is cut with … rather
than pushing the columns after it out of line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from cadre_tui import i18n
from cadre_tui.domain.enums import CadreCategory, Gender
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.store import cadres, units
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.screens import round_board

LONG_UNIT = "区文体广电和旅游局驻上海联络服务处"
LONG_NAME = "爱新觉罗·恒山启明"
SHORT_NAME = "李明"


@pytest.fixture
def long_names(demo_copy: Path) -> Path:
    """A sending unit with a long name and two of its cadres, one with a long name."""
    conn = connect(demo_copy)
    try:
        unit = units.create_sending_unit(conn, code="D00", name=LONG_UNIT)
        for sequence, (name, gender) in enumerate(
            [(LONG_NAME, Gender.MALE), (SHORT_NAME, Gender.FEMALE)], start=801
        ):
            birth = dt.date(1995, 5, 5)
            cadres.create_cadre(
                conn,
                NewCadre(
                    name=name,
                    gender=gender,
                    birth_date=birth,
                    id_number=make_id_number("320412", birth, sequence, gender.value),
                    sending_unit_id=unit.id,
                    category=CadreCategory.NEW_CIVIL_SERVANT,
                ),
            )
    finally:
        conn.close()
    return demo_copy


async def settle(app: CadreApp, pilot) -> None:  # noqa: ANN001
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def column_of(line: str, pattern: str) -> int:
    """The terminal column (in cells) where ``pattern`` first matches in ``line``."""
    found = re.search(pattern, line)
    assert found, (pattern, line)
    return cell_len(line[: found.start()])


def assert_fits(text: str) -> list[str]:
    lines = text.splitlines()
    assert len(lines) == 24, (len(lines), text)
    too_wide = [(cell_len(line), line) for line in lines if cell_len(line) > 80]
    assert not too_wide, too_wide
    return lines


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_pool_keeps_its_columns_with_long_names(
    long_names: Path, screen_text, lang: str
) -> None:
    i18n.set_language(lang)
    app = CadreApp(open_database(long_names), start="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"联络服务", "enter")
        await settle(app, pilot)
        lines = assert_fits(screen_text(app))
        rows = [
            line for line in lines if line.startswith("  ") and ("爱新" in line or "李明" in line)
        ]
        assert len(rows) == 2, "\n".join(lines)
        ages = {column_of(row, r" \d\d ") for row in rows}
        units_at = {column_of(row, "区文体") for row in rows}
        assert len(ages) == 1 and len(units_at) == 1, "\n".join(rows)
        assert all("…" in row for row in rows)  # the long unit is cut, not wrapped


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_round_board_keeps_its_columns_with_a_long_unit(
    long_names: Path, screen_text, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setattr(round_board, "today", lambda: dt.date(2026, 11, 27))
    i18n.set_language(lang)
    app = CadreApp(open_database(long_names), start="round")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        lines = assert_fits(screen_text(app))
        rows = [line for line in lines if re.search(r" \d+/\d–\d ", line)]
        assert any("区文体" in row for row in rows), "\n".join(lines)
        counts = {column_of(row, r" \d+/\d–\d ") for row in rows}
        assert len(counts) == 1, "\n".join(rows)
