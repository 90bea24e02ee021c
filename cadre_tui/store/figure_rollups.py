"""Figure roll-ups by level: totals, weekly trends and active cadres of the
programme, batches, receiving units, modes, groups and a group's cadres. Plain
rows and dicts, no domain logic.

Groups read ``figure_group_weeks``, higher levels ``figure_unit_weeks`` (weekly
totals the ledger's triggers keep, db/migrations/0005); the cadre level reads
the ledger through its (placement, day) index, one group at a time. Nothing here
returns ledger lines: every query is an aggregate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from cadre_tui.store.sqlite import sqlite3

Level = Literal["programme", "batch", "unit", "group", "mode"]

_KEY: dict[str, str] = {
    "programme": "0",
    "batch": "w.batch_id",
    "unit": "w.receiving_unit_id",
    "group": "w.group_id",
    "mode": "w.mode",
}
"""What each level groups by, over the weekly totals ``w`` it reads."""

_GROUP_KEY: dict[str, str] = {
    "programme": "0",
    "batch": "g.batch_id",
    "unit": "g.receiving_unit_id",
    "group": "g.id",
    "mode": "g.mode",
}
"""The same over ``working_groups g``."""


@dataclass(frozen=True)
class Scope:
    """Which working groups a roll-up covers (all of them when every field is None)."""

    batch_id: int | None = None
    unit_id: int | None = None
    group_id: int | None = None
    mode: str | None = None

    def where(self, alias: str = "g") -> tuple[str, list[Any]]:
        """SQL terms over ``working_groups`` (under ``alias``) and their parameters."""
        terms, params = ["1"], []
        for column, value in (
            ("batch_id", self.batch_id),
            ("receiving_unit_id", self.unit_id),
            ("id", self.group_id),
            ("mode", self.mode),
        ):
            if value is not None:
                terms.append(f"{alias}.{column} = ?")
                params.append(value)
        return " AND ".join(terms), params


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week (the key of the weekly totals)."""
    return day - dt.timedelta(days=day.weekday())


