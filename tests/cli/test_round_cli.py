"""``cadre-tui round`` on the demo: the JSON board shows every state, ``--late``
lists the units to remind with masked phones, and a missing round is one line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cadre_tui.cli import main

TODAY = "2026-11-27"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def board(demo_db: Path, *extra: str) -> dict:
    result = run("--db", str(demo_db), "round", "--today", TODAY, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_board_of_the_demo_round(demo_db: Path) -> None:
    data = board(demo_db)
    assert data["year"] == 2026 and data["deadline"] == "2026-12-31"
    assert data["days_to_deadline"] == 34
    assert data["quota"] == {"min": 1, "max": 2}
    assert data["rules"]["judged_on"] == "2026-12-31"
    counts = data["counts"]
    assert all(counts[state] >= 1 for state in counts), counts
    assert counts["over_quota"] == 1 and counts["ineligible_nominee"] == 1
    assert counts["submitted"] > counts["not_submitted"] >= 3
    assert sum(counts.values()) == len(data["units"])
    order = ["ineligible_nominee", "over_quota", "not_submitted", "under_quota", "submitted"]
    states = [unit["state"] for unit in data["units"]]
    assert states == sorted(states, key=order.index)
    (odd,) = [u for u in data["units"] if u["state"] == "ineligible_nominee"]
    flagged = [n for n in odd["nominees"] if not n["eligible"]]
    assert flagged and flagged[0]["exception_reason"] and flagged[0]["reasons"]
    (over,) = [u for u in data["units"] if u["state"] == "over_quota"]
    assert over["standing"] > over["quota"]["max"]
    (under,) = [u for u in data["units"] if u["state"] == "under_quota"]
    assert under["quota"]["own"] and under["standing"] < under["quota"]["min"]
    assert any(n["state"] == "returned" for u in data["units"] for n in u["nominees"])
    assert any(n["state"] == "approved" for u in data["units"] for n in u["nominees"])


def test_late_lists_only_units_not_submitted_with_masked_phones(demo_db: Path) -> None:
    data = board(demo_db, "--late")
    assert data["units"] and {u["state"] for u in data["units"]} == {"not_submitted"}
    for unit in data["units"]:
        assert unit["leader_in_charge"] and "****" in unit["leader_phone"]
        assert unit["nominees"] == []
    table = run("--lang", "zh", "--db", str(demo_db), "round", "--today", TODAY, "--late")
    assert table.exit_code == 0
    assert "分管领导" in table.output and "****" in table.output
    assert data["units"][0]["name"] in table.output


def test_table_and_markdown_in_chinese(demo_db: Path) -> None:
    table = run("--lang", "zh", "--db", str(demo_db), "round", "--year", "2026", "--today", TODAY)
    assert table.exit_code == 0
    assert "还有 34 天" in table.output
    for words in ("未报送", "超出名额", "人数不足", "人选不符合条件", "已报送"):
        assert words in table.output
    md = run("--lang", "zh", "--db", str(demo_db), "round", "--format", "markdown")
    assert md.exit_code == 0 and md.output.startswith("## 2026年度推荐人选")
    assert "| 状态 | 单位 |" in md.output


def test_a_year_without_a_round_is_one_clear_line(demo_db: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(demo_db), "round", "--year", "2019"])
    assert result.exit_code == 1
    assert "No recommendation round for 2019" in result.output


def test_round_help_is_translated() -> None:
    result = run("--lang", "zh", "round", "--help")
    assert result.exit_code == 0
    assert "年度推荐" in result.output and "--late" in result.output
    assert "--today" not in result.output
