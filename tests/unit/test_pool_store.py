"""The pool store on small hand-made pools: each search shape, filter and sort,
keyset paging, the triggers that keep search indexes and current groups right,
saved filters, and the migration on a database that already holds cadres."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from cadre_tui.domain.eligibility import EligibilityRules, is_eligible
from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.domain.pool_query import PoolFilter, PoolOrder, PoolSort
from cadre_tui.errors import CadreError
from cadre_tui.store import (
    audit,
    batches,
    cadres,
    placements,
    pool,
    pool_filter,
    pool_indexes,
    pool_sql,
    units,
    working_groups,
)
from cadre_tui.store import saved_filters as saved
from cadre_tui.store.connection import connect, transaction
from cadre_tui.store.migrate import _build_migrations, migrate, migration_names
from cadre_tui.store.sqlite import sqlite3

TODAY = dt.date(2026, 11, 27)
START = dt.date(2024, 3, 4)
BY_NAME = PoolOrder()


def record(name: str, unit: int, n: int, **changes: object) -> NewCadre:
    """A cadre born in 1995 (31 today) unless the birth date is given."""
    birth = changes.pop("birth_date", dt.date(1995, 3, 1))
    gender = changes.pop("gender", Gender.MALE)
    return NewCadre(
        name=name,
        gender=gender,  # type: ignore[arg-type]
        birth_date=birth,  # type: ignore[arg-type]
        id_number=str(changes.pop("id_number", make_id_number("320412", birth, n, gender.value))),  # type: ignore[union-attr]
        sending_unit_id=unit,
        category=changes.pop("category", CadreCategory.RESERVE_CADRE),  # type: ignore[arg-type]
        **changes,  # type: ignore[arg-type]
    )


def id_ending_in_x(birth: dt.date) -> str:
    return next(
        number
        for seq in range(501, 999, 2)
        if (number := make_id_number("110105", birth, seq, "M")).endswith("X")
    )


def make_groups(conn: sqlite3.Connection, *names: str) -> tuple[int, list[int]]:
    """(a village, groups) of a batch in a stationed-village zone that takes leaders."""
    zone = units.create_receiving_unit(
        conn, code="R1", name="高新区", default_mode="stationed_village"
    )
    batch = batches.create_batch(conn, number=1, name="一批", start_date=START, allow_leaders=True)
    made = [
        working_groups.create_working_group(
            conn, batch_id=batch.id, receiving_unit_id=zone.id, name=n
        )
        for n in names
    ]
    return units.add_village(conn, zone.id, "新村").id, [group.id for group in made]


def place(conn, village: int, group: int, cadre: int, start=START, ended=None) -> int:
    placed = placements.place_cadre(
        conn,
        group_id=group,
        cadre_id=cadre,
        start_date=start,
        village_id=village,
        exception_reason="经部务会研究同意",  # kept only for a cadre who fails a rule
    )
    if ended:
        placements.end_placement(conn, placed.id, ended)
    return placed.id


@pytest.fixture
def pool_data(conn: sqlite3.Connection) -> SimpleNamespace:
    finance = units.create_sending_unit(conn, code="D1", name="区财政局").id
    education = units.create_sending_unit(conn, code="D2", name="区教育局").id
    town = units.create_sending_unit(conn, code="T1", name="张渚镇").id
    x_birth = dt.date(1992, 7, 9)
    people = [
        record("张伟", finance, 1, party_status=PartyStatus.MEMBER, post="科员"),
        record("张伟强", education, 3, birth_date=dt.date(1980, 1, 5), post="科长"),
        record("王张", finance, 5, gender=Gender.FEMALE, category=CadreCategory.SERVING_LEADER),
        record("章伟", education, 7, party_status=PartyStatus.LEAGUE),
        record("欧阳娜娜", town, 9, gender=Gender.FEMALE, birth_date=dt.date(2000, 2, 29)),
        record("李四", finance, 11, status=CadreStatus.ARCHIVED),
        record("曾华", education, 13, id_number=id_ending_in_x(x_birth), birth_date=x_birth),
        record("赵六", finance, 15, status=CadreStatus.RECOMMENDED, post="副科长"),
    ]
    cadres.insert_cadres(conn, people)
    ids = {row[1]: row[0] for row in conn.execute("SELECT id, name FROM cadres")}
    return SimpleNamespace(finance=finance, education=education, town=town, ids=ids)


def names(conn: sqlite3.Connection, flt: PoolFilter, order: PoolOrder = BY_NAME, **kw):
    return [row.name for row in pool.page(conn, flt, order, today=TODAY, **kw).rows]


def found(conn: sqlite3.Connection, text: str, **filters: object) -> set[str]:
    flt = PoolFilter(text=text, **filters)  # type: ignore[arg-type]
    got = set(names(conn, flt))
    assert pool.count(conn, flt, today=TODAY) == len(got)
    return got


# -- search ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张", {"张伟", "张伟强", "王张", "欧阳娜娜"}),  # 欧阳娜娜's unit is 张渚镇
        ("伟", {"张伟", "张伟强", "章伟"}),
        ("张伟", {"张伟", "张伟强"}),
        ("张伟强", {"张伟强"}),
        ("欧阳娜", {"欧阳娜娜"}),
        ("教育", {"张伟强", "章伟", "曾华"}),
        ("财政局", {"张伟", "王张", "赵六"}),  # 李四 is archived
        ("zhangw", {"张伟", "张伟强", "章伟"}),  # 章 is zhang too
        ("ZHANGW", {"张伟", "张伟强", "章伟"}),
        ("zw", {"张伟", "张伟强", "章伟"}),
        ("zh", {"张伟", "张伟强", "章伟", "曾华", "赵六"}),  # 曾华: zeng hua, initials zh
        ("ouyang", {"欧阳娜娜"}),
        ("oynn", {"欧阳娜娜"}),
        ("x", set()),
        ("12", set()),
        ("123", set()),
        ("a1", set()),
    ],
)
def test_search_shapes(conn: sqlite3.Connection, pool_data, text: str, expected: set) -> None:
    assert found(conn, text) == expected


def test_id_tail_with_x(conn: sqlite3.Connection, pool_data) -> None:
    number = conn.execute("SELECT id_number FROM cadres WHERE name = '曾华'").fetchone()[0]
    assert found(conn, number[-4:].lower()) == {"曾华"}
    assert found(conn, number[-7:]) == {"曾华"}
    assert found(conn, number[-5:-1]) == set()  # the tail, not a substring
    assert found(conn, number[-3:]) == set()  # too short


def test_full_width_and_spaces_are_normalised(conn: sqlite3.Connection, pool_data) -> None:
    assert found(conn, " ｚｈａｎｇ ｗ ") == {"张伟", "张伟强", "章伟"}


# -- filters -----------------------------------------------------------------------------


def test_archived_are_hidden_unless_asked(conn: sqlite3.Connection, pool_data) -> None:
    assert "李四" not in names(conn, PoolFilter())
    assert names(conn, PoolFilter(statuses=frozenset({CadreStatus.ARCHIVED}))) == ["李四"]
    everyone = PoolFilter(statuses=frozenset(CadreStatus))
    assert pool.count(conn, everyone, today=TODAY) == 8
    assert pool.count(conn, PoolFilter(), today=TODAY) == 7


def test_each_filter(conn: sqlite3.Connection, pool_data) -> None:
    assert found(conn, "", statuses=frozenset({CadreStatus.RECOMMENDED})) == {"赵六"}
    leaders = frozenset({CadreCategory.SERVING_LEADER})
    assert found(conn, "", categories=leaders) == {"王张"}
    assert found(conn, "", sending_unit_ids=frozenset({pool_data.town})) == {"欧阳娜娜"}
    assert found(conn, "", party_statuses=frozenset({PartyStatus.LEAGUE})) == {"章伟"}
    assert found(conn, "", age_min=40) == {"张伟强"}
    assert found(conn, "", age_max=26) == {"欧阳娜娜"}  # born 29 Feb 2000: 26 today
    assert found(conn, "", age_min=31, age_max=31) == {"张伟", "王张", "章伟", "赵六"}


def test_filters_combine_with_each_other_and_the_search(
    conn: sqlite3.Connection, pool_data
) -> None:
    finance = frozenset({pool_data.finance})
    assert found(conn, "张", sending_unit_ids=finance) == {"张伟", "王张"}
    assert found(conn, "zw", age_max=35, sending_unit_ids=finance) == {"张伟"}
    both = frozenset({CadreStatus.RECOMMENDED, CadreStatus.ARCHIVED})
    assert found(conn, "", statuses=both, sending_unit_ids=finance) == {"李四", "赵六"}
    assert found(conn, "伟", party_statuses=frozenset({PartyStatus.MEMBER})) == {"张伟"}


def test_eligible_only_follows_the_rules(conn: sqlite3.Connection, pool_data) -> None:
    village, (group,) = make_groups(conn, "一组")
    ids = pool_data.ids
    place(conn, village, group, ids["张伟"])  # serving now
    place(conn, village, group, ids["章伟"], ended=dt.date(2025, 6, 30))  # back < 2 years
    place(conn, village, group, ids["曾华"], ended=dt.date(2024, 9, 30))  # back > 2 years
    eligible = found(conn, "", eligible_only=True)
    # 张伟强 is 46, 王张 a serving leader, 李四 archived
    assert eligible == {"欧阳娜娜", "曾华", "赵六"}
    wider = EligibilityRules(max_age=50, cooling_off_years=1, allow_leaders=True)
    got = set(names(conn, PoolFilter(eligible_only=True), rules=wider))
    assert got == {"张伟强", "王张", "章伟", "欧阳娜娜", "曾华", "赵六"}
    for name in ids:
        facts = pool.eligibility_facts(conn, ids[name], TODAY)
        assert is_eligible(facts, TODAY, EligibilityRules()) == (name in eligible), name
    assert pool.eligibility_facts(conn, ids["章伟"], TODAY).last_secondment_ended == dt.date(
        2025, 6, 30
    )
    assert pool.eligibility_facts(conn, ids["张伟"], TODAY).in_active_placement
    with pytest.raises(CadreError):
        pool.eligibility_facts(conn, 9999, TODAY)


# -- sorting and paging ------------------------------------------------------------------


@pytest.mark.parametrize("sort", list(PoolSort))
@pytest.mark.parametrize("descending", [False, True])
def test_each_sort_both_ways(
    conn: sqlite3.Connection, pool_data, sort: PoolSort, descending: bool
) -> None:
    order = PoolOrder(sort=sort, descending=descending)
    rows = pool.page(conn, PoolFilter(), order, today=TODAY).rows
    keys = [row.key for row in rows]
    assert len(rows) == 7
    assert keys == sorted(keys, reverse=descending)
    assert len(set(keys)) == len(keys)
    assert keys[0][-1] == rows[0].id  # the key ends with the id: the order is total


def test_sort_values(conn: sqlite3.Connection, pool_data) -> None:
    def by(sort: PoolSort, **kw: bool) -> list[str]:
        return names(conn, PoolFilter(), PoolOrder(sort=sort, **kw))

    # 张伟 and 章伟 are both zhangwei: the id decides
    assert by(PoolSort.NAME) == ["欧阳娜娜", "王张", "曾华", "张伟", "章伟", "张伟强", "赵六"]
    assert by(PoolSort.NAME, by_pinyin=False) == sorted(by(PoolSort.NAME))
    assert by(PoolSort.AGE)[:2] == ["欧阳娜娜", "王张"]  # youngest first, then by name
    assert by(PoolSort.AGE)[-1] == "张伟强"
    assert by(PoolSort.GENDER)[:2] == ["欧阳娜娜", "王张"]  # F before M
    # units by name (区教育局 < 区财政局 < 张渚镇), then pinyin
    assert by(PoolSort.UNIT) == ["曾华", "章伟", "张伟强", "王张", "张伟", "赵六", "欧阳娜娜"]


def test_keyset_pages_cover_the_result_once(conn: sqlite3.Connection, pool_data) -> None:
    order = PoolOrder(sort=PoolSort.UNIT, descending=True)
    whole = names(conn, PoolFilter(), order)
    first = pool.page(conn, PoolFilter(), order, today=TODAY, limit=3)
    assert (first.more_before, first.more_after) == (False, True)
    second = pool.page(conn, PoolFilter(), order, today=TODAY, after=first.rows[-1].key, limit=3)
    third = pool.page(conn, PoolFilter(), order, today=TODAY, after=second.rows[-1].key, limit=3)
    assert (third.more_before, third.more_after) == (True, False)
    assert [r.name for r in first.rows + second.rows + third.rows] == whole
    last = pool.page(conn, PoolFilter(), order, today=TODAY, from_end=True, limit=3)
    assert [r.name for r in last.rows] == whole[-3:]
    assert (last.more_before, last.more_after) == (True, False)
    back = pool.page(conn, PoolFilter(), order, today=TODAY, before=last.rows[0].key, limit=3)
    assert [r.name for r in back.rows] == whole[-6:-3]
    assert pool.position(conn, PoolFilter(), order, back.rows[0].key, today=TODAY) == 1
    with pytest.raises(ValueError):
        pool.page(conn, PoolFilter(), order, today=TODAY, after=(1,), before=(2,))


def test_matching_ids_and_unit_choices(conn: sqlite3.Connection, pool_data) -> None:
    ids = pool_data.ids
    assert pool.matching_ids(conn, PoolFilter(text="张伟"), today=TODAY) == sorted(
        [ids["张伟"], ids["张伟强"]]
    )
    assert [name for _, name in pool.unit_choices(conn)] == sorted(
        ["区财政局", "区教育局", "张渚镇"]
    )


def test_rows_show_age_unit_and_group(conn: sqlite3.Connection, pool_data) -> None:
    village, (group,) = make_groups(conn, "一组")
    cadre_id = pool_data.ids["章伟"]
    placed = place(conn, village, group, cadre_id)
    row = pool.page(conn, PoolFilter(text="章伟"), PoolOrder(), today=TODAY).rows[0]
    assert (row.group, row.sending_unit, row.age, row.post) == ("一组", "区教育局", 31, "")
    assert row.key == (row.key[0], cadre_id)
    by_group = names(conn, PoolFilter(), PoolOrder(sort=PoolSort.GROUP))
    assert by_group[0] == "章伟"  # cadres without a group come after
    assert names(conn, PoolFilter(), PoolOrder(sort=PoolSort.GROUP, descending=True))[-1] == "章伟"
    placements.end_placement(conn, placed, dt.date(2025, 1, 1))
    assert pool.page(conn, PoolFilter(text="章伟"), BY_NAME, today=TODAY).rows[0].group == ""


# -- indexes kept right by triggers ------------------------------------------------------


def test_search_follows_a_rename_and_a_delete(conn: sqlite3.Connection, pool_data) -> None:
    cadre = cadres.get_cadre(conn, pool_data.ids["张伟强"])
    cadres.update_cadre(conn, cadre.id, dataclasses.replace(cadre.record(), name="司马光明"))
    assert found(conn, "张伟强") == set()
    assert found(conn, "张伟") == {"张伟"}
    assert found(conn, "光") == {"司马光明"}
    assert found(conn, "司马光") == {"司马光明"}
    assert found(conn, "smg") == {"司马光明"}
    with transaction(conn):
        conn.execute("DELETE FROM cadres WHERE id = ?", (pool_data.ids["张伟"],))
    assert found(conn, "张伟") == set()
    ids = {r[0] for r in conn.execute("SELECT rowid FROM cadre_name_grams('\"伟\" OR 光明')")}
    assert pool_data.ids["张伟"] not in ids
    assert pool_data.ids["张伟强"] in ids  # renamed 司马光明


def test_current_group_follows_placements(conn: sqlite3.Connection, pool_data) -> None:
    village, (one, two) = make_groups(conn, "一组", "二组")
    cadre_id = pool_data.ids["曾华"]

    def current() -> int | None:
        sql = "SELECT current_group_id FROM cadres WHERE id = ?"
        return conn.execute(sql, (cadre_id,)).fetchone()[0]

    first = place(conn, village, one, cadre_id)
    assert current() == one
    placements.end_placement(conn, first, dt.date(2024, 6, 1))
    assert current() is None
    second = place(conn, village, two, cadre_id, start=dt.date(2024, 6, 2))
    assert current() == two
    with transaction(conn):
        conn.execute("UPDATE placements SET group_id = ? WHERE id = ?", (one, second))
    assert current() == one
    with transaction(conn):
        conn.execute("DELETE FROM placements WHERE id = ?", (second,))
    assert current() is None


def test_a_bulk_load_rebuilds_what_it_suspends(conn: sqlite3.Connection, pool_data) -> None:
    sql = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'cadres' ORDER BY name"
    before = conn.execute(sql).fetchall()
    with pool_indexes.suspended(conn):
        assert [row[0] for row in conn.execute(sql) if row[2]] == ["table"]
        cadres.insert_cadres(conn, [record("诸葛亮", pool_data.finance, 21)])
    assert conn.execute(sql).fetchall() == before
    assert found(conn, "葛亮") == found(conn, "zgl") == {"诸葛亮"}
    assert found(conn, "张伟") == {"张伟", "张伟强"}


# -- plans -------------------------------------------------------------------------------


def plan_of(conn: sqlite3.Connection, sql: str, params: tuple) -> str:
    return " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


@pytest.mark.parametrize("sort", list(PoolSort))
def test_every_sort_walks_its_index_without_sorting(
    conn: sqlite3.Connection, sort: PoolSort
) -> None:
    for by_pinyin in (True, False):
        order = PoolOrder(sort=sort, by_pinyin=by_pinyin)
        whole, _ = pool_filter.streams(conn, PoolFilter(), order, TODAY, EligibilityRules())
        if whole.walk.by_unit:  # walked one unit at a time
            whole = pool_sql.segments(whole, None, False, [(1, "区财政局")])[0][0]
        key = tuple(["x"] * (len(whole.walk.keys) - 1) + [5])
        statements = [
            (*pool_sql.walk_sql(whole, key, True, None), 51),
            (*pool_sql.walk_sql(whole, key, False, ("y", *key[1:])), 51),
            (*pool_sql.bound_sql(whole, key, True), 1023),
        ]
        for sql, params, last in statements:
            plan = plan_of(conn, sql, (*params, last))
            assert whole.walk.index in plan
            assert "TEMP B-TREE" not in plan, plan


def test_a_name_sorted_search_reads_no_table_rows(conn: sqlite3.Connection) -> None:
    flt = PoolFilter(text="伟", categories=frozenset({CadreCategory.RESERVE_CADRE}), age_max=35)
    whole, parts = pool_filter.streams(conn, flt, PoolOrder(), TODAY, EligibilityRules(max_age=40))
    rest = parts[1]
    assert pool_sql.walk_is_covered(rest)
    sql, params = pool_sql.walk_sql(rest, ("a", 1), False, ("b", 2))
    assert "COVERING INDEX cadres_pool_by_pinyin" in plan_of(conn, sql, (*params, 51))


def test_searches_use_their_indexes(conn: sqlite3.Connection) -> None:
    for text, index in (
        ("张", "cadre_name_grams"),
        ("张伟强", "cadre_name_grams"),
        ("1234", "cadres_id_tail"),
        ("zw", "cadres_initials"),
    ):
        whole, _ = pool_filter.streams(
            conn, PoolFilter(text=text), PoolOrder(sort=PoolSort.AGE), TODAY, EligibilityRules()
        )
        sql, params = pool_sql.candidates_sql(whole, whole.sources[0], None, False)
        assert index in plan_of(conn, sql, (*params, 51)), text


# -- saved filters -----------------------------------------------------------------------


def test_saved_filters_round_trip_and_are_audited(conn: sqlite3.Connection) -> None:
    flt = PoolFilter(text="张", categories=frozenset({CadreCategory.RESERVE_CADRE}), age_max=35)
    saved.save_filter(conn, "  年轻后备 ", flt)
    assert saved.list_saved_filters(conn) == [("年轻后备", flt)]
    changed = dataclasses.replace(flt, eligible_only=True)
    saved.save_filter(conn, "年轻后备", changed)
    saved.save_filter(conn, "年轻后备", changed)  # unchanged: nothing written
    saved.save_filter(conn, "全部", PoolFilter())
    assert saved.list_saved_filters(conn) == [("全部", PoolFilter()), ("年轻后备", changed)]
    saved.delete_saved_filter(conn, "全部")
    assert [name for name, _ in saved.list_saved_filters(conn)] == ["年轻后备"]
    actions = [(e["action"], e["entity"]) for e in reversed(audit.entries(conn, "saved_filter"))]
    assert actions == [
        ("create", "saved_filter"),
        ("update", "saved_filter"),
        ("create", "saved_filter"),
        ("delete", "saved_filter"),
    ]
    row = conn.execute("SELECT created_by FROM saved_filters").fetchone()
    assert row[0] == audit.current_actor()


@pytest.mark.parametrize(
    ("name", "key"),
    [("  ", "pool_store.filter_name_empty"), ("长" * 41, "pool_store.filter_name_too_long")],
)
def test_bad_filter_names_are_refused(conn: sqlite3.Connection, name: str, key: str) -> None:
    with pytest.raises(CadreError) as caught:
        saved.save_filter(conn, name, PoolFilter())
    assert caught.value.key == key
    assert conn.execute("SELECT count(*) FROM saved_filters").fetchone()[0] == 0
    with pytest.raises(CadreError) as missing:
        saved.delete_saved_filter(conn, "没有")
    assert missing.value.key == "pool_store.filter_not_found"


def test_an_unreadable_saved_filter_is_skipped(conn: sqlite3.Connection) -> None:
    saved.save_filter(conn, "好", PoolFilter(text="王"))
    with transaction(conn):
        conn.execute(
            "INSERT INTO saved_filters (name, filter_json, created_by, created_at)"
            " VALUES ('新版本', '{\"statuses\": [\"retired\"]}', 'x', 'y')"
        )
    assert saved.list_saved_filters(conn) == [("好", PoolFilter(text="王"))]


# -- migration on data -------------------------------------------------------------------


def test_migration_indexes_cadres_already_in_the_database(tmp_path: Path) -> None:
    from sqlite_utils import Database

    conn = connect(tmp_path / "old.db")
    try:
        with transaction(conn):
            db = Database(conn, recursive_triggers=False, execute_plugins=False)
            _build_migrations().apply(db, stop_before="0003_pool_search")
        assert "0003_pool_search" in migration_names()
        unit = units.create_sending_unit(conn, code="D1", name="区财政局").id
        cadres.insert_cadres(conn, [record("张伟", unit, 1), record("李强", unit, 3)])
        _village, (group,) = make_groups(conn, "一组")
        place(conn, None, group, 1)  # no village: that table came later (0004)
        assert "0003_pool_search" in migrate(conn)
        assert found(conn, "伟") == {"张伟"}
        assert found(conn, "强") == {"李强"}
        assert found(conn, "lq") == {"李强"}
        assert (
            pool.page(conn, PoolFilter(text="张"), PoolOrder(), today=TODAY).rows[0].group == "一组"
        )
    finally:
        conn.close()


def test_the_demo_search_agrees_with_a_scan(demo_db: Path) -> None:
    conn = connect(demo_db, read_only=True)
    try:
        surname = conn.execute(
            "SELECT substr(name, 1, 1) FROM cadres GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        for text in (surname, surname + "伟"):
            scanned = {
                row[0]
                for row in conn.execute(
                    "SELECT c.id FROM cadres c JOIN sending_units u ON u.id = c.sending_unit_id"
                    " WHERE (instr(c.name, ?) OR instr(u.name, ?)) AND c.status != 'archived'",
                    (text, text),
                )
            }
            assert set(pool.matching_ids(conn, PoolFilter(text=text), today=TODAY)) == scanned
            rows = pool.page(conn, PoolFilter(text=text), PoolOrder(), today=TODAY, limit=1000).rows
            assert {row.id for row in rows} == scanned
        grouped = conn.execute(
            "SELECT count(*) FROM cadres WHERE current_group_id IS NOT NULL"
        ).fetchone()[0]
        active = conn.execute("SELECT count(*) FROM placements WHERE end_date IS NULL").fetchone()[
            0
        ]
        assert grouped == active > 0
    finally:
        conn.close()
