"""The drill-down's nodes and how they are built: each level's totals, weekly trend
and cadres in a few aggregate queries for all its nodes, measured against effective
targets (a node's own, else its children's sum). :mod:`cadre_tui.services.field_status`
is the public face; no Textual here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cadre_tui.domain.model import Metric
from cadre_tui.domain.quantities import percent_of
from cadre_tui.errors import CadreError
from cadre_tui.store import figure_rollups as levels
from cadre_tui.store import rollups
from cadre_tui.store.figure_rollups import Level, Scope
from cadre_tui.store.figures import list_metrics
from cadre_tui.store.sqlite import sqlite3


@dataclass(frozen=True)
class MetricProgress:
    code: str
    total: float
    target: float | None
    percent: float | None
    """total / target × 100; None without a target (or with a target of 0)."""
    weekly: tuple[float, ...]
    """The last ``weeks`` ISO weeks, oldest first, ending with the week of ``today``."""


@dataclass(frozen=True)
class Progress:
    """One node of the drill-down."""

    kind: str
    """One of programme, batch, unit, group, cadre, mode (and, from
    :func:`cadre_tui.services.field_status.places` only, village and project)."""
    id: int | None
    name: str
    cadres: int
    """Cadres in active placements under it (for a cadre node: 1 if still placed here)."""
    metrics: tuple[MetricProgress, ...]
    parent_id: int | None = None
    """The batch id of a unit, group or mode node (None for a mode node over every
    batch); the group id of a cadre, village or project node; else None."""
    mode: str | None = None
    """The management mode code of a group or mode node; else None."""

    def metric(self, code: str) -> MetricProgress:
        for item in self.metrics:
            if item.code == code:
                return item
        raise CadreError("store.figure.metric_unknown", metric=code)


# -- building the nodes --------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A node to build; ``key`` is what the level's queries group by (an id, or a
    mode code)."""

    key: Any
    id: int | None
    name: str
    parent_id: int | None = None
    mode: str | None = None


def group_node(row: dict[str, Any]) -> Node:
    return Node(row["id"], row["id"], row["name"], row["batch_id"], row["mode"])


def week_window(today: dt.date, weeks: int) -> list[dt.date]:
    """The Mondays of the last ``weeks`` ISO weeks, oldest first."""
    last = levels.week_of(today)
    return [last - dt.timedelta(weeks=weeks - 1 - n) for n in range(max(0, weeks))]


def metric_progress(
    metrics: list[Metric],
    totals: dict[str, float],
    targets: dict[str, float],
    trend: dict[str, dict[dt.date, float]],
    window: list[dt.date],
) -> tuple[MetricProgress, ...]:
    result = []
    for metric in metrics:
        total = round(float(totals.get(metric.code, 0.0)), 6)  # no 0.1-sums' float dust
        target = targets.get(metric.code)
        weekly = trend.get(metric.code, {})
        result.append(
            MetricProgress(
                code=metric.code,
                total=total,
                target=None if target is None else float(target),
                percent=percent_of(total, target),
                weekly=tuple(round(float(weekly.get(monday, 0.0)), 6) for monday in window),
            )
        )
    return tuple(result)


def level_nodes(
    conn: sqlite3.Connection,
    kind: str,
    level: Level,
    scope: Scope,
    nodes: list[Node],
    targets_of: Callable[[Any], dict[str, float]],
    today: dt.date,
    weeks: int,
    since: dt.date | None,
) -> list[Progress]:
    """The nodes of one level inside ``scope``: a few aggregate queries for all of them."""
    if not nodes:
        return []
    metrics = list_metrics(conn)
    window = week_window(today, weeks)
    totals = levels.level_totals(conn, level, scope, since)
    trend = levels.level_weeks(conn, level, scope, window[0], window[-1]) if window else {}
    active = levels.level_active_cadres(conn, level, scope)
    return [
        Progress(
            kind,
            node.id,
            node.name,
            active.get(node.key, 0),
            metric_progress(
                metrics,
                totals.get(node.key, {}),
                targets_of(node.key),
                trend.get(node.key, {}),
                window,
            ),
            node.parent_id,
            node.mode,
        )
        for node in nodes
    ]


