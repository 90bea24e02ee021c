"""The pool's filter as SQL conditions and candidate sources: the search box
(Chinese substrings of the name or unit, pinyin and initials prefixes, ID-number
tails) and the structured filters (status, category, unit, party, age, eligible).

FTS indexes only propose candidates (their tokenizers fold case and drop
punctuation); every row is confirmed with an exact test, the same whether a
page reads candidates or walks an index, so both agree row for row.

A search sorted by name splits in two disjoint parts, because its matches are
not spread evenly along the name order (every 张 sorts under "zhang", every
"zhangw" is one stretch of the pinyin order): the *head* (names starting with
the text) is one stretch of an index in that order, the *rest* (the text later
in the name, or in the unit's name) is found like any other condition.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.domain.enums import CadreCategory
from cadre_tui.domain.pool_query import PoolFilter, PoolOrder, PoolSort, SearchKind
from cadre_tui.store.pool_sql import (
    AGE_KEY,
    ID_REVERSED,
    INITIAL_WALK,
    NAME_WALK,
    NARROW_INDEXES,
    PINYIN_WALK,
    Cond,
    Source,
    Stream,
    Walk,
    after_prefix,
    marks,
    narrow_walk,
    walk_for,
)
from cadre_tui.store.sqlite import sqlite3

MARK = "\U0010fffd"
"""Prefixes the FTS tokens of a name's first character and first pair (0003_pool_search.sql)."""
GRAM_CHARS = 32
"""Searches look at the first 32 characters of a name (the FTS document)."""
_NAME = frozenset({"name"})
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]+")


@dataclass(frozen=True)
class Search:
    """``whole``: (conditions, sources); ``parts``: (conditions, sources, walk) each,
    disjoint, together the whole (empty when the order gives no reason to split)."""

    whole: tuple[tuple[Cond, ...], tuple[Source, ...]]
    parts: tuple[tuple, ...] = ()


def phrase(text: str) -> str:
    """``text`` as one FTS5 string: its tokens, adjacent."""
    return '"' + text.replace('"', '""') + '"'


def _grams(match: str) -> Source:
    return Source(
        "SELECT rowid AS id FROM cadre_name_grams WHERE cadre_name_grams MATCH ?", (match,)
    )


def _anywhere(text: str) -> Source:
    """FTS candidates for names containing ``text``: its token (1-2 characters also
    at the start, where they are marked), or every run of three in it."""
    if len(text) <= 2:
        return _grams(f"{phrase(MARK + text)} OR {phrase(text)}")
    return _grams(" AND ".join(phrase(text[i : i + 3]) for i in range(len(text) - 2)))


def _with_units(source: Source, units: tuple[int, ...]) -> Source:
    if not units:
        return source
    return Source(
        f"{source.sql} UNION ALL SELECT id FROM cadres INDEXED BY cadres_unit_sort"
        f" WHERE sending_unit_id IN ({marks(units)})",
        source.params + units,
    )


def _unit_ids(conn: sqlite3.Connection, text: str) -> tuple[int, ...]:
    """Sending units whose name contains ``text`` (a small table: a plain scan)."""
    rows = conn.execute(
        "SELECT id FROM sending_units WHERE instr(name, ?) > 0 ORDER BY id", (text,)
    )
    return tuple(row[0] for row in rows)


def exact_source(conn: sqlite3.Connection, flt: PoolFilter) -> Source | None:
    """The FTS match whose rows are exactly the search's (archived included), when
    there is one: 1-2 Chinese characters (nothing for the tokenizer to fold or
    drop, one token each way) that no unit's name contains."""
    text = flt.search
    if flt.kind is not SearchKind.CHINESE or len(text) > 2 or not _HAN.fullmatch(text):
        return None
    return None if _unit_ids(conn, text) else _anywhere(text)


