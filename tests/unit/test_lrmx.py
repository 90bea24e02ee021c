""".lrmx cadre records (干部任免审批表): files written here in GBK and UTF-8, read
one at a time, as a folder and as a zip; refusals name the file; an exported
record re-reads to the same pool fields."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from cadre_tui import i18n
from cadre_tui.domain.enums import CadreCategory, Gender, PartyStatus
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.errors import CadreError
from cadre_tui.services.lrmx_export import resume_line, write_lrmx
from cadre_tui.services.roster_import import lrmx_files
from cadre_tui.services.roster_import.lrmx import (
    LrmxError,
    parse_lrmx,
    read_lrmx_records,
    read_lrmx_source,
    record_from_elements,
)
from cadre_tui.services.roster_import.sources import ImportFileError, read_source
from cadre_tui.store import cadres, units
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.store.sqlite import sqlite3

BIRTH = dt.date(1990, 3, 17)
ID_NUMBER = make_id_number("320412", BIRTH, 21, "M")
TODAY = dt.date(2026, 11, 27)


def person_xml(encoding: str | None = "GBK", **elements: str) -> str:
    """A record as the organisation department's software writes one, with
    ``elements`` replacing or adding to a typical cadre's."""
    values = {
        "XingMing": "张三",
        "XingBie": "男",
        "ChuShengNianYue": "199003",
        "MinZu": "汉族",
        "JiGuan": "江苏常州",
        "ChuShengDi": "江苏武进",
        "RuDangShiJian": "2012.06",
        "CanJiaGongZuoShiJian": "2013.07",
        "JianKangZhuangKuang": "健康",
        "QuanRiZhiJiaoYu_XueLi": "大学本科",
        "QuanRiZhiJiaoYu_XueWei": "法学学士",
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "南京大学法学院法学专业",
        "ZaiZhiJiaoYu_XueLi": "",
        "XianRenZhiWu": "区财政局预算科副科长",
        "JianLi": "2009.09--2013.07  南京大学法学院法学专业学习\n2013.07--  区财政局科员、副科长",
        "ShenFenZheng": ID_NUMBER,
        "Version": "3.2.1.6",
    }
    values.update(elements)
    body = "".join(f"<{tag}>{text}</{tag}>" for tag, text in values.items())
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>\n' if encoding else ""
    family = (
        "<JiaTingChengYuan><Item><ChengWei>父亲</ChengWei><XingMing>张大山</XingMing>"
        "</Item></JiaTingChengYuan>"
    )
    return f"{declaration}<Person>{body}{family}</Person>"


def write(path: Path, text: str, codec: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(codec))
    return path


def error_of(path: Path) -> LrmxError:
    with pytest.raises(LrmxError) as caught:
        read_lrmx_records(path)
    return caught.value


# --- one file ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "codec"),
    [
        ("GBK", "gbk"),
        ("gb2312", "gbk"),
        ("GB18030", "gb18030"),
        ("UTF-8", "utf-8"),
        (None, "utf-8"),
        (None, "gbk"),
        (None, "utf-8-sig"),
    ],
)
def test_a_file_in_each_encoding_reads_to_the_pool_fields(
    tmp_path: Path, encoding: str | None, codec: str
) -> None:
    path = write(tmp_path / "张三.lrmx", person_xml(encoding), codec)
    [record] = read_lrmx_records(path)
    assert record.line == "张三.lrmx"
    assert record.cells == {
        "name": "张三",
        "gender": "男",
        "birth_date": "199003",
        "ethnicity": "汉族",
        "native_place": "江苏常州",
        "id_number": ID_NUMBER,
        "party_status": PartyStatus.MEMBER.label("zh"),
        "party_joined_on": "2012.06",
        "work_started_on": "2013.07",
        "education": "大学本科",
        "degree": "法学学士",
        "post": "区财政局预算科副科长",
    }


def test_unmapped_elements_with_content_are_reported_and_empty_ones_are_not(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "a.lrmx", person_xml(ZhaoPian="aGVsbG8=", NiRenZhiWu=""), "gbk")
    [record] = read_lrmx_records(path)
    assert record.unmapped == (
        "ChuShengDi",
        "JianKangZhuangKuang",
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
        "JianLi",
        "ZhaoPian",
        "JiaTingChengYuan",
    )
    assert "NiRenZhiWu" not in record.unmapped and "Version" not in record.unmapped
    assert record.elements["JiaTingChengYuan"] == "父亲 张大山"


