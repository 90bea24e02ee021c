"""The pool's queries against brute force: a few hundred random cadres (names from
a small character set, so matches and ties are common), random filters and
orders; paging forward and backward must give exactly what a plain Python
filter and sort of every row gives, whichever plan the store picks."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadre_tui.domain.eligibility import CadreFacts, EligibilityRules, is_eligible
from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.domain.pool_query import PoolFilter, PoolOrder, PoolSort, SearchKind
from cadre_tui.store import batches, cadres, placements, pool, pool_sql, units, working_groups
from cadre_tui.store.database import open_database
from cadre_tui.store.sqlite import sqlite3

TODAY = dt.date(2026, 11, 27)
SURNAMES = ["张", "王", "李", "章", "欧阳", "曾", "单", "长孙"]
GIVEN = ["伟", "强", "张", "丽", "华", "王", "平", "章", "a", "Ｂ"]
UNIT_NAMES = ["区财政局", "区教育局", "张渚镇", "王母办", "区委组织部"]
POSTS = ["科员", "副科长", "科长", ""]
GROUP_KEY_NONE = 2**63 - 1

REASON = "经部务会研究同意"
"""Random cadres are placed whatever their age: the pool, not eligibility, is tested."""


def _name(rng: random.Random, index: int) -> str:
    if index == 7:
        return "阿依古丽·买买提" * 5  # longer than the 32 characters a search looks at
    if index == 8:
        return "Smith张"
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _build(path: Path) -> None:
    rng = random.Random(20261127)
    conn = open_database(path).connect()
    try:
        unit_ids = [
            units.create_sending_unit(conn, code=f"S{i}", name=name).id
            for i, name in enumerate(UNIT_NAMES)
        ]
        records = []
        for index in range(300):
            gender = rng.choice([Gender.MALE, Gender.FEMALE])
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(16_000))
            party = rng.choice(list(PartyStatus))
            records.append(
                NewCadre(
                    name=_name(rng, index),
                    gender=gender,
                    birth_date=birth,
                    id_number=make_id_number("320412", birth, 2 * index + 1, gender.value),
                    sending_unit_id=rng.choice(unit_ids),
                    category=rng.choice(list(CadreCategory)),
                    party_status=party,
                    post=rng.choice(POSTS),
                    status=rng.choice(list(CadreStatus)),
                )
            )
        cadres.insert_cadres(conn, records)
        zone = units.create_receiving_unit(
            conn, code="R1", name="高新区", default_mode="stationed_village"
        )
        village = units.add_village(conn, zone.id, "新村")
        batch = batches.create_batch(
            conn, number=1, name="第一批", start_date=dt.date(2023, 1, 2), allow_leaders=True
        )
        groups = [
            working_groups.create_working_group(
                conn, batch_id=batch.id, receiving_unit_id=zone.id, name=f"第{n}组"
            ).id
            for n in (1, 2, 3)
        ]
        pickable = [
            row[0] for row in conn.execute("SELECT id FROM cadres WHERE status != 'archived'")
        ]
        for cadre_id in rng.sample(pickable, 60):
            placed = placements.place_cadre(
                conn,
                group_id=rng.choice(groups),
                cadre_id=cadre_id,
                start_date=dt.date(2023, 1, 2),
                village_id=village.id,
                exception_reason=REASON,
            )
            if rng.random() < 0.6:
                ended = dt.date(2023, 2, 1) + dt.timedelta(days=rng.randrange(1350))
                placements.end_placement(conn, placed.id, ended)
                if rng.random() < 0.3:
                    placements.place_cadre(
                        conn,
                        group_id=rng.choice(groups),
                        cadre_id=cadre_id,
                        start_date=ended,
                        village_id=village.id,
                        exception_reason=REASON,
                    )
    finally:
        conn.close()


@dataclass(frozen=True)
class Truth:
    id: int
    name: str
    pinyin: str
    initials: str
    gender: str
    birth: dt.date
    id_number: str
    unit_id: int
    unit: str
    post: str
    category: str
    party: str
    status: str
    group_id: int | None
    group: str
    last_ended: dt.date | None


def _truth(conn: sqlite3.Connection) -> list[Truth]:
    """Every cadre read plainly; the group from placements, not the store's column."""
    rows = conn.execute(
        "SELECT c.id, c.name, c.name_pinyin, c.name_initials, c.gender, c.birth_date,"
        " c.id_number, c.sending_unit_id, u.name, c.post, c.category, c.party_status, c.status,"
        " (SELECT p.group_id FROM placements p WHERE p.cadre_id = c.id AND p.end_date IS NULL),"
        " (SELECT g.name FROM placements p JOIN working_groups g ON g.id = p.group_id"
        "  WHERE p.cadre_id = c.id AND p.end_date IS NULL),"
        " (SELECT max(end_date) FROM placements p WHERE p.cadre_id = c.id)"
        " FROM cadres c JOIN sending_units u ON u.id = c.sending_unit_id"
    ).fetchall()
    return [
        Truth(
            *row[:5],
            dt.date.fromisoformat(row[5]),
            *row[6:13],
            row[13],
            row[14] or "",
            dt.date.fromisoformat(row[15]) if row[15] else None,
        )
        for row in rows
    ]