def _chinese(conn: sqlite3.Connection, text: str, order: PoolOrder) -> Search:
    units = _unit_ids(conn, text)
    sql, params = f"instr(substr(c.name, 1, {GRAM_CHARS}), ?) > 0", (text,)
    if units:
        sql, params = f"({sql} OR c.sending_unit_id IN ({marks(units)}))", params + units
    contains = Cond(sql, params, frozenset({"name", "sending_unit_id"}))
    whole = ((contains,), (_with_units(_anywhere(text), units),))
    if order.sort is not PoolSort.NAME:
        return Search(whole)
    n = len(text)
    if order.by_pinyin:
        starts = Cond(f"substr(c.name, 1, {n}) = ?", (text,), _NAME)
        initial = Cond("substr(c.name, 1, 1) = ?", (text[0],), frozenset({"initial"}), "initial")
        head = ((initial, starts) if n > 1 else (initial,), INITIAL_WALK)
    else:
        span = Cond("c.name >= ? AND c.name < ?", (text, after_prefix(text)), _NAME, "name")
        head = ((span,), NAME_WALK)
    later = Cond(f"substr(c.name, 1, {n}) != ?", (text,), _NAME)
    rest = _grams(phrase(text)) if n <= 2 else _anywhere(text)
    starting = (_grams(phrase(MARK + text[:2])), *((_anywhere(text),) if n > 2 else ()))
    return Search(
        whole,
        ((head[0], starting, head[1]), ((later, contains), (_with_units(rest, units),), None)),
    )


def _pinyin(text: str, order: PoolOrder) -> Search:
    first, _ = index_range("name_pinyin", PINYIN_WALK.index, text[0], after_prefix(text[0]))
    full, full_source = index_range("name_pinyin", PINYIN_WALK.index, text, after_prefix(text))
    initials, initials_source = index_range(
        "name_initials", "cadres_initials", text, after_prefix(text)
    )
    either = Cond(
        f"({full.sql} OR {initials.sql})",
        full.params + initials.params,
        frozenset({"name_pinyin", "name_initials"}),
    )
    both = Source(
        f"{full_source.sql} UNION ALL {initials_source.sql}",
        full_source.params + initials_source.params,
    )
    # Initials and full spelling start with the same letter: ``first`` lets a walk seek.
    whole = ((first, either), (both,))
    if order.sort is not PoolSort.NAME or not order.by_pinyin:
        return Search(whole)
    parts: list[tuple] = [((full,), (full_source,), PINYIN_WALK)]
    if len(text) > 1:
        not_full = Cond(f"NOT ({full.sql})", full.params, frozenset({"name_pinyin"}))
        parts.append(((first, initials, not_full), (initials_source,), PINYIN_WALK))
    return Search(whole, tuple(parts))


def search_parts(conn: sqlite3.Connection, flt: PoolFilter, order: PoolOrder) -> Search | None:
    """The search text's part of the query; None when it can match nothing."""
    text, kind = flt.search, flt.kind
    if kind is SearchKind.NONE:
        return Search(((), ()))
    if kind is SearchKind.CHINESE:
        return _chinese(conn, text, order)
    if kind is SearchKind.PINYIN:
        return _pinyin(text, order)
    if kind is SearchKind.ID_TAIL:
        tail = text[::-1]
        source = Source(
            f"SELECT id FROM cadres INDEXED BY cadres_id_tail"
            f" WHERE {ID_REVERSED} >= ? AND {ID_REVERSED} < ?",
            (tail, after_prefix(tail)),
        )
        return Search(((Cond("substr(c.id_number, ?) = ?", (-len(text), text)),), (source,)))
    return None


# -- structured filters ------------------------------------------------------------


def age_key(day: dt.date) -> int:
    """:data:`AGE_KEY` of a birth date: the younger, the smaller."""
    return 99_999_999 - (day.year * 10_000 + day.month * 100 + day.day)


def index_range(column: str, index: str, low: object, high: object, op: str = "<") -> tuple:
    """(condition, source) for ``low <= column {op} high`` read through ``index``."""
    term = f"{column} >= ? AND {column} {op} ?"
    cond = f"c.{column} >= ? AND c.{column} {op} ?"
    return (
        Cond(cond, (low, high), frozenset({column}), column),
        Source(f"SELECT id FROM cadres INDEXED BY {index} WHERE {term}", (low, high)),
    )


def _in(column: str, values: frozenset, index: str) -> tuple[Cond, Source]:
    ordered = tuple(sorted(values))
    cond = Cond(f"c.{column} IN ({marks(ordered)})", ordered, frozenset({column}), column, ordered)
    source = f"SELECT id FROM cadres INDEXED BY {index} WHERE {column} IN ({marks(ordered)})"
    return cond, Source(source, ordered)