def test_in_service_education_is_used_only_when_the_full_time_one_is_empty(
    tmp_path: Path,
) -> None:
    both = person_xml(ZaiZhiJiaoYu_XueLi="研究生", ZaiZhiJiaoYu_XueWei="法学硕士")
    [record] = read_lrmx_records(write(tmp_path / "both.lrmx", both, "gbk"))
    assert (record.cells["education"], record.cells["degree"]) == ("大学本科", "法学学士")
    assert {"ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei"} <= set(record.unmapped)
    only = person_xml(
        QuanRiZhiJiaoYu_XueLi="",
        QuanRiZhiJiaoYu_XueWei="",
        ZaiZhiJiaoYu_XueLi="研究生",
        ZaiZhiJiaoYu_XueWei="法学硕士",
    )
    [record] = read_lrmx_records(write(tmp_path / "only.lrmx", only, "gbk"))
    assert (record.cells["education"], record.cells["degree"]) == ("研究生", "法学硕士")
    assert "ZaiZhiJiaoYu_XueLi" not in record.unmapped


@pytest.mark.parametrize(
    ("text", "status", "joined"),
    [
        ("201206", PartyStatus.MEMBER, "201206"),
        ("20120601", PartyStatus.MEMBER, "20120601"),
        ("2012年6月", PartyStatus.MEMBER, "2012年6月"),
        ("2012.6.1入党", PartyStatus.MEMBER, "2012.6.1"),
        ("２０１２．０６（预备党员）", PartyStatus.PROBATIONARY, "2012.06"),
        ("民盟", PartyStatus.OTHER_PARTY, None),
        ("2010.05加入九三学社", PartyStatus.OTHER_PARTY, None),
        ("共青团员", PartyStatus.LEAGUE, None),
        ("群众", PartyStatus.MASSES, None),
    ],
)
def test_the_party_element_gives_status_and_date(
    text: str, status: PartyStatus, joined: str | None
) -> None:
    record = record_from_elements("x.lrmx", {"RuDangShiJian": text})
    assert record.cells["party_status"] == status.label("zh")
    assert record.cells.get("party_joined_on") == joined
    assert record.unmapped == ()


def test_party_wording_that_is_no_date_is_passed_on_for_the_importer_to_report() -> None:
    record = record_from_elements("x.lrmx", {"RuDangShiJian": "不详"})
    assert "party_status" not in record.cells
    assert record.cells["party_joined_on"] == "不详"


def test_dates_are_handed_on_as_the_file_writes_them() -> None:
    """The importer reads month-only dates (and takes the birth day from the ID
    number) exactly as it reads a spreadsheet's cells."""
    record = record_from_elements(
        "x.lrmx", {"ChuShengNianYue": "1990.13", "CanJiaGongZuoShiJian": "2013年7月"}
    )
    assert record.cells == {"birth_date": "1990.13", "work_started_on": "2013年7月"}


# --- refusals ---------------------------------------------------------------------------


def test_bytes_that_are_not_the_declared_encoding_are_refused(tmp_path: Path) -> None:
    gbk_says_utf8 = write(tmp_path / "a.lrmx", person_xml("UTF-8"), "gbk")
    error = error_of(gbk_says_utf8)
    assert error.key == "lrmx.error.encoding"
    assert "a.lrmx" in error.message() and "UTF-8" in error.message()


def test_a_gbk_declaration_over_utf8_bytes_is_refused_rather_than_garbled(tmp_path: Path) -> None:
    error = error_of(write(tmp_path / "b.lrmx", person_xml("GBK"), "utf-8"))
    assert error.key == "lrmx.error.encoding_conflict"


def test_other_encodings_and_undecodable_bytes_are_refused(tmp_path: Path) -> None:
    latin_text = '<?xml version="1.0" encoding="ISO-8859-1"?><Person><MinZu>Zoë</MinZu></Person>'
    latin = write(tmp_path / "c.lrmx", latin_text, "latin-1")
    assert error_of(latin).key == "lrmx.error.unsupported_encoding"
    utf16 = write(tmp_path / "d.lrmx", person_xml(None), "utf-16")
    assert error_of(utf16).key == "lrmx.error.unsupported_encoding"
    broken = tmp_path / "e.lrmx"
    broken.write_bytes(b"<Person><XingMing>\xff\xfe\x80</XingMing></Person>")
    error = error_of(broken)
    assert error.key == "lrmx.error.undecodable" and "e.lrmx" in error.message()


