"""Reads of the roll-up views (db/migrations/0002 and 0005) for ``status`` and the
dashboard, the targets each level is measured against, villages and projects,
and who has stopped reporting: plain rows. The levels themselves are in
:mod:`figure_rollups`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cadre_tui.store.figure_rollups import Scope, nest_rows, plain_rows
from cadre_tui.store.sqlite import sqlite3


def _batch_filter(batch_number: int | None) -> tuple[str, list[Any]]:
    if batch_number is None:
        return "", []
    return " WHERE b.number = ?", [batch_number]


def batches(conn: sqlite3.Connection, batch_number: int | None = None) -> list[dict[str, Any]]:
    where, params = _batch_filter(batch_number)
    sql = (
        "SELECT b.id, b.number, b.name, b.purpose, b.state, b.start_date, b.planned_end,"
        " b.closed_on, COALESCE(c.cadres, 0) AS cadres, COALESCE(c.active_cadres, 0) AS active"
        " FROM batches b LEFT JOIN batch_cadre_counts c ON c.batch_id = b.id"
        f"{where} ORDER BY b.number"
    )
    return [dict(row) for row in conn.execute(sql, params)]


def batch_totals(conn: sqlite3.Connection, batch_ids: list[int]) -> dict[int, dict[str, float]]:
    """Each batch's metric totals, ``{batch_id: {metric_code: total}}``."""
    return _nested(
        conn,
        "SELECT batch_id, metric_code, total FROM batch_figure_totals"
        f" WHERE batch_id IN ({_marks(batch_ids)})",
        batch_ids,
    )


def batch_targets(conn: sqlite3.Connection, batch_ids: list[int]) -> dict[int, dict[str, float]]:
    return _nested(
        conn,
        "SELECT batch_id, metric_code, value FROM targets WHERE scope = 'batch'"
        f" AND batch_id IN ({_marks(batch_ids)})",
        batch_ids,
    )


def unit_rows(conn: sqlite3.Connection, batch_ids: list[int]) -> list[dict[str, Any]]:
    """One row per (batch, receiving unit, mode): groups and cadres served."""
    sql = (
        "SELECT gc.batch_id, u.id AS receiving_unit_id, u.code, u.name, gc.mode,"
        " COUNT(*) AS groups, SUM(gc.cadres) AS cadres, SUM(gc.active_cadres) AS active"
        " FROM group_cadre_counts gc JOIN receiving_units u ON u.id = gc.receiving_unit_id"
        f" WHERE gc.batch_id IN ({_marks(batch_ids)})"
        " GROUP BY gc.batch_id, u.id, gc.mode ORDER BY gc.batch_id, u.id, gc.mode"
    )
    return [dict(row) for row in conn.execute(sql, batch_ids)]


def unit_totals(
    conn: sqlite3.Connection, batch_ids: list[int]
) -> dict[tuple[int, int, str], dict[str, float]]:
    """``{(batch_id, receiving_unit_id, mode): {metric_code: total}}``."""
    result: dict[tuple[int, int, str], dict[str, float]] = {}
    rows = conn.execute(
        "SELECT batch_id, receiving_unit_id, mode, metric_code, total FROM unit_figure_totals"
        f" WHERE batch_id IN ({_marks(batch_ids)})",
        batch_ids,
    )
    for batch_id, unit_id, mode, code, total in rows:
        result.setdefault((batch_id, unit_id, mode), {})[code] = total
    return result


def unit_targets(conn: sqlite3.Connection, batch_ids: list[int]) -> dict[tuple[int, int], dict]:
    result: dict[tuple[int, int], dict[str, float]] = {}
    rows = conn.execute(
        "SELECT batch_id, scope_id, metric_code, value FROM targets"
        f" WHERE scope = 'receiving_unit' AND batch_id IN ({_marks(batch_ids)})",
        batch_ids,
    )
    for batch_id, unit_id, code, value in rows:
        result.setdefault((batch_id, unit_id), {})[code] = value
    return result


def metrics(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute("SELECT * FROM metrics ORDER BY sort_order")]


def programme_name(conn: sqlite3.Connection) -> tuple[str, str] | None:
    row = conn.execute("SELECT name, district FROM programme WHERE id = 1").fetchone()
    return (row[0], row[1]) if row else None


def pool_size(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM cadres WHERE status != 'archived'").fetchone()[0])


def find_groups(
    conn: sqlite3.Connection, text: str, batch_id: int | None = None
) -> list[dict[str, Any]]:
    """Groups whose id (digits) or name is ``text``; active batches first."""
    terms, params = ["(g.name = ? OR CAST(g.id AS TEXT) = ?)"], [text, text]
    if batch_id is not None:
        terms.append("g.batch_id = ?")
        params.append(batch_id)
    sql = (
        "SELECT g.id, g.batch_id, b.number, b.state FROM working_groups g"
        f" JOIN batches b ON b.id = g.batch_id WHERE {' AND '.join(terms)}"
        " ORDER BY b.state = 'active' DESC, b.number DESC, g.id"
    )
    return [dict(row) for row in conn.execute(sql, params)]


def find_units(conn: sqlite3.Connection, text: str) -> list[dict[str, Any]]:
    """Receiving units whose id, code or name is ``text``."""
    return [
        dict(row)
        for row in conn.execute(
            "SELECT id, code, name FROM receiving_units"
            " WHERE code = ? COLLATE NOCASE OR name = ? OR CAST(id AS TEXT) = ? ORDER BY id",
            (text, text, text),
        )
    ]


def batch_id_of(conn: sqlite3.Connection, number: int) -> int | None:
    row = conn.execute("SELECT id FROM batches WHERE number = ?", (number,)).fetchone()
    return row[0] if row else None


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values)) or "NULL"


