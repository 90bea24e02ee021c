"""The pool store's queries (issue 3): first page, count, next page and last page
of each search and filter shape, and each sort, on demo pools of 100,000 and
1,000,000 cadres (built once by ``cadre-tui demo --cadres N`` into the cache).

SQL time only, in this process: the screen adds its own rendering on top.
Targets at 1,000,000: first page ≤ 10 ms median for every shape (keystroke to
painted result ≤ 25 ms median, ≤ 50 ms p95), next page ≤ 20 ms.
Baseline: the same search as one plain query without the FTS and sort
indexes (``NOT INDEXED``, the way ``LIKE '%张%' ORDER BY name LIMIT 50`` runs),
and OFFSET paging for the last page; ``ratio`` is median / baseline median.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import time
from collections.abc import Callable
from functools import partial

from _common import demo_database, parse_args, report, summarise

from cadre_tui.domain.enums import CadreCategory, CadreStatus, PartyStatus
from cadre_tui.domain.pool_query import PoolFilter, PoolOrder, PoolSort
from cadre_tui.store import pool
from cadre_tui.store.database import open_database
from cadre_tui.store.sqlite import sqlite3

TODAY = dt.date(2026, 11, 27)
BASELINE_RUNS = 3
RUNS = 20
SEARCHES = ("cn1_surname", "cn1_given", "cn2", "cn3", "unit_text", "initials", "pinyin_full")
SEARCHES += ("id_tail",)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(call: Callable[[], object], runs: int) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def examples(conn: sqlite3.Connection) -> dict[str, str]:
    """Search texts taken from the data, so every shape finds something."""
    surname, given, pair, three, pinyin, initials, id_number = conn.execute(
        "WITH c AS (SELECT * FROM cadres WHERE length(name) = 3 LIMIT 20000)"
        " SELECT (SELECT substr(name, 1, 1) FROM c GROUP BY 1 ORDER BY count(*) DESC LIMIT 1),"
        " (SELECT substr(name, 3, 1) FROM c GROUP BY 1 ORDER BY count(*) DESC LIMIT 1),"
        " (SELECT substr(name, 1, 2) FROM c GROUP BY 1 ORDER BY count(*) DESC LIMIT 1),"
        " (SELECT name FROM c GROUP BY 1 ORDER BY count(*) DESC LIMIT 1),"
        " (SELECT name_pinyin FROM c GROUP BY 1 ORDER BY count(*) DESC LIMIT 1),"
        " (SELECT substr(name_initials, 1, 2) FROM c GROUP BY 1 ORDER BY count(*) DESC LIMIT 1),"
        " (SELECT id_number FROM c LIMIT 1 OFFSET 777)"
    ).fetchone()
    return {
        "cn1_surname": surname,
        "cn1_given": given,
        "cn2": pair,
        "cn3": three,
        "unit_text": "教育",
        "initials": initials,
        "pinyin_full": pinyin[:-1],
        "id_tail": id_number[-6:],
    }


def shapes(conn: sqlite3.Connection) -> list[tuple[str, PoolFilter, PoolOrder]]:
    smallest_unit = conn.execute(
        "SELECT sending_unit_id FROM cadres GROUP BY 1 ORDER BY count(*) LIMIT 1"
    ).fetchone()[0]
    found = [(op, PoolFilter(text=text), PoolOrder()) for op, text in examples(conn).items()]
    found += [
        ("no_filter", PoolFilter(), PoolOrder()),
        (
            "filter_selective",
            PoolFilter(
                sending_unit_ids=frozenset({smallest_unit}),
                party_statuses=frozenset({PartyStatus.LEAGUE}),
                age_max=30,
            ),
            PoolOrder(),
        ),
        (
            "filter_unselective",
            PoolFilter(
                categories=frozenset(
                    {CadreCategory.NEW_CIVIL_SERVANT, CadreCategory.OTHER_YOUNG_CADRE}
                ),
                eligible_only=True,
            ),
            PoolOrder(),
        ),
        ("filter_seconded", PoolFilter(statuses=frozenset({CadreStatus.SECONDED})), PoolOrder()),
        (
            "search_and_filter",
            PoolFilter(text=examples(conn)["cn1_surname"], age_min=30, age_max=40),
            PoolOrder(),
        ),
    ]
    for sort in PoolSort:
        found.append((f"sort_{sort.value}", PoolFilter(), PoolOrder(sort=sort)))
    found.append(("sort_name_desc", PoolFilter(), PoolOrder(descending=True)))
    found.append(("sort_name_unicode", PoolFilter(), PoolOrder(by_pinyin=False)))
    surname = examples(conn)["cn1_surname"]
    found.append(("cn1_sort_age", PoolFilter(text=surname), PoolOrder(sort=PoolSort.AGE)))
    found.append(("cn1_sort_unit", PoolFilter(text=surname), PoolOrder(sort=PoolSort.UNIT)))
    return found


def baseline_ms(conn: sqlite3.Connection, flt: PoolFilter) -> float | None:
    """The same Chinese or pinyin search as one plain query, no FTS or sort index."""
    text = flt.search
    if flt.kind.value == "chinese":
        where, params = "instr(c.name, ?) > 0 OR instr(u.name, ?) > 0", (text, text)
    elif flt.kind.value == "pinyin":
        where, params = "c.name_pinyin LIKE ? OR c.name_initials LIKE ?", (text + "%",) * 2
    elif flt.kind.value == "id_tail":
        where, params = "c.id_number LIKE ?", ("%" + text,)
    else:
        return None
    sql = (
        "SELECT c.id FROM cadres c NOT INDEXED JOIN sending_units u ON u.id = c.sending_unit_id"
        f" WHERE ({where}) AND c.status != 'archived' ORDER BY c.name_pinyin, c.id LIMIT 51"
    )
    seconds, _ = timed(lambda: conn.execute(sql, params).fetchall(), BASELINE_RUNS)
    return sorted(seconds)[len(seconds) // 2] * 1000


def bench_shape(
    conn: sqlite3.Connection, op: str, flt: PoolFilter, order: PoolOrder, runs: int
) -> list[tuple[str, list[float], float | None]]:
    """(operation, seconds, baseline ms) for one shape's first, next and last page and count."""

    def page(**kw: object) -> pool.PoolPage:
        return pool.page(conn, flt, order, today=TODAY, **kw)  # type: ignore[arg-type]

    seconds, first = timed(page, runs)
    found = [(f"{op}_first", seconds, (op in SEARCHES and baseline_ms(conn, flt)) or None)]
    if first.rows:  # type: ignore[union-attr]
        key = first.rows[-1].key  # type: ignore[union-attr]
        found.append((f"{op}_next", timed(partial(page, after=key), runs)[0], None))
        found.append((f"{op}_last", timed(partial(page, from_end=True), runs)[0], None))
    if not op.startswith("sort_"):
        counting = partial(pool.count, conn, flt, today=TODAY)
        found.append((f"{op}_count", timed(counting, max(3, runs // 4))[0], None))
    return found


def bench_size(size: int, runs: int) -> list[dict]:
    path = demo_database(size)
    open_database(path)  # brings an older cached demo up to the current schema
    conn = open_database(path, read_only=True).connect()
    rows: list[dict] = []
    try:
        for op, flt, order in shapes(conn):
            for name, seconds, baseline in bench_shape(conn, op, flt, order, runs):
                rows.append(summarise("pool", name, size, seconds, [rss_mb()], baseline))
        offset = "SELECT id FROM cadres ORDER BY name_pinyin, id LIMIT 50 OFFSET ?"
        seconds, _ = timed(lambda: conn.execute(offset, (size - 50,)).fetchall(), runs)
        rows.append(summarise("pool", "baseline_offset_last", size, seconds, [rss_mb()]))
    finally:
        conn.close()
    megabytes = os.path.getsize(path) / 1e6
    print(f"# {size} cadres: {path} is {megabytes:.0f} MB", file=sys.stderr)
    return rows


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_sizes=[100_000, 1_000_000])
    runs = args.runs if "--runs" in sys.argv else RUNS  # the issue asks for 20, _common says 10
    rows: list[dict] = []
    for size in args.sizes:
        rows += bench_size(size, runs)
    report(rows, args.json)


if __name__ == "__main__":
    main()
