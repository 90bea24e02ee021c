"""Exports: the table writer read back with openpyxl and as CSV bytes, and each
exporter on the demo programme (masked by default, unmasked only with an audit row)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from cadre_tui import i18n
from cadre_tui.domain.enums import CadreCategory, CadreStatus, ManagementMode
from cadre_tui.domain.identity import mask_id_number, mask_phone
from cadre_tui.domain.pool_query import PoolFilter
from cadre_tui.errors import CadreError
from cadre_tui.i18n import catalog, t
from cadre_tui.services import field_status, pool_export
from cadre_tui.services.exports import groups, pool, progress, saving
from cadre_tui.services.exports import round as round_export
from cadre_tui.services.exports.table import (
    Column,
    Kind,
    Sheet,
    display_width,
    file_format,
    write_table,
)
from cadre_tui.store import cadres, units
from cadre_tui.store import pool as pool_store
from cadre_tui.store.connection import connect
from cadre_tui.store.export_audit import unmasked_exports
from cadre_tui.store.sqlite import sqlite3

DEMO_TODAY = dt.date(2026, 11, 27)
"""The day the session demo (tests/conftest.py) is built as of."""

SAMPLE = Sheet(
    "测试/Sheet",
    (
        Column("姓名"),
        Column("Households", Kind.INT),
        Column("Area", Kind.FLOAT),
        Column("出生日期", Kind.DATE),
        Column("Reached", Kind.PERCENT),
        Column("Year", Kind.INT, number_format="0"),
    ),
    [
        ["张三丰", 3720, 1570000.5, dt.date(1990, 3, 15), 85.34, 2026],
        ["=SUM(A1:A9)", 0, 0.1 + 0.2, "1985-03-01", None, 2025],
        ["a\x01b", None, None, None, 100.0, None],
    ],
)


@pytest.fixture
def demo(demo_db: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(demo_db)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def demo_writable(demo_copy: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(demo_copy)
    try:
        yield conn
    finally:
        conn.close()


def read_xlsx(path: Path):  # noqa: ANN201 - an openpyxl worksheet
    return openpyxl.load_workbook(path).worksheets[0]


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:8]
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


# -- the table writer -----------------------------------------------------------------------


def test_xlsx_has_bold_frozen_header_typed_cells_and_widths(tmp_path: Path) -> None:
    path = write_table(tmp_path / "sample.xlsx", [SAMPLE])
    ws = read_xlsx(path)
    assert ws.title == "测试 Sheet"  # "/" is not allowed in a sheet title
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["姓名", "Households", "Area", "出生日期", "Reached", "Year"]
    assert all(c.font.b for c in ws[1])
    name, households, area, born, reached, year = ws[2]
    assert name.value == "张三丰" and not name.font.b
    assert households.value == 3720 and households.data_type == "n"
    assert households.number_format == "#,##0"
    assert area.value == pytest.approx(1570000.5) and area.number_format == "#,##0.00"
    assert born.is_date and born.value.date() == dt.date(1990, 3, 15)
    assert born.number_format == "yyyy-mm-dd"
    assert reached.value == pytest.approx(0.8534) and reached.number_format == "0.0%"
    assert year.value == 2026 and year.number_format == "0"
    formula, _, tiny, iso, empty, _ = ws[3]
    assert formula.value == "=SUM(A1:A9)" and formula.data_type == "s"  # text, never run
    assert tiny.value == pytest.approx(0.3)
    assert iso.is_date and iso.value.date() == dt.date(1985, 3, 1)
    assert empty.value is None
    assert ws["A4"].value == "ab"  # a control character .xlsx cannot hold is dropped
    widths = {key: dim.width for key, dim in ws.column_dimensions.items()}
    # 张三丰 is six cells wide, "=SUM(A1:A9)" eleven: widths come from the content
    assert widths["A"] == display_width("=SUM(A1:A9)") + 2
    assert widths["C"] >= len("1,570,000.50")
    assert all(6 <= width <= 60 for width in widths.values())


def test_widths_count_chinese_characters_twice(tmp_path: Path) -> None:
    assert display_width("张三") == 4 and display_width("ab") == 2
    assert display_width("ＡＢ") == 4  # full-width letters
    assert display_width("第一行\nab") == 6  # the longest line
    sheet = Sheet("w", (Column("x"), Column("y")), [["欧阳明明明明明明", "abcdefghijklmn"]])
    ws = read_xlsx(write_table(tmp_path / "w.xlsx", [sheet]))
    assert ws.column_dimensions["A"].width == 16 + 2
    assert ws.column_dimensions["B"].width == 14 + 2


def test_csv_has_a_bom_plain_numbers_iso_dates_and_no_formulas(tmp_path: Path) -> None:
    path = write_table(tmp_path / "sample.csv", [SAMPLE])
    header, first, second, third = read_csv(path)
    assert header == ["姓名", "Households", "Area", "出生日期", "Reached", "Year"]
    assert first == ["张三丰", "3720", "1570000.5", "1990-03-15", "85.3%", "2026"]
    assert second == ["'=SUM(A1:A9)", "0", "0.3", "1985-03-01", "", "2025"]
    assert third == ["a\x01b", "", "", "", "100.0%", ""]
    assert path.read_bytes().count(b"\r\n") == 4  # Excel's own line ends


def test_csv_with_several_sheets_stacks_them_under_their_titles(tmp_path: Path) -> None:
    other = Sheet("第二张", (Column("a", Kind.INT),), [[1]])
    lines = read_csv(write_table(tmp_path / "two.csv", [SAMPLE, other]))
    assert lines[0] == ["测试/Sheet"] and lines[1][0] == "姓名"
    assert lines[-4:] == [[], ["第二张"], ["a"], ["1"]]


def test_several_sheets_in_one_workbook_keep_distinct_titles(tmp_path: Path) -> None:
    long = "一" * 40
    sheets = [Sheet(long, (Column("a"),), [["x"]]), Sheet(long, (Column("b"),), [["y"]])]
    book = openpyxl.load_workbook(write_table(tmp_path / "two.xlsx", sheets))
    titles = book.sheetnames
    assert len(titles) == 2 and len(set(titles)) == 2
    assert all(len(title) <= 31 for title in titles)
    assert all(ws.freeze_panes == "A2" for ws in book.worksheets)


def test_format_comes_from_the_option_or_the_suffix(tmp_path: Path) -> None:
    assert file_format(Path("a.XLSX")) == "xlsx"
    assert file_format(Path("a.csv")) == "csv"
    assert file_format(Path("report.txt"), "csv") == "csv"
    with pytest.raises(CadreError) as unknown:
        file_format(Path("report.txt"))
    assert unknown.value.key == "exports.unknown_suffix"
    with pytest.raises(CadreError) as clash:
        file_format(Path("report.xlsx"), "csv")
    assert clash.value.key == "exports.format_mismatch"
    with pytest.raises(CadreError):
        file_format(Path("report.xlsx"), "ods")


def test_a_failed_write_leaves_no_file_behind(tmp_path: Path) -> None:
    target = tmp_path / "bad.xlsx"
    broken = Sheet("x", (Column("d", Kind.DATE),), [[dt.date(2020, 1, 1)], ["not a date"]])
    for name in ("bad.xlsx", "bad.csv"):
        with pytest.raises(ValueError):
            write_table(tmp_path / name, [broken])
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(CadreError) as missing:
        write_table(tmp_path / "no" / "such" / "folder.csv", [SAMPLE])
    assert missing.value.key == "exports.cannot_write"
    target.write_text("old")
    with pytest.raises(ValueError):
        write_table(target, [broken])
    assert target.read_text() == "old"  # the previous file is untouched


# -- the pool --------------------------------------------------------------------------------


def test_pool_sheet_masks_id_numbers_and_phones_by_default(demo: sqlite3.Connection) -> None:
    flt = PoolFilter()
    sheet = pool.pool_sheet(demo, flt, today=DEMO_TODAY)
    expected = pool_store.count(demo, flt, today=DEMO_TODAY)
    assert len(sheet.rows) == expected > 500
    header = [c.header for c in sheet.columns]
    id_col, phone_col = (
        header.index(t("exports.pool.id_number")),
        header.index(t("exports.pool.phone")),
    )
    everyone = cadres.list_cadres(demo, limit=10_000)
    masked = {
        (c.name, mask_id_number(c.id_number), mask_phone(c.phone) if c.phone else "")
        for c in everyone
    }
    assert all((row[0], row[id_col], row[phone_col]) in masked for row in sheet.rows)
    in_clear = {c.id_number for c in everyone} | {c.phone for c in everyone if c.phone}
    assert not in_clear & {value for row in sheet.rows for value in row}
    by_name = {c.name: c for c in everyone}
    pinyin = [by_name[row[0]].name_pinyin for row in sheet.rows]
    assert pinyin == sorted(pinyin)


def test_unmasked_pool_rows_hold_every_field_as_stored(demo: sqlite3.Connection) -> None:
    """Read back from the file, each row is the stored cadre: what a re-import needs."""
    flt = PoolFilter(statuses=frozenset(CadreStatus))
    sheet = pool.pool_sheet(demo, flt, today=DEMO_TODAY, unmasked=True)
    everyone = {c.id_number: c for c in cadres.list_cadres(demo, limit=10_000)}
    assert len(sheet.rows) == len(everyone)
    unit_names = {u.id: u.name for u in units.list_sending_units(demo)}
    fields = [name for name, _ in pool.FIELDS]
    for row in sheet.rows:
        values = dict(zip(fields, row, strict=True))
        cadre = everyone[values["id_number"]]
        assert values["name"] == cadre.name and values["phone"] == cadre.phone
        assert values["birth_date"] == cadre.birth_date
        assert values["party_joined_on"] == cadre.party_joined_on
        assert values["sending_unit"] == unit_names[cadre.sending_unit_id]
        assert values["category"] == cadre.category.label()
        assert values["status"] == cadre.status.label()
        assert values["grassroots_experience"] == cadre.grassroots_experience


def test_pool_filter_by_status_category_and_unit(demo: sqlite3.Connection) -> None:
    some_unit = units.list_sending_units(demo)[0]
    ids = pool.sending_unit_ids(demo, [some_unit.code])
    assert ids == pool.sending_unit_ids(demo, [some_unit.name]) == {some_unit.id}
    flt = PoolFilter(
        statuses=frozenset({CadreStatus.AVAILABLE}),
        categories=frozenset({CadreCategory.NEW_CIVIL_SERVANT, CadreCategory.RESERVE_CADRE}),
        sending_unit_ids=ids,
    )
    sheet = pool.pool_sheet(demo, flt, today=DEMO_TODAY)
    status_col = [c.header for c in sheet.columns].index(t("exports.pool.status"))
    assert len(sheet.rows) == pool_store.count(demo, flt, today=DEMO_TODAY) > 0
    assert {row[status_col] for row in sheet.rows} == {CadreStatus.AVAILABLE.label()}
    assert {row[12] for row in sheet.rows} == {some_unit.name}
    with pytest.raises(CadreError) as missing:
        pool.sending_unit_ids(demo, ["no such unit"])
    assert missing.value.key == "exports.no_such_unit"


def test_pool_screen_export_is_still_a_masked_bom_csv(
    demo: sqlite3.Connection, tmp_path: Path
) -> None:
    some = [c.id for c in cadres.list_cadres(demo, limit=5)]
    path = pool_export.export_cadres_csv(demo, list(reversed(some)), target=tmp_path / "p.csv")
    header, *rows = read_csv(path)
    assert header[:4] == [t("exports.pool.name"), t("exports.pool.gender"),
                          t("exports.pool.birth_date"), t("exports.pool.id_number")]  # fmt: skip
    found = cadres.cadres_by_id(demo, some)
    assert [r[0] for r in rows] == [found[i].name for i in reversed(some)]  # the order given
    assert all("*" in r[3] for r in rows)
    default = pool_export.export_cadres_csv(demo, some)
    assert default.parent == saving.export_dir() and default.suffix == ".csv"


def test_find_cadre_by_id_id_number_and_name(demo: sqlite3.Connection) -> None:
    cadre = cadres.list_cadres(demo, limit=1)[0]
    assert pool.find_cadre(demo, str(cadre.id), today=DEMO_TODAY).id == cadre.id
    assert pool.find_cadre(demo, cadre.id_number.lower(), today=DEMO_TODAY).id == cadre.id
    by_name = [c for c in cadres.list_cadres(demo, limit=10_000) if c.name == cadre.name]
    if len(by_name) == 1:
        assert pool.find_cadre(demo, cadre.name, today=DEMO_TODAY).id == cadre.id
    with pytest.raises(CadreError) as missing:
        pool.find_cadre(demo, "无此人", today=DEMO_TODAY)
    assert missing.value.key == "exports.no_such_cadre"


# -- the round, groups and progress ------------------------------------------------------


def test_round_sheet_has_every_unit_problems_first(demo: sqlite3.Connection) -> None:
    board = round_export.find_board(demo, None, DEMO_TODAY)
    sheet = round_export.round_sheet(board)
    assert sheet.title == t("exports.round.title", year=2026)
    assert {row[1] for row in sheet.rows} == {u.code for u in board.units}
    nominees = sum(max(1, len(u.nominees)) for u in board.units)
    assert len(sheet.rows) == nominees
    assert sheet.rows[0][0] == board.units[0].state.label()
    phones = [row[8] for row in sheet.rows if row[8]]
    assert phones and all("****" in phone for phone in phones)
    ineligible = [row for row in sheet.rows if row[13] == t("exports.no")]
    assert ineligible and all(row[14] for row in ineligible)
    unmasked = round_export.round_sheet(board, unmasked=True)
    assert any(row[8] and "*" not in row[8] for row in unmasked.rows)
    with pytest.raises(CadreError):
        round_export.find_board(demo, 1999, DEMO_TODAY)


def test_groups_sheet_has_one_row_per_member(demo: sqlite3.Connection, tmp_path: Path) -> None:
    view = groups.find_batch_view(demo, None)
    assert view.batch.number == 3  # the active batch
    sheet = groups.groups_sheet(demo, view)
    assert len(sheet.rows) == view.member_count == 39
    assert {row[1] for row in sheet.rows} == {g.group.name for g in view.groups}
    phones = [row[11] for row in sheet.rows if row[11]]
    assert phones and all("****" in phone for phone in phones)
    ws = read_xlsx(write_table(tmp_path / "g.xlsx", [sheet]))
    placed = [row[12] for row in ws.iter_rows(min_row=2)]
    assert placed and all(cell.is_date for cell in placed)
    transferred = [row for row in ws.iter_rows(min_row=2) if row[15].value is not None]
    assert transferred and all(row[15].is_date for row in transferred)
    assert {row[14].value for row in transferred} == {t("exports.groups.transferred")}
    with pytest.raises(CadreError) as missing:
        groups.find_batch_view(demo, 99)
    assert missing.value.key == "cli.no_such_batch"


def test_progress_of_the_programme_lists_its_batches(demo: sqlite3.Connection) -> None:
    node, children = progress.find_level(demo, today=DEMO_TODAY)
    assert node.kind == "programme" and [c.kind for c in children] == ["batch"] * 3
    sheet = progress.progress_sheet(demo, node, children)
    assert len(sheet.rows) == 4
    kinds = [c.kind for c in sheet.columns]
    assert kinds[:4] == [Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.INT]
    assert kinds[4:7] == [Kind.INT, Kind.INT, Kind.PERCENT]  # households measured
    assert kinds[7:10] == [Kind.FLOAT, Kind.FLOAT, Kind.PERCENT]  # area measured
    first_batch = sheet.rows[1]
    assert first_batch[0] == t("exports.level.batch")
    measured = children[0].metric("measured_households")
    assert first_batch[4:7] == [measured.total, measured.target, measured.percent]
    assert first_batch[4] >= 3720  # the seed's "3720多"


def test_progress_at_each_level(demo: sqlite3.Connection, tmp_path: Path) -> None:
    node, children = progress.find_level(demo, today=DEMO_TODAY, batch_number=3)
    assert node.kind == "batch" and children and {c.kind for c in children} == {"unit"}
    unit = children[0].name
    node, groups_ = progress.find_level(demo, today=DEMO_TODAY, unit=unit)
    assert node.kind == "unit" and {g.kind for g in groups_} == {"group"}
    group = groups_[0]
    node, members = progress.find_level(demo, today=DEMO_TODAY, group=str(group.id))
    assert node.kind == "group" and members and {m.kind for m in members} == {"cadre"}
    reached = field_status.group_progress(demo, group.id, DEMO_TODAY).metrics[0].percent
    ws = read_xlsx(write_table(tmp_path / "p.xlsx", [progress.progress_sheet(demo, node, members)]))
    assert ws["B2"].value == group.name
    assert ws["C2"].value == ManagementMode(group.mode).label()
    if reached is not None:
        assert ws["G2"].value == pytest.approx(reached / 100)
        assert ws["G2"].number_format == "0.0%"
    assert isinstance(ws["E2"].value, int) and isinstance(ws["H2"].value, float | int)
    with pytest.raises(CadreError) as both:
        progress.find_level(demo, today=DEMO_TODAY, unit=unit, group="1")
    assert both.value.key == "field_status.unit_and_group"


# -- saving and the audit ----------------------------------------------------------------


def test_saving_masked_writes_no_audit_row(
    demo_writable: sqlite3.Connection, tmp_path: Path
) -> None:
    sheet = pool.pool_sheet(demo_writable, PoolFilter(), today=DEMO_TODAY)
    export = saving.Export("pool", [sheet], personal=True)
    before = len(unmasked_exports(demo_writable))
    path = saving.save(demo_writable, export, tmp_path / "pool.csv")
    assert path.exists() and len(unmasked_exports(demo_writable)) == before


def test_saving_unmasked_is_audited_before_the_file(
    demo_writable: sqlite3.Connection, tmp_path: Path
) -> None:
    sheet = pool.pool_sheet(demo_writable, PoolFilter(), today=DEMO_TODAY, unmasked=True)
    export = saving.Export(
        "pool", [sheet], personal=True, unmasked=True, details={"filter": {"text": ""}}
    )
    path = saving.save(demo_writable, export, tmp_path / "pool.xlsx")
    [row] = unmasked_exports(demo_writable)
    assert row["action"] == "export_unmasked" and row["entity"] == "export"
    after = json.loads(row["after_json"])
    assert after == {
        "kind": "pool",
        "path": str(path.resolve()),
        "rows": len(sheet.rows),
        "filter": {"text": ""},
    }
    ws = read_xlsx(path)
    ids = {c.id_number for c in cadres.list_cadres(demo_writable, limit=10_000)}
    assert {r[3].value for r in ws.iter_rows(min_row=2)} <= ids


def test_default_path_is_in_the_exports_folder(demo: sqlite3.Connection) -> None:
    sheet = progress.progress_sheet(demo, *progress.find_level(demo, today=DEMO_TODAY))
    path = saving.save(demo, saving.Export("progress", [sheet], personal=False))
    assert path.parent == saving.export_dir() and path.suffix == ".xlsx"
    assert path.name.startswith("progress-")
    csv_path = saving.save(demo, saving.Export("progress", [sheet], personal=False), fmt="csv")
    assert csv_path.suffix == ".csv"


def test_every_header_key_is_in_both_catalogs() -> None:
    for lang in i18n.LANGUAGES:
        missing = [name for name, _ in pool.FIELDS if f"exports.pool.{name}" not in catalog(lang)]
        assert not missing, (lang, missing)
