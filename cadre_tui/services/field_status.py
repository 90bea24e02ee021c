"""Field status: every level of the programme against its targets, with its weekly
trend, and the cadres who have stopped reporting. The dashboard's drill-down
(programme → batch → receiving unit → group → cadre), the group progress screen
and ``cadre-tui status`` read it; no Textual here.

A node without a target of its own for a metric takes the sum of its children's
(own or so derived) when every child has one: a unit without a unit target is
measured against its groups', the programme against its batches', a mode
against its groups', a group against its members' cadre targets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cadre_tui.domain.enums import ManagementMode
from cadre_tui.domain.model import Metric
from cadre_tui.domain.quantities import percent_of
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
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
    """One of programme, batch, unit, group, cadre, mode (and, from :func:`places`
    only, village and project)."""
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


@dataclass(frozen=True)
class Silent:
    cadre_id: int
    name: str
    group_id: int
    group: str
    leader: str
    last_entry: dt.date | None
    days: int


# -- public API --------------------------------------------------------------------------


def programme_progress(
    conn: sqlite3.Connection, today: dt.date, weeks: int = 8, *, since: dt.date | None = None
) -> Progress:
    targets = _Targets(conn, Scope())
    name = levels.programme_name(conn) or t("field_status.programme")
    node = _Node(0, None, name)
    return _level(
        conn, "programme", "programme", Scope(), [node], targets.programme, today, weeks, since
    )[0]


def batch_progress(
    conn: sqlite3.Connection,
    batch_id: int,
    today: dt.date,
    weeks: int = 8,
    *,
    since: dt.date | None = None,
) -> Progress:
    rows = levels.batch_rows(conn, batch_id)
    if not rows:
        raise CadreError("field_status.batch_not_found", id=batch_id)
    scope = Scope(batch_id=batch_id)
    targets = _Targets(conn, scope)
    nodes = [_Node(batch_id, batch_id, rows[0]["name"])]
    return _level(conn, "batch", "batch", scope, nodes, targets.batch, today, weeks, since)[0]


def unit_progress(
    conn: sqlite3.Connection,
    batch_id: int,
    unit_id: int,
    today: dt.date,
    weeks: int = 8,
    *,
    since: dt.date | None = None,
) -> Progress:
    """A receiving unit within one batch."""
    rows = levels.unit_rows(conn, batch_id, unit_id)
    if not rows:
        raise CadreError("field_status.unit_not_in_batch", id=unit_id)
    scope = Scope(batch_id=batch_id, unit_id=unit_id)
    targets = _Targets(conn, scope)
    nodes = [_Node(unit_id, unit_id, rows[0]["name"], batch_id)]
    return _level(
        conn, "unit", "unit", scope, nodes, lambda k: targets.unit(batch_id, k), today, weeks, since
    )[0]


def group_progress(
    conn: sqlite3.Connection,
    group_id: int,
    today: dt.date,
    weeks: int = 8,
    *,
    since: dt.date | None = None,
) -> Progress:
    scope = Scope(group_id=group_id)
    targets = _Targets(conn, scope)
    if not targets.groups:
        raise CadreError("field_status.group_not_found", id=group_id)
    nodes = [_group_node(row) for row in targets.groups.values()]
    return _level(conn, "group", "group", scope, nodes, targets.group, today, weeks, since)[0]


def children(
    conn: sqlite3.Connection,
    node: Progress,
    today: dt.date,
    weeks: int = 8,
    *,
    since: dt.date | None = None,
) -> list[Progress]:
    """programme → batches; batch → receiving units; unit → groups; mode → its
    groups; group → cadres (leader first, then by name); cadre → none."""
    if node.kind == "programme":
        scope = Scope()
        targets = _Targets(conn, scope)
        nodes = [_Node(r["id"], r["id"], r["name"]) for r in levels.batch_rows(conn)]
        return _level(conn, "batch", "batch", scope, nodes, targets.batch, today, weeks, since)
    if node.kind == "batch":
        assert node.id is not None
        scope = Scope(batch_id=node.id)
        targets = _Targets(conn, scope)
        nodes = [
            _Node(r["id"], r["id"], r["name"], node.id) for r in levels.unit_rows(conn, node.id)
        ]
        return _level(
            conn,
            "unit",
            "unit",
            scope,
            nodes,
            lambda key: targets.unit(node.id, key),
            today,
            weeks,
            since,
        )
    if node.kind in ("unit", "mode"):
        if node.kind == "unit":
            scope = Scope(batch_id=node.parent_id, unit_id=node.id)
        else:
            scope = Scope(batch_id=node.parent_id, mode=node.mode)
        targets = _Targets(conn, scope)
        nodes = [_group_node(row) for row in targets.groups.values()]
        return _level(conn, "group", "group", scope, nodes, targets.group, today, weeks, since)
    if node.kind == "group":
        assert node.id is not None
        return _members(conn, node.id, today, weeks, since)
    return []


def group_members(
    conn: sqlite3.Connection,
    group_id: int,
    today: dt.date,
    metric: str,
    weeks: int = 8,
    *,
    since: dt.date | None = None,
) -> list[Progress]:
    """The group's members ranked by their ``metric`` total, highest first (ties keep
    the leader first, then name order)."""
    if metric not in {m.code for m in list_metrics(conn)}:
        raise CadreError("store.figure.metric_unknown", metric=metric)
    members = _members(conn, group_id, today, weeks, since)
    return sorted(members, key=lambda node: -node.metric(metric).total)


def by_mode(
    conn: sqlite3.Connection,
    batch_id: int | None,
    today: dt.date,
    weeks: int = 8,
    *,
    since: dt.date | None = None,
) -> list[Progress]:
    """One node per management mode with groups in the batch (or in any batch)."""
    scope = Scope(batch_id=batch_id)
    targets = _Targets(conn, scope)
    present = {row["mode"] for row in targets.groups.values()}
    nodes = [
        _Node(mode.value, None, mode.label(), batch_id, mode.value)
        for mode in ManagementMode
        if mode.value in present
    ]
    return _level(conn, "mode", "mode", scope, nodes, targets.mode, today, weeks, since)


def places(
    conn: sqlite3.Connection,
    group_id: int,
    today: dt.date,
    weeks: int = 8,
    *,
    since: dt.date | None = None,
) -> list[Progress]:
    """The villages and projects a group's figures name, against their own targets
    (kind "village" / "project", ``parent_id`` the group)."""
    scope = Scope(group_id=group_id)
    groups = levels.group_rows(conn, scope)
    if not groups:
        raise CadreError("field_status.group_not_found", id=group_id)
    metrics = list_metrics(conn)
    window = _window(today, weeks)
    goals = rollups.place_targets(conn, groups[0]["batch_id"])
    active = rollups.place_active_cadres(conn, scope)
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for row in rollups.place_days(conn, scope):
        key = (row["kind"], row["place_id"])
        place = found.setdefault(key, {"name": row["name"], "totals": {}, "weeks": {}})
        day = dt.date.fromisoformat(row["day"])
        if since is None or day >= since:
            totals = place["totals"]
            totals[row["metric_code"]] = totals.get(row["metric_code"], 0.0) + row["total"]
        by_week = place["weeks"].setdefault(row["metric_code"], {})
        monday = levels.week_of(day)
        by_week[monday] = by_week.get(monday, 0.0) + row["total"]
    return [
        Progress(
            kind,
            place_id,
            place["name"],
            active.get((kind, place_id), 0),
            _metric_progress(
                metrics, place["totals"], goals.get((kind, place_id), {}), place["weeks"], window
            ),
            group_id,
        )
        for (kind, place_id), place in found.items()
    ]


def not_reporting(
    conn: sqlite3.Connection,
    today: dt.date,
    days: int = 3,
    batch_id: int | None = None,
    *,
    unit_id: int | None = None,
    group_id: int | None = None,
) -> list[Silent]:
    """Cadres in active placements of active batches without a figure for ``days``
    days or more as of ``today`` (counted from their last entry in that placement,
    or from its start if they never reported), the longest silence first."""
    scope = Scope(batch_id=batch_id, unit_id=unit_id, group_id=group_id)
    return [
        Silent(
            cadre_id=row["cadre_id"],
            name=row["name"],
            group_id=row["group_id"],
            group=row["group_name"],
            leader=row["leader"],
            last_entry=dt.date.fromisoformat(row["last_entry"]) if row["last_entry"] else None,
            days=row["days"],
        )
        for row in rollups.silent_cadres(conn, today, max(0, days), scope)
    ]


# -- building the nodes --------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    key: Any
    id: int | None
    name: str
    parent_id: int | None = None
    mode: str | None = None


def _group_node(row: dict[str, Any]) -> _Node:
    return _Node(row["id"], row["id"], row["name"], row["batch_id"], row["mode"])


def _window(today: dt.date, weeks: int) -> list[dt.date]:
    """The Mondays of the last ``weeks`` ISO weeks, oldest first."""
    last = levels.week_of(today)
    return [last - dt.timedelta(weeks=weeks - 1 - n) for n in range(max(0, weeks))]


def _metric_progress(
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


def _level(
    conn: sqlite3.Connection,
    kind: str,
    level: Level,
    scope: Scope,
    nodes: list[_Node],
    targets_of: Callable[[Any], dict[str, float]],
    today: dt.date,
    weeks: int,
    since: dt.date | None,
) -> list[Progress]:
    """The nodes of one level inside ``scope``: a few aggregate queries for all of them."""
    if not nodes:
        return []
    metrics = list_metrics(conn)
    window = _window(today, weeks)
    totals = levels.level_totals(conn, level, scope, since)
    trend = levels.level_weeks(conn, level, scope, window[0], window[-1]) if window else {}
    active = levels.level_active_cadres(conn, level, scope)
    return [
        Progress(
            kind,
            node.id,
            node.name,
            active.get(node.key, 0),
            _metric_progress(
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


def _members(
    conn: sqlite3.Connection, group_id: int, today: dt.date, weeks: int, since: dt.date | None
) -> list[Progress]:
    groups = levels.group_rows(conn, Scope(group_id=group_id))
    if not groups:
        raise CadreError("field_status.group_not_found", id=group_id)
    members = levels.member_rows(conn, group_id)
    metrics = list_metrics(conn)
    window = _window(today, weeks)
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
            _metric_progress(
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


class _Targets:
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