def _born(earliest: dt.date | None, latest: dt.date | None, order: PoolOrder) -> tuple:
    """Born within [earliest, latest]: tested on the birth date (in the pool index), or
    on the age key when sorting by age (its index seeks); read from the age index."""
    low = age_key(latest) if latest else -1
    high = age_key(earliest) if earliest else 99_999_999
    source = Source(
        f"SELECT id FROM cadres c INDEXED BY cadres_age_sort WHERE {AGE_KEY} BETWEEN ? AND ?",
        (low, high),
    )
    if order.sort is PoolSort.AGE:
        return Cond(f"{AGE_KEY} BETWEEN ? AND ?", (low, high), frozenset({"age"}), "age"), source
    first = (earliest or dt.date.min).isoformat()
    last = (latest or dt.date.max).isoformat()
    cond = Cond("c.birth_date BETWEEN ? AND ?", (first, last), frozenset({"birth_date"}))
    return cond, source


def filter_parts(
    flt: PoolFilter, order: PoolOrder, today: dt.date, rules: EligibilityRules
) -> tuple[list[Cond], list[Source], list[tuple[Walk, Source]]]:
    """The structured filters as conditions, with a source for each selective one,
    and the narrow walks a single chosen value allows (see ``Stream.narrow``)."""
    conds: list[Cond] = []
    sources: list[Source] = []
    narrow: list[tuple[Walk, Source]] = []

    def add(pair: tuple[Cond, Source]) -> None:
        conds.append(pair[0])
        sources.append(pair[1])
        if len(pair[0].values) == 1 and pair[0].lead in NARROW_INDEXES:
            narrow.append((narrow_walk(pair[0].lead), pair[1]))

    not_archived = Cond("c.status != 'archived'", (), frozenset({"status"}))
    if flt.statuses:
        add(_in("status", frozenset(s.value for s in flt.statuses), "cadres_status_sort"))
    else:
        conds.append(not_archived)
    if flt.categories:
        add(_in("category", frozenset(c.value for c in flt.categories), "cadres_category_sort"))
    if flt.sending_unit_ids:
        units = frozenset(flt.sending_unit_ids)
        add(_in("sending_unit_id", units, "cadres_unit_sort"))
        if order.sort is PoolSort.UNIT:
            ids = tuple(sorted(units))
            conds.append(Cond(f"u.id IN ({marks(ids)})", ids, frozenset({"u"}), "unit"))
    if flt.party_statuses:
        add(
            _in("party_status", frozenset(p.value for p in flt.party_statuses), "cadres_party_sort")
        )
    earliest, latest = flt.birth_date_range(today)
    if earliest or latest:
        add(_born(earliest, latest, order))
    if flt.eligible_only:
        allowed = rules.categories()
        if allowed != frozenset(CadreCategory):
            add(_in("category", frozenset(c.value for c in allowed), "cadres_category_sort"))
        oldest = PoolFilter(age_max=rules.max_age).birth_date_range(today)[0]
        add(_born(oldest, None, order))
        if flt.shows_archived:
            conds.append(not_archived)
        conds.append(Cond("c.current_group_id IS NULL", (), frozenset({"current_group_id"})))
        cooled = rules.cooling_off_since(today).isoformat()
        conds.append(
            Cond(
                "c.id NOT IN (SELECT cadre_id FROM placements WHERE end_date > ?)",
                (cooled,),
                frozenset({"id"}),
            )
        )
    return conds, sources, narrow


def streams(
    conn: sqlite3.Connection,
    flt: PoolFilter,
    order: PoolOrder,
    today: dt.date,
    rules: EligibilityRules,
) -> tuple[Stream, list[Stream]] | None:
    """The result as one stream, and as its disjoint parts when the search splits;
    None when nothing can match."""
    search = search_parts(conn, flt, order)
    if search is None:
        return None
    conds, sources, narrow = filter_parts(flt, order, today, rules)
    walk = walk_for(order)

    def stream(part: tuple, own_walk: Walk = walk) -> Stream:
        others = tuple(narrow) if own_walk is PINYIN_WALK else ()
        return Stream((*part[0], *conds), (*part[1], *sources), own_walk, others)

    parts = [stream(part[:2], part[2] or walk) for part in search.parts]
    return stream(search.whole), parts