def _nested(conn: sqlite3.Connection, sql: str, params: list[Any]) -> dict[int, dict[str, float]]:
    result: dict[int, dict[str, float]] = {}
    for key, code, value in conn.execute(sql, params):
        result.setdefault(key, {})[code] = value
    return result


def group_context(conn: sqlite3.Connection, group_id: int) -> dict[str, Any] | None:
    """Where a group sits and who leads it, for a heading."""
    row = conn.execute(
        "SELECT g.id, g.name, g.mode, g.batch_id, b.number AS batch_number,"
        " g.receiving_unit_id AS unit_id, u.name AS unit_name, g.leader_cadre_id AS leader_id,"
        " COALESCE(l.name, '') AS leader FROM working_groups g"
        " JOIN batches b ON b.id = g.batch_id JOIN receiving_units u ON u.id = g.receiving_unit_id"
        " LEFT JOIN cadres l ON l.id = g.leader_cadre_id WHERE g.id = ?",
        (group_id,),
    ).fetchone()
    return dict(row) if row else None


# -- targets -------------------------------------------------------------------------------


def upper_targets(
    conn: sqlite3.Connection, batch_id: int | None = None
) -> dict[tuple[str, int, int], dict[str, float]]:
    """``{(scope, batch_id, scope_id): {metric: value}}`` for batches and receiving
    units (of one batch, or all); a batch's own target is keyed by its id, whatever
    scope_id was stored."""
    where, params = ("AND batch_id = ?", [batch_id]) if batch_id is not None else ("", [])
    rows = plain_rows(
        conn,
        "SELECT scope, batch_id, CASE scope WHEN 'batch' THEN batch_id ELSE scope_id END,"
        f" metric_code, value FROM targets WHERE scope IN ('batch', 'receiving_unit') {where}",
        params,
    )
    result: dict[tuple[str, int, int], dict[str, float]] = {}
    for scope, batch, scope_id, code, value in rows:
        result.setdefault((scope, batch, scope_id), {})[code] = value
    return result


def group_targets(conn: sqlite3.Connection, scope: Scope) -> dict[int, dict[str, float]]:
    """``{group_id: {metric: value}}``: the own targets of the groups in ``scope``."""
    where, params = scope.where()
    return nest_rows(
        plain_rows(
            conn,
            "SELECT g.id, t.metric_code, t.value FROM working_groups g JOIN targets t"
            " ON t.batch_id = g.batch_id AND t.scope = 'group' AND t.scope_id = g.id"
            f" WHERE {where}",
            params,
        )
    )


def cadre_target_sums(
    conn: sqlite3.Connection, scope: Scope
) -> dict[int, dict[str, tuple[float, int, int]]]:
    """Per group in ``scope``: ``{metric: (sum, count, members)}`` of its cadres' own
    targets and how many cadres it has had, so a group without its own target can
    take its members' when every one has one."""
    batch = ("AND batch_id = ?", [scope.batch_id]) if scope.batch_id is not None else ("", [])
    if not conn.execute(
        f"SELECT 1 FROM targets WHERE scope = 'cadre' {batch[0]} LIMIT 1", batch[1]
    ).fetchone():
        return {}
    where, params = scope.where()
    rows = plain_rows(
        conn,
        "SELECT m.group_id, t.metric_code, SUM(t.value), COUNT(*),"
        " (SELECT COUNT(DISTINCT p.cadre_id) FROM placements p WHERE p.group_id = m.group_id)"
        " FROM (SELECT DISTINCT g.id AS group_id, g.batch_id, p.cadre_id FROM working_groups g"
        f" JOIN placements p ON p.group_id = g.id WHERE {where}"
        ") m JOIN targets t ON t.batch_id = m.batch_id AND t.scope = 'cadre'"
        " AND t.scope_id = m.cadre_id GROUP BY m.group_id, t.metric_code",
        params,
    )
    result: dict[int, dict[str, tuple[float, int, int]]] = {}
    for group_id, code, total, count, members in rows:
        result.setdefault(group_id, {})[code] = (total, count, members)
    return result


def cadre_targets(
    conn: sqlite3.Connection, batch_id: int, cadre_ids: list[int]
) -> dict[int, dict[str, float]]:
    if not cadre_ids:
        return {}
    return nest_rows(
        plain_rows(
            conn,
            "SELECT scope_id, metric_code, value FROM targets WHERE batch_id = ?"
            f" AND scope = 'cadre' AND scope_id IN ({','.join('?' * len(cadre_ids))})",
            [batch_id, *cadre_ids],
        )
    )


