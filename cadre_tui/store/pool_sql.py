"""The pool screen's SQL: a filter as conditions, where candidate rows can be
read from, and the index whose order is the page order.

A :class:`Stream` is a set of rows in one order: its conditions, its
*sources* (each lists a superset of its rows cheaply: an FTS match, an index
range) and its *walk*, an index already in the page's order.
:mod:`cadre_tui.store.pool` decides per stream whether to read a source and
sort (few candidates) or to walk the index testing each row (many).

Conditions know the columns they read (tested on the index when it holds
them, else on the table row) and the column whose range they bound (the walk
seeks on it when its index starts with that column).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cadre_tui.domain.pool_query import PoolOrder, PoolSort

ROW = frozenset({"*"})
"""The columns of a condition that needs the table row."""
AGE_KEY = "99999999 - CAST(replace(c.birth_date, '-', '') AS INTEGER)"
"""Indexed (cadres_age_sort): the birth date complemented, so the youngest come first."""
GROUP_KEY = "ifnull(c.current_group_id, 9223372036854775807)"
"""Indexed (cadres_group_sort): cadres without a group after every group."""
ID_REVERSED = " || ".join(f"substr(id_number, -{k}, 1)" for k in range(1, 19))
"""Indexed (cadres_id_tail): the ID number backwards, so its tail is a prefix."""


@dataclass(frozen=True)
class Cond:
    """A boolean SQL term on ``cadres c``."""

    sql: str
    params: tuple = ()
    columns: frozenset[str] = ROW
    lead: str = ""
    """The column whose range this bounds: a walk on an index led by it seeks."""
    values: tuple = ()
    """For ``lead IN (values)``: the walk takes one value at a time, in order."""


@dataclass(frozen=True)
class Source:
    """``SELECT … AS id`` listing a superset of the rows meeting some conditions
    (an id may come twice: ``UNION ALL`` stops at a LIMIT, ``UNION`` reads all first)."""

    sql: str
    params: tuple = ()


@dataclass(frozen=True)
class Walk:
    """An index in the page's ascending order: ``keys`` are SQL on ``c`` (and ``u``),
    ``lead`` its first column, ``columns`` those a condition may test on its entries
    (expression keys have made-up names: ``initial``, ``age``, ``group``)."""

    index: str
    keys: tuple[str, ...]
    lead: str
    columns: frozenset[str]
    by_unit: bool = False


@dataclass(frozen=True)
class Stream:
    """Rows meeting every condition, in the walk's order. ``narrow`` are other walks
    in the same order, each within one value of a filter (with that value's source)."""

    conds: tuple[Cond, ...]
    sources: tuple[Source, ...]
    walk: Walk
    narrow: tuple[tuple[Walk, Source], ...] = ()


_TAIL = ("c.name_pinyin", "c.id")
POOL_COLUMNS = frozenset(
    [
        "name_pinyin",
        "id",
        "name",
        "name_initials",
        "sending_unit_id",
        "status",
        "category",
        "party_status",
        "birth_date",
        "current_group_id",
    ]
)
PINYIN_WALK = Walk("cadres_pool_by_pinyin", _TAIL, "name_pinyin", POOL_COLUMNS)
NAME_WALK = Walk("cadres_name", ("c.name", "c.id"), "name", frozenset({"name", "id"}))
INITIAL_WALK = Walk(
    "cadres_initial_sort", _TAIL, "initial", frozenset({"initial", "name_pinyin", "id"})
)


def _walk(index: str, column: str, key: str = "") -> Walk:
    columns = frozenset({column, "name_pinyin", "id"})
    return Walk(index, (key or f"c.{column}", *_TAIL), column, columns)


WALKS: dict[PoolSort, Walk] = {
    PoolSort.GENDER: _walk("cadres_gender_sort", "gender"),
    PoolSort.AGE: _walk("cadres_age_sort", "age", AGE_KEY),
    PoolSort.UNIT: Walk(
        "cadres_unit_sort",
        ("u.name", *_TAIL),
        "unit",
        frozenset({"sending_unit_id", "name_pinyin", "id"}),
        by_unit=True,
    ),
    PoolSort.POST: _walk("cadres_post_sort", "post"),
    PoolSort.CATEGORY: _walk("cadres_category_sort", "category"),
    PoolSort.PARTY: _walk("cadres_party_sort", "party_status"),
    PoolSort.STATUS: _walk("cadres_status_sort", "status"),
    PoolSort.GROUP: _walk("cadres_group_sort", "group", GROUP_KEY),
}


NARROW_INDEXES = {
    "sending_unit_id": "cadres_unit_sort",
    "status": "cadres_status_sort",
    "category": "cadres_category_sort",
    "party_status": "cadres_party_sort",
}
"""Indexes (column, name_pinyin, id): within one value of the column, in name order."""


def narrow_walk(column: str) -> Walk:
    """The pinyin name order within one value of ``column`` (one unit, one status)."""
    return Walk(NARROW_INDEXES[column], _TAIL, column, frozenset({column, "name_pinyin", "id"}))


def walk_for(order: PoolOrder) -> Walk:
    if order.sort is PoolSort.NAME:
        return PINYIN_WALK if order.by_pinyin else NAME_WALK
    return WALKS[order.sort]


def marks(values: object) -> str:
    return ", ".join("?" * len(values))  # type: ignore[arg-type]


def after_prefix(text: str) -> str:
    """The smallest string greater than every string starting with ``text``."""
    following = ord(text[-1]) + 1
    return text[:-1] + chr(0xE000 if 0xD800 <= following < 0xE000 else following)


# -- statements ------------------------------------------------------------------------


def _where(conds: list[Cond]) -> tuple[str, tuple]:
    if not conds:
        return "1", ()
    return " AND ".join(c.sql for c in conds), tuple(p for c in conds for p in c.params)


def keyset(walk: Walk, key: tuple | None, backward: bool) -> list[Cond]:
    """Rows strictly beyond ``key`` in the walk's direction: a row-value range the index seeks."""
    if key is None:
        return []
    op = "<" if backward else ">"
    conds = [Cond(f"({', '.join(walk.keys)}) {op} ({marks(key)})", tuple(key), walk.columns)]
    if walk.by_unit:
        conds.insert(0, Cond(f"u.name {op}= ?", (key[0],), walk.columns))
    return conds


def _order(walk: Walk, backward: bool) -> str:
    return ", ".join(f"{key} DESC" if backward else key for key in walk.keys)


def _select(walk: Walk) -> str:
    return ", ".join(["c.id AS id", *(f"{k} AS k{i}" for i, k in enumerate(walk.keys))])


def _walk_from(walk: Walk) -> str:
    if walk.by_unit:
        return (
            f"sending_units u CROSS JOIN cadres c INDEXED BY {walk.index}"
            " ON c.sending_unit_id = u.id"
        )
    return f"cadres c INDEXED BY {walk.index}"


def segments(
    stream: Stream, key: tuple | None, backward: bool, units: list[tuple[int, str]]
) -> list[tuple[Stream, tuple | None, tuple]]:
    """The walk in pieces SQLite can seek within, in walk order: (stream, its key,
    what to put before each row's key). By unit: one unit (``units``, by name) at a
    time on its own index, from the key's unit on, since a join cannot seek to a key
    inside one unit. An ``IN`` of several values on the walk's leading column: one
    value at a time, for the same reason."""
    if stream.walk.by_unit:
        allowed = next((set(c.params) for c in stream.conds if c.lead == "unit"), None)
        conds = tuple(c for c in stream.conds if c.lead != "unit")
        walk, found = narrow_walk("sending_unit_id"), []
        for unit_id, name in reversed(units) if backward else units:
            if allowed is not None and unit_id not in allowed:
                continue
            if key is not None and (name > key[0] if backward else name < key[0]):
                continue
            inner = tuple(key[1:]) if key is not None and name == key[0] else None
            one = Cond("c.sending_unit_id = ?", (unit_id,), walk.columns, "sending_unit_id")
            found.append((Stream((one, *conds), stream.sources, walk), inner, (name,)))
        return found
    for index, cond in enumerate(stream.conds):
        if cond.lead == stream.walk.lead and len(cond.values) > 1:
            column = cond.sql.split(" IN ", 1)[0]
            parts = [
                replace(
                    stream,
                    conds=(
                        *stream.conds[:index],
                        replace(cond, sql=f"{column} = ?", params=(value,), values=()),
                        *stream.conds[index + 1 :],
                    ),
                )
                for value in cond.values
            ]
            return [(part, key, ()) for part in (reversed(parts) if backward else parts)]
    return [(stream, key, ())]


def _split(stream: Stream, key: tuple | None, backward: bool) -> tuple[list[Cond], list[Cond]]:
    """(conditions the walk seeks with, conditions tested on each entry or row). The
    key comes first: SQLite starts its range at the first lower bound it meets."""
    seek = keyset(stream.walk, key, backward)
    seek += [c for c in stream.conds if c.lead and c.lead == stream.walk.lead]
    return seek, [c for c in stream.conds if not (c.lead and c.lead == stream.walk.lead)]


def seeks(stream: Stream) -> bool:
    """Whether a condition narrows the walk to a stretch of its index."""
    return any(c.lead and c.lead == stream.walk.lead for c in stream.conds)


def walk_is_covered(stream: Stream) -> bool:
    """Whether the walk's index holds every column its tests read (no table reads)."""
    return all(c.columns <= stream.walk.columns for c in _split(stream, None, False)[1])


def walk_sql(
    stream: Stream, key: tuple | None, backward: bool, bound: tuple | None = None
) -> tuple[str, tuple]:
    """Walk the index in page order from beyond ``key`` (up to ``bound`` inclusive),
    testing each entry: on the index's own columns when it holds them all."""
    walk = stream.walk
    seek, test = _split(stream, key, backward)
    if bound is not None:
        # First: SQLite ends its range at the first upper bound it meets for a column.
        op = ">=" if backward else "<="
        seek = [Cond(f"({', '.join(walk.keys)}) {op} ({marks(bound)})", tuple(bound)), *seek]
    where, params = _where(seek + test)
    order = _order(walk, backward)
    return (
        f"SELECT {_select(walk)} FROM {_walk_from(walk)} WHERE {where} ORDER BY {order} LIMIT ?",
        params,
    )


def span_sql(stream: Stream) -> tuple[str, tuple]:
    """How many index entries the walk's seek leaves to test (index entries only)."""
    where, params = _where(_split(stream, None, False)[0])
    return f"SELECT count(*) FROM {_walk_from(stream.walk)} WHERE {where}", params


def bound_sql(stream: Stream, key: tuple | None, backward: bool) -> tuple[str, tuple]:
    """The key of the walk's n-th entry beyond ``key`` (n an OFFSET parameter, counting
    from 0): reading index entries only, it caps the stretch the next walk may test."""
    walk = stream.walk
    where, params = _where(_split(stream, key, backward)[0])
    keys = ", ".join(walk.keys)
    order = _order(walk, backward)
    return (
        f"SELECT {keys} FROM {_walk_from(walk)} WHERE {where} ORDER BY {order} LIMIT 1 OFFSET ?",
        params,
    )


def _from(source: Source, walk: Walk) -> tuple[str, list[Cond]]:
    """The table (joined to units when sorting by unit) and the condition reading a source."""
    table = "cadres c CROSS JOIN sending_units u ON u.id = c.sending_unit_id"
    table = table if walk.by_unit else "cadres c"
    return table, [Cond(f"c.id IN ({source.sql})", source.params)]


def candidates_sql(
    stream: Stream, source: Source, key: tuple | None, backward: bool
) -> tuple[str, tuple]:
    """Read the source's candidates, test each, sort the survivors (a bounded top-N sort)."""
    table, reading = _from(source, stream.walk)
    where, params = _where(reading + list(stream.conds) + keyset(stream.walk, key, backward))
    order = _order(stream.walk, backward)
    return (
        f"SELECT {_select(stream.walk)} FROM {table} WHERE {where} ORDER BY {order} LIMIT ?",
        params,
    )


def capped_count_sql(source: Source) -> tuple[str, tuple]:
    return f"SELECT count(*) FROM (SELECT 1 FROM ({source.sql}) LIMIT ?)", source.params


def select_sql(
    stream: Stream,
    source: Source | None,
    what: str,
    key: tuple | None = None,
    backward: bool = True,
) -> tuple[str, tuple]:
    """``SELECT what`` over every matching row (only those beyond ``key`` if given),
    read from ``source`` or, without one, by scanning the walk's index."""
    if source is None:
        seek, test = _split(stream, key, backward)
        where, params = _where(seek + test)
        return f"SELECT {what} FROM {_walk_from(stream.walk)} WHERE {where}", params
    table, reading = _from(source, stream.walk)
    where, params = _where(reading + list(stream.conds) + keyset(stream.walk, key, backward))
    return f"SELECT {what} FROM {table} WHERE {where}", params
