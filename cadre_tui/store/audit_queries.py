"""Reading the audit log back: filtered and newest first, everything about one cadre
or one working group, and the names its rows refer to.

Every read goes through the log's indexes (``audit_log_entity(entity, entity_id,
id)``, ``audit_log_actor(actor, id)``, the rowid): a cadre's history on a
database of millions of rows is a handful of index probes. JSON is read only on
rows an index has already narrowed down.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cadre_tui.store.sqlite import sqlite3

ENTITY_ALIASES = {
    "group": "working_group",
    "figure": "figure_entry",
    "round": "recommendation_round",
}
"""Short names the command line accepts for the log's entity names."""

ENTITIES = (
    *("cadre", "placement", "working_group", "figure_entry", "recommendation", "batch"),
    *("round_unit", "recommendation_round", "target", "saved_filter", "sending_unit"),
    *("receiving_unit", "village", "field_team", "project", "programme", "officer", "export"),
)
"""The kinds of record the store writes audit rows about."""

COMMON_ENTITY = 5000
"""An entity with at least this many rows is found fastest walking the log backwards."""

_COLUMNS = "id, at, actor, action, entity, entity_id, before_json, after_json, undoes"


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit row, its before and after decoded (ID numbers are masked by the writer)."""

    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: int | None
    before: Any
    after: Any
    undoes: int | None = None


def _row(row: sqlite3.Row) -> AuditRow:
    before, after = row["before_json"], row["after_json"]
    return AuditRow(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        before=json.loads(before) if before else None,
        after=json.loads(after) if after else None,
        undoes=row["undoes"],
    )


def entity_name(name: str) -> str:
    return ENTITY_ALIASES.get(name, name)


def since_text(since: dt.date | dt.datetime) -> str:
    """``since`` as the log writes times (ISO, UTC); a date or naive time is local."""
    if not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time())
    if since.tzinfo is None:
        since = since.astimezone()
    return since.astimezone(dt.UTC).isoformat(timespec="seconds")


def _first_id_since(conn: sqlite3.Connection, at: str) -> int:
    """The lowest id written at or after ``at``, by bisecting the rowid (ids and
    times rise together; a day's margin absorbs a clock set back a little)."""
    margin = (dt.datetime.fromisoformat(at) - dt.timedelta(days=1)).isoformat()
    low, high = conn.execute(
        "SELECT (SELECT MIN(id) FROM audit_log), (SELECT MAX(id) FROM audit_log)"
    ).fetchone()
    if high is None:
        return 1
    high += 1
    while low < high:
        middle = (low + high) // 2
        found, written = conn.execute(
            "SELECT id, at FROM audit_log WHERE id >= ? ORDER BY id LIMIT 1", (middle,)
        ).fetchone()
        if written >= margin:
            high = middle
        else:
            low = found + 1
    return low


class _Filters:
    """``since`` and ``actor`` as SQL conditions added to each query."""

    def __init__(
        self, conn: sqlite3.Connection, since: dt.date | dt.datetime | None, actor: str | None
    ) -> None:
        self.sql, self.params = "", []
        if since is not None:
            at = since_text(since)
            self.sql += " AND id >= ? AND at >= ?"
            self.params += [_first_id_since(conn, at), at]
        if actor:
            self.sql += " AND actor = ?"
            self.params.append(actor)
        self.actor = actor


def log_entries(
    conn: sqlite3.Connection,
    since: dt.date | dt.datetime | None = None,
    actor: str | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 50,
) -> list[AuditRow]:
    """The log newest first, narrowed by time (local date or time), user and record."""
    filters = _Filters(conn, since, actor)
    where, params = "1", []
    if entity:
        entity = entity_name(entity)
        if entity_id is not None:
            where, params = "entity = ? AND entity_id = ?", [entity, entity_id]
        elif actor or not _is_common(conn, entity):
            where, params = "entity = ?", [entity]
        else:  # walk the rowid backwards rather than sort every row of the entity
            where, params = "+entity = ?", [entity]
    elif entity_id is not None:
        where, params = "entity_id = ?", [entity_id]
    sql = f"SELECT {_COLUMNS} FROM audit_log WHERE {where}{filters.sql} ORDER BY id DESC LIMIT ?"
    return [_row(r) for r in conn.execute(sql, [*params, *filters.params, limit])]


def is_known_entity(conn: sqlite3.Connection, entity: str) -> bool:
    """One the store writes about, or one the log holds rows about."""
    if entity_name(entity) in ENTITIES:
        return True
    found = conn.execute("SELECT 1 FROM audit_log WHERE entity = ? LIMIT 1", (entity,))
    return found.fetchone() is not None


def _is_common(conn: sqlite3.Connection, entity: str) -> bool:
    (count,) = conn.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM audit_log WHERE entity = ? LIMIT ?)",
        (entity, COMMON_ENTITY),
    ).fetchone()
    return count >= COMMON_ENTITY


