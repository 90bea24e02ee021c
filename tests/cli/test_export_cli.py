"""``cadre-tui export`` on the demo: each kind to .xlsx and .csv read back, the
filters, masking by default, ``--unmasked`` audited, and clear one-line errors."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cadre_tui.cli import main
from cadre_tui.domain.enums import CadreCategory, CadreStatus
from cadre_tui.i18n import t
from cadre_tui.services.exports import saving
from cadre_tui.store import cadres
from cadre_tui.store.connection import connect
from cadre_tui.store.export_audit import unmasked_exports

TODAY = "2026-11-27"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def export(db: Path, kind: str, *args: str):
    result = run("--db", str(db), "export", kind, "--today", TODAY, *args)
    return result


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw[:3] == b"\xef\xbb\xbf"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def sheet(path: Path):  # noqa: ANN201 - an openpyxl worksheet
    return openpyxl.load_workbook(path).worksheets[0]


def audit_rows(db: Path) -> list[dict]:
    conn = connect(db)
    try:
        return unmasked_exports(conn)
    finally:
        conn.close()


def stored_cadres(db: Path) -> list:
    conn = connect(db)
    try:
        return cadres.list_cadres(conn, limit=10_000)
    finally:
        conn.close()


def test_help_lists_the_kinds_in_both_languages(demo_db: Path) -> None:
    for lang, word in (("en", "Spreadsheets"), ("zh", "导出表格")):
        result = run("--lang", lang, "--db", str(demo_db), "export", "--help")
        assert result.exit_code == 0
        for kind in ("pool", "round", "groups", "progress", "lrmx"):
            assert kind in result.output
        top = run("--lang", lang, "--help")
        assert "export" in top.output and word in top.output
    pool_help = run("export", "pool", "--help").output
    for flag in ("--search", "--status", "--category", "--unit", "--unmasked", "--out", "--format"):
        assert flag in pool_help


def test_pool_csv_in_chinese_is_masked(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "pool.csv"
    result = run("--lang", "zh", "--db", str(demo_db), "export", "pool", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and "遮蔽" in result.output
    header, *rows = read_csv(out)
    assert header[:4] == ["姓名", "性别", "出生日期", "身份证号"]
    everyone = stored_cadres(demo_db)
    archived = sum(1 for c in everyone if c.status is CadreStatus.ARCHIVED)
    assert len(rows) == len(everyone) - archived
    assert all("*" in row[3] and row[2].count("-") == 2 for row in rows)
    clear = {c.id_number for c in everyone} | {c.phone for c in everyone if c.phone}
    assert not clear & {cell for row in rows for cell in row}
    assert audit_rows(demo_db) == []


def test_pool_xlsx_with_filters(demo_db: Path, tmp_path: Path) -> None:
    everyone = stored_cadres(demo_db)
    unit_id = everyone[0].sending_unit_id
    wanted = [
        c
        for c in everyone
        if c.sending_unit_id == unit_id
        and c.status in (CadreStatus.AVAILABLE, CadreStatus.RECOMMENDED)
        and c.category is not CadreCategory.SERVING_LEADER
    ]
    conn = connect(demo_db)
    try:
        from cadre_tui.store.units import get_sending_unit

        unit = get_sending_unit(conn, unit_id)
    finally:
        conn.close()
    categories = [c.value for c in CadreCategory if c is not CadreCategory.SERVING_LEADER]
    out = tmp_path / "filtered.xlsx"
    args = ["--unit", unit.code, "--status", "available", "--status", "recommended"]
    for category in categories:
        args += ["--category", category]
    result = export(demo_db, "pool", *args, "--out", str(out))
    assert result.exit_code == 0, result.output
    ws = sheet(out)
    assert ws.freeze_panes == "A2" and all(cell.font.b for cell in ws[1])
    rows = list(ws.iter_rows(min_row=2))
    assert sorted(r[0].value for r in rows) == sorted(c.name for c in wanted)
    assert {r[12].value for r in rows} == {unit.name}
    assert all(r[2].is_date for r in rows)
    by_name = export(demo_db, "pool", "--unit", unit.name, "--search", wanted[0].name[:1])
    assert by_name.exit_code == 0, by_name.output


def test_unmasked_pool_is_audited(demo_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "clear.xlsx"
    result = export(demo_copy, "pool", "--status", "seconded", "--unmasked", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "audit" in result.output
    ws = sheet(out)
    seconded = {c.id_number for c in stored_cadres(demo_copy) if c.status is CadreStatus.SECONDED}
    assert {r[3].value for r in ws.iter_rows(min_row=2)} == seconded
    [row] = audit_rows(demo_copy)
    after = json.loads(row["after_json"])
    assert after["kind"] == "pool" and after["rows"] == len(seconded)
    assert after["path"] == str(out.resolve())
    assert after["filter"]["statuses"] == ["seconded"]


def test_unmasked_on_a_read_only_database_is_refused(demo_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "clear.csv"
    result = run("--read-only", "--db", str(demo_copy), "export", "pool", "--unmasked",
                 "--out", str(out))  # fmt: skip
    assert result.exit_code == 1
    assert t("exports.audit_read_only") in result.output
    assert not out.exists()
    masked = run("--read-only", "--db", str(demo_copy), "export", "pool", "--out", str(out))
    assert masked.exit_code == 0 and out.exists()


def test_round_export(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "round.xlsx"
    result = export(demo_db, "round", "--out", str(out))
    assert result.exit_code == 0, result.output
    ws = sheet(out)
    assert ws.title == t("exports.round.title", year=2026)
    rows = list(ws.iter_rows(min_row=2))
    assert rows and all(isinstance(r[4].value, int) for r in rows)
    assert any(r[5].is_date for r in rows)
    assert all("****" in r[8].value for r in rows if r[8].value)
    assert export(demo_db, "round", "--year", "1999", "--out", str(out)).exit_code == 1


def test_groups_export_csv(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "groups.csv"
    result = export(demo_db, "groups", "--batch", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    header, *rows = read_csv(out)
    assert header[6] == t("exports.groups.name")
    assert len(rows) == 63  # the seed's first batch
    missing = export(demo_db, "groups", "--batch", "9", "--out", str(out))
    assert missing.exit_code == 1 and "9" in missing.output


def test_progress_export_levels(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "progress.xlsx"
    result = export(demo_db, "progress", "--batch", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "masked" not in result.output  # no personal data in a progress report
    ws = sheet(out)
    first = [c.value for c in ws[2]]
    assert first[0] == t("exports.level.batch")
    assert first[4] >= 3720 and isinstance(first[4], int)  # the seed's 3720多
    assert ws.cell(2, 7).number_format == "0.0%" and 0 < ws.cell(2, 7).value < 2
    unit = ws.cell(3, 2).value
    by_unit = export(demo_db, "progress", "--batch", "1", "--unit", unit, "--out", str(out))
    assert by_unit.exit_code == 0, by_unit.output
    assert sheet(out).cell(2, 2).value == unit
    both = export(demo_db, "progress", "--unit", unit, "--group", "1", "--out", str(out))
    assert both.exit_code == 1


def test_format_from_the_suffix_or_the_option(demo_db: Path, tmp_path: Path) -> None:
    odd = tmp_path / "report.txt"
    refused = export(demo_db, "progress", "--out", str(odd))
    assert refused.exit_code == 1 and ".xlsx" in refused.output and not odd.exists()
    assert export(demo_db, "progress", "--out", str(odd), "--format", "csv").exit_code == 0
    assert odd.read_bytes().startswith(b"\xef\xbb\xbf")
    clash = export(demo_db, "progress", "--out", str(tmp_path / "a.xlsx"), "--format", "csv")
    assert clash.exit_code == 1 and "--format" in clash.output


def test_default_file_goes_to_the_exports_folder(demo_db: Path) -> None:
    result = export(demo_db, "progress", "--format", "csv")
    assert result.exit_code == 0, result.output
    [written] = list(saving.export_dir().glob("progress-*.csv"))
    assert str(written) in result.output


def test_lrmx(demo_copy: Path, tmp_path: Path) -> None:
    cadre = stored_cadres(demo_copy)[0]
    out = tmp_path / "cadre.lrmx"
    args = ("--db", str(demo_copy), "export", "lrmx", "--cadre", cadre.id_number, "--out", str(out))
    if importlib.util.find_spec("cadre_tui.services.lrmx_export") is None:
        result = run(*args)
        assert result.exit_code == 1 and t("exports.lrmx_unavailable") in result.output
        return
    masked = run(*args)
    assert masked.exit_code == 0, masked.output
    assert out.exists() and cadre.id_number.encode() not in out.read_bytes()
    assert audit_rows(demo_copy) == []
    clear = run(*args, "--unmasked")
    assert clear.exit_code == 0, clear.output
    assert cadre.id_number.encode() in out.read_bytes()
    [row] = audit_rows(demo_copy)
    assert row["entity_id"] == cadre.id and json.loads(row["after_json"])["kind"] == "lrmx"
    nobody = run("--db", str(demo_copy), "export", "lrmx", "--cadre", "无此人", "--out", str(out))
    assert nobody.exit_code == 1 and "无此人" in nobody.output


@pytest.mark.parametrize("kind", ["pool", "round", "groups"])
def test_every_personal_kind_is_masked_unless_asked(
    demo_db: Path, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / f"{kind}.csv"
    result = export(demo_db, kind, "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    phones = {c.phone for c in stored_cadres(demo_db) if c.phone}
    assert not any(phone in text for phone in phones)
    assert "****" in text