def member_nodes(
    conn: sqlite3.Connection, group_id: int, today: dt.date, weeks: int, since: dt.date | None
) -> list[Progress]:
    groups = levels.group_rows(conn, Scope(group_id=group_id))
    if not groups:
        raise CadreError("field_status.group_not_found", id=group_id)
    members = levels.member_rows(conn, group_id)
    metrics = list_metrics(conn)
    window = week_window(today, weeks)
    totals, trend = levels.member_figures(
        conn,
        group_id,
        [m.code for m in metrics],
        since,
        window[0] if window else today,
        window[-1] if window else today - dt.timedelta(days=7),
    )
    targets = rollups.cadre_targets(conn, groups[0]["batch_id"], [m["cadre_id"] for m in members])
    return [
        Progress(
            "cadre",
            row["cadre_id"],
            row["name"],
            int(bool(row["active"])),
            metric_progress(
                metrics,
                totals.get(row["cadre_id"], {}),
                targets.get(row["cadre_id"], {}),
                trend.get(row["cadre_id"], {}),
                window,
            ),
            group_id,
        )
        for row in members
    ]


def _sum_of_all(parts: list[dict[str, float]]) -> dict[str, float]:
    """Per metric, the sum of ``parts`` when every part has it (none without parts)."""
    if not parts:
        return {}
    shared = set(parts[0]).intersection(*parts[1:])
    return {code: sum(part[code] for part in parts) for code in shared}


class Targets:
    """Effective targets inside a scope: a node's own, else its children's sum. Each
    level is read only when a node above it lacks a target of its own."""

    def __init__(self, conn: sqlite3.Connection, scope: Scope) -> None:
        self.conn = conn
        self.scope = scope
        self.codes = {metric.code for metric in list_metrics(conn)}
        self._upper: dict[tuple[str, int, int], dict[str, float]] | None = None
        self._groups: dict[int, dict[str, Any]] | None = None
        self._group_own: dict[int, dict[str, float]] | None = None
        self._members: dict[int, dict[str, tuple[float, int, int]]] | None = None
        self._cache: dict[int, dict[str, float]] = {}

    @property
    def groups(self) -> dict[int, dict[str, Any]]:
        if self._groups is None:
            self._groups = {row["id"]: row for row in levels.group_rows(self.conn, self.scope)}
        return self._groups

    def _own(self, scope: str, batch_id: int, scope_id: int) -> dict[str, float]:
        if self._upper is None:
            self._upper = rollups.upper_targets(self.conn, self.scope.batch_id)
        return self._upper.get((scope, batch_id, scope_id), {})

    def group(self, group_id: int) -> dict[str, float]:
        if group_id not in self._cache:
            if self._group_own is None:
                self._group_own = rollups.group_targets(self.conn, self.scope)
            own = self._group_own.get(group_id, {})
            derived = {}
            if not self.codes <= own.keys():
                if self._members is None:
                    self._members = rollups.cadre_target_sums(self.conn, self.scope)
                derived = {
                    code: total
                    for code, (total, count, members) in self._members.get(group_id, {}).items()
                    if count == members
                }
            self._cache[group_id] = {**derived, **own}
        return self._cache[group_id]

    def unit(self, batch_id: int, unit_id: int) -> dict[str, float]:
        own = self._own("receiving_unit", batch_id, unit_id)
        if self.codes <= own.keys():
            return own
        groups = [
            self.group(g)
            for g, row in self.groups.items()
            if row["batch_id"] == batch_id and row["unit_id"] == unit_id
        ]
        return {**_sum_of_all(groups), **own}

    def batch(self, batch_id: int) -> dict[str, float]:
        own = self._own("batch", batch_id, batch_id)
        if self.codes <= own.keys():
            return own
        units = [self.unit(batch_id, row["id"]) for row in levels.unit_rows(self.conn, batch_id)]
        return {**_sum_of_all(units), **own}

    def programme(self, _key: Any = None) -> dict[str, float]:
        batches = levels.batch_rows(self.conn, self.scope.batch_id)
        return _sum_of_all([self.batch(row["id"]) for row in batches])

    def mode(self, mode: str) -> dict[str, float]:
        return _sum_of_all([self.group(g) for g, row in self.groups.items() if row["mode"] == mode])
