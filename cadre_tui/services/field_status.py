"""Field status: every level of the programme against its targets, with its weekly
trend, and the cadres who have stopped reporting. The dashboard's drill-down
(programme → batch → receiving unit → group → cadre), the group progress screen
and ``cadre-tui status`` read it; no Textual here.

A node without a target of its own for a metric takes the sum of its children's
(own or so derived) when every child has one: a unit without a unit target is
measured against its groups', the programme against its batches', a mode
against its groups', a group against its members' cadre targets.

The nodes are built, and the targets derived, in
:mod:`cadre_tui.services.progress_levels`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cadre_tui.domain.enums import ManagementMode
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.progress_levels import (
    MetricProgress,
    Node,
    Progress,
    Targets,
    group_node,
    level_nodes,
    member_nodes,
    metric_progress,
    week_window,
)
from cadre_tui.store import figure_rollups as levels
from cadre_tui.store import rollups
from cadre_tui.store.figure_rollups import Scope
from cadre_tui.store.figures import list_metrics
from cadre_tui.store.sqlite import sqlite3

__all__ = [
    "MetricProgress",
    "Progress",
    "Silent",
    "batch_progress",
    "by_mode",
    "children",
    "group_members",
    "group_progress",
    "not_reporting",
    "places",
    "programme_progress",
    "unit_progress",
]


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
    targets = Targets(conn, Scope())
    name = levels.programme_name(conn) or t("field_status.programme")
    node = Node(0, None, name)
    return level_nodes(
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
    targets = Targets(conn, scope)
    nodes = [Node(batch_id, batch_id, rows[0]["name"])]
    return level_nodes(conn, "batch", "batch", scope, nodes, targets.batch, today, weeks, since)[0]


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
    targets = Targets(conn, scope)
    nodes = [Node(unit_id, unit_id, rows[0]["name"], batch_id)]
    return level_nodes(
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
    targets = Targets(conn, scope)
    if not targets.groups:
        raise CadreError("field_status.group_not_found", id=group_id)
    nodes = [group_node(row) for row in targets.groups.values()]
    return level_nodes(conn, "group", "group", scope, nodes, targets.group, today, weeks, since)[0]


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
        targets = Targets(conn, scope)
        nodes = [Node(r["id"], r["id"], r["name"]) for r in levels.batch_rows(conn)]
        return level_nodes(conn, "batch", "batch", scope, nodes, targets.batch, today, weeks, since)
    if node.kind == "batch":
        assert node.id is not None
        scope = Scope(batch_id=node.id)
        targets = Targets(conn, scope)
        nodes = [
            Node(r["id"], r["id"], r["name"], node.id) for r in levels.unit_rows(conn, node.id)
        ]
        return level_nodes(
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
        targets = Targets(conn, scope)
        nodes = [group_node(row) for row in targets.groups.values()]
        return level_nodes(conn, "group", "group", scope, nodes, targets.group, today, weeks, since)
    if node.kind == "group":
        assert node.id is not None
        return member_nodes(conn, node.id, today, weeks, since)
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
    members = member_nodes(conn, group_id, today, weeks, since)
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
    targets = Targets(conn, scope)
    present = {row["mode"] for row in targets.groups.values()}
    nodes = [
        Node(mode.value, None, mode.label(), batch_id, mode.value)
        for mode in ManagementMode
        if mode.value in present
    ]
    return level_nodes(conn, "mode", "mode", scope, nodes, targets.mode, today, weeks, since)


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
    window = week_window(today, weeks)
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
            metric_progress(
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