@pytest.fixture(scope="module")
def pool_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pool") / "pool.db"
    _build(path)
    return path


@pytest.fixture(scope="module")
def truth(pool_db: Path) -> list[Truth]:
    conn = open_database(pool_db).connect()
    try:
        return _truth(conn)
    finally:
        conn.close()


@pytest.fixture
def reader(pool_db: Path) -> Iterator[sqlite3.Connection]:
    conn = open_database(pool_db).connect()
    try:
        yield conn
    finally:
        conn.close()


def _age(birth: dt.date) -> int:
    return TODAY.year - birth.year - ((TODAY.month, TODAY.day) < (birth.month, birth.day))


def matches(row: Truth, flt: PoolFilter, rules: EligibilityRules) -> bool:
    text, kind = flt.search, flt.kind
    if kind is SearchKind.CHINESE:
        if text not in row.name[:32] and text not in row.unit:
            return False
    elif kind is SearchKind.PINYIN:
        if not (row.pinyin.startswith(text) or row.initials.startswith(text)):
            return False
    elif kind is SearchKind.ID_TAIL:
        if not row.id_number.endswith(text):
            return False
    elif kind is not SearchKind.NONE:
        return False
    statuses = {s.value for s in flt.statuses}
    if (row.status not in statuses) if statuses else row.status == "archived":
        return False
    for chosen, value in (
        ({c.value for c in flt.categories}, row.category),
        (set(flt.sending_unit_ids), row.unit_id),
        ({p.value for p in flt.party_statuses}, row.party),
    ):
        if chosen and value not in chosen:
            return False
    earliest, latest = flt.birth_date_range(TODAY)
    if (earliest and row.birth < earliest) or (latest and row.birth > latest):
        return False
    if flt.eligible_only:
        facts = CadreFacts(
            category=CadreCategory(row.category),
            status=CadreStatus(row.status),
            age=_age(row.birth),
            in_active_placement=row.group_id is not None,
            last_secondment_ended=row.last_ended,
        )
        return is_eligible(facts, TODAY, rules)
    return True


def sort_key(row: Truth, order: PoolOrder) -> tuple:
    birth = row.birth
    by = {
        PoolSort.NAME: row.pinyin if order.by_pinyin else row.name,
        PoolSort.GENDER: row.gender,
        PoolSort.AGE: 99_999_999 - (birth.year * 10_000 + birth.month * 100 + birth.day),
        PoolSort.UNIT: row.unit,
        PoolSort.POST: row.post,
        PoolSort.CATEGORY: row.category,
        PoolSort.PARTY: row.party,
        PoolSort.STATUS: row.status,
        PoolSort.GROUP: GROUP_KEY_NONE if row.group_id is None else row.group_id,
    }[order.sort]
    if order.sort is PoolSort.NAME:
        return (by, row.id)
    return (by, row.pinyin, row.id)