def plain_rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> sqlite3.Cursor:
    """Rows as plain tuples: aggregates of thousands of rows skip building Row objects."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


def nest_rows(rows: Any) -> dict[Any, dict[str, float]]:
    result: dict[Any, dict[str, float]] = {}
    for key, code, total in rows:
        result.setdefault(key, {})[code] = total
    return result


def _weeks_source(level: Level, scope: Scope) -> tuple[str, list[Any]]:
    """The weekly totals a level reads, as ``w`` with batch_id, receiving_unit_id,
    mode (and group_id) columns: per group for groups, else per unit and mode."""
    if level == "group" or scope.group_id is not None:
        where, params = scope.where()
        return (
            "(SELECT g.batch_id, g.receiving_unit_id, g.mode, g.id AS group_id, x.week,"
            " x.metric_code, x.total FROM working_groups g"
            f" JOIN figure_group_weeks x ON x.group_id = g.id WHERE {where}) w",
            params,
        )
    where, params = scope.where("x")
    return (f"(SELECT * FROM figure_unit_weeks x WHERE {where}) w", params)


# -- group level and up -----------------------------------------------------------


def level_totals(
    conn: sqlite3.Connection, level: Level, scope: Scope, since: dt.date | None = None
) -> dict[Any, dict[str, float]]:
    """``{key: {metric: total}}`` for each node of ``level`` inside ``scope``; with
    ``since``, only figures dated on or after it (whole weeks from the weekly
    totals, the days before the first Monday from the ledger's day index)."""
    key = _KEY[level]
    source, params = _weeks_source(level, scope)
    weeks = f"SELECT {key} AS k, w.metric_code AS code, SUM(w.total) AS total FROM {source}"
    if since is None:
        return nest_rows(plain_rows(conn, f"{weeks} GROUP BY k, code", params))
    monday = week_of(since)
    first_full = monday if monday == since else monday + dt.timedelta(days=7)
    where, group_params = scope.where()
    sql = (
        "SELECT k, code, SUM(total) FROM ("
        f"{weeks} WHERE w.week >= ? GROUP BY k, code"
        f" UNION ALL SELECT {_GROUP_KEY[level]} AS k,"
        " f.metric_code AS code, SUM(f.value) AS total"
        " FROM working_groups g CROSS JOIN placements p ON p.group_id = g.id"
        " CROSS JOIN figure_entries f INDEXED BY figure_entries_placement_day"
        " ON f.placement_id = p.id AND f.entry_date >= ? AND f.entry_date < ?"
        f" WHERE {where} GROUP BY k, code"
        ") GROUP BY k, code"
    )
    args = [
        *params,
        first_full.isoformat(),
        since.isoformat(),
        first_full.isoformat(),
        *group_params,
    ]
    return nest_rows(plain_rows(conn, sql, args))


def level_weeks(
    conn: sqlite3.Connection, level: Level, scope: Scope, first: dt.date, last: dt.date
) -> dict[Any, dict[str, dict[dt.date, float]]]:
    """``{key: {metric: {monday: total}}}`` for the ISO weeks from ``first`` to
    ``last`` (both Mondays), weeks without figures left out."""
    key = _KEY[level]
    source, params = _weeks_source(level, scope)
    rows = plain_rows(
        conn,
        f"SELECT {key} AS k, w.metric_code, w.week, SUM(w.total) FROM {source}"
        " WHERE w.week BETWEEN ? AND ? GROUP BY k, w.metric_code, w.week",
        [*params, first.isoformat(), last.isoformat()],
    )
    result: dict[Any, dict[str, dict[dt.date, float]]] = {}
    for k, code, week, total in rows:
        result.setdefault(k, {}).setdefault(code, {})[dt.date.fromisoformat(week)] = total
    return result


def level_active_cadres(conn: sqlite3.Connection, level: Level, scope: Scope) -> dict[Any, int]:
    """Cadres in active placements under each node of ``level`` (a cadre has at most
    one active placement, so counting placements counts cadres)."""
    where, params = scope.where()
    rows = plain_rows(
        conn,
        f"SELECT {_GROUP_KEY[level]} AS k, COUNT(*) FROM working_groups g"
        " JOIN placements p INDEXED BY placements_active_group"
        " ON p.group_id = g.id AND p.end_date IS NULL"
        f" WHERE {where} GROUP BY k",
        params,
    )
    return {k: count for k, count in rows}


# -- the nodes of each level -----------------------------------------------------------


def programme_name(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT name FROM programme WHERE id = 1").fetchone()
    return row[0] if row else ""


def batch_rows(conn: sqlite3.Connection, batch_id: int | None = None) -> list[dict[str, Any]]:
    """Batches in number order (one, or all)."""
    where, params = ("WHERE id = ?", [batch_id]) if batch_id is not None else ("", [])
    return [
        dict(row)
        for row in conn.execute(
            f"SELECT id, number, name, state FROM batches {where} ORDER BY number", params
        )
    ]


def unit_rows(
    conn: sqlite3.Connection, batch_id: int | None, unit_id: int | None = None
) -> list[dict[str, Any]]:
    """The receiving units of a batch (those it sends to and those with its groups),
    ``batch_id`` beside each; every batch's when ``batch_id`` is None."""
    terms, params = [], []
    if batch_id is not None:
        terms.append("x.batch_id = ?")
        params.append(batch_id)
    if unit_id is not None:
        terms.append("u.id = ?")
        params.append(unit_id)
    where = f"WHERE {' AND '.join(terms)}" if terms else ""
    sql = (
        "SELECT DISTINCT x.batch_id, u.id, u.code, u.name FROM ("
        " SELECT batch_id, receiving_unit_id FROM batch_units"
        " UNION SELECT batch_id, receiving_unit_id FROM working_groups"
        f") x JOIN receiving_units u ON u.id = x.receiving_unit_id {where}"
        " ORDER BY x.batch_id, u.id"
    )
    return [dict(row) for row in conn.execute(sql, params)]


def group_rows(conn: sqlite3.Connection, scope: Scope) -> list[dict[str, Any]]:
    """The groups in ``scope`` with their batch, unit and mode, in batch then id order."""
    where, params = scope.where()
    sql = (
        "SELECT g.id, g.batch_id, g.receiving_unit_id AS unit_id, g.name, g.mode"
        f" FROM working_groups g WHERE {where} ORDER BY g.batch_id, g.id"
    )
    return [dict(row) for row in conn.execute(sql, params)]


def member_rows(conn: sqlite3.Connection, group_id: int) -> list[dict[str, Any]]:
    """Everyone ever placed in the group: leader first, then by name (pinyin)."""
    sql = (
        "SELECT p.cadre_id, c.name, MAX(p.end_date IS NULL) AS active,"
        " MAX(c.id = g.leader_cadre_id) AS is_leader"
        " FROM placements p JOIN cadres c ON c.id = p.cadre_id"
        " JOIN working_groups g ON g.id = p.group_id WHERE p.group_id = ?"
        " GROUP BY p.cadre_id ORDER BY is_leader DESC, c.name_pinyin, c.name, c.id"
    )
    return [dict(row) for row in conn.execute(sql, (group_id,))]


# -- the cadre level ---------------------------------------------------------------------


def member_figures(
    conn: sqlite3.Connection,
    group_id: int,
    codes: list[str],
    since: dt.date | None,
    first: dt.date,
    last: dt.date,
) -> tuple[dict[int, dict[str, float]], dict[int, dict[str, dict[dt.date, float]]]]:
    """Per cadre of one group (over their placements in it): ``{cadre: {metric:
    total}}`` from ``since`` on, and ``{cadre: {metric: {monday: total}}}`` for the
    ISO weeks ``first``..``last`` (Mondays).

    One pass over the group's lines in (placement, day) index order: the day sums
    per metric need no sort, and both answers are read from them."""
    if not codes:
        return {}, {}
    day_sums = ", ".join(
        f"TOTAL(CASE f.metric_code WHEN ? THEN f.value END) AS m{n}" for n in range(len(codes))
    )
    sums = ", ".join(f"TOTAL(m{n})" for n in range(len(codes)))
    sql = (
        f"WITH days AS MATERIALIZED (SELECT p.cadre_id, f.entry_date AS day, {day_sums}"
        " FROM placements p CROSS JOIN figure_entries f INDEXED BY figure_entries_placement_day"
        " ON f.placement_id = p.id WHERE p.group_id = ?"
        " GROUP BY p.cadre_id, p.id, f.entry_date)"
        f" SELECT cadre_id, NULL AS week, {sums} FROM days WHERE day >= ? GROUP BY cadre_id"
        f" UNION ALL SELECT cadre_id, date(day, 'weekday 0', '-6 days') AS week, {sums}"
        " FROM days WHERE day >= ? AND day < ? GROUP BY cadre_id, week"
    )
    args = [
        *codes,
        group_id,
        since.isoformat() if since else "",
        first.isoformat(),
        (last + dt.timedelta(days=7)).isoformat(),
    ]
    totals: dict[int, dict[str, float]] = {}
    weeks: dict[int, dict[str, dict[dt.date, float]]] = {}
    for cadre_id, week, *values in plain_rows(conn, sql, args):
        if week is None:
            totals[cadre_id] = dict(zip(codes, values, strict=True))
            continue
        monday = dt.date.fromisoformat(week)
        by_code = weeks.setdefault(cadre_id, {})
        for code, value in zip(codes, values, strict=True):
            by_code.setdefault(code, {})[monday] = value
    return totals, weeks
