"""``cadre-tui items``: the logistics board's JSON (raw fields beside their words, stable
keys), the overdue filter and the others, the table and markdown within 80 columns in
Chinese, a bad filter as one line with exit 1 — on a small programme built here and
on the demo."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from cadre_tui.cli import main
from cadre_tui.domain.enums import ManagementMode, ReceivingUnitKind
from cadre_tui.store import batches, logistics, units, working_groups
from cadre_tui.store.sqlite import sqlite3

TODAY = dt.date(2026, 11, 27)
ITEM_KEYS = {
    *("id", "batch_number", "receiving_unit_id", "receiving_unit", "group_id", "group"),
    *("category", "category_label", "description", "raised_by", "raised_on", "owner"),
    *("due_on", "state", "state_label", "overdue", "days_overdue", "age_days", "standing"),
    *("resolution", "resolved_on", "meeting_id", "row_version"),
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.fixture
def programme(conn: sqlite3.Connection, db_path: Path) -> Path:
    """Batch 3 with a zone group and a town group; an overdue vehicle item, an
    in-progress meals item not yet due, and a pay item resolved late."""
    zone = units.create_receiving_unit(
        conn,
        code="GX",
        name="高新区",
        kind=ReceivingUnitKind.ZONE,
        default_mode=ManagementMode.STATIONED_VILLAGE,
    )
    town = units.create_receiving_unit(
        conn, code="NT", name="牛塘镇", default_mode=ManagementMode.PROJECT_BASED
    )
    batch = batches.create_batch(conn, number=3, name="第三批抽调干部", start_date=ago(60))
    make = working_groups.create_working_group
    east = make(conn, batch_id=batch.id, receiving_unit_id=zone.id, name="高新区第一工作组")
    west = make(conn, batch_id=batch.id, receiving_unit_id=town.id, name="牛塘镇工作组")
    logistics.raise_item(
        conn,
        group_id=east.id,
        category="vehicle",
        description="下村入户没有公务用车，[急]",
        raised_by="王磊",
        raised_on=ago(20),
        owner="高新区党政办",
        due_on=ago(6),
    )
    meals = logistics.raise_item(
        conn,
        group_id=west.id,
        category="meals_lodging",
        description="驻村干部午餐无着落",
        raised_by="赵敏",
        raised_on=ago(5),
        owner="牛塘镇食堂",
        due_on=TODAY + dt.timedelta(days=8),
    )
    logistics.set_item_state(conn, meals.id, "in_progress", on=ago(2))
    pay = logistics.raise_item(
        conn,
        group_id=west.id,
        category="pay",
        description="交通补贴未发放",
        raised_by="赵敏",
        raised_on=ago(40),
        owner="区财政局",
        due_on=ago(30),
    )
    logistics.set_item_state(conn, pay.id, "resolved", on=ago(25), resolution="已随十月工资发放")
    return db_path


def items_json(db: Path, *extra: str) -> dict:
    result = run("--db", str(db), "items", "--format", "json", "--today", str(TODAY), *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_keeps_raw_fields_beside_their_words(programme: Path) -> None:
    data = items_json(programme)
    assert set(data) == {"today", "filters", "counts", "items"}
    assert data["today"] == "2026-11-27"
    assert data["counts"] == {
        "total": 3,
        "overdue": 1,
        "open": 1,
        "in_progress": 1,
        "resolved": 1,
        "wont_fix": 0,
    }
    first, second, third = data["items"]
    assert all(set(item) == ITEM_KEYS for item in data["items"])
    assert first["description"] == "下村入户没有公务用车，[急]"
    assert first["category"] == "vehicle" and first["category_label"] == "Vehicle"
    assert first["state"] == "open" and first["overdue"] is True and first["days_overdue"] == 6
    assert first["due_on"] == "2026-11-21" and first["age_days"] == 20
    assert first["standing"] == "6 days overdue"
    assert first["group"] == "高新区第一工作组" and first["receiving_unit"] == "高新区"
    assert first["batch_number"] == 3 and first["meeting_id"] is None
    assert second["state"] == "in_progress" and second["standing"] == "Due in 8 days"
    assert third["state"] == "resolved" and third["resolved_on"] == "2026-11-02"
    assert third["resolution"] == "已随十月工资发放" and third["overdue"] is False
    assert third["standing"] == "Resolved 2026-11-02 (late)"
    assert data["filters"] == {
        "batch_number": None,
        "receiving_unit": None,
        "categories": [],
        "states": [],
        "overdue_only": False,
    }


def test_filters_overdue_unit_category_state_and_batch(programme: Path) -> None:
    def descriptions(*extra: str) -> list[str]:
        return [item["description"] for item in items_json(programme, *extra)["items"]]

    assert descriptions("--overdue") == ["下村入户没有公务用车，[急]"]
    assert descriptions("--unit", "牛塘镇") == ["驻村干部午餐无着落", "交通补贴未发放"]
    assert descriptions("--unit", "NT", "--state", "已解决") == ["交通补贴未发放"]
    assert descriptions("--category", "meals_lodging,pay") == [
        "驻村干部午餐无着落",
        "交通补贴未发放",
    ]
    assert descriptions("--category", "Vehicle", "--category", "pay") == [
        "下村入户没有公务用车，[急]",
        "交通补贴未发放",
    ]
    assert descriptions("--batch", "3", "--state", "in_progress") == ["驻村干部午餐无着落"]
    filtered = items_json(programme, "--batch", "3", "--unit", "高新区", "--overdue")["filters"]
    assert filtered["batch_number"] == 3 and filtered["receiving_unit"] == "高新区"
    assert filtered["overdue_only"] is True
    # the due day passes: the in-progress item becomes overdue too
    later = run(
        "--db", str(programme), "items", "--overdue", "--format", "json", "--today", "2026-12-06"
    )
    assert len(json.loads(later.stdout)["items"]) == 2


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--batch", "9"), "no batch 9"),
        (("--unit", "邹区镇"), "邹区镇"),
        (("--category", "helicopter"), "helicopter"),
        (("--state", "stuck"), "stuck"),
    ],
)
def test_a_bad_filter_is_one_line_and_exit_1(programme: Path, args, words) -> None:
    result = CliRunner().invoke(main, ["--db", str(programme), "items", *args])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_table_and_markdown_fit_and_read_in_the_language(programme: Path, lang: str) -> None:
    table = run("--db", str(programme), "--lang", lang, "items", "--today", str(TODAY))
    assert table.exit_code == 0, table.output
    assert all(cell_len(line) <= 80 for line in table.stdout.splitlines())
    assert "[急]" in table.stdout
    if lang == "zh":
        assert "保障事项（2026-11-27）" in table.stdout and "逾期 6 天" in table.stdout
        assert "共 3 项：逾期 1 项" in table.stdout
    markdown = run("--db", str(programme), "--lang", lang, "items", "--format", "markdown")
    assert markdown.exit_code == 0 and markdown.stdout.startswith("## ")
    assert markdown.stdout.count("\n| ") == 4  # the header and three items


def test_no_items_is_said_in_words(db_path: Path, database) -> None:
    result = run("--db", str(db_path), "--lang", "zh", "items")
    assert result.exit_code == 0 and "没有符合条件的保障事项" in result.stdout
    assert items_json(db_path)["items"] == []


def test_items_help_is_translated() -> None:
    result = run("--lang", "zh", "items", "--help")
    assert (
        result.exit_code == 0 and "保障事项看板" in result.stdout and "--overdue" in result.stdout
    )


# -- on the demo ---------------------------------------------------------------------------


def test_the_demos_overdue_items_as_json(demo_db: Path) -> None:
    everything = items_json(demo_db)
    overdue = items_json(demo_db, "--overdue")
    assert len(everything["items"]) >= 30
    assert overdue["counts"]["total"] == everything["counts"]["overdue"] >= 3
    assert all(
        item["overdue"] and item["state"] in ("open", "in_progress") for item in overdue["items"]
    )
    assert all(set(item) == ITEM_KEYS for item in overdue["items"])
    dues = [item["due_on"] for item in overdue["items"]]
    assert dues == sorted(dues) and all(due < "2026-11-27" for due in dues)
    assert everything["items"][: len(dues)] == overdue["items"]  # problems first
    batch_one = items_json(demo_db, "--batch", "1")
    assert batch_one["counts"]["overdue"] == 0
    assert {item["state"] for item in batch_one["items"]} <= {"resolved", "wont_fix"}


def test_the_demos_overdue_table_in_chinese(demo_db: Path) -> None:
    result = run("--db", str(demo_db), "--lang", "zh", "items", "--overdue", "--today", str(TODAY))
    assert result.exit_code == 0, result.output
    assert "逾期" in result.stdout and "工作组" in result.stdout
    assert all(cell_len(line) <= 80 for line in result.stdout.splitlines())