# -- one cadre, one group ---------------------------------------------------------------

_ABOUT = f"SELECT {_COLUMNS} FROM audit_log WHERE "

_CADRE_PARTS: tuple[tuple[str, int], ...] = (
    # (condition, how many times the cadre's id is a parameter)
    ("entity = 'cadre' AND entity_id = ?", 1),
    ("entity = 'export' AND entity_id = ?", 1),
    ("entity = 'placement' AND entity_id IN (SELECT id FROM placements WHERE cadre_id = ?)", 1),
    # by round: the (round_id, cadre_id) key is the only index holding cadre_id; the
    # JSON check drops rows of a withdrawn nomination whose number was given again
    (
        "entity = 'recommendation' AND entity_id IN (SELECT id FROM recommendations"
        " WHERE round_id IN (SELECT id FROM recommendation_rounds) AND cadre_id = ?)"
        " AND COALESCE(json_extract(before_json, '$.cadre_id'),"
        " json_extract(after_json, '$.cadre_id'),"
        " json_extract(after_json, '$.nominations[0].cadre_id'), ?) = ?",
        3,
    ),
    # several cadres nominated at once: one row without an entity_id lists them
    (
        "entity = 'recommendation' AND entity_id IS NULL AND action = 'nominate'"
        " AND instr(after_json, '\"cadre_id\": ' || ?) > 0 AND EXISTS (SELECT 1"
        " FROM json_each(after_json, '$.nominations') WHERE value ->> 'cadre_id' = ?)",
        2,
    ),
    # added in a bulk import: the row names the range of new ids
    (
        "entity = 'cadre' AND entity_id IS NULL AND action = 'bulk_insert'"
        " AND after_json ->> 'first_id' <= ? AND after_json ->> 'last_id' >= ?",
        2,
    ),
    (
        "entity = 'target' AND entity_id IN (SELECT id FROM targets WHERE batch_id IN"
        " (SELECT g.batch_id FROM placements p JOIN working_groups g ON g.id = p.group_id"
        " WHERE p.cadre_id = ?) AND scope = 'cadre' AND scope_id = ?)",
        2,
    ),
    # follow-up: the meetings and training sessions the cadre attended
    (
        "entity = 'meeting' AND entity_id IN"
        " (SELECT meeting_id FROM meeting_cadres WHERE cadre_id = ?)",
        1,
    ),
    (
        "entity = 'training_session' AND entity_id IN"
        " (SELECT session_id FROM training_attendance WHERE cadre_id = ?)",
        1,
    ),
)

_FIGURES_OF_CADRE = "SELECT id FROM figure_entries WHERE cadre_id = ?"
_FIGURES_OF_GROUP = (
    "SELECT id FROM figure_entries"
    " WHERE placement_id IN (SELECT id FROM placements WHERE group_id = ?)"
)


def cadre_history(
    conn: sqlite3.Connection,
    cadre_id: int,
    limit: int = 200,
    *,
    since: dt.date | dt.datetime | None = None,
    actor: str | None = None,
) -> list[AuditRow]:
    """Everything about one cadre, newest first: their record, placements (with
    evaluations), nominations, figures, own targets and unmasked exports of them."""
    filters = _Filters(conn, since, actor)
    queries = [(sql, (cadre_id,) * count) for sql, count in _CADRE_PARTS]
    queries.append(_figure_query(conn, _FIGURES_OF_CADRE, cadre_id, limit, filters))
    return _newest(conn, queries, filters, limit)