def test_bytes_that_gbk_reads_as_private_use_characters_are_refused(tmp_path: Path) -> None:
    for name, declaration in (("a.lrmx", '<?xml version="1.0" encoding="GBK"?>'), ("b.lrmx", "")):
        path = tmp_path / name
        path.write_bytes(
            f"{declaration}<Person><XingMing>".encode() + b"\xaa\xa1</XingMing></Person>"
        )
        error = error_of(path)
        assert error.key == "lrmx.error.private_use" and name in error.message()


@pytest.mark.parametrize(
    "prologue",
    [
        '<!DOCTYPE Person [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE Person [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!doctype Person SYSTEM "http://example.invalid/person.dtd">',
    ],
)
def test_dtds_and_entities_are_refused(tmp_path: Path, prologue: str) -> None:
    text = f"<?xml version='1.0'?>{prologue}<Person><XingMing>&b;</XingMing></Person>"
    error = error_of(write(tmp_path / "bomb.lrmx", text, "utf-8"))
    assert error.key == "lrmx.error.dtd" and "bomb.lrmx" in error.message()


def test_broken_xml_and_other_documents_are_refused(tmp_path: Path) -> None:
    assert error_of(write(tmp_path / "cut.lrmx", "<Person><XingMing>张", "utf-8")).key == (
        "lrmx.error.xml"
    )
    other = write(tmp_path / "other.lrmx", "<Roster><XingMing>张三</XingMing></Roster>", "utf-8")
    error = error_of(other)
    assert error.key == "lrmx.error.root" and "Roster" in error.message()
    assert error_of(tmp_path / "missing.lrmx").key == "lrmx.error.not_found"


def test_refusals_are_translated(tmp_path: Path) -> None:
    error = error_of(write(tmp_path / "王五.lrmx", person_xml("GBK"), "utf-8"))
    i18n.set_language("zh")
    try:
        assert "王五.lrmx" in error.message() and "乱码" in error.message()
    finally:
        i18n.set_language("en")


# --- folders and zips -------------------------------------------------------------------


