"""``cadre-tui import`` and ``cadre-tui template`` on real files: exit 0 when every
row is good, 3 when some are rejected (each printed with its line and reasons,
nothing written unless --only-valid, the rejected rows in a file beside the
input), 1 when the file itself cannot be imported."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadre_tui.cli import main
from cadre_tui.domain.identity import make_id_number
from cadre_tui.store import units
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database

TODAY = dt.date(2026, 11, 27)
ZH = ["姓名", "性别", "出生年月", "身份证号", "手机", "工作单位", "职务", "人员类别"]


def person(n: int, **changes: object) -> list[object]:
    gender = "M" if n % 2 else "F"
    birth = dt.date(1988, 1, 1) + dt.timedelta(days=41 * n)
    row = {
        "姓名": f"干部{n}",
        "性别": "男" if gender == "M" else "女",
        "出生年月": birth.isoformat(),
        "身份证号": make_id_number("320102", birth, 2 * n + (gender == "M"), gender),
        "手机": f"138{n:08d}",
        "工作单位": "区财政局",
        "职务": "科员",
        "人员类别": "后备干部",
    }
    row.update(changes)
    return [row[title] for title in ZH]


def workbook(path: Path, body: list[list[object]], header: list[str] = ZH) -> Path:
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in body:
        book.active.append(row)
    book.save(path)
    return path


def new_pool(path: Path) -> Path:
    conn = open_database(path).connect()
    try:
        units.create_sending_unit(conn, code="D17", name="区财政局")
    finally:
        conn.close()
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return new_pool(tmp_path / "pool.db")


def run(db: Path, *args: str, lang: str = "en"):  # noqa: ANN201 - click's Result
    return CliRunner().invoke(
        main,
        ["--lang", lang, "--db", str(db), "import", "--today", TODAY.isoformat(), *args],
        catch_exceptions=False,
    )


def count(db: Path) -> int:
    conn = connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM cadres").fetchone()[0]
    finally:
        conn.close()


def test_a_good_roster_is_written_and_exits_0(db: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [person(n) for n in range(3)])
    result = run(db, str(path))
    assert result.exit_code == 0, result.output
    assert "New: 3  Updated: 0  Unchanged: 0  Rejected: 0" in result.output
    assert "Written: 3 new, 0 updated" in result.output
    assert count(db) == 3
    assert not (tmp_path / "r.rejected.xlsx").exists()


def test_the_same_roster_again_changes_nothing(db: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [person(n) for n in range(3)])
    run(db, str(path))
    again = run(db, str(path))
    assert again.exit_code == 0, again.output
    assert "Unchanged: 3" in again.output and "Nothing to write" in again.output
    assert count(db) == 3


def test_rejected_rows_are_printed_nothing_is_written_and_exit_is_3(
    db: Path, tmp_path: Path
) -> None:
    body = [person(0), person(1, 手机="12345"), person(2, 工作单位="区无此局")]
    path = workbook(tmp_path / "r.xlsx", body)
    result = run(db, str(path))
    assert result.exit_code == 3, result.output
    assert "line 3  干部1" in result.output and "Mobile: " in result.output
    assert "line 4  干部2" in result.output and "Sending unit: " in result.output
    assert "13800000001" not in result.output  # the ID number and phone stay masked
    assert "New: 1  Updated: 0  Unchanged: 0  Rejected: 2" in result.output
    assert "Nothing was written: 2 rows were rejected" in result.output
    rejected = tmp_path / "r.rejected.xlsx"
    assert rejected.exists() and str(rejected) in result.output
    sheet = openpyxl.load_workbook(rejected).active
    assert sheet.max_row == 3 and sheet.cell(1, len(ZH) + 1).value == "Not imported because"
    assert count(db) == 0


def test_only_valid_writes_the_others_and_still_exits_3(db: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [person(0), person(1, 手机="1"), person(2)])
    result = run(db, str(path), "--only-valid")
    assert result.exit_code == 3, result.output
    assert "Written: 2 new" in result.output
    assert count(db) == 2 and (tmp_path / "r.rejected.xlsx").exists()


def test_dry_run_writes_nothing_not_even_the_rejected_file(db: Path, tmp_path: Path) -> None:
    good = workbook(tmp_path / "good.xlsx", [person(0)])
    result = run(db, str(good), "--dry-run")
    assert result.exit_code == 0 and "Dry run: nothing was written" in result.output
    bad = workbook(tmp_path / "bad.xlsx", [person(0, 手机="1")])
    result = run(db, str(bad), "--dry-run", "--only-valid")
    assert result.exit_code == 3
    assert count(db) == 0 and not (tmp_path / "bad.rejected.xlsx").exists()


def test_a_file_that_cannot_be_imported_exits_1(db: Path, tmp_path: Path) -> None:
    missing = workbook(tmp_path / "r.xlsx", [[p for p in person(0)][:3]], header=ZH[:3])
    result = run(db, str(missing))
    assert result.exit_code == 1
    assert "Error: Required columns missing" in result.stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes("姓名,身份证号\n".encode() + b"M\xfcller\xff\xff,1\n")
    result = run(db, str(latin))
    assert result.exit_code == 1 and "neither UTF-8" in result.stderr
    assert run(db, str(tmp_path / "none.csv")).exit_code == 1
    assert count(db) == 0


def test_create_units_adds_what_the_roster_names(db: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [person(0, 工作单位="湖塘镇")])
    refused = run(db, str(path))
    assert refused.exit_code == 3 and "Add --create-units" in refused.output
    result = run(db, str(path), "--create-units")
    assert result.exit_code == 0, result.output
    assert "Sending units to be created: 湖塘镇" in result.output
    assert "1 sending units created" in result.output


def test_a_gb18030_csv_reports_in_chinese(db: Path, tmp_path: Path) -> None:
    rows = [ZH, person(0), person(1, 身份证号="12345")]
    path = tmp_path / "名册.csv"
    path.write_bytes(("\r\n".join(",".join(map(str, r)) for r in rows) + "\r\n").encode("gb18030"))
    result = run(db, str(path), lang="zh")
    assert result.exit_code == 3, result.output
    assert "第3行  干部1" in result.output and "身份证号：" in result.output
    assert "新增 1  更新 0  未变 0  未导入 1" in result.output
    data = (tmp_path / "名册.rejected.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "干部1" in data.decode("utf-8-sig")


def test_month_only_dates_are_said_to_be_the_first_of_the_month(db: Path, tmp_path: Path) -> None:
    header = [*ZH, "参加工作时间"]
    path = workbook(tmp_path / "r.xlsx", [[*person(0), "2010.07"]], header=header)
    result = run(db, str(path))
    assert "1 dates gave only a year and month" in result.output


def test_read_only_refuses_to_write_but_may_check(db: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [person(0)])
    args = ["--db", str(db), "--read-only", "import", "--today", TODAY.isoformat(), str(path)]
    refused = CliRunner().invoke(main, ["--lang", "en", *args])
    assert refused.exit_code == 1 and count(db) == 0
    checked = CliRunner().invoke(main, ["--lang", "en", *args, "--dry-run"])
    assert checked.exit_code == 0, checked.output


# --- the template -------------------------------------------------------------------------------


def test_template_in_each_language(tmp_path: Path) -> None:
    zh = tmp_path / "模板.xlsx"
    result = CliRunner().invoke(main, ["template", str(zh), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(zh).active["A1"].value == "姓名*"
    en = tmp_path / "template.xlsx"
    assert CliRunner().invoke(main, ["--lang", "en", "template", str(en)]).exit_code == 0
    book = openpyxl.load_workbook(en)
    assert book.sheetnames == ["Roster", "Instructions"] and book.active["A1"].value == "Name*"
    again = CliRunner().invoke(main, ["--lang", "en", "template", str(en)])
    assert again.exit_code == 1 and "--force" in again.stderr
    forced = CliRunner().invoke(main, ["template", str(en), "--force", "--lang", "zh"])
    assert forced.exit_code == 0 and openpyxl.load_workbook(en).sheetnames[0] == "干部名册"


def test_a_filled_template_imports(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    CliRunner().invoke(main, ["template", str(path), "--lang", "zh"])
    book = openpyxl.load_workbook(path)
    titles = [cell.value for cell in book.active[1]]
    values = dict(zip(ZH, person(7), strict=True))
    by_title = {
        "姓名*": "姓名",
        "身份证号*": "身份证号",
        "派出单位*": "工作单位",
        "人员类别*": "人员类别",
    }
    by_title |= {"手机": "手机", "性别": "性别"}
    book.active.append([values.get(by_title.get(title, "")) for title in titles])
    book.save(path)
    result = run(db, str(path))
    assert result.exit_code == 0, result.output
    assert count(db) == 1


def test_help_lists_both_commands() -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "--help"])
    assert "import" in result.output and "template" in result.output
    text = CliRunner().invoke(main, ["--lang", "zh", "import", "--help"]).output
    assert "--only-valid" in text and "--create-units" in text and "只检查" in text


# --- random defects through the command ----------------------------------------------------------

SPOIL = {
    "phone": ("手机", "12345"),
    "unit": ("工作单位", "区无此局"),
    "category": ("人员类别", "临时工"),
    "id": ("身份证号", "32010219880101001"),
    "birth": ("出生年月", "1970-01-01"),
    "name": ("姓名", ""),
}


@given(
    size=st.integers(1, 6),
    spoiled=st.dictionaries(st.integers(0, 5), st.sampled_from(sorted(SPOIL)), max_size=3),
)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_defects_through_the_command(size: int, spoiled: dict[int, str]) -> None:
    """Exit 3 and each spoiled line printed when any row is spoiled, else exit 0; with
    --only-valid exactly the good rows land, and a second run changes nothing."""
    spoiled = {index: what for index, what in spoiled.items() if index < size}
    body = [person(n) for n in range(size)]
    for index, what in spoiled.items():
        title, value = SPOIL[what]
        body[index][ZH.index(title)] = value
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db = new_pool(root / "pool.db")
        path = workbook(root / "r.xlsx", body)
        result = run(db, str(path), "--only-valid")
        assert result.exit_code == (3 if spoiled else 0), result.output
        for index in spoiled:
            assert f"line {index + 2}  " in result.output
        assert count(db) == size - len(spoiled)
        again = run(db, str(path), "--only-valid")
        assert f"Unchanged: {size - len(spoiled)}" in again.output
        assert count(db) == size - len(spoiled)


def test_unit_and_category_given_on_the_command_line_fill_what_the_roster_lacks(
    db: Path, tmp_path: Path
) -> None:
    """A unit's own roster often has no unit column; an .lrmx record has neither."""
    header = [title for title in ZH if title not in ("工作单位", "人员类别")]
    rows = [[v for t_, v in zip(ZH, person(n), strict=True) if t_ in header] for n in (1, 2)]
    roster = workbook(tmp_path / "本单位名册.xlsx", rows, header)
    refused = run(db, str(roster))
    assert refused.exit_code == 1 and count(db) == 0
    done = run(db, str(roster), "--unit", "区财政局", "--category", "后备干部")
    assert done.exit_code == 0, done.output
    assert count(db) == 2

    id_number = make_id_number("320483", dt.date(1990, 3, 8), 17, "M")
    record = tmp_path / "张三.lrmx"
    record.write_bytes(
        (
            '<?xml version="1.0" encoding="GBK"?>\n<Person><XingMing>张三</XingMing>'
            "<XingBie>男</XingBie><ChuShengNianYue>199003</ChuShengNianYue>"
            f"<ShenFenZheng>{id_number}</ShenFenZheng>"
            "<XianRenZhiWu>区财政局预算科副科长</XianRenZhiWu></Person>"
        ).encode("gbk")
    )
    assert run(db, str(record)).exit_code == 1  # no unit, no category in the layout
    lrmx = run(db, str(record), "--unit", "区财政局", "--category", "后备干部")
    assert lrmx.exit_code == 0, lrmx.output
    assert count(db) == 3