def expected(truth: list[Truth], flt: PoolFilter, order: PoolOrder, rules: EligibilityRules):
    found = [row for row in truth if matches(row, flt, rules)]
    return sorted(found, key=lambda row: sort_key(row, order), reverse=order.descending)


def forward(conn, flt, order, rules, limit) -> list[int]:
    seen, after, more = [], None, True
    while more:
        got = pool.page(conn, flt, order, today=TODAY, rules=rules, after=after, limit=limit)
        assert got.more_before == (after is not None)
        seen += [row.id for row in got.rows]
        more, after = got.more_after, got.rows[-1].key if got.rows else None
        assert len(seen) <= 400, "paging does not end"
    return seen


def backward(conn, flt, order, rules, limit) -> list[int]:
    got = pool.page(conn, flt, order, today=TODAY, rules=rules, from_end=True, limit=limit)
    assert not got.more_after
    seen = [row.id for row in got.rows]
    while got.more_before:
        got = pool.page(
            conn, flt, order, today=TODAY, rules=rules, before=got.rows[0].key, limit=limit
        )
        assert got.more_after
        seen = [row.id for row in got.rows] + seen
        assert len(seen) <= 400, "paging does not end"
    return seen


PLANS = {
    "chosen": {},
    "always_read_candidates": {"MIN_THRESHOLD": 10**9, "MAX_THRESHOLD": 10**9},
    "always_walk": {"MIN_THRESHOLD": 1, "MAX_THRESHOLD": 1, "BUDGET_FACTOR": 10**9},
    "walk_gives_up": {"MIN_THRESHOLD": 1, "MAX_THRESHOLD": 1, "BUDGET_FACTOR": 0},
    "narrow_walks": {"MIN_THRESHOLD": 1, "MAX_THRESHOLD": 1, "NARROW_SHARE": 1},
}


def _texts(truth: list[Truth]) -> list[str]:
    """Search texts drawn from the data: every kind the search box knows."""
    rng = random.Random(7)
    texts = [""] * 12 + [
        "12",
        "a1b",
        "张",
        "王",
        "章",
        "欧阳",
        "长孙",
        "局",
        "区委",
        "渚镇",
        "·买",
        "丽·",
    ]
    texts += ["Smith", "h张", "z", "zh", "zw", "ouy", "chang", "zhangsun", "cs", "x", "qq"]
    for row in rng.sample(truth, 40):
        start = rng.randrange(len(row.name))
        texts.append(row.name[start : start + rng.randint(1, 4)])
        texts.append(row.pinyin[: rng.randint(1, 7)])
        texts.append(row.initials[: rng.randint(1, 3)])
        texts.append(row.id_number[-rng.randint(4, 7) :])
    return texts