def test_a_folder_is_read_in_name_order_including_subfolders(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    write(folder / "b李四.lrmx", person_xml("UTF-8", XingMing="李四"), "utf-8")
    write(folder / "a张三.LRMX", person_xml("GBK"), "gbk")
    write(folder / "town" / "c王五.lrmx", person_xml(None, XingMing="王五"), "gb18030")
    write(folder / "notes.txt", "not a record", "utf-8")
    records = read_lrmx_records(folder)
    assert [r.line for r in records] == ["a张三.LRMX", "b李四.lrmx", "town/c王五.lrmx"]
    assert [r.cells["name"] for r in records] == ["张三", "李四", "王五"]


def test_a_folder_without_records_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert error_of(tmp_path / "empty").key == "lrmx.error.no_files"


def name_in_gbk(archive: Path, placeholder: str, name: str) -> None:
    """Rename a member to ``name`` in GBK bytes without the UTF-8 flag, as zips made
    on Chinese Windows store names (:mod:`zipfile` always writes UTF-8 itself)."""
    raw, wanted = placeholder.encode("ascii"), name.encode("gbk")
    assert len(raw) == len(wanted)
    archive.write_bytes(archive.read_bytes().replace(raw, wanted))


def test_a_zip_reads_only_its_records_with_names_as_written(tmp_path: Path) -> None:
    archive = tmp_path / "财政局.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("XXXX.lrmx", person_xml("GBK").encode("gbk"))
        zipped.writestr("二科/李四.lrmx", person_xml("UTF-8", XingMing="李四").encode())
        zipped.writestr("readme.txt", "not a record")
        zipped.writestr("__MACOSX/._张三.lrmx", b"\x00\x05\x16\x07")
    name_in_gbk(archive, "XXXX.lrmx", "张三.lrmx")
    with zipfile.ZipFile(archive) as zipped:
        as_cp437 = "张三.lrmx".encode("gbk").decode("cp437")
        assert not zipped.getinfo(as_cp437).flag_bits & 0x800
    records = read_lrmx_records(archive)
    assert [r.line for r in records] == ["财政局.zip/二科/李四.lrmx", "财政局.zip/张三.lrmx"]
    assert [r.cells["name"] for r in records] == ["李四", "张三"]


def test_a_bad_member_stops_the_read_naming_the_zip_and_member(tmp_path: Path) -> None:
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("good.lrmx", person_xml("UTF-8").encode())
        zipped.writestr("bad.lrmx", person_xml("UTF-8").encode("gbk"))
    error = error_of(archive)
    assert error.key == "lrmx.error.encoding" and "set.zip/bad.lrmx" in error.message()


def test_zip_bombs_and_oversized_zips_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("huge.lrmx", b" " * (lrmx_files.MAX_FILE_BYTES + 1))
    assert bomb.stat().st_size < 100_000
    assert error_of(bomb).key == "lrmx.error.too_large"
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zipped:
        for n in range(4):
            zipped.writestr(f"{n}.lrmx", person_xml("UTF-8").encode())
    monkeypatch.setattr(lrmx_files, "MAX_ZIP_MEMBERS", 3)
    assert error_of(many).key == "lrmx.error.zip_members"
    monkeypatch.setattr(lrmx_files, "MAX_ZIP_MEMBERS", 10)
    monkeypatch.setattr(lrmx_files, "MAX_ZIP_BYTES", 1000)
    assert error_of(many).key == "lrmx.error.zip_size"


def test_a_file_that_is_not_a_zip_or_holds_no_records_is_refused(tmp_path: Path) -> None:
    assert error_of(write(tmp_path / "fake.zip", "not a zip", "utf-8")).key == "lrmx.error.zip"
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zipped:
        zipped.writestr("a.txt", "x")
    assert error_of(empty).key == "lrmx.error.no_files"


# --- as an import source -----------------------------------------------------------------


def test_a_folder_as_an_import_source(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    write(folder / "a.lrmx", person_xml("GBK"), "gbk")
    own_unit = person_xml("UTF-8", XingMing="李四", PaiChuDanWei="区教育局", ZhaoPian="aGk=")
    write(folder / "b.lrmx", own_unit, "utf-8")
    defaults = {"sending_unit": "区财政局", "category": "后备干部", "rank": ""}
    source = read_lrmx_source(folder, defaults=defaults)
    rows = list(source.rows)
    assert (source.format, source.total, len(rows)) == ("lrmx", 2, 2)
    assert [row.line for row in rows] == ["a.lrmx", "b.lrmx"]
    assert [row.cells["sending_unit"] for row in rows] == ["区财政局", "区教育局"]
    assert rows[0].cells["category"] == "后备干部" and "rank" not in rows[0].cells
    assert {"name", "id_number", "sending_unit", "category", "birth_date"} <= source.fields
    assert "phone" not in source.fields
    assert source.headers[:3] == ("File", "Name", "Gender")
    for row in rows:
        assert len(row.raw) == len(source.headers)
        assert row.raw[0] == row.line
        assert row.raw[source.headers.index("Birth date")] == "199003"
    assert source.unknown_columns.count("JianLi (résumé)") == 1
    assert "ZhaoPian (photo)" in source.unknown_columns
    assert "Version (layout version)" not in source.unknown_columns


def test_unknown_elements_are_reported_by_name_and_meanings_are_translated(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "a.lrmx", person_xml("UTF-8", ZiDingYi="x"), "utf-8")
    assert "ZiDingYi" in read_lrmx_source(path).unknown_columns
    i18n.set_language("zh")
    try:
        assert "JianLi（简历）" in read_lrmx_source(path).unknown_columns
    finally:
        i18n.set_language("en")


def test_the_importer_reads_lrmx_through_this_reader(tmp_path: Path) -> None:
    archive = tmp_path / "records.zip"
    complete = person_xml("GBK", PaiChuDanWei="区财政局", GanBuLeiBie="后备干部")
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.lrmx", complete.encode("gbk"))
    [row] = list(read_source(archive).rows)
    assert row.line == "records.zip/a.lrmx" and row.cells["name"] == "张三"
    bare = write(tmp_path / "bare.lrmx", person_xml("GBK"), "gbk")
    with pytest.raises(ImportFileError) as caught:
        read_source(bare)  # the layout has no sending unit or category
    assert caught.value.key == "roster_import.file.missing_columns"
    assert isinstance(error_of(write(tmp_path / "x.lrmx", "<x/>", "utf-8")), ImportFileError)


# --- writing ----------------------------------------------------------------------------


def add_cadre(conn: sqlite3.Connection, **changes: object) -> int:
    unit = units.create_sending_unit(conn, code="D17", name="区财政局")
    values: dict[str, object] = dict(
        name="张𠮷",  # a name GBK cannot write
        gender=Gender.FEMALE,
        birth_date=dt.date(1993, 8, 9),
        id_number=make_id_number("320412", dt.date(1993, 8, 9), 8, "F"),
        sending_unit_id=unit.id,
        category=CadreCategory.RESERVE_CADRE,
        ethnicity="回族",
        native_place="江苏常州",
        phone="13812345678",
        party_status=PartyStatus.PROBATIONARY,
        party_joined_on=dt.date(2024, 6, 1),
        work_started_on=dt.date(2015, 8, 1),
        education="研究生",
        degree="管理学硕士",
        post="预算科科员",
        rank="一级科员",
        grassroots_experience="2016年在湟里镇挂职一年",
    )
    values.update(changes)
    return cadres.create_cadre(conn, NewCadre(**values)).id  # type: ignore[arg-type]


def test_an_exported_record_reads_back_to_the_same_fields(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    cadre_id = add_cadre(conn)
    path = write_lrmx(conn, cadre_id, tmp_path / "out" / "a.lrmx", unmasked=True, today=TODAY)
    assert path.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    [record] = read_lrmx_records(path)
    cadre = cadres.get_cadre(conn, cadre_id)
    assert record.cells == {
        "name": "张𠮷",
        "gender": "女",
        "birth_date": "199308",  # the day is the ID number's
        "ethnicity": "回族",
        "native_place": "江苏常州",
        "id_number": cadre.id_number,
        "phone": "13812345678",
        "party_status": PartyStatus.PROBATIONARY.label("zh"),
        "party_joined_on": "2024.06",
        "work_started_on": "2015.08",
        "education": "研究生",
        "degree": "管理学硕士",
        "sending_unit": "区财政局",
        "post": "预算科科员",
        "rank": "一级科员",
        "category": CadreCategory.RESERVE_CADRE.label("zh"),
        "grassroots_experience": "2016年在湟里镇挂职一年",
    }
    assert record.unmapped == ("JiSuanNianLingShiJian", "TianBiaoShiJian")
    assert record.elements["TianBiaoShiJian"] == "20261127"


def test_a_non_member_writes_no_party_date(conn: sqlite3.Connection, tmp_path: Path) -> None:
    cadre_id = add_cadre(conn, party_status=PartyStatus.LEAGUE, party_joined_on=None, phone="")
    [record] = read_lrmx_records(write_lrmx(conn, cadre_id, tmp_path / "a.lrmx", unmasked=True))
    assert record.cells["party_status"] == PartyStatus.LEAGUE.label("zh")
    assert "party_joined_on" not in record.cells and "phone" not in record.cells


def test_an_export_masks_the_id_number_and_phone_unless_asked(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    cadre_id = add_cadre(conn)
    cadre = cadres.get_cadre(conn, cadre_id)
    elements = parse_lrmx(write_lrmx(conn, cadre_id, tmp_path / "m.lrmx").read_bytes(), "m")
    assert elements["ShenFenZheng"] == cadre.id_number[:4] + "*" * 10 + cadre.id_number[-4:]
    assert elements["LianXiDianHua"] == "138****5678"
    assert cadre.id_number not in (tmp_path / "m.lrmx").read_text(encoding="utf-8")


def test_secondments_are_added_to_the_resume_oldest_first(demo_db: Path, tmp_path: Path) -> None:
    conn = connect(demo_db)
    try:
        cadre_id = conn.execute(
            "SELECT cadre_id FROM placements GROUP BY cadre_id ORDER BY COUNT(*) DESC, cadre_id"
        ).fetchone()[0]
        from cadre_tui.store.cadre_history import secondments

        periods = secondments(conn, cadre_id)
        path = write_lrmx(conn, cadre_id, tmp_path / "s.lrmx", today=TODAY)
    finally:
        conn.close()
    lines = parse_lrmx(path.read_bytes(), "s")["JianLi"].splitlines()
    assert lines == [resume_line(p) for p in reversed(periods)]
    first = periods[-1]
    assert lines[0].startswith(first["start_date"][:7].replace("-", ".") + "--")
    assert first["group_name"] in lines[0] and first["batch_name"] in lines[0]


def test_resume_lines_in_both_languages() -> None:
    period = {
        "start_date": "2025-03-03",
        "end_date": None,
        "batch_name": "第一批抽调干部",
        "receiving_unit": "湖塘镇",
        "group_name": "湖塘镇工作组",
        "role": "member",
        "mode": "block_and_line",
        "line_side": "line",
        "grade": "excellent",
    }
    assert resume_line(period) == (
        "2025.03--  第一批抽调干部，选派到湖塘镇实践锻炼，"
        "任湖塘镇工作组组员（条块结合：镇拆迁办），考核优秀"
    )
    english = resume_line(period, "en")
    assert english.startswith("2025.03--  第一批抽调干部: seconded to 湖塘镇")
    assert english.endswith(i18n.t("enum.EvaluationGrade.excellent", lang="en"))


# --- end to end: a folder of records into a fresh pool -------------------------------------


def records_folder(tmp_path: Path) -> tuple[Path, list[NewCadre]]:
    """Two cadres exported from another programme's database, and one record as
    other software writes it (GBK, month-only dates) with the two extra elements
    the pool needs."""
    other = open_database(tmp_path / "other.db").connect()
    try:
        first = add_cadre(other)
        second = cadres.create_cadre(
            other,
            NewCadre(
                name="欧阳晓",
                gender=Gender.MALE,
                birth_date=dt.date(1996, 1, 30),
                id_number=make_id_number("320412", dt.date(1996, 1, 30), 15, "M"),
                sending_unit_id=cadres.get_cadre(other, first).sending_unit_id,
                category=CadreCategory.NEW_CIVIL_SERVANT,
                party_status=PartyStatus.LEAGUE,
            ),
        ).id
        folder = tmp_path / "records"
        for cadre_id in (first, second):
            write_lrmx(other, cadre_id, folder / f"{cadre_id}.lrmx", unmasked=True, today=TODAY)
        exported = [cadres.get_cadre(other, i).record() for i in (first, second)]
    finally:
        other.close()
    hand_made = person_xml("GBK", PaiChuDanWei="区财政局", GanBuLeiBie="后备干部")
    write(folder / "zhang.lrmx", hand_made, "gbk")
    return folder, exported


def pool(conn: sqlite3.Connection) -> dict[str, NewCadre]:
    ids = [row[0] for row in conn.execute("SELECT id FROM cadres")]
    return {c.id_number: c.record() for c in cadres.cadres_by_id(conn, ids).values()}


def test_a_folder_of_records_imports_into_a_fresh_pool(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    from cadre_tui.services.roster_import import apply_import, plan_import

    folder, exported = records_folder(tmp_path)
    unit = units.create_sending_unit(conn, code="D1", name="区财政局")
    plan = plan_import(conn, folder, today=TODAY)
    assert (plan.new, plan.updated, plan.rejected) == (3, 0, 0), plan.rows
    assert "JianLi (résumé)" in plan.unknown_columns
    apply_import(conn, plan)
    found = pool(conn)
    for record in exported:  # an export re-imports to the same pool record
        assert found[record.id_number] == replace(record, sending_unit_id=unit.id)
    zhang = found[ID_NUMBER]
    assert (zhang.name, zhang.birth_date, zhang.gender) == ("张三", BIRTH, Gender.MALE)
    assert (zhang.party_status, zhang.party_joined_on) == (PartyStatus.MEMBER, dt.date(2012, 6, 1))
    assert (zhang.work_started_on, zhang.category) == (
        dt.date(2013, 7, 1),
        CadreCategory.RESERVE_CADRE,
    )
    again = plan_import(conn, folder, today=TODAY)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)


def test_one_bad_record_in_a_folder_writes_nothing(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    from cadre_tui.services.roster_import import apply_import, plan_import, write_rejected
    from cadre_tui.services.roster_import.sources import read_csv

    folder, _ = records_folder(tmp_path)
    wrong_id = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
    bad = person_xml("UTF-8", PaiChuDanWei="区财政局", GanBuLeiBie="后备干部")
    write(folder / "wrong.lrmx", bad.replace(ID_NUMBER, wrong_id), "utf-8")
    units.create_sending_unit(conn, code="D1", name="区财政局")
    plan = plan_import(conn, folder, today=TODAY)
    assert (plan.new, plan.rejected) == (3, 1)
    [rejected] = plan.rejected_rows()
    assert rejected.line == "wrong.lrmx"
    with pytest.raises(CadreError):
        apply_import(conn, plan)
    assert pool(conn) == {}
    rejected_file = write_rejected(plan)
    assert rejected_file is not None and rejected_file.parent == tmp_path
    [row] = list(read_csv(rejected_file).rows)  # corrected, it imports as a CSV
    assert row.cells["name"] == "张三" and row.cells["id_number"] == wrong_id
