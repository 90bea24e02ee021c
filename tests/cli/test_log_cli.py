"""``cadre-tui log`` on a copy of the demo: the newest changes in words within 80
columns in both languages, JSON with the raw row and its phrase, a cadre's and a
group's whole history with ``--entity KIND:ID``, the filters, and one-line errors."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from cadre_tui.cli import main
from cadre_tui.i18n import t
from cadre_tui.store import cadres, placements
from cadre_tui.store.connection import connect


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def changed(demo_copy: Path) -> tuple[Path, int, int]:
    """The demo with one cadre's post and phone changed: (path, cadre id, group id)."""
    conn = connect(demo_copy)
    try:
        (group,) = conn.execute(
            "SELECT g.id FROM working_groups g JOIN batches b ON b.id = g.batch_id"
            " WHERE b.state = 'active' AND g.name = '湖塘镇工作组'"
        ).fetchone()
        member = next(p for p in placements.list_placements(conn, group_id=group) if p.is_active)
        cadre = cadres.get_cadre(conn, member.cadre_id)
        record = dataclasses.replace(cadre.record(), post="拆迁办副主任", phone="13900001111")
        cadres.update_cadre(conn, cadre.id, record)
    finally:
        conn.close()
    return demo_copy, cadre.id, member.group_id


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_newest_changes_fit_80_columns(changed: tuple[Path, int, int], lang: str) -> None:
    path, _, _ = changed
    result = run("--lang", lang, "--db", str(path), "log", "--limit", "5")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == t("history.log_title", lang=lang, count=5)
    assert all(cell_len(line) <= 80 for line in lines)
    assert t("history.action.cadre.update", lang=lang) in result.output
    assert "拆迁办副主任" in result.output
    assert "13900001111" not in result.output


def test_json_has_the_raw_row_masked_and_its_words(changed: tuple[Path, int, int]) -> None:
    path, cadre_id, _ = changed
    result = run("--db", str(path), "log", "--limit", "3", "--format", "json")
    data = json.loads(result.output)
    assert len(data) == 3
    first = data[0]
    assert (first["entity"], first["action"], first["entity_id"]) == ("cadre", "update", cadre_id)
    assert first["phrase"] == "Record updated"
    assert first["after"]["post"] == "拆迁办副主任"
    assert first["after"]["phone"] == "139****1111"
    assert first["at"].endswith("+00:00") and len(first["at_local"]) == 16
    assert "undoes" in first and first["actor"]


def test_a_cadres_whole_history(changed: tuple[Path, int, int]) -> None:
    path, cadre_id, group_id = changed
    result = run("--db", str(path), "log", "--entity", f"cadre:{cadre_id}", "--format", "json")
    data = json.loads(result.output)
    kinds = {(row["entity"], row["action"]) for row in data}
    assert ("cadre", "update") in kinds and ("placement", "create") in kinds
    about = {"cadre", "placement", "recommendation", "meeting", "training_session"}
    assert {row["entity"] for row in data} <= about
    table = run("--db", str(path), "log", "--entity", f"cadre:{cadre_id}")
    assert "Placed in group" in table.output


def test_a_groups_whole_history(changed: tuple[Path, int, int]) -> None:
    path, _, group_id = changed
    result = run("--db", str(path), "log", "--entity", f"group:{group_id}", "--format", "json")
    data = json.loads(result.output)
    assert ("working_group", "create") in {(row["entity"], row["action"]) for row in data}
    assert sum(row["action"] == "create" and row["entity"] == "placement" for row in data) >= 5


def test_filters(changed: tuple[Path, int, int]) -> None:
    path, _, _ = changed
    by_kind = json.loads(
        run("--db", str(path), "log", "--entity", "batch", "--format", "json").output
    )
    assert by_kind and {row["entity"] for row in by_kind} == {"batch"}
    assert run("--db", str(path), "log", "--since", "2999-01-01").output.strip() == t(
        "history.log_empty"
    )
    assert run("--db", str(path), "log", "--actor", "nobody-at-all").output.strip() == t(
        "history.log_empty"
    )
    mine = json.loads(run("--db", str(path), "log", "--format", "json").output)[0]["actor"]
    assert json.loads(run("--db", str(path), "log", "--actor", mine, "--format", "json").output)


def test_read_only_is_enough(changed: tuple[Path, int, int]) -> None:
    path, _, _ = changed
    result = run("--read-only", "--db", str(path), "log", "--limit", "2")
    assert result.exit_code == 0 and "Record updated" in result.output


@pytest.mark.parametrize(
    ("entity", "message"),
    [
        ("bogus", 'Unknown kind of record "bogus"'),
        ("cadre:x", "Write the record as KIND:ID"),
        ("cadre:999999", "No cadre with the number 999999"),
        ("group:999999", "No working group with the number 999999"),
    ],
)
def test_a_wrong_entity_is_one_clear_line(demo_db: Path, entity: str, message: str) -> None:
    result = CliRunner().invoke(main, ["--db", str(demo_db), "log", "--entity", entity])
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_help_is_translated() -> None:
    result = run("--lang", "zh", "log", "--help")
    assert t("cli.help.log_since", lang="zh") in result.output
    assert "log" in run("--help").output