def group_history(
    conn: sqlite3.Connection,
    group_id: int,
    limit: int = 200,
    *,
    since: dt.date | dt.datetime | None = None,
    actor: str | None = None,
) -> list[AuditRow]:
    """Everything about one working group, newest first: the group, its members'
    placements (moves out included), their figures and the group's targets."""
    filters = _Filters(conn, since, actor)
    queries: list[tuple[str, tuple[Any, ...]]] = [
        ("entity = 'working_group' AND entity_id = ?", (group_id,)),
        (
            "entity = 'placement' AND entity_id IN (SELECT id FROM placements WHERE group_id = ?)",
            (group_id,),
        ),
        # a move names the new placement; the group left is in its "before"
        (
            "entity = 'placement' AND action = 'move' AND entity_id IN (SELECT id FROM"
            " placements WHERE cadre_id IN (SELECT cadre_id FROM placements WHERE group_id = ?))"
            " AND before_json ->> 'group_id' = ?",
            (group_id, group_id),
        ),
        (
            "entity = 'target' AND entity_id IN (SELECT id FROM targets WHERE batch_id ="
            " (SELECT batch_id FROM working_groups WHERE id = ?) AND scope = 'group'"
            " AND scope_id = ?)",
            (group_id, group_id),
        ),
        _figure_query(conn, _FIGURES_OF_GROUP, group_id, limit, filters),
        # follow-up: the group's logistics items, the meetings it attended
        (
            "entity = 'logistics_item' AND entity_id IN"
            " (SELECT id FROM logistics_items WHERE group_id = ?)",
            (group_id,),
        ),
        (
            "entity = 'meeting' AND entity_id IN"
            " (SELECT meeting_id FROM meeting_groups WHERE group_id = ?)",
            (group_id,),
        ),
    ]
    return _newest(conn, queries, filters, limit)


def _figure_query(
    conn: sqlite3.Connection, entries_sql: str, key: int, limit: int, filters: _Filters
) -> tuple[str, tuple[Any, ...]]:
    """Audit rows of figure entries. Entry ids and audit ids rise together and an
    entry has one row (created, or the correction naming its original), so the
    newest ``limit`` rows belong to the newest ``limit`` entries; by one user they
    may not, and then every entry is asked about."""
    cap = "" if filters.actor else " ORDER BY id DESC LIMIT ?"
    params = (key,) if filters.actor else (key, limit)
    ids = [row[0] for row in conn.execute(entries_sql + cap, params)]
    wanted = set(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        wanted.update(
            row[0]
            for row in conn.execute(
                f"SELECT corrects_id FROM figure_entries WHERE id IN ({marks})"
                " AND corrects_id IS NOT NULL",
                chunk,
            )
        )
    return (
        "entity = 'figure_entry' AND entity_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(wanted)),),
    )


def _newest(
    conn: sqlite3.Connection,
    queries: list[tuple[str, tuple[Any, ...]]],
    filters: _Filters,
    limit: int,
) -> list[AuditRow]:
    """Each part newest first, at most ``limit`` each, merged by id."""
    parts = []
    for condition, params in queries:
        sql = f"{_ABOUT}{condition}{filters.sql} ORDER BY id DESC LIMIT ?"
        parts.append([_row(r) for r in conn.execute(sql, [*params, *filters.params, limit])])
    merged = heapq.merge(*parts, key=lambda row: -row.id)
    seen: set[int] = set()
    result = []
    for row in merged:
        if row.id not in seen:
            seen.add(row.id)
            result.append(row)
            if len(result) == limit:
                break
    return result


# -- names ------------------------------------------------------------------------------

_NAMES = {
    "cadre": "SELECT id, name FROM cadres",
    "working_group": "SELECT id, name FROM working_groups",
    "batch": "SELECT id, name FROM batches",
    "sending_unit": "SELECT id, name FROM sending_units",
    "receiving_unit": "SELECT id, name FROM receiving_units",
    "village": "SELECT id, name FROM villages",
    "field_team": "SELECT id, name FROM field_teams",
    "project": "SELECT id, name FROM projects",
    "officer": "SELECT id, name FROM officers",
    "saved_filter": "SELECT id, name FROM saved_filters",
    "recommendation_round": "SELECT id, year FROM recommendation_rounds",
    "round_unit": "SELECT id, name FROM sending_units",
    "placement": "SELECT p.id, c.name FROM placements p JOIN cadres c ON c.id = p.cadre_id",
    "recommendation": (
        "SELECT r.id, c.name FROM recommendations r JOIN cadres c ON c.id = r.cadre_id"
    ),
    "figure_entry": "SELECT f.id, c.name FROM figure_entries f JOIN cadres c ON c.id = f.cadre_id",
}
_KEY = {"placement": "p.id", "recommendation": "r.id", "figure_entry": "f.id"}


def names_for(
    conn: sqlite3.Connection, refs: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], str]:
    """Display names of ``(kind, id)`` pairs (kinds as the log names entities); a
    record that is gone, or a kind without names, is simply absent."""
    wanted: dict[str, set[int]] = {}
    for kind, key in refs:
        if kind in _NAMES and isinstance(key, int):
            wanted.setdefault(kind, set()).add(key)
    names: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        ordered = sorted(ids)
        column = _KEY.get(kind, "id")
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            sql = f"{_NAMES[kind]} WHERE {column} IN ({', '.join('?' * len(chunk))})"
            for key, name in conn.execute(sql, chunk):
                names[(kind, key)] = str(name)
    return names