@pytest.mark.parametrize("plan", sorted(PLANS))
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_paging_equals_brute_force(
    plan: str, data: st.DataObject, reader, truth, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in PLANS[plan].items():
        monkeypatch.setattr(pool, name, value)
    unit_ids = sorted({row.unit_id for row in truth})

    def some(values: list, most: int) -> frozenset:
        """Usually nothing (filters combine to nothing fast), sometimes a few values."""
        if data.draw(st.integers(0, 3)):
            return frozenset()
        size = data.draw(st.sampled_from([1, 1, most]))
        return data.draw(st.frozensets(st.sampled_from(values), min_size=1, max_size=size))

    ages = data.draw(st.sampled_from([(None, None)] * 4 + [(None, 40), (30, None), (28, 50)]))
    flt = PoolFilter(
        text=data.draw(st.sampled_from(_texts(truth))),
        statuses=some(list(CadreStatus), 3),
        categories=some(list(CadreCategory), 3),
        sending_unit_ids=some(unit_ids, 3),
        party_statuses=some(list(PartyStatus), 3),
        age_min=ages[0],
        age_max=ages[1],
        eligible_only=data.draw(st.integers(0, 4)) == 0,
    )
    order = PoolOrder(
        sort=data.draw(st.sampled_from(list(PoolSort))),
        descending=data.draw(st.booleans()),
        by_pinyin=data.draw(st.booleans()),
    )
    rules = data.draw(
        st.sampled_from([EligibilityRules(), EligibilityRules(max_age=45, allow_leaders=True)])
    )
    limit = data.draw(st.sampled_from([3, 10, 50]))
    want = [row.id for row in expected(truth, flt, order, rules)]
    assert forward(reader, flt, order, rules, limit) == want
    assert backward(reader, flt, order, rules, limit) == want
    assert pool.count(reader, flt, today=TODAY, rules=rules) == len(want)
    assert pool.matching_ids(reader, flt, today=TODAY, rules=rules) == sorted(want)
    if want:
        first = pool.page(reader, flt, order, today=TODAY, rules=rules, limit=len(want))
        probe = data.draw(st.integers(0, len(want) - 1))
        key = first.rows[probe].key
        assert pool.position(reader, flt, order, key, today=TODAY, rules=rules) == probe
        before = pool.page(reader, flt, order, today=TODAY, rules=rules, before=key, limit=3)
        assert [row.id for row in before.rows] == want[max(0, probe - 3) : probe]
        assert before.more_before == (probe > 3)


def test_rows_carry_the_truth(reader, truth) -> None:
    """Every column of a row agrees with a plain read of the tables."""
    by_id = {row.id: row for row in truth}
    flt = PoolFilter(statuses=frozenset(CadreStatus))
    got = pool.page(reader, flt, PoolOrder(sort=PoolSort.GROUP), today=TODAY, limit=400)
    assert len(got.rows) == len(truth)
    for row in got.rows:
        t = by_id[row.id]
        assert (row.name, row.gender.value, row.birth_date) == (t.name, t.gender, t.birth)
        assert (row.sending_unit, row.post, row.group) == (t.unit, t.post, t.group)
        assert (row.category.value, row.party_status.value, row.status.value) == (
            t.category,
            t.party,
            t.status,
        )
        assert row.age == _age(t.birth)
    assert any(row.group for row in got.rows)


@pytest.mark.parametrize("by_unit", [False, True])
def test_a_stretch_ends_at_its_bound(reader, by_unit: bool) -> None:
    """A walk tests only the entries up to its bound, not the rest of the range it
    seeks (SQLite ends a range at the first upper bound it meets): VM steps tell."""
    never = pool_sql.Cond("c.id < 0", (), frozenset({"id"}))
    if by_unit:
        whole = pool_sql.Stream((never,), (), pool_sql.WALKS[PoolSort.UNIT])
        stream = pool_sql.segments(whole, None, False, pool.unit_choices(reader))[0][0]
    else:
        letters = pool_sql.Cond(
            "c.name_pinyin >= 'a' AND c.name_pinyin < 'z'", (), frozenset(), "name_pinyin"
        )
        stream = pool_sql.Stream((letters, never), (), pool_sql.PINYIN_WALK)
    sql, params = pool_sql.bound_sql(stream, None, False)
    bound = tuple(reader.execute(sql, (*params, 3)).fetchone())
    steps = []
    for end in (bound, None):
        counted = [0]

        def step(counted: list[int] = counted) -> int:
            counted[0] += 1
            return 0

        reader.set_progress_handler(step, 1)
        sql, params = pool_sql.walk_sql(stream, None, False, end)
        assert reader.execute(sql, (*params, 10)).fetchall() == []
        reader.set_progress_handler(None, 1)
        steps.append(counted[0])
    assert steps[0] * 4 < steps[1], steps
