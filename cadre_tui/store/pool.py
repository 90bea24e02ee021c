"""The pool screen's reads: search, filters, sorting and keyset paging over up to
a million cadres, each page answered from indexes in a few milliseconds.

How a page is planned, per stream (:mod:`~cadre_tui.store.pool_filter` turns
the filter into streams, :mod:`~cadre_tui.store.pool_sql` into statements):

* Each selective part of the filter has a *source* listing its candidates (an
  FTS match, an index range), counted only up to a threshold ``T``. With fewer
  than ``T`` candidates in one, the page reads them, tests each and sorts the
  survivors: at most ``T`` rows read, however the matches are spread.
* Otherwise every part matches many rows, so matches lie dense along the sort
  index: walking it in page order finds a page after about ``limit · N / T``
  entries. ``T = √(c · limit · N)`` balances the two, ``c`` being the cost of
  a walked entry against a read candidate: ~0.06 when the index holds every
  tested column (the name order's index holds them all), ~1.5 when each entry
  needs its table row. Either way a page costs a few ms at N = 1,000,000.
* A walk that seeks (a pinyin prefix sorted by pinyin is one stretch of its
  index) is preferred when that stretch is short enough.
* Dense parts can still combine into few matches (a common surname in a rare
  category), so a walk tests stretches of growing length, each ended by a key
  read from the index alone, within a budget; past it the page reads the
  smallest source instead.
* A search sorted by name comes in two streams merged here: names *starting*
  with the text (one stretch of an index in name order) and the rest (few, from
  the FTS), because a surname's matches all sit under one pinyin ("zhang").

Pages never use OFFSET: ``after``/``before`` keys become row-value ranges that
the index seeks to; ``before`` and ``from_end`` read backwards and reverse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from math import isqrt

from cadre_tui.domain.eligibility import CadreFacts, EligibilityRules
from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.pool_query import PoolFilter, PoolOrder, PoolPage, PoolRow, SearchKind
from cadre_tui.errors import CadreError
from cadre_tui.store import pool_filter, pool_sql
from cadre_tui.store.pool_sql import Source, Stream
from cadre_tui.store.sqlite import sqlite3

WALK_COST = {True: 0.06, False: 1.5}
"""Cost of one walked index entry relative to one source candidate read (~1.4 µs),
measured at 1M cadres: when the index holds every tested column (True) the walk
never reads the table (~0.08 µs an entry), else it reads each row (~2 µs)."""
MIN_THRESHOLD = 256
MAX_THRESHOLD = 20_000
BUDGET_FACTOR = 2
"""A walk gives up after testing this many times the entries it expects to need."""
FIRST_STRETCH = 1024
"""Index entries a walk tests before checking its budget (then 4×, 16× ...)."""
FALLBACK_CAP_FACTOR = 16
"""A walk that gave up reads the truly smallest source: counted up to 16 thresholds."""
NARROW_SHARE = 25
"""A narrow walk (one filter value's index) is taken under 1/25 of the pool."""
SCAN_COST = {True: 0.1, False: 1.2}
"""Counting by scanning an index: cost of an entry relative to reading one candidate
(index only, or reading each row)."""


def _pool_size(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT max(id) FROM cadres").fetchone()[0] or 0)


class _Counts:
    """Candidate counts of sources, each counted up to a cap, remembered per call."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.done: dict[Source, tuple[int, int]] = {}

    def __call__(self, source: Source, cap: int) -> int:
        found, capped_at = self.done.get(source, (0, 0))
        if found == capped_at and capped_at < cap:
            sql, params = pool_sql.capped_count_sql(source)
            found = self.conn.execute(sql, (*params, cap)).fetchone()[0]
            self.done[source] = found, cap
        return min(found, cap)

    def smallest(self, stream: Stream, cap: int) -> tuple[int, Source] | None:
        counted = [(self(source, cap), index) for index, source in enumerate(stream.sources)]
        if not counted:
            return None
        size, index = min(counted)
        return size, stream.sources[index]


def _candidates(
    conn: sqlite3.Connection, stream: Stream, source: Source, key, backward: bool, want: int
) -> list[tuple]:
    sql, params = pool_sql.candidates_sql(stream, source, key, backward)
    return [tuple(row) for row in conn.execute(sql, (*params, want))]


def _walk(
    conn: sqlite3.Connection, stream: Stream, key, backward: bool, want: int, budget: int | None
) -> list[tuple] | None:
    """Rows from walking the sort index (a segment at a time), or None when more
    than ``budget`` entries were tested without finding ``want`` rows."""
    units = unit_choices(conn) if stream.walk.by_unit else []
    rows: list[tuple] = []
    for part, part_key, prefix in pool_sql.segments(stream, key, backward, units):
        found = _walk_part(conn, part, part_key, backward, want - len(rows), budget)
        if found is None:
            return None
        tested, got = found
        rows += [(row[0], *prefix, *row[1:]) for row in got]
        if len(rows) >= want:
            break
        if budget is not None:
            budget -= tested
            if budget <= 0:
                return None
    return rows


def _walk_part(
    conn: sqlite3.Connection, stream: Stream, key, backward: bool, want: int, budget: int | None
) -> tuple[int, list[tuple]] | None:
    """Walk in stretches of growing length, each ended by the key of its last entry
    (found from the index alone), until ``want`` rows or the budget are reached.
    Returns (entries tested, rows)."""
    rows: list[tuple] = []
    visited, stretch = 0, FIRST_STRETCH
    while True:
        bound = None
        if budget is not None:
            stretch = min(stretch, budget - visited)
            sql, params = pool_sql.bound_sql(stream, key, backward)
            found = conn.execute(sql, (*params, stretch - 1)).fetchone()
            bound = tuple(found) if found else None
        sql, params = pool_sql.walk_sql(stream, key, backward, bound)
        rows += [tuple(row) for row in conn.execute(sql, (*params, want - len(rows)))]
        visited += stretch
        if len(rows) >= want or bound is None:
            return visited, rows
        if visited >= budget:  # type: ignore[operator]
            return None
        key, stretch = bound, stretch * 4


def _stream_rows(
    conn: sqlite3.Connection,
    stream: Stream,
    counts: _Counts,
    total: int,
    key,
    backward: bool,
    want: int,
) -> list[tuple]:
    """One stream's next rows: read its smallest source or walk its index (see the module)."""
    ratio = WALK_COST[pool_sql.walk_is_covered(stream)]
    threshold = max(MIN_THRESHOLD, min(MAX_THRESHOLD, isqrt(int(ratio * want * total))))
    best = counts.smallest(stream, threshold)
    if best is None:
        return _walk(conn, stream, key, backward, want, None) or []
    size, source = best
    if size < threshold and not _short_seek(conn, stream, size, ratio, want):
        return _candidates(conn, stream, source, key, backward, want)
    budget = max(threshold, BUDGET_FACTOR * want * total // threshold)
    rows = _walk(conn, _narrowest(stream, counts, total), key, backward, want, budget)
    if rows is None:
        size, source = counts.smallest(stream, FALLBACK_CAP_FACTOR * threshold)  # type: ignore[misc]
        return _candidates(conn, stream, source, key, backward, want)
    return rows


def _narrowest(stream: Stream, counts: _Counts, total: int) -> Stream:
    """The stream on a narrow walk when one value of a filter holds under 1/25 of the
    pool: its walk reads rows (~25× an index entry) but skips the other 24/25."""
    cap = total // NARROW_SHARE
    narrow = [(counts(source, cap), index) for index, (_, source) in enumerate(stream.narrow)]
    if not narrow or min(narrow)[0] >= cap:
        return stream
    return replace(stream, walk=stream.narrow[min(narrow)[1]][0], narrow=())


def _short_seek(
    conn: sqlite3.Connection, stream: Stream, size: int, ratio: float, want: int
) -> bool:
    """Whether the walk seeks to a stretch short enough to beat reading ``size``
    candidates (a pinyin prefix sorted by pinyin is one stretch of its index)."""
    if not pool_sql.seeks(stream):
        return False
    longest = int(size * size / (ratio * want))
    if longest < want:
        return False
    sql, params = pool_sql.bound_sql(stream, None, False)
    return conn.execute(sql, (*params, longest - 1)).fetchone() is None


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _display(conn: sqlite3.Connection, found: list[tuple], today: dt.date) -> list[PoolRow]:
    """The table's columns for the found (id, *key) rows, in their order."""
    if not found:
        return []
    ids = [row[0] for row in found]
    by_id = {
        row[0]: row
        for row in conn.execute(
            "SELECT c.id, c.name, c.gender, c.birth_date, u.name, c.post, c.category,"
            " c.party_status, c.status, ifnull(g.name, '') FROM cadres c"
            " JOIN sending_units u ON u.id = c.sending_unit_id"
            " LEFT JOIN working_groups g ON g.id = c.current_group_id"
            f" WHERE c.id IN ({pool_sql.marks(ids)})",
            ids,
        )
    }
    rows = []
    for id_, *key in found:
        r = by_id.get(id_)
        if r is None:  # deleted since the page was chosen
            continue
        birth = dt.date.fromisoformat(r[3])
        rows.append(
            PoolRow(
                id=id_,
                name=r[1],
                gender=Gender(r[2]),
                birth_date=birth,
                age=_age(birth, today),
                sending_unit=r[4],
                post=r[5],
                category=CadreCategory(r[6]),
                party_status=PartyStatus(r[7]),
                status=CadreStatus(r[8]),
                group=r[9],
                key=tuple(key),
            )
        )
    return rows


def page(
    conn: sqlite3.Connection,
    flt: PoolFilter,
    order: PoolOrder,
    *,
    today: dt.date,
    rules: EligibilityRules = EligibilityRules(),  # noqa: B008 - frozen value
    after: tuple | None = None,
    before: tuple | None = None,
    from_end: bool = False,
    limit: int = 50,
) -> PoolPage:
    """One page in ``order``: the first, the one after/before a row's ``key``, or the last."""
    if after is not None and (before is not None or from_end):
        raise ValueError("after excludes before and from_end")
    reverse = before is not None or from_end
    key = tuple(before) if before is not None else None if from_end else after
    key = tuple(key) if key is not None else None
    backward = order.descending != reverse
    planned = pool_filter.streams(conn, flt, order, today, rules)
    if planned is None or limit <= 0:
        return PoolPage([], False, False)
    whole, parts = planned
    total, counts = _pool_size(conn), _Counts(conn)
    chosen = parts or [whole]
    found: list[tuple] = []
    for stream in chosen:
        found += _stream_rows(conn, stream, counts, total, key, backward, limit + 1)
    if len(chosen) > 1:
        found.sort(key=lambda row: row[1:], reverse=backward)
    more = len(found) > limit
    found = found[:limit]
    if reverse:
        found.reverse()
        return PoolPage(_display(conn, found, today), before is not None, more)
    return PoolPage(_display(conn, found, today), more, after is not None)


def _whole(
    conn: sqlite3.Connection,
    flt: PoolFilter,
    order: PoolOrder,
    today: dt.date,
    rules: EligibilityRules,
) -> tuple[Stream, Source | None] | None:
    """The whole result as one stream, and the source to read it from; None when
    scanning the order's index (its sought stretch) costs less than reading every
    candidate of the smallest source. None for the whole when nothing can match."""
    planned = pool_filter.streams(conn, flt, order, today, rules)
    if planned is None:
        return None
    stream = planned[0]
    scanned = _pool_size(conn)
    if pool_sql.seeks(stream):
        sql, params = pool_sql.span_sql(stream)
        scanned = conn.execute(sql, params).fetchone()[0]
    cap = max(1, int(scanned * SCAN_COST[pool_sql.walk_is_covered(stream)]))
    best = _Counts(conn).smallest(stream, cap)
    return stream, best[1] if best and best[0] < cap else None


def count(
    conn: sqlite3.Connection,
    flt: PoolFilter,
    *,
    today: dt.date,
    rules: EligibilityRules = EligibilityRules(),  # noqa: B008
) -> int:
    """How many cadres match (shown beside the search box, a moment after the page).

    With no structured filter, the pool or an exact FTS match is counted whole and
    its archived cadres (1 in 100, from their own index) taken off: a common
    surname at a million cadres is then ~10 ms instead of reading 60,000 rows."""
    if flt == PoolFilter(text=flt.text):
        exact = pool_filter.exact_source(conn, flt)
        if flt.kind is SearchKind.NONE or exact is not None:
            everyone, among, params = "cadres", "1", ()
            if exact is not None:
                everyone, among, params = f"({exact.sql})", f"c.id IN ({exact.sql})", exact.params
            total = conn.execute(f"SELECT count(*) FROM {everyone}", params).fetchone()[0]
            archived = conn.execute(
                "SELECT count(*) FROM cadres c INDEXED BY cadres_status_sort"
                f" WHERE c.status = 'archived' AND {among}",
                params,
            ).fetchone()[0]
            return int(total - archived)
    plan = _whole(conn, flt, PoolOrder(), today, rules)
    if plan is None:
        return 0
    sql, params = pool_sql.select_sql(plan[0], plan[1], "count(*)")
    return int(conn.execute(sql, params).fetchone()[0])


def matching_ids(
    conn: sqlite3.Connection,
    flt: PoolFilter,
    *,
    today: dt.date,
    rules: EligibilityRules = EligibilityRules(),  # noqa: B008
) -> list[int]:
    """Every matching cadre's id, ascending ("select all matches")."""
    plan = _whole(conn, flt, PoolOrder(), today, rules)
    if plan is None:
        return []
    sql, params = pool_sql.select_sql(plan[0], plan[1], "c.id")
    return sorted(row[0] for row in conn.execute(sql, params))


def position(
    conn: sqlite3.Connection,
    flt: PoolFilter,
    order: PoolOrder,
    key: tuple,
    *,
    today: dt.date,
    rules: EligibilityRules = EligibilityRules(),  # noqa: B008
) -> int:
    """0-based index of the row with ``key`` in the ordered result ("row N of M"); O(N)."""
    plan = _whole(conn, flt, order, today, rules)
    if plan is None:
        return 0
    sql, params = pool_sql.select_sql(
        plan[0], plan[1], "count(*)", tuple(key), backward=not order.descending
    )
    return int(conn.execute(sql, params).fetchone()[0])


def unit_choices(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """Sending units (id, name) in name order, for the filter form."""
    return [
        (row[0], row[1]) for row in conn.execute("SELECT id, name FROM sending_units ORDER BY name")
    ]


def eligibility_facts(conn: sqlite3.Connection, cadre_id: int, today: dt.date) -> CadreFacts:
    """What the eligibility rules need to judge one cadre today (the detail panel)."""
    row = conn.execute(
        "SELECT category, status, birth_date, grassroots_experience,"
        " EXISTS (SELECT 1 FROM placements WHERE cadre_id = c.id AND end_date IS NULL),"
        " (SELECT max(end_date) FROM placements WHERE cadre_id = c.id)"
        " FROM cadres c WHERE id = ?",
        (cadre_id,),
    ).fetchone()
    if row is None:
        raise CadreError("store.cadre.not_found", id=cadre_id)
    return CadreFacts(
        category=CadreCategory(row[0]),
        status=CadreStatus(row[1]),
        age=_age(dt.date.fromisoformat(row[2]), today),
        in_active_placement=bool(row[4]),
        last_secondment_ended=dt.date.fromisoformat(row[5]) if row[5] else None,
        grassroots_experience=row[3],
    )
