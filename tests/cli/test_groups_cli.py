"""``cadre-tui groups`` on a small programme built here: the JSON names every
group's people, places and problems; the table fits 80 columns in both
languages; markdown has a section per group; an unknown batch is one line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from cadre_tui.cli import main
from cadre_tui.domain.enums import (
    CadreCategory,
    Gender,
    LineSide,
    ManagementMode,
    PartyStatus,
    PlacementRole,
    ReceivingUnitKind,
)
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.store import batches, cadres, group_changes, placements, units, working_groups
from cadre_tui.store.sqlite import sqlite3

START = dt.date(2026, 3, 2)
LONG_OFFICE = "湖塘镇人民政府二楼东侧拆迁指挥部联合办公室（长虹路与湖塘大道交叉口）"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def cadre(conn: sqlite3.Connection, unit_id: int, name: str, sequence: int, party: bool) -> int:
    birth = dt.date(1994, 5, 17)
    record = NewCadre(
        name=name,
        gender=Gender.MALE,
        birth_date=birth,
        id_number=make_id_number("320412", birth, sequence, "M"),
        sending_unit_id=unit_id,
        category=CadreCategory.RESERVE_CADRE,
        party_status=PartyStatus.MEMBER if party else PartyStatus.MASSES,
        party_joined_on=dt.date(2015, 6, 1) if party else None,
        work_started_on=dt.date(2016, 8, 1),
    )
    return cadres.create_cadre(conn, record).id


@pytest.fixture
def programme(conn: sqlite3.Connection, db_path: Path) -> Path:
    """Batch 2 is active with a group per mode; batch 3 is newer but still planning.
    Problems: 北庄村 is covered without a cadre, project 大运河南移工程 has no owner,
    李娜's party relation is still pending."""
    finance = units.create_sending_unit(conn, code="D17", name="区财政局")
    housing = units.create_sending_unit(conn, code="D21", name="区住房和城乡建设局")
    zone = units.create_receiving_unit(
        conn,
        code="GX",
        name="高新区",
        kind=ReceivingUnitKind.ZONE,
        default_mode=ManagementMode.STATIONED_VILLAGE,
        deputy_party_secretary="顾建忠",
    )
    hutang = units.create_receiving_unit(
        conn,
        code="HT",
        name="湖塘镇",
        default_mode=ManagementMode.BLOCK_AND_LINE,
        deputy_party_secretary="钱振华",
    )
    niutang = units.create_receiving_unit(
        conn, code="NT", name="牛塘镇", default_mode=ManagementMode.PROJECT_BASED
    )
    nantian = units.add_village(conn, zone.id, "南田村", 1200)
    xihu = units.add_village(conn, zone.id, "西湖村", 900)
    beizhuang = units.add_village(conn, zone.id, "北庄村", 600)
    team = units.add_field_team(conn, hutang.id, "长虹片区拆迁工作组")
    road = units.add_project(conn, niutang.id, "312国道改道牛塘段一期")
    units.add_project(conn, niutang.id, "大运河南移工程牛塘段一期")
    officer = units.add_officer(conn, "陆晓东", "13900001111")

    all_units = [zone.id, hutang.id, niutang.id]
    batches.create_batch(conn, number=1, name="第一批", start_date=dt.date(2025, 3, 1))
    batch = batches.create_batch(
        conn,
        number=2,
        name="第二批抽调干部",
        start_date=START,
        planned_end=dt.date(2026, 8, 31),
        receiving_unit_ids=all_units,
    )
    batches.create_batch(conn, number=3, name="第三批", start_date=dt.date(2026, 9, 1))
    groups = {}
    for unit, office in ((zone, "南田村村委会"), (hutang, LONG_OFFICE), (niutang, "")):
        groups[unit.default_mode] = working_groups.create_working_group(
            conn,
            batch_id=batch.id,
            receiving_unit_id=unit.id,
            name=f"{unit.name}工作组",
            liaison_officer_id=officer.id,
            sending_leader_in_charge="周建国",
            office=office,
        )

    def place(mode: ManagementMode, cadre_id: int, **shape) -> None:
        placements.place_cadre(
            conn, group_id=groups[mode].id, cadre_id=cadre_id, start_date=START, **shape
        )

    village = ManagementMode.STATIONED_VILLAGE
    place(
        village,
        cadre(conn, finance.id, "张伟", 1, party=True),
        role=PlacementRole.LEADER,
        village_id=nantian.id,
        party_transferred_on=START,
    )
    place(village, cadre(conn, housing.id, "李娜", 3, party=True), village_id=xihu.id)
    group_changes.set_covered_villages(conn, groups[village].id, [beizhuang.id])
    block = ManagementMode.BLOCK_AND_LINE
    place(block, cadre(conn, finance.id, "王强", 5, False), role="leader", line_side=LineSide.LINE)
    place(
        block,
        cadre(conn, housing.id, "赵敏", 7, party=False),
        role=PlacementRole.DEPUTY,
        line_side=LineSide.BLOCK,
        field_team_id=team.id,
    )
    place(
        ManagementMode.PROJECT_BASED,
        cadre(conn, housing.id, "陈刚", 9, party=False),
        role=PlacementRole.LEADER,
        project_ids=[road.id],
    )
    batches.start_batch(conn, batch.id)
    return db_path


