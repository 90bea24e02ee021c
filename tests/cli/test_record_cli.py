"""``cadre-tui record`` on a copy of the demo: one figure from the options or a
leader's sheet (UTF-8, with a BOM, GB18030), refused lines named with nothing
written, warnings only with --yes, and four processes recording at once with
every figure landing exactly once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadre_tui.cli import main
from cadre_tui.domain.enums import BatchState, ManagementMode
from cadre_tui.store import batches, figure_ledger
from cadre_tui.store.connection import connect
from cadre_tui.store.placements import get_placement
from cadre_tui.store.sqlite import sqlite3

TODAY = dt.date(2026, 11, 27)
DAY = dt.date(2026, 11, 20)


def run(db: Path, *args: str, lang: str = "en"):
    return CliRunner().invoke(
        main,
        ["--lang", lang, "--db", str(db), "record", "--today", TODAY.isoformat(), *args],
        catch_exceptions=False,
    )


def members(db: Path, mode: ManagementMode | None = None) -> list[tuple[int, int, str]]:
    """Active members of batch 3: (placement id, cadre id, name), by placement."""
    conn = connect(db)
    try:
        (batch,) = [b for b in batches.list_batches(conn) if b.state == BatchState.ACTIVE]
        rows = conn.execute(
            "SELECT p.id, c.id, c.name, g.mode FROM placements p JOIN cadres c ON c.id = p.cadre_id"
            " JOIN working_groups g ON g.id = p.group_id"
            " WHERE g.batch_id = ? AND p.end_date IS NULL ORDER BY p.id",
            (batch.id,),
        ).fetchall()
        names = [r[0] for r in conn.execute("SELECT name FROM cadres")]
    finally:
        conn.close()
    unique = {name for name in names if names.count(name) == 1}
    return [
        (r[0], r[1], r[2]) for r in rows if (mode is None or r[3] == mode.value) and r[2] in unique
    ]


def lines(db: Path, placement_id: int, day: dt.date, code: str) -> list[tuple]:
    conn = connect(db)
    try:
        return [
            tuple(row)
            for row in conn.execute(
                "SELECT value, corrects_id, project_id FROM figure_entries WHERE placement_id = ?"
                " AND entry_date = ? AND metric_code = ? ORDER BY id",
                (placement_id, day.isoformat(), code),
            )
        ]
    finally:
        conn.close()


def entry_count(db: Path) -> int:
    conn = connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM figure_entries").fetchone()[0]
    finally:
        conn.close()


# -- one figure ---------------------------------------------------------------------------


def test_one_figure_then_its_correction(demo_copy: Path) -> None:
    placement_id, cadre_id, name = members(demo_copy)[0]
    first = run(
        demo_copy,
        "--cadre",
        name,
        "--date",
        "2026-11-27",
        "--metric",
        "signed_households",
        "--value",
        "2",
    )
    assert first.exit_code == 0, first.output
    assert name in first.output and "new entry" in first.output
    assert "Written: 1 new, 0 correction(s)" in first.output
    again = run(
        demo_copy,
        "--cadre",
        str(cadre_id),
        "--date",
        "2026.11.27",
        "--metric",
        "签约户数",
        "--value",
        "３",
    )
    assert again.exit_code == 0, again.output
    assert "2 → 3" in again.output and "correction" in again.output
    same = run(
        demo_copy,
        "--cadre",
        name,
        "--date",
        "2026-11-27",
        "--metric",
        "signed_households",
        "--value",
        "3",
    )
    assert same.exit_code == 0 and "Nothing to write" in same.output
    ledger = lines(demo_copy, placement_id, TODAY, "signed_households")
    assert [(v, c is not None) for v, c, _ in ledger] == [(2.0, False), (1.0, True)]


def test_the_cadre_may_be_named_by_id_number(demo_copy: Path) -> None:
    placement_id, cadre_id, _ = members(demo_copy)[1]
    conn = connect(demo_copy)
    try:
        (id_number,) = conn.execute(
            "SELECT id_number FROM cadres WHERE id = ?", (cadre_id,)
        ).fetchone()
    finally:
        conn.close()
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in id_number)
    args = ["--date", "2026-11-27", "--metric", "measured_households", "--value", "1"]
    result = run(demo_copy, "--cadre", wide, *args)
    assert result.exit_code == 0, result.output
    assert lines(demo_copy, placement_id, TODAY, "measured_households")[0][0] == 1.0


def test_output_in_chinese(demo_copy: Path) -> None:
    _, _, name = members(demo_copy)[0]
    result = run(
        demo_copy,
        "--cadre",
        name,
        "--date",
        "2026-11-27",
        "--metric",
        "丈量面积",
        "--value",
        "1,234.5",
        lang="zh",
    )
    assert result.exit_code == 0, result.output
    assert "丈量面积 1,234.5 平方米" in result.output and "新记录" in result.output


def test_bad_options_are_each_named_and_nothing_is_written(demo_copy: Path) -> None:
    before = entry_count(demo_copy)
    result = run(
        demo_copy,
        "--cadre",
        "无此人",
        "--date",
        "2026-13-01",
        "--metric",
        "trees",
        "--value",
        "1",
    )
    assert result.exit_code == 1
    assert '--cadre: No cadre "无此人"' in result.output
    assert "--date: There is no such day (2026-13-01)" in result.output
    assert '--metric: Unknown metric "trees"' in result.output
    _, _, name = members(demo_copy)[0]
    bad = run(
        demo_copy,
        "--cadre",
        name,
        "--date",
        "2026-11-28",
        "--metric",
        "measured_households",
        "--value",
        "2.5",
    )
    assert bad.exit_code == 1
    assert "2026-11-28 is in the future" in bad.output
    assert '"2.5" is not a whole number' in bad.output
    assert entry_count(demo_copy) == before


def test_missing_options_and_mixing_with_csv_are_refused(demo_copy: Path, tmp_path: Path) -> None:
    result = run(demo_copy, "--cadre", "x", "--date", "2026-11-20")
    assert result.exit_code == 1 and "Missing: --metric --value" in result.output
    sheet = tmp_path / "s.csv"
    sheet.write_text("cadre,date,metric,value\n", encoding="utf-8")
    mixed = run(demo_copy, "--csv", str(sheet), "--cadre", "x")
    assert mixed.exit_code == 1 and "either --csv" in mixed.output
    gone = run(demo_copy, "--csv", str(tmp_path / "nope.csv"))
    assert gone.exit_code == 1 and "Cannot read" in gone.output


def test_a_name_shared_by_several_cadres_is_refused_listing_them_masked(
    demo_copy: Path,
) -> None:
    conn = connect(demo_copy)
    try:
        (name,) = conn.execute(
            "SELECT name FROM cadres GROUP BY name HAVING COUNT(*) > 1 LIMIT 1"
        ).fetchone()
        found = conn.execute("SELECT id, id_number FROM cadres WHERE name = ?", (name,)).fetchall()
    finally:
        conn.close()
    result = run(
        demo_copy,
        "--cadre",
        name,
        "--date",
        "2026-11-20",
        "--metric",
        "measured_households",
        "--value",
        "1",
    )
    assert result.exit_code == 1
    assert "names several cadres" in result.output
    for cadre_id, id_number in found:
        assert f"id {cadre_id}" in result.output
        assert id_number not in result.output
        assert id_number[:4] in result.output and id_number[-4:] in result.output


def test_place_names_one_of_a_cadres_projects(demo_copy: Path) -> None:
    conn = connect(demo_copy)
    try:
        owners = [
            m
            for m in members(demo_copy, ManagementMode.PROJECT_BASED)
            if len(get_placement(conn, m[0]).project_ids) > 1
        ]
        placement_id, _, name = owners[0]
        placement = get_placement(conn, placement_id)
        projects = figure_ledger.project_names(conn, [placement_id])
    finally:
        conn.close()
    second = projects[placement.project_ids[1]]
    args = ["--cadre", name, "--date", "2026-11-27", "--metric", "measured_area", "--value", "80"]
    wrong = run(demo_copy, *args, "--place", "别处")
    assert wrong.exit_code == 1
    assert '"别处" is not where' in wrong.output and second in wrong.output
    right = run(demo_copy, *args, "--place", second)
    assert right.exit_code == 0, right.output
    assert second in right.output
    assert lines(demo_copy, placement_id, TODAY, "measured_area") == [
        (80.0, None, placement.project_ids[1])
    ]


# -- a leader's sheet -------------------------------------------------------------------


def sheet_rows(db: Path, count: int = 3) -> list[tuple[int, str]]:
    return [(m[0], m[2]) for m in members(db, ManagementMode.STATIONED_VILLAGE)[:count]]


@pytest.mark.parametrize(
    ("encoding", "header"),
    [
        ("utf-8", "cadre,date,metric,value"),
        ("utf-8-sig", "干部,日期,指标,数值"),
        ("gb18030", "姓名,日期,指标,数值,备注"),
    ],
)
def test_a_sheet_in_each_encoding(
    demo_copy: Path, tmp_path: Path, encoding: str, header: str
) -> None:
    rows = sheet_rows(demo_copy)
    note = ",补录" if header.endswith("备注") else ""
    body = [header] + [
        f"{name},2026-11-27,丈量户数,{i + 1}{note}" for i, (_, name) in enumerate(rows)
    ]
    body.append(f'{rows[0][1]},2026年11月27日,measured_area,"1,000.5"{note}')
    sheet = tmp_path / "daily.csv"
    sheet.write_bytes(("\r\n".join(body) + "\r\n").encode(encoding))
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            sheet.read_bytes().decode("utf-8")
    result = run(demo_copy, "--csv", str(sheet))
    assert result.exit_code == 0, result.output
    assert "Written: 4 new, 0 correction(s)" in result.output
    for i, (placement_id, name) in enumerate(rows):
        assert name in result.output
        assert lines(demo_copy, placement_id, TODAY, "measured_households")[0][0] == i + 1
    assert lines(demo_copy, rows[0][0], TODAY, "measured_area")[0][0] == 1000.5


def test_bad_lines_are_named_and_nothing_is_written(demo_copy: Path, tmp_path: Path) -> None:
    (_, first), (_, second) = sheet_rows(demo_copy, 2)
    sheet = tmp_path / "daily.csv"
    sheet.write_text(
        "cadre,date,metric,value\n"
        f"{first},2026-11-27,measured_households,2\n"
        f"{second},2026-11-27,measured_households,two\n"
        "\n"
        "无此人,2026-11-27,measured_households,1\n"
        f"{first},11/27,measured_households,1\n"
        f"{second},2026-11-27,measured_area,-5\n",
        encoding="utf-8",
    )
    before = entry_count(demo_copy)
    result = run(demo_copy, "--csv", str(sheet))
    assert result.exit_code == 1
    assert 'Line 5, cadre: No cadre "无此人"' in result.output
    assert "Line 6, date:" in result.output
    assert f'Line 3 ({second}, 2026-11-27): Households measured: "two"' in result.output
    assert f'Line 7 ({second}, 2026-11-27): Area measured: "-5" is negative' in result.output
    said = [line.split(",")[0].split(" (")[0] for line in result.output.splitlines()]
    assert said[:4] == ["Line 3", "Line 5", "Line 6", "Line 7"]
    assert "4 problem(s); nothing was written" in result.output
    assert entry_count(demo_copy) == before
    sheet.write_text(
        "cadre,date,metric,value\n"
        f"{first},2026-11-27,measured_households,2\n"
        f"{second},2026-11-27,measured_households,two\n"
        f"{second},2026-11-27,measured_area,-5\n"
        f"{first},2026-11-27,measured_households,3\n",
        encoding="utf-8",
    )
    result = run(demo_copy, "--csv", str(sheet))
    assert result.exit_code == 1
    assert f'Line 3 ({second}, 2026-11-27): Households measured: "two" is not a number' in (
        result.output
    )
    assert f'Line 4 ({second}, 2026-11-27): Area measured: "-5" is negative' in result.output
    assert f"Line 5 ({first}, 2026-11-27): The same figure is given more than once" in (
        result.output
    )
    assert "3 problem(s); nothing was written" in result.output
    assert entry_count(demo_copy) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00\x81", "neither UTF-8 nor GB18030"),
        (b"cadre,date,value\nx,2026-11-27,1\n", "lacks the column(s): metric"),
        ("干部,日期,指标,数量,面积\n".encode(), 'Unknown column "面积"'),
        (b"cadre,date,metric,value,date\n", 'Column "date" appears twice'),
        (b"cadre,date,metric,value\n\n", "no figures"),
        (b"", "no figures"),
    ],
)
def test_a_sheet_that_cannot_be_read_is_one_clear_line(
    demo_copy: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_bytes(content)
    result = run(demo_copy, "--csv", str(sheet))
    assert result.exit_code == 1
    assert message in result.output and str(sheet) in result.output


def test_warnings_are_written_only_with_yes(demo_copy: Path, tmp_path: Path) -> None:
    placement_id, _, name = members(demo_copy)[0]
    sheet = tmp_path / "late.csv"
    sheet.write_text(
        f"cadre,date,metric,value\n{name},2026-11-27,signed_households,900\n", encoding="utf-8"
    )
    refused = run(demo_copy, "--csv", str(sheet))
    assert refused.exit_code == 1
    assert "Warning: Line 2" in refused.output and "Add --yes" in refused.output
    assert lines(demo_copy, placement_id, TODAY, "signed_households") == []
    written = run(demo_copy, "--csv", str(sheet), "--yes")
    assert written.exit_code == 0, written.output
    assert lines(demo_copy, placement_id, TODAY, "signed_households")[0][0] == 900.0


# -- four writers -----------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import os, sys, time
    from cadre_tui.cli import main

    db, go, today, *jobs = sys.argv[1:]
    while not os.path.exists(go):
        time.sleep(0.005)
    failed = 0
    for job in jobs:
        cadre, value = job.split("=")
        args = ["--db", db, "record", "--today", today, "--cadre", cadre,
                "--date", today, "--metric", "measured_area", "--value", value]
        try:
            main.main(args, standalone_mode=False)
        except SystemExit as exc:
            failed += bool(exc.code)
    print("failed", failed)
    """
)


