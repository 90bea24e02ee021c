"""The config's ``[eligibility]`` reaches the commands that judge cadres: with
``max_age = 30`` (or ``CADRE_TUI_MAX_AGE=30``) ``cadre-tui round`` and ``export round``
flag the demo's nominees over 30, and a bad value is named once on stderr while the
seed's 35 is used."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadre_tui.cli import main
from cadre_tui.config import ELIGIBILITY_ENVIRONMENT, ELIGIBILITY_RANGES

TODAY = "2026-11-27"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def board(demo_db: Path) -> dict:
    result = run("--db", str(demo_db), "round", "--today", TODAY, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def nominees(data: dict) -> dict[int, tuple[str, dict]]:
    """Each nominee by cadre id, with their unit's state."""
    return {n["cadre_id"]: (u["state"], n) for u in data["units"] for n in u["nominees"]}


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("CADRE_TUI_CONFIG", str(path))
    for name in ELIGIBILITY_ENVIRONMENT.values():
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.mark.parametrize("where", ["file", "environment"])
def test_round_flags_nominees_over_the_configured_age(
    demo_db: Path, config_file: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    seed_data = board(demo_db)
    seed = nominees(seed_data)
    over = {
        cadre_id
        for cadre_id, (_, n) in seed.items()
        if 30 < n["age"] <= 35 and n["eligible"] and n["state"] == "nominated"
    }
    assert any(seed[cadre_id][1]["age"] == 32 for cadre_id in over)
    if where == "file":
        config_file.write_text("[eligibility]\nmax_age = 30\n", encoding="utf-8")
    else:
        monkeypatch.setenv("CADRE_TUI_MAX_AGE", "30")
    data = board(demo_db)
    assert data["rules"]["max_age"] == 30
    configured = nominees(data)
    for cadre_id in over:
        state, nominee = configured[cadre_id]
        assert not nominee["eligible"] and nominee["failed_rules"] == ["age"], nominee
        assert nominee["reasons"] == ["Older than 30"]
        assert state == "ineligible_nominee"
    assert data["counts"]["ineligible_nominee"] > seed_data["counts"]["ineligible_nominee"]


def test_export_round_says_the_configured_age(
    demo_db: Path, config_file: Path, tmp_path: Path
) -> None:
    config_file.write_text("[eligibility]\nmax_age = 30\n", encoding="utf-8")
    out = tmp_path / "round.csv"
    result = run("--db", str(demo_db), "export", "round", "--today", TODAY, "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes()[3:].decode("utf-8"), newline="")))
    reasons = [row[14] for row in rows[1:]]
    assert "Older than 30" in reasons


@pytest.mark.parametrize("value", ['"old"', "0"])
def test_a_bad_max_age_is_named_and_the_seeds_value_used(
    demo_db: Path, config_file: Path, value: str
) -> None:
    config_file.write_text(f"[eligibility]\nmax_age = {value}\n", encoding="utf-8")
    result = run("--db", str(demo_db), "round", "--today", TODAY, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rules"]["max_age"] == 35
    (problem,) = [line for line in result.stderr.splitlines() if line.strip()]
    low, high = ELIGIBILITY_RANGES["max_age"]
    assert "eligibility.max_age" in problem and value in problem
    assert str(low) in problem and str(high) in problem