def groups_json(db: Path, *extra: str) -> dict:
    result = run("--db", str(db), "groups", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_names_each_group_its_people_places_and_problems(programme: Path) -> None:
    data = groups_json(programme)
    assert data["batch"] == {
        "number": 2,
        "name": "第二批抽调干部",
        "state": "active",
        "start_date": "2026-03-02",
        "planned_end": "2026-08-31",
    }
    by_mode = {g["mode"]: g for g in data["groups"]}
    assert list(by_mode) == ["stationed_village", "block_and_line", "project_based"]

    village = by_mode["stationed_village"]
    assert {k: village[k] for k in ("name", "unit", "state", "leader", "deputy", "liaison")} == {
        "name": "高新区工作组",
        "unit": "高新区",
        "state": "active",
        "leader": "张伟",
        "deputy": None,
        "liaison": "陆晓东",
    }
    assert village["branch_secretary"] == "顾建忠" and village["office"] == "南田村村委会"
    assert village["sending_leader_in_charge"] == "周建国"
    assert village["receiving_leader_in_charge"] is None
    assert (village["party_members"], village["party_pending"]) == (2, 1)
    assert village["covered_villages"] == ["南田村", "西湖村", "北庄村"]
    assert village["members"] == [
        {
            "name": "张伟",
            "role": "leader",
            "place": "南田村",
            "sending_unit": "区财政局",
            "party_pending": False,
        },
        {
            "name": "李娜",
            "role": "member",
            "place": "西湖村",
            "sending_unit": "区住房和城乡建设局",
            "party_pending": True,
        },
    ]
    assert village["problems"] == [
        {
            "kind": "village_uncovered",
            "subject": "北庄村",
            "count": None,
            "text": "北庄村 has no cadre",
        },
        {
            "kind": "party_pending",
            "subject": None,
            "count": 1,
            "text": "1 party relation(s) not yet transferred",
        },
    ]

    block = by_mode["block_and_line"]
    assert (block["leader"], block["deputy"], block["branch_secretary"]) == (
        "王强",
        "赵敏",
        "钱振华",
    )
    assert block["office"] == LONG_OFFICE
    assert [(m["name"], m["role"], m["place"]) for m in block["members"]] == [
        ("王强", "leader", "town office"),
        ("赵敏", "deputy", "长虹片区拆迁工作组"),
    ]
    assert block["problems"] == [] and block["covered_villages"] == []

    project = by_mode["project_based"]
    assert project["office"] is None and project["branch_secretary"] is None
    assert [(m["name"], m["place"]) for m in project["members"]] == [
        ("陈刚", "312国道改道牛塘段一期")
    ]
    assert project["problems"] == [
        {
            "kind": "project_unowned",
            "subject": "大运河南移工程牛塘段一期",
            "count": None,
            "text": "Project 大运河南移工程牛塘段一期 has no owner",
        }
    ]


def test_json_speaks_the_output_language_but_keeps_its_codes(programme: Path) -> None:
    data = groups_json(programme, "--lang", "zh")
    block = next(g for g in data["groups"] if g["mode"] == "block_and_line")
    assert block["state"] == "active" and block["members"][0]["role"] == "leader"
    assert block["members"][0]["place"] == "镇拆迁办"
    project = next(g for g in data["groups"] if g["mode"] == "project_based")
    assert project["problems"][0]["text"] == "项目“大运河南移工程牛塘段一期”无负责人"


def test_a_batch_by_number_and_one_without_groups(programme: Path) -> None:
    data = groups_json(programme, "--batch", "3")
    assert data["batch"]["number"] == 3 and data["batch"]["state"] == "planning"
    assert data["groups"] == []
    table = run("--db", str(programme), "groups", "--batch", "3")
    assert table.exit_code == 0 and "This batch has no working groups yet" in table.stdout


def test_an_unknown_batch_is_one_line_and_exit_1(programme: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(programme), "groups", "--batch", "99"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["Error: There is no batch 99"]
    zh = CliRunner().invoke(
        main, ["--lang", "zh", "--db", str(programme), "groups", "--batch", "99"]
    )
    assert zh.exit_code == 1 and zh.stderr.splitlines() == ["错误：没有第 99 批"]


def table_lines(db: Path, lang: str) -> list[str]:
    result = run("--db", str(db), "groups", "--lang", lang)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_english_table_fits_80_columns_and_marks_problems(
    programme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    lines = table_lines(programme, "en")
    assert max(cell_len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert lines[0] == "Batch 2 第二批抽调干部 (Active): 3 groups, 5 cadres, 2 open problems"
    assert "高新区工作组 — 高新区 · Stationed by village · Active" in text.replace("\n", " ")
    assert "⚠ 北庄村 has no cadre" in lines
    assert "⚠ Project 大运河南移工程牛塘段一期 has no owner" in lines
    assert "✓ No open problems" in lines
    assert "李娜 *" in text and "town office" in text


def test_chinese_table_fits_80_columns_with_a_long_office(
    programme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    lines = table_lines(programme, "zh")
    assert max(cell_len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert lines[0].startswith("第2批 第二批抽调干部（进行中）")
    for words in ("蹲点", "条块结合", "项目管理", "临时党支部书记", "顾建忠", "组织关系待转"):
        assert words in text
    assert "⚠ 北庄村 无驻村干部" in lines
    assert "✓ 无待解决问题" in lines
    assert "镇拆迁办" in text and "长虹片区拆迁工作组" in text
    squeezed = "".join(line.strip() for line in lines)
    assert "指挥部联合办公室" in squeezed


def test_markdown_has_a_section_per_group(programme: Path) -> None:
    result = run("--db", str(programme), "groups", "--format", "markdown", "--lang", "zh")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# 第2批")
    sections = [line for line in lines if line.startswith("## ")]
    assert sections == [
        "## 高新区工作组 — 高新区 · 蹲点 · 工作中",
        "## 湖塘镇工作组 — 湖塘镇 · 条块结合 · 工作中",
        "## 牛塘镇工作组 — 牛塘镇 · 项目管理 · 工作中",
    ]
    assert "| 姓名 | 职务 | 岗位 | 派出单位 |" in lines
    assert "| 李娜 * | 组员 | 西湖村 | 区住房和城乡建设局 |" in lines
    assert "- 组长：张伟" in lines and "- 组织关系待转：1/2" in lines
    assert "- ⚠ 项目“大运河南移工程牛塘段一期”无负责人" in lines


def test_an_empty_database_has_no_batch(db_path: Path, database) -> None:
    assert groups_json(db_path) == {"batch": None, "groups": []}
    result = run("--db", str(db_path), "groups")
    assert result.exit_code == 0 and result.stdout.strip() == "No batches yet"


def test_groups_help_is_listed_and_translated() -> None:
    listing = run("--lang", "zh", "--help")
    assert "groups" in listing.stdout and "管理模式" in listing.stdout
    own = run("groups", "--help", "--lang", "en")
    words = " ".join(own.stdout.split())
    assert "--batch" in words and "the active batch, else the newest" in words


def test_groups_does_not_import_textual(programme: Path) -> None:
    code = (
        "import sys\n"
        "from cadre_tui.cli import main\n"
        f"main(['--db', {str(programme)!r}, 'groups'], standalone_mode=False)\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_demo_shows_the_active_third_batch_with_every_mode(demo_db: Path) -> None:
    data = groups_json(demo_db)
    assert data["batch"]["number"] == 3 and data["batch"]["state"] == "active"
    assert {g["mode"] for g in data["groups"]} == {
        "stationed_village",
        "block_and_line",
        "project_based",
    }
    assert all(g["leader"] and g["members"] for g in data["groups"])
