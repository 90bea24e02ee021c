"""Names are listed by pinyin (张 under Z) wherever cadres are listed by name: the
round's nominees (board, CLI and what batch formation offers first) and a batch's
members (tree, CLI groups), ordered in SQL by the stored name_pinyin column."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from cadre_tui.cli import main
from cadre_tui.domain.enums import CadreCategory, Gender, ManagementMode
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.store import batches, cadres, placements, units, working_groups
from cadre_tui.store import recommendations as rounds
from cadre_tui.store.group_shapes import batch_members
from cadre_tui.store.round_nominees import approved_nominees, nominee_rows
from cadre_tui.store.sqlite import sqlite3

ENTERED = ["张伟", "安娜", "李明"]
BY_PINYIN = ["安娜", "李明", "张伟"]
TODAY = dt.date(2026, 11, 27)


def add_cadres(conn: sqlite3.Connection) -> list[int]:
    unit = units.create_sending_unit(conn, code="D17", name="区财政局")
    birth = dt.date(1995, 3, 1)
    return [
        cadres.create_cadre(
            conn,
            NewCadre(
                name=name,
                gender=Gender.MALE,
                birth_date=birth,
                id_number=make_id_number("320412", birth, 2 * n + 1, "M"),
                sending_unit_id=unit.id,
                category=CadreCategory.NEW_CIVIL_SERVANT,
            ),
        ).id
        for n, name in enumerate(ENTERED)
    ]


def names_of(conn: sqlite3.Connection, ids: list[int]) -> list[str]:
    found = cadres.cadres_by_id(conn, ids)
    return [found[i].name for i in ids]


def test_the_round_lists_nominees_by_pinyin(conn: sqlite3.Connection, db_path: Path) -> None:
    ids = add_cadres(conn)
    round_ = rounds.create_round(conn, 2026)
    made = [rounds.nominate(conn, round_.id, [i], today=TODAY)[0] for i in ids]
    assert [row.name for row in nominee_rows(conn, round_.id)] == BY_PINYIN
    for rec in made:
        rounds.approve(conn, rec.id)
    assert [c.name for c in approved_nominees(conn, 2026)] == BY_PINYIN
    result = CliRunner().invoke(
        main, ["--db", str(db_path), "round", "--year", "2026", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    listed = [n["name"] for u in json.loads(result.output)["units"] for n in u["nominees"]]
    assert listed == BY_PINYIN


def test_a_group_lists_its_members_by_pinyin(conn: sqlite3.Connection, db_path: Path) -> None:
    ids = add_cadres(conn)
    town = units.create_receiving_unit(
        conn, code="NT", name="牛塘镇", default_mode=ManagementMode.BLOCK_AND_LINE
    )
    batch = batches.create_batch(
        conn, number=1, name="第一批", start_date=TODAY, receiving_unit_ids=[town.id]
    )
    group = working_groups.create_working_group(
        conn, batch_id=batch.id, receiving_unit_id=town.id, name="牛塘镇工作组"
    )
    placements.add_members(conn, group.id, ids, TODAY)
    assert names_of(conn, ids) == ENTERED
    assert [m.place.name for m in batch_members(conn, batch.id)] == BY_PINYIN
    result = CliRunner().invoke(
        main, ["--db", str(db_path), "groups", "--batch", "1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    (shown,) = json.loads(result.output)["groups"]
    assert [m["name"] for m in shown["members"]] == BY_PINYIN