def test_four_processes_recording_at_once_land_every_figure_once(
    demo_copy: Path, tmp_path: Path
) -> None:
    everyone = members(demo_copy)
    assert len(everyone) >= 20
    jobs = {m[1]: f"{10 + i}.5" for i, m in enumerate(everyone)}
    shares = [list(jobs.items())[k::4] for k in range(4)]
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(demo_copy), str(go), TODAY.isoformat()]
            + [f"{cadre}={value}" for cadre, value in share],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for share in shares
    ]
    before = entry_count(demo_copy)
    go.touch()
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert out.strip().endswith("failed 0"), out + err
    assert entry_count(demo_copy) == before + len(jobs)
    conn = connect(demo_copy)
    try:
        landed = {
            row[0]: (row[1], row[2])
            for row in conn.execute(
                "SELECT cadre_id, COUNT(*), SUM(value) FROM figure_entries"
                " WHERE entry_date = ? AND metric_code = 'measured_area' GROUP BY cadre_id",
                (TODAY.isoformat(),),
            )
        }
        audits = conn.execute(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'figure_entry' AND action = 'create'"
            " AND after_json LIKE ?",
            (f'%"entry_date": "{TODAY.isoformat()}"%',),
        ).fetchone()[0]
    finally:
        conn.close()
    assert landed == {cadre: (1, float(value)) for cadre, value in jobs.items()}
    assert audits == len(jobs)


def test_record_help_is_translated() -> None:
    result = CliRunner().invoke(main, ["--lang", "zh", "record", "--help"])
    assert result.exit_code == 0
    assert "录入统计数据" in result.output and "--csv" in result.output
    assert "--today" not in result.output


def test_the_store_functions_do_not_leak_transactions(demo_copy: Path) -> None:
    conn: sqlite3.Connection = connect(demo_copy)
    try:
        placement_id, cadre_id, _ = members(demo_copy)[0]
        placement = get_placement(conn, placement_id)
        written = figure_ledger.set_day_figure(
            conn,
            placement_id=placement_id,
            cadre_id=cadre_id,
            day=TODAY,
            metric_code="measured_households",
            place=(placement.village_id, None),
            value=1,
        )
        assert written is not None and written.before is None
        assert not conn.in_transaction
    finally:
        conn.close()