def place_targets(
    conn: sqlite3.Connection, batch_id: int
) -> dict[tuple[str, int], dict[str, float]]:
    """``{("village" | "project", id): {metric: value}}`` for one batch."""
    result: dict[tuple[str, int], dict[str, float]] = {}
    for scope, scope_id, code, value in plain_rows(
        conn,
        "SELECT scope, scope_id, metric_code, value FROM targets"
        " WHERE batch_id = ? AND scope IN ('village', 'project')",
        (batch_id,),
    ):
        result.setdefault((scope, scope_id), {})[code] = value
    return result


def place_days(conn: sqlite3.Connection, scope: Scope) -> list[dict[str, Any]]:
    """Day totals per village and per project that the figures of ``scope``'s groups name."""
    where, params = scope.where()
    sql = (
        "SELECT kind, place_id, COALESCE(v.name, pr.name, '') AS name, metric_code, day, total"
        " FROM (SELECT CASE WHEN f.village_id IS NOT NULL THEN 'village' ELSE 'project' END"
        " AS kind, COALESCE(f.village_id, f.project_id) AS place_id, f.metric_code,"
        " f.entry_date AS day, SUM(f.value) AS total"
        " FROM working_groups g JOIN placements p ON p.group_id = g.id"
        " JOIN figure_entries f ON f.placement_id = p.id"
        f" WHERE {where} AND (f.village_id IS NOT NULL OR f.project_id IS NOT NULL)"
        " GROUP BY kind, place_id, f.metric_code, day) x"
        " LEFT JOIN villages v ON x.kind = 'village' AND v.id = x.place_id"
        " LEFT JOIN projects pr ON x.kind = 'project' AND pr.id = x.place_id"
        " ORDER BY kind DESC, name, place_id, day"
    )
    return [dict(row) for row in conn.execute(sql, params)]


def place_active_cadres(conn: sqlite3.Connection, scope: Scope) -> dict[tuple[str, int], int]:
    """Cadres in active placements of ``scope``'s groups per village and per project."""
    where, params = scope.where()
    sql = (
        "SELECT 'village', p.village_id, COUNT(DISTINCT p.cadre_id) FROM working_groups g"
        " JOIN placements p ON p.group_id = g.id AND p.end_date IS NULL"
        f" WHERE {where} AND p.village_id IS NOT NULL GROUP BY p.village_id"
        " UNION ALL SELECT 'project', pp.project_id, COUNT(DISTINCT p.cadre_id)"
        " FROM working_groups g JOIN placements p ON p.group_id = g.id AND p.end_date IS NULL"
        f" JOIN placement_projects pp ON pp.placement_id = p.id WHERE {where}"
        " GROUP BY pp.project_id"
    )
    return {(kind, place): count for kind, place, count in plain_rows(conn, sql, params + params)}


# -- who has stopped reporting ----------------------------------------------------------------


def silent_cadres(
    conn: sqlite3.Connection, today: dt.date, days: int, scope: Scope
) -> list[dict[str, Any]]:
    """Cadres in active placements of active batches, started by ``today``, whose
    last figure in that placement (or, never having reported, whose start) is
    ``days`` or more days before ``today``: the longest silence first.

    The latest entry day per placement is kept by a trigger; only a placement with
    figures dated after ``today`` is looked up in the ledger."""
    where, params = scope.where()
    day = today.isoformat()
    cutoff = (today - dt.timedelta(days=days)).isoformat()
    sql = (
        "SELECT cadre_id, name, group_id, group_name, leader, last_entry,"
        " CAST(julianday(?) - julianday(COALESCE(last_entry, start_date)) AS INTEGER) AS days"
        " FROM (SELECT p.cadre_id, c.name, c.name_pinyin, p.group_id, g.name AS group_name,"
        " COALESCE(l.name, '') AS leader, p.start_date,"
        " CASE WHEN fl.last_entry IS NULL OR fl.last_entry <= ? THEN fl.last_entry"
        " ELSE (SELECT MAX(f.entry_date) FROM figure_entries f"
        " INDEXED BY figure_entries_placement_day"
        " WHERE f.placement_id = p.id AND f.entry_date <= ?) END AS last_entry"
        " FROM batches b JOIN working_groups g ON g.batch_id = b.id"
        " JOIN placements p INDEXED BY placements_active_group"
        " ON p.group_id = g.id AND p.end_date IS NULL"
        " LEFT JOIN figure_placement_last fl ON fl.placement_id = p.id"
        " JOIN cadres c ON c.id = p.cadre_id LEFT JOIN cadres l ON l.id = g.leader_cadre_id"
        f" WHERE b.state = 'active' AND p.start_date <= ? AND {where}"
        " AND (COALESCE(fl.last_entry, p.start_date) <= ? OR fl.last_entry > ?)"
        ") WHERE days >= ? ORDER BY days DESC, group_id, name_pinyin, name, cadre_id"
    )
    args = [day, day, day, day, *params, cutoff, day, days]
    return [dict(row) for row in conn.execute(sql, args)]
