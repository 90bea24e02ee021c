"""Importing a roster: real files (openpyxl writes the workbooks, CSV bytes are
encoded by hand in UTF-8 with a BOM, GBK and GB18030), every bad-input case
refused on its line, and the pool holding exactly what it should afterwards."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.identity import make_id_number
from cadre_tui.errors import CadreError
from cadre_tui.services import cadre_records
from cadre_tui.services.roster_import import (
    ImportFileError,
    apply_import,
    cells,
    headers,
    plan_import,
    write_rejected,
)
from cadre_tui.services.roster_import import rows as judged
from cadre_tui.services.roster_import.template import write_template
from cadre_tui.store import audit, cadres, units
from cadre_tui.store.database import open_database
from cadre_tui.store.sqlite import sqlite3

TODAY = dt.date(2026, 11, 27)
ZH = ["姓名", "性别", "出生年月", "身份证号", "手机", "政治面貌", "入党时间", "参加工作时间"]
ZH += ["工作单位", "职务", "人员类别"]
EN = ["Name", "Gender", "Birth date", "ID number", "Mobile", "Party status", "Joined party"]
EN += ["Started work", "Sending unit", "Post", "Category"]
NAMES = ["王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴娟"]


def person(n: int, unit: str = "区财政局", **changes: object) -> list[object]:
    """A valid roster row (zh column order) for the n-th cadre: every n is a different ID."""
    gender = "M" if n % 2 else "F"
    birth = dt.date(1985, 1, 1) + dt.timedelta(days=(37 * n) % 8000)
    row: dict[str, object] = {
        "姓名": NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else str(n)),
        "性别": "男" if gender == "M" else "女",
        "出生年月": f"{birth.year}.{birth.month:02d}",
        "身份证号": make_id_number(str(320102 + n // 100), birth, 2 * n + (gender == "M"), gender),
        "手机": f"139{n:08d}",
        "政治面貌": "中共党员",
        "入党时间": "2010.07",
        "参加工作时间": "2008-08-01",
        "工作单位": unit,
        "职务": "科员",
        "人员类别": "后备干部",
    }
    row.update(changes)
    return [row[title] for title in ZH]


def with_column(row: list[object], title: str, value: object) -> list[object]:
    row = list(row)
    row[ZH.index(title)] = value
    return row


def write_xlsx(path: Path, header: list[object], body: list[list[object]], *, title=None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title is not None:
        sheet.append([title])
        sheet.append([])
    sheet.append(header)
    for row in body:
        sheet.append(row)
    workbook.save(path)
    return path


def csv_bytes(header: list[object], body: list[list[object]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, header, body, encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(csv_bytes(header, body, encoding))
    return path


@pytest.fixture
def pool(conn: sqlite3.Connection) -> sqlite3.Connection:
    units.create_sending_unit(conn, code="D17", name="区财政局")
    units.create_sending_unit(conn, code="D12", name="区教育局")
    return conn


def plan(conn, path: Path, **options):
    return plan_import(conn, path, today=TODAY, **options)


def pool_ids(conn: sqlite3.Connection) -> list[str]:
    return sorted(row[0] for row in conn.execute("SELECT id_number FROM cadres"))


def audit_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]


def reasons_of(result, line: int) -> tuple[str, ...]:
    (row,) = [r for r in result.rows if r.line == f"line {line}"]
    assert row.action == "rejected", row
    return row.reasons


# --- cells ---------------------------------------------------------------------------------


def test_text_is_nfkc_and_trimmed() -> None:
    assert cells.text("\u3000１２３ＡＢ\u3000") == "123AB"
    assert cells.text(13912345678.0) == "13912345678"
    assert cells.text(None) == ""
    assert cells.text(dt.datetime(1985, 3, 7)) == "1985-03-07"


def test_id_numbers_take_a_capital_x_and_lose_spaces() -> None:
    assert cells.id_number_text(" 320102 1985 0307 001x ") == "32010219850307001X"
    assert cells.id_number_text("３２０１０２１９８５０３０７００１ｘ") == "32010219850307001X"


@pytest.mark.parametrize("value", [320102198503070010.0, "3.20102E+17", "3.20102e17"])
def test_an_id_number_excel_stored_as_a_number_is_refused(value: object) -> None:
    with pytest.raises(CadreError) as caught:
        cells.id_number_text(value)
    assert caught.value.key == "roster_import.cell.id_as_number"


@pytest.mark.parametrize(
    ("serial", "day"),
    [
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),
        (43831, dt.date(2020, 1, 1)),
        (31113.75, dt.date(1985, 3, 7)),
    ],
)
def test_excel_serials_count_the_1900_leap_day_that_never_was(serial: float, day: dt.date) -> None:
    assert cells.excel_serial_date(serial) == day
    assert cells.read_date(float(serial)) == cells.DateReading(day)


def test_serial_60_is_excels_29_february_1900_and_refused() -> None:
    with pytest.raises(CadreError) as caught:
        cells.read_date(60.0)
    assert caught.value.key == "roster_import.cell.fake_leap_day"


@pytest.mark.parametrize(
    ("value", "day", "month_only"),
    [
        ("1985.03", dt.date(1985, 3, 1), True),
        ("1985-3", dt.date(1985, 3, 1), True),
        ("1985年3月", dt.date(1985, 3, 1), True),
        ("1985/03", dt.date(1985, 3, 1), True),
        ("198503", dt.date(1985, 3, 1), True),
        ("１９８５．０３", dt.date(1985, 3, 1), True),
        ("1985.3.7", dt.date(1985, 3, 7), False),
        ("1985年3月7日", dt.date(1985, 3, 7), False),
        ("19850307", dt.date(1985, 3, 7), False),
        ("1985-03-07 00:00:00", dt.date(1985, 3, 7), False),
        (1985.03, dt.date(1985, 3, 1), True),
        (1985.11, dt.date(1985, 11, 1), True),
        (1985.2, dt.date(1985, 2, 1), True),
        (19850307.0, dt.date(1985, 3, 7), False),
        (198503.0, dt.date(1985, 3, 1), True),
        (dt.date(1985, 3, 7), dt.date(1985, 3, 7), False),
        (dt.datetime(1985, 3, 7, 12, 0), dt.date(1985, 3, 7), False),
    ],
)
def test_dates_as_rosters_write_them(value: object, day: dt.date, month_only: bool) -> None:
    assert cells.read_date(value) == cells.DateReading(day, month_only)


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (1985.1, "roster_import.cell.month_ambiguous"),
        ("1985", "roster_import.cell.year_only"),
        (1985.0, "roster_import.cell.year_only"),
        ("1985.13", "form.date.no_such_day"),
        ("1985-02-30", "form.date.no_such_day"),
        ("next week", "form.date.format"),
        (True, "roster_import.cell.not_a_date"),
    ],
)
def test_dates_that_cannot_be_read_say_why(value: object, key: str) -> None:
    with pytest.raises(CadreError) as caught:
        cells.read_date(value)
    assert caught.value.key == key


def test_labels_in_either_language_and_the_codes_become_codes() -> None:
    genders = cells.Choices(Gender)
    assert {genders.read(v) for v in ("男", "Male", "M", "男性", " male ")} == {Gender.MALE}
    parties = cells.Choices(PartyStatus)
    assert parties.read("党员") == PartyStatus.MEMBER
    assert parties.read("中共预备党员") == PartyStatus.PROBATIONARY
    assert parties.read("九三学社社员") == PartyStatus.OTHER_PARTY
    assert parties.read("") is None
    categories = cells.Choices(CadreCategory)
    assert categories.read("Middle-level cadre") == CadreCategory.MIDDLE_LEVEL_CADRE
    with pytest.raises(CadreError) as caught:
        categories.read("临时工")
    assert "临时工" in caught.value.message() and "Reserve cadre" in caught.value.message()


# --- headers ---------------------------------------------------------------------------------


def test_titles_in_chinese_or_english_map_to_fields() -> None:
    titles = ["姓名*", "性别", "出生日期", "公民身份号码", "联系电话", "派出单位（必填）", "类别"]
    titles += ["Date of birth", "Mobile (11 digits)", "序号", "爱好"]
    mapping = headers.map_columns(titles)
    fields = dict((position, field) for position, field in mapping.columns)
    assert fields[0] == "name" and fields[3] == "id_number" and fields[4] == "phone"
    assert fields[5] == "sending_unit" and fields[6] == "category"
    assert mapping.unknown == ("爱好",)
    assert [title for title, _ in mapping.repeated] == ["出生日期", "联系电话"]


def test_every_form_and_template_title_is_read_back() -> None:
    for lang in ("zh", "en"):
        for field in headers.FIELDS:
            from cadre_tui.i18n import t

            assert headers.field_of(t(f"roster_import.header.{field}", lang=lang)) == field


# --- reading files -----------------------------------------------------------------------


def test_a_good_workbook_is_planned_then_written(pool, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", ZH, [person(n) for n in range(3)])
    result = plan(pool, path)
    assert (result.new, result.updated, result.unchanged, result.rejected) == (3, 0, 0, 0)
    assert [row.line for row in result.rows] == ["line 2", "line 3", "line 4"]
    masked = result.rows[0].id_number_masked
    assert masked.startswith("3201") and "*" in masked
    assert pool_ids(pool) == []
    assert apply_import(pool, result).new == 3
    cadre = cadres.find_by_id_number(pool, person(1)[3])
    assert cadre is not None and cadre.name == "李强" and cadre.gender == Gender.MALE
    assert cadre.birth_date == dt.date(1985, 2, 7)  # 出生年月 1985.02 takes the ID number's day
    assert cadre.party_joined_on == dt.date(2010, 7, 1) and cadre.phone == "13900000001"
    assert cadre.category == CadreCategory.RESERVE_CADRE and cadre.status == CadreStatus.AVAILABLE
    assert result.month_only_dates == 3  # 入党时间 2010.07 on every row


def test_cells_are_normalised_before_they_are_judged(pool, tmp_path: Path) -> None:
    birth = dt.date(1990, 6, 15)
    id_number = make_id_number("320102", birth, 3, "M")
    full_width = id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    row = person(0, 姓名="\u3000张\u3000三 ", 性别="Male", 身份证号=full_width, 出生年月=33039.0)
    row = with_column(row, "手机", "+86 139-0000-0001")
    row = with_column(row, "人员类别", "Reserve cadre")
    path = write_xlsx(tmp_path / "roster.xlsx", ZH, [row])
    result = plan(pool, path)
    assert result.rejected == 0, result.rows
    apply_import(pool, result)
    cadre = cadres.find_by_id_number(pool, id_number)
    assert cadre is not None
    assert (cadre.name, cadre.birth_date, cadre.phone) == ("张三", birth, "13900000001")


def test_gender_and_birth_date_come_from_the_id_number_when_absent(pool, tmp_path: Path) -> None:
    header = ["姓名", "身份证号", "单位", "类别"]
    body = [[p[0], p[3], p[8], p[10]] for p in (person(0), person(1))]
    result = plan(pool, write_csv(tmp_path / "r.csv", header, body))
    assert result.new == 2
    apply_import(pool, result)
    cadre = cadres.find_by_id_number(pool, person(0)[3])
    assert cadre is not None and cadre.gender == Gender.FEMALE
    assert cadre.birth_date == dt.date(1985, 1, 1) and cadre.ethnicity == ""


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_gbk_and_gb18030(
    pool, tmp_path: Path, encoding: str
) -> None:
    body = [person(0), person(1, 姓名="䶮明")] if encoding != "gbk" else [person(0), person(1)]
    path = write_csv(tmp_path / "roster.csv", ZH, body, encoding)
    result = plan(pool, path)
    assert result.new == 2 and result.rejected == 0
    apply_import(pool, result)
    names = {row[0] for row in pool.execute("SELECT name FROM cadres")}
    assert names == {body[0][0], body[1][0]}
    assert not any("\ufffd" in name for name in names)


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused(pool, tmp_path: Path) -> None:
    good = csv_bytes(ZH, [person(0)], "utf-8")
    path = tmp_path / "broken.csv"
    path.write_bytes(good + b"\xff\xff\xff,x\r\n")
    with pytest.raises(ImportFileError) as caught:
        plan(pool, path)
    assert caught.value.key == "roster_import.file.encoding"
    assert "0xFF" in caught.value.message()
    assert pool_ids(pool) == []


def test_utf16_and_a_workbook_named_csv_are_refused_with_what_to_do(pool, tmp_path: Path) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes(csv_bytes(ZH, [person(0)], "utf-16"))
    with pytest.raises(ImportFileError, match="UTF-16"):
        plan(pool, path)
    workbook = write_xlsx(tmp_path / "book.xlsx", ZH, [person(0)])
    renamed = tmp_path / "book.csv"
    renamed.write_bytes(workbook.read_bytes())
    with pytest.raises(ImportFileError) as caught:
        plan(pool, renamed)
    assert caught.value.key == "roster_import.file.xlsx_named_csv"


def test_a_missing_required_column_stops_the_import_before_any_row(pool, tmp_path: Path) -> None:
    header = [title for title in ZH if title != "身份证号"]
    body = [[v for t_, v in zip(ZH, person(0), strict=True) if t_ != "身份证号"]]
    with pytest.raises(ImportFileError) as caught:
        plan(pool, write_xlsx(tmp_path / "r.xlsx", header, body))
    assert caught.value.key == "roster_import.file.missing_columns"
    assert "ID number" in caught.value.message()


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ([], "roster_import.file.no_rows"),
        (None, "roster_import.file.no_header"),
    ],
)
def test_empty_files_are_refused(pool, tmp_path: Path, body, key: str) -> None:
    if body is None:
        path = write_csv(tmp_path / "r.csv", ["a", "b"], [["1", "2"]])
    else:
        path = write_xlsx(tmp_path / "r.xlsx", ZH, body)
    with pytest.raises(ImportFileError) as caught:
        plan(pool, path)
    assert caught.value.key == key


def test_a_missing_file_and_an_unknown_kind_are_refused(pool, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="does not exist"):
        plan(pool, tmp_path / "nope.xlsx")
    other = tmp_path / "roster.txt"
    other.write_text("姓名\n")
    with pytest.raises(ImportFileError) as caught:
        plan(pool, other)
    assert caught.value.key == "roster_import.file.unsupported"


def test_title_rows_and_blank_rows_keep_line_numbers_true(pool, tmp_path: Path) -> None:
    body = [person(0), [], person(1, 身份证号="123")]
    path = write_xlsx(tmp_path / "r.xlsx", ZH, body, title="区财政局干部花名册")
    result = plan(pool, path)
    assert [row.line for row in result.rows] == ["line 4", "line 6"]
    assert result.rows[1].action == "rejected"


def test_unknown_and_untitled_columns_are_reported_not_read(pool, tmp_path: Path) -> None:
    header = [*ZH, "爱好", ""]
    body = [[*person(0), "钓鱼", "留言"], [*person(1), "", ""]]
    result = plan(pool, write_xlsx(tmp_path / "r.xlsx", header, body))
    assert result.unknown_columns == ("爱好", "column M (no title)")
    assert result.new == 2


def test_two_columns_for_one_field_are_refused(pool, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="手机"):
        plan(pool, write_xlsx(tmp_path / "r.xlsx", [*ZH, "联系电话"], [[*person(0), "1"]]))


# --- rows refused ------------------------------------------------------------------------------

BAD_ROWS = {
    "check character": (
        lambda r: with_column(r, "身份证号", r[3][:-1] + ("1" if r[3][-1] != "1" else "2")),
        "ID number",
    ),
    "birth mismatch": (lambda r: with_column(r, "出生年月", "1970-01-01"), "Birth date"),
    "gender mismatch": (lambda r: with_column(r, "性别", "女" if r[1] == "男" else "男"), "Gender"),
    "phone": (lambda r: with_column(r, "手机", "12345"), "Mobile"),
    "unknown unit": (lambda r: with_column(r, "工作单位", "区不存在局"), "Sending unit"),
    "no name": (lambda r: with_column(r, "姓名", " "), "Name"),
    "unknown category": (lambda r: with_column(r, "人员类别", "临时工"), "Category"),
    "future date": (lambda r: with_column(r, "入党时间", "2030-01-01"), "Joined party"),
    "before birth": (lambda r: with_column(r, "参加工作时间", "1960-01-01"), "Started work"),
    "joined non-member": (lambda r: with_column(r, "政治面貌", "群众"), "Joined party"),
    "bad date": (lambda r: with_column(r, "参加工作时间", "2008-13-01"), "Started work"),
    "short id": (lambda r: with_column(r, "身份证号", r[3][:17]), "ID number"),
    "id as number": (lambda r: with_column(r, "身份证号", 3.20102198501011e17), "ID number"),
}


@pytest.mark.parametrize("defect", sorted(BAD_ROWS))
def test_each_bad_row_is_named_by_line_and_field_and_nothing_is_written(
    pool,
    tmp_path: Path,
    defect: str,
) -> None:
    spoil, field = BAD_ROWS[defect]
    path = write_xlsx(tmp_path / "r.xlsx", ZH, [person(0), spoil(person(1)), person(2)])
    before = audit_count(pool)
    result = plan(pool, path)
    assert (result.new, result.rejected) == (2, 1)
    reasons = reasons_of(result, 3)
    assert any(reason.startswith(f"{field}: ") for reason in reasons), reasons
    with pytest.raises(CadreError) as caught:
        apply_import(pool, result)
    assert caught.value.key == "roster_import.apply.has_rejected"
    assert pool_ids(pool) == [] and audit_count(pool) == before


def test_only_valid_writes_exactly_the_valid_rows(pool, tmp_path: Path) -> None:
    body = [person(0), person(1, 手机="1"), person(2)]
    result = plan(pool, write_xlsx(tmp_path / "r.xlsx", ZH, body))
    written = apply_import(pool, result, only_valid=True)
    assert (written.new, written.updated) == (2, 0)
    assert pool_ids(pool) == sorted([person(0)[3], person(2)[3]])


def test_error_messages_mask_the_id_number(pool, tmp_path: Path) -> None:
    row = person(1)
    wrong = row[3][:-1] + ("1" if row[3][-1] != "1" else "2")
    result = plan(pool, write_xlsx(tmp_path / "r.xlsx", ZH, [with_column(row, "身份证号", wrong)]))
    text = " ".join(reasons_of(result, 2))
    assert wrong not in text and wrong[-4:] in text


def test_an_id_number_twice_rejects_both_lines_each_naming_the_other(pool, tmp_path: Path) -> None:
    twin = with_column(person(3), "身份证号", person(0)[3])
    twin = with_column(twin, "性别", person(0)[1])
    twin = with_column(twin, "出生年月", person(0)[2])
    result = plan(pool, write_xlsx(tmp_path / "r.xlsx", ZH, [person(0), person(1), twin]))
    assert (result.new, result.rejected) == (1, 2)
    assert any("line 4" in reason for reason in reasons_of(result, 2))
    assert any("line 2" in reason for reason in reasons_of(result, 4))
    apply_import(pool, result, only_valid=True)
    assert pool_ids(pool) == [person(1)[3]]


def test_the_same_file_again_changes_nothing(pool, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", ZH, [person(n) for n in range(4)])
    apply_import(pool, plan(pool, path))
    versions = pool.execute("SELECT id, row_version, updated_at FROM cadres").fetchall()
    before = audit_count(pool)
    again = plan(pool, path)
    assert (again.new, again.updated, again.unchanged, again.rejected) == (0, 0, 4, 0)
    assert {row.action for row in again.rows} == {"unchanged"}
    assert apply_import(pool, again).new == 0
    assert pool.execute("SELECT id, row_version, updated_at FROM cadres").fetchall() == versions
    assert audit_count(pool) == before


def test_an_id_number_in_the_pool_is_an_update_of_only_what_the_file_gives(
    pool, tmp_path: Path
) -> None:
    apply_import(pool, plan(pool, write_xlsx(tmp_path / "a.xlsx", ZH, [person(0), person(1)])))
    cadre = cadres.find_by_id_number(pool, person(1)[3])
    assert cadre is not None
    cadres.set_cadre_status(pool, cadre.id, CadreStatus.RECOMMENDED)
    header = ["姓名", "身份证号", "单位", "类别", "职务", "手机"]
    changed = [person(1)[0], person(1)[3], "区教育局", "中层干部", "副科长", ""]
    same = [person(0)[0], person(0)[3], "区财政局", "后备干部", "科员", ""]
    result = plan(pool, write_csv(tmp_path / "b.csv", header, [changed, same]))
    assert (result.new, result.updated, result.unchanged) == (0, 1, 1)
    update = result.rows[0]
    assert update.action == "update" and set(update.changes) == {"Sending unit", "Post", "Category"}
    assert apply_import(pool, result).updated == 1
    after = cadres.get_cadre(pool, cadre.id)
    assert after.post == "副科长" and after.category == CadreCategory.MIDDLE_LEVEL_CADRE
    assert after.phone == cadre.phone and after.party_joined_on == cadre.party_joined_on
    assert after.status == CadreStatus.RECOMMENDED and after.row_version == cadre.row_version + 2
    history = audit.entries(pool, "cadre", limit=1)[0]
    assert history["action"] == "update" and "post" in history["after_json"]


def test_an_edit_made_after_the_check_stops_the_whole_import(pool, tmp_path: Path) -> None:
    apply_import(pool, plan(pool, write_xlsx(tmp_path / "a.xlsx", ZH, [person(0)])))
    body = [person(0, 职务="副科长"), person(1)]
    result = plan(pool, write_xlsx(tmp_path / "b.xlsx", ZH, body))
    assert (result.new, result.updated) == (1, 1)
    cadre = cadres.find_by_id_number(pool, person(0)[3])
    assert cadre is not None
    cadres.update_cadre(pool, cadre.id, dataclasses.replace(cadre.record(), rank="一级科员"))
    with pytest.raises(CadreError) as caught:
        apply_import(pool, result)
    assert caught.value.key == "store.cadre.changed_elsewhere"
    assert pool_ids(pool) == [person(0)[3]]


def test_an_id_number_added_after_the_check_stops_the_whole_import(pool, tmp_path: Path) -> None:
    result = plan(pool, write_xlsx(tmp_path / "a.xlsx", ZH, [person(0), person(1)]))
    apply_import(pool, plan(pool, write_xlsx(tmp_path / "b.xlsx", ZH, [person(1)])))
    with pytest.raises(CadreError) as caught:
        apply_import(pool, result)
    assert caught.value.key == "roster_import.apply.row_failed" and "line 3" in str(caught.value)
    assert pool_ids(pool) == [person(1)[3]]


def test_create_units_adds_the_unknown_units_in_the_same_transaction(pool, tmp_path: Path) -> None:
    body = [person(0, unit="湖塘镇"), person(1, unit="区审计局"), person(2, unit="湖塘镇")]
    path = write_xlsx(tmp_path / "r.xlsx", ZH, body)
    refused = plan(pool, path)
    assert refused.rejected == 3 and "湖塘镇" in refused.rows[0].reasons[0]
    result = plan(pool, path, create_units=True)
    assert result.rejected == 0 and result.new_units == ("湖塘镇", "区审计局")
    assert apply_import(pool, result).units_created == 2
    created = {unit.name: unit for unit in units.list_sending_units(pool)}
    assert created["湖塘镇"].kind == "town" and created["区审计局"].kind == "department"
    town = cadres.find_by_id_number(pool, person(2)[3])
    assert town is not None and town.sending_unit_id == created["湖塘镇"].id


def test_progress_is_reported_up_to_the_last_row(pool, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ZH, [person(n) for n in range(1500)])
    seen: list[tuple[int, int]] = []
    result = plan_import(pool, path, today=TODAY, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (1000, 1500) and seen[-1] == (1500, 1500)
    written: list[tuple[int, int]] = []
    apply_import(pool, result, progress=lambda d, t: written.append((d, t)))
    assert written[-1] == (1500, 1500)


# --- the rejected-rows file ---------------------------------------------------------------------


def test_rejected_rows_go_to_a_workbook_beside_the_input(pool, tmp_path: Path) -> None:
    bad = person(1, 手机="12345")
    path = write_xlsx(tmp_path / "花名册.xlsx", ZH, [person(0), bad, person(2, unit="无此局")])
    result = plan(pool, path)
    target = write_rejected(result)
    assert target == tmp_path / "花名册.rejected.xlsx"
    sheet = openpyxl.load_workbook(target).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [*ZH, "Not imported because"]
    assert rows[1][:-1] == bad and rows[1][-1].startswith("line 3: Mobile: ")
    assert rows[2][-1].startswith("line 4: Sending unit: ")
    fixed = [*rows[1][:4], "13900000009", *rows[1][5:-1], None]
    write_xlsx(tmp_path / "fixed.xlsx", rows[0], [fixed])
    again = plan(pool, tmp_path / "fixed.xlsx")
    assert (again.new, again.rejected, again.unknown_columns) == (1, 0, ())


def test_rejected_rows_of_a_gbk_csv_go_to_a_utf8_bom_csv(pool, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "roster.csv", ZH, [person(0), person(1, 手机="1")], "gbk")
    target = write_rejected(plan(pool, path))
    assert target == tmp_path / "roster.rejected.csv"
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert read[0] == [*ZH, "Not imported because"]
    assert read[1][:-1] == [str(v) for v in person(1, 手机="1")]


def test_no_rejected_rows_no_file(pool, tmp_path: Path) -> None:
    result = plan(pool, write_xlsx(tmp_path / "r.xlsx", ZH, [person(0)]))
    assert write_rejected(result) is None
    assert not (tmp_path / "r.rejected.xlsx").exists()


def test_the_rejected_file_needs_the_input_unchanged(pool, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", ZH, [person(0, 手机="1")])
    result = plan(pool, path)
    write_xlsx(path, ZH, [person(5, 手机="1"), person(6)])
    with pytest.raises(ImportFileError) as caught:
        write_rejected(result)
    assert caught.value.key == "roster_import.file.changed"


# --- the template -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_reads_back_and_imports_once_filled(pool, tmp_path: Path, lang: str) -> None:
    path = write_template(tmp_path / "template.xlsx", lang)
    workbook = openpyxl.load_workbook(path)
    roster, notes = workbook.worksheets
    titles = [cell.value for cell in roster[1]]
    assert [headers.field_of(title) for title in titles] == list(headers.TEMPLATE_FIELDS)
    assert titles[0] == ("姓名*" if lang == "zh" else "Name*")
    assert roster.column_dimensions["F"].number_format == "@"
    assert notes.max_row > len(titles)
    with pytest.raises(ImportFileError) as caught:
        plan(pool, path)
    assert caught.value.key == "roster_import.file.no_rows"
    values = {field: value for field, value in zip(ZH, person(4), strict=True)}
    fill = {
        "name": values["姓名"], "gender": values["性别"], "birth_date": values["出生年月"],
        "id_number": values["身份证号"], "phone": values["手机"],
        "party_status": values["政治面貌"], "party_joined_on": values["入党时间"],
        "sending_unit": "区财政局", "category": values["人员类别"],
    }  # fmt: skip
    roster.append([fill.get(field, "") for field in headers.TEMPLATE_FIELDS])
    workbook.save(path)
    result = plan(pool, path)
    assert (result.new, result.rejected) == (1, 0), result.rows


def test_the_template_will_not_overwrite_without_force(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", "zh")
    with pytest.raises(CadreError) as caught:
        write_template(path, "zh")
    assert caught.value.key == "roster_import.template.exists"
    write_template(path, "en", force=True)
    with pytest.raises(CadreError):
        write_template(tmp_path / "t.csv", "en")


# --- properties -------------------------------------------------------------------------------


@st.composite
def typed_rows(draw: st.DrawFn) -> dict:
    """A row as read: mostly valid, with any field possibly missing or wrong."""
    birth = draw(st.dates(dt.date(1890, 1, 1), dt.date(2030, 12, 31)))
    gender = draw(st.sampled_from(["M", "F"]))
    id_birth = birth if birth.year >= 1900 else dt.date(1960, 1, 1)
    id_number = make_id_number("320102", id_birth, draw(st.integers(0, 999)), gender)
    if draw(st.booleans()):
        id_number = draw(st.sampled_from([id_number[:-1] + "0", id_number[:17], id_number]))
    typed: dict = {
        "name": draw(st.sampled_from(["王芳", "", "A"])),
        "gender": Gender(draw(st.sampled_from([gender, "M", "F"]))),
        "birth_date": cells.DateReading(draw(st.sampled_from([birth, id_birth]))),
        "id_number": id_number,
        "sending_unit_id": draw(st.sampled_from([1, 2])),
        "category": draw(st.sampled_from(list(CadreCategory))),
        "party_status": draw(st.sampled_from(list(PartyStatus))),
        "phone": draw(st.sampled_from(["13912345678", "+86 139 1234 5678", "12345", ""])),
    }
    for name in ("party_joined_on", "work_started_on"):
        day = draw(st.none() | st.dates(dt.date(1880, 1, 1), dt.date(2040, 12, 31)))
        if day is not None:
            typed[name] = cells.DateReading(day)
    for name in draw(st.sets(st.sampled_from(sorted(typed)), max_size=2)):
        del typed[name]
    return {key: value for key, value in typed.items() if value != ""}


@given(typed_rows())
@settings(max_examples=300, deadline=None)
def test_a_row_is_accepted_exactly_when_the_form_and_the_store_accept_it(typed: dict) -> None:
    merged = judged.Merged(dict(typed), None)
    record = judged.accepted(merged, TODAY)
    fast = record is not None and not isinstance(judged.stored(record, "x"), CadreError)
    form_ok = not cadre_records.check_form(judged.form_values(merged, {}), TODAY)
    store_ok = True
    if form_ok:
        built = cadre_records.build_record(judged.form_values(merged, {}))
        store_ok = not isinstance(judged.stored(built, "x"), CadreError)
    assert fast == (form_ok and store_ok)


DEFECTS = ["check character", "birth mismatch", "gender mismatch", "phone", "unknown unit"]
DEFECTS += ["no name", "unknown category", "future date", "before birth", "joined non-member"]
DEFECTS += ["bad date", "short id", "duplicate"]


@given(
    size=st.integers(2, 9),
    defects=st.dictionaries(st.integers(0, 8), st.sampled_from(DEFECTS), max_size=5),
    kind=st.sampled_from(["xlsx", "gb18030", "utf-8-sig"]),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_rosters_with_random_defects(size: int, defects: dict[int, str], kind: str) -> None:
    """Each defect is reported on its line with its field, no defective row is written,
    and importing the same file again changes nothing."""
    defects = {index: defect for index, defect in defects.items() if index < size}
    body = [person(n) for n in range(size)]
    expected: dict[int, str] = {}
    for index, defect in sorted(defects.items()):
        if defect == "duplicate":
            other = (index + 1) % size
            if other in defects:
                continue
            body[index] = body[index][:1] + body[other][1:4] + body[index][4:]
            expected[index] = expected[other] = "ID number"
        else:
            spoil, field = BAD_ROWS[defect]
            body[index] = spoil(body[index])
            expected.setdefault(index, field)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        conn = open_database(root / "pool.db").connect()
        try:
            units.create_sending_unit(conn, code="D17", name="区财政局")
            if kind == "xlsx":
                path = write_xlsx(root / "r.xlsx", ZH, body)
            else:
                path = write_csv(root / "r.csv", ZH, body, kind)
            result = plan(conn, path)
            rejected = {int(row.line.split()[1]) - 2 for row in result.rejected_rows()}
            assert rejected == set(expected)
            for index, field in expected.items():
                reasons = reasons_of(result, index + 2)
                assert any(r.startswith(f"{field}: ") for r in reasons), (field, reasons)
            apply_import(conn, result, only_valid=True)
            good = sorted(body[i][3] for i in range(size) if i not in expected)
            assert pool_ids(conn) == good
            versions = conn.execute("SELECT id, row_version FROM cadres").fetchall()
            again = plan(conn, path)
            assert (again.new, again.updated, again.unchanged) == (0, 0, len(good))
            assert again.rejected == len(expected)
            apply_import(conn, again, only_valid=True)
            assert conn.execute("SELECT id, row_version FROM cadres").fetchall() == versions
        finally:
            conn.close()
