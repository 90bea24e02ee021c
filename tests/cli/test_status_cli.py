"""``cadre-tui status`` for field reviews on the demo: one unit, one group, figures
since a day, who has stopped reporting; JSON that matches the ledger, and text or
markdown to paste into a chat that fits a phone's 40 columns with ``--narrow``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from cadre_tui.cli import main
from cadre_tui.services import field_status as fs
from cadre_tui.store.connection import connect

DEMO_TODAY = dt.date(2026, 11, 27)
"""The day the session demo (tests/conftest.py) is built as of."""

TODAY = DEMO_TODAY.isoformat()


def run(*args: str, lang: str = "en"):  # noqa: ANN201 - a click Result
    return CliRunner().invoke(
        main, ["--lang", lang, *args, "--today", TODAY], catch_exceptions=False
    )


def status(demo_db: Path, *args: str, lang: str = "en") -> str:
    result = run("--db", str(demo_db), "status", *args, lang=lang)
    assert result.exit_code == 0, result.output
    return result.output


def active_group(demo_db: Path) -> tuple[int, str]:
    conn = connect(demo_db, read_only=True)
    try:
        row = conn.execute(
            "SELECT g.id, g.name FROM working_groups g JOIN batches b ON b.id = g.batch_id"
            " WHERE b.state = 'active' ORDER BY g.id LIMIT 1"
        ).fetchone()
        return row[0], row[1]
    finally:
        conn.close()


def ledger_sum(demo_db: Path, where: str, params: tuple) -> dict[str, float]:
    conn = connect(demo_db, read_only=True)
    try:
        rows = conn.execute(
            "SELECT f.metric_code, SUM(f.value) FROM figure_entries f"
            " JOIN placements p ON p.id = f.placement_id"
            f" JOIN working_groups g ON g.id = p.group_id WHERE {where} GROUP BY f.metric_code",
            params,
        ).fetchall()
        return {code: total for code, total in rows}
    finally:
        conn.close()


# -- narrow enough for a phone -------------------------------------------------------------


NARROW_VIEWS = [
    (),
    ("--batch", "3"),
    ("--unit", "HT"),
    ("--unit", "高新区", "--since", "2026-11-01"),
    ("--group", "GROUP"),
    ("--not-reporting",),
    ("--not-reporting", "--days", "1"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("view", NARROW_VIEWS)
def test_narrow_lines_fit_forty_cells(demo_db: Path, lang: str, fmt: str, view: tuple) -> None:
    _, name = active_group(demo_db)
    args = [name if arg == "GROUP" else arg for arg in view]
    output = status(demo_db, *args, "--format", fmt, "--narrow", lang=lang)
    lines = output.splitlines()
    assert len(lines) > 2
    too_wide = [line for line in lines if cell_len(line) > 40]
    assert not too_wide, too_wide


def test_wide_text_is_not_wrapped(demo_db: Path) -> None:
    output = status(demo_db, "--format", "text", "--batch", "1", lang="zh")
    assert "丈量面积㎡ 1,570,259 /" in output
    assert "第1批 第一批抽调干部（已结束，63名干部）" in output


# -- what the text says --------------------------------------------------------------------------


def test_text_for_the_programme(demo_db: Path) -> None:
    output = status(demo_db, "--format", "text", lang="zh")
    assert output.splitlines()[1] == f"截至{TODAY}"
    for number in (1, 2, 3):
        assert f"第{number}批" in output
    assert "本周+" in output  # the active batch shows this week's figures
    assert "天以上未报送：" in output
    assert output.count("丈量户数 ") == 3


def test_markdown_for_a_group_bolds_headings_and_lists_members(demo_db: Path) -> None:
    group_id, name = active_group(demo_db)
    output = status(demo_db, "--group", str(group_id), "--format", "markdown", lang="zh")
    lines = output.splitlines()
    assert lines[0].startswith(f"**{name} · ")
    members = [line for line in lines if line.startswith("- ")]
    conn = connect(demo_db, read_only=True)
    try:
        count = conn.execute(
            "SELECT COUNT(DISTINCT cadre_id) FROM placements WHERE group_id = ?", (group_id,)
        ).fetchone()[0]
    finally:
        conn.close()
    assert len(members) == count
    assert "（组长）" in members[0]


def test_not_reporting_text_names_the_group_leader(demo_db: Path) -> None:
    conn = connect(demo_db, read_only=True)
    try:
        silent = fs.not_reporting(conn, DEMO_TODAY)
    finally:
        conn.close()
    assert silent, "the demo plants cadres who have gone quiet"
    output = status(demo_db, "--not-reporting", "--format", "text", lang="zh")
    assert f"3天以上未报送：{len(silent)}人" in output.splitlines()[0]
    first = silent[0]
    assert f"{first.name} · {first.days}天" in output
    assert f"组长{first.leader}" in output
    table = status(demo_db, "--not-reporting", lang="zh")
    assert first.name in table and str(first.days) in table


# -- JSON against the ledger ---------------------------------------------------------------------


def test_group_json_matches_the_ledger(demo_db: Path) -> None:
    group_id, name = active_group(demo_db)
    data = json.loads(status(demo_db, "--group", name, "--format", "json"))
    assert data["as_of"] == TODAY and data["since"] is None
    assert data["group"]["id"] == group_id and data["group"]["kind"] == "group"
    expected = ledger_sum(demo_db, "p.group_id = ?", (group_id,))
    for code, metric in data["group"]["metrics"].items():
        assert metric["total"] == pytest.approx(expected.get(code, 0), abs=0.05)
        assert len(metric["weekly"]) == 8
        if metric["target"]:
            assert metric["percent"] == pytest.approx(
                metric["total"] / metric["target"] * 100, abs=0.05
            )
        members = sum(m["metrics"][code]["total"] for m in data["members"])
        assert members == pytest.approx(metric["total"], abs=0.05)
    assert data["leader"] == next(iter(data["members"]))["name"]


def test_unit_json_since_a_day(demo_db: Path) -> None:
    data = json.loads(status(demo_db, "--unit", "NT", "--since", "2026-11-11", "--format", "json"))
    assert data["since"] == "2026-11-11"
    (entry,) = data["units"]  # the active batch only, without --batch
    unit = entry["unit"]
    assert (entry["batch"], unit["kind"]) == (3, "unit")
    expected = ledger_sum(
        demo_db,
        "g.batch_id = 3 AND g.receiving_unit_id = ? AND f.entry_date >= '2026-11-11'",
        (unit["id"],),
    )
    for code, metric in unit["metrics"].items():
        assert metric["total"] == pytest.approx(expected.get(code, 0), abs=0.05)
        groups = sum(g["metrics"][code]["total"] for g in entry["groups"])
        assert groups == pytest.approx(metric["total"], abs=0.05)
    every = json.loads(status(demo_db, "--unit", "NT", "--batch", "1", "--format", "json"))
    assert [u["batch"] for u in every["units"]] == [1]


def test_programme_json_since_a_day(demo_db: Path) -> None:
    data = json.loads(status(demo_db, "--since", "2026-11-04", "--format", "json"))
    assert data["since"] == "2026-11-04"
    (active,) = [b for b in data["batches"] if b["number"] == 3]
    expected = ledger_sum(demo_db, "g.batch_id = 3 AND f.entry_date >= '2026-11-04'", ())
    for code, total in active["totals"].items():
        assert total == pytest.approx(expected.get(code, 0), abs=0.05)
    closed = [b for b in data["batches"] if b["number"] != 3]
    assert all(total == 0 for b in closed for total in b["totals"].values())
    plain = json.loads(status(demo_db, "--format", "json"))
    assert "since" not in plain


def test_not_reporting_json(demo_db: Path) -> None:
    data = json.loads(status(demo_db, "--not-reporting", "--days", "5", "--format", "json"))
    assert (data["as_of"], data["days"]) == (TODAY, 5)
    assert data["not_reporting"], "someone has been quiet for five days in the demo"
    days = [row["days"] for row in data["not_reporting"]]
    assert days == sorted(days, reverse=True) and min(days) >= 5
    assert set(data["not_reporting"][0]) == {
        "cadre_id",
        "name",
        "group_id",
        "group",
        "leader",
        "last_entry",
        "days",
    }


# -- tables and mistakes ---------------------------------------------------------------------


def test_unit_and_group_tables_fit_eighty_columns(demo_db: Path) -> None:
    group_id, _ = active_group(demo_db)
    for args in (("--unit", "GX"), ("--group", str(group_id))):
        output = status(demo_db, *args, lang="zh")
        assert max(cell_len(line) for line in output.splitlines()) <= 80
        assert "合计" in output and "%" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--unit", "GX", "--group", "1"), "--unit and --group cannot be used together"),
        (("--group", "no such group"), "No working group is called or numbered no such group"),
        (("--unit", "XX"), "No receiving unit has the code or name XX"),
        (("--unit", "GX", "--batch", "9"), "There is no batch 9"),
        (("--days", "-1"), "-1"),
    ],
)
def test_mistakes_are_one_clear_line(demo_db: Path, args: tuple, message: str) -> None:
    result = CliRunner().invoke(main, ["--db", str(demo_db), "status", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
