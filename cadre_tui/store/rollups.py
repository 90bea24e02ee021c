"""Reads of the roll-up views (db/migrations/0002_rollup_views.sql): plain rows."""

from __future__ import annotations

from typing import Any

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


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values)) or "NULL"


def _nested(conn: sqlite3.Connection, sql: str, params: list[Any]) -> dict[int, dict[str, float]]:
    result: dict[int, dict[str, float]] = {}
    for key, code, value in conn.execute(sql, params):
        result.setdefault(key, {})[code] = value
    return result
