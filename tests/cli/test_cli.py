"""The command line: status formats on the demo, and clear one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadre_tui import __version__
from cadre_tui.cli import main
from cadre_tui.store.connection import connect, transaction


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_status_json_batch_1_matches_the_seed(demo_db: Path) -> None:
    result = run("--db", str(demo_db), "status", "--batch", "1", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (batch,) = data["batches"]
    assert batch["number"] == 1
    assert batch["cadres"] == 63
    totals = batch["totals"]
    assert 3720 <= totals["measured_households"] <= 3799
    assert 1_570_000 <= totals["measured_area"] <= 1_579_999
    assert 2400 <= totals["signed_households"] <= 2499
    assert 1720 <= totals["demolished_households"] <= 1799
    assert {u["mode"] for u in batch["units"]} == {
        "stationed_village",
        "block_and_line",
        "project_based",
    }
    unit_sum = sum(u["totals"]["measured_households"] for u in batch["units"])
    assert unit_sum == totals["measured_households"]


def test_status_json_matches_the_database(demo_db: Path) -> None:
    result = run("--db", str(demo_db), "status", "--format", "json")
    data = json.loads(result.output)
    conn = connect(demo_db, read_only=True)
    try:
        for batch in data["batches"]:
            rows = conn.execute(
                "SELECT f.metric_code, SUM(f.value) FROM figure_entries f"
                " JOIN placements p ON p.id = f.placement_id"
                " JOIN working_groups g ON g.id = p.group_id"
                " JOIN batches b ON b.id = g.batch_id WHERE b.number = ?"
                " GROUP BY f.metric_code",
                (batch["number"],),
            ).fetchall()
            for code, total in rows:
                assert abs(batch["totals"][code] - total) < 0.05, (batch["number"], code)
    finally:
        conn.close()
    assert [b["cadres"] for b in data["batches"]] == [63, 25, 39]


def test_status_db_option_after_the_subcommand(demo_db: Path) -> None:
    result = run("status", "--db", str(demo_db), "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["batches"]) == 3


def test_status_markdown_and_table_in_chinese(demo_db: Path) -> None:
    md = run("--lang", "zh", "--db", str(demo_db), "status", "--format", "markdown")
    assert md.exit_code == 0
    assert "## 第1批" in md.output
    assert "| 项目 |" in md.output
    assert "蹲点" in md.output and "条块结合" in md.output and "项目管理" in md.output
    table = run("--lang", "zh", "--db", str(demo_db), "status", "--batch", "2")
    assert table.exit_code == 0
    assert "第2批" in table.output and "合计" in table.output


def test_status_unknown_batch_is_one_clear_line(demo_db: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(demo_db), "status", "--batch", "9"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: There is no batch 9"


def test_missing_database_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nope.db"
    result = CliRunner().invoke(main, ["--db", str(path), "status"])
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not path.exists()


def test_directory_instead_of_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path), "status"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite" * 100)
    result = CliRunner().invoke(main, ["--db", str(path), "status"])
    assert result.exit_code == 1
    assert "Cannot read the database" in result.output


def test_locked_database_says_so(database) -> None:  # noqa: ANN001
    holder = connect(database.path)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        with transaction(holder):
            holder.execute("INSERT INTO programme (id, name) VALUES (1, 'x')")
        result = CliRunner().invoke(main, ["--db", str(database.path), "status"])
    finally:
        holder.close()
    assert result.exit_code == 1
    assert "held by someone else" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_demo_refuses_to_overwrite_without_force(demo_copy: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--db", str(demo_copy)])
    assert result.exit_code == 1
    assert "--force" in result.output or "force" in result.output.lower()


@pytest.mark.parametrize("screen", ["dashboard", "pool", "round", "batches"])
def test_the_app_stamps_its_first_painted_data_for_the_benchmarks(
    demo_db: Path, tmp_path: Path, screen: str
) -> None:
    """CADRE_TUI_PAINT_STAMP gets the wall clock of the frame that shows the start
    screen's data; CADRE_TUI_EXIT_AFTER_PAINT then ends the app (benchmarks/_common)."""
    stamp = tmp_path / "painted"
    env = dict(os.environ, CADRE_TUI_EXIT_AFTER_PAINT="1", CADRE_TUI_PAINT_STAMP=str(stamp))
    launched = time.time_ns()
    done = subprocess.run(
        [sys.executable, "-m", "cadre_tui", "--db", str(demo_db), "--read-only"]
        + ["--screen", screen],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    ended = time.time_ns()
    assert done.returncode == 0, done.stderr.decode()
    assert launched < int(stamp.read_text(encoding="ascii")) < ended
