"""A progress report as a sheet: one level of the roll-up (programme, batch,
receiving unit or group) on the first row, its children below (batches, units,
groups or cadres), each with every metric's total, target and share reached.
Households are whole numbers, areas m² with decimals, shares real percentages."""

from __future__ import annotations

import datetime as dt

from cadre_tui.domain.enums import ManagementMode
from cadre_tui.domain.model import Metric
from cadre_tui.errors import CadreError
from cadre_tui.i18n import current_language, t
from cadre_tui.services import field_status
from cadre_tui.services import status_lookups as lookups
from cadre_tui.services.exports.table import Column, Kind, Sheet
from cadre_tui.services.field_status import Progress
from cadre_tui.store.figures import list_metrics
from cadre_tui.store.sqlite import sqlite3


def find_level(
    conn: sqlite3.Connection,
    *,
    today: dt.date,
    batch_number: int | None = None,
    unit: str | None = None,
    group: str | None = None,
    since: dt.date | None = None,
) -> tuple[Progress, list[Progress]]:
    """The level the options name and its children: a group (by id or name), a
    receiving unit in a batch (its only batch when none is given), a batch, else
    the programme."""
    if unit is not None and group is not None:
        raise CadreError("field_status.unit_and_group")
    batch_id = lookups.batch_id_of(conn, batch_number) if batch_number is not None else None
    if group is not None:
        node = field_status.group_progress(
            conn, lookups.find_group(conn, group, batch_id), today, since=since
        )
    elif unit is not None:
        unit_id = lookups.find_unit(conn, unit)
        found = lookups.unit_batches(conn, unit_id, batch_id)
        if not found:
            if batch_id is not None:
                raise CadreError("field_status.unit_not_in_batch", id=unit)
            raise CadreError("field_status.unit_in_no_batch", unit=unit)
        if len(found) > 1:
            numbers = lookups.batch_rows(conn)
            listed = t("round.list_separator").join(str(numbers[b]["number"]) for b in found)
            raise CadreError("exports.progress.unit_batches", unit=unit, batches=listed)
        node = field_status.unit_progress(conn, found[0], unit_id, today, since=since)
    elif batch_id is not None:
        node = field_status.batch_progress(conn, batch_id, today, since=since)
    else:
        node = field_status.programme_progress(conn, today, since=since)
    return node, field_status.children(conn, node, today, since=since)


def _metric_name(metric: Metric) -> str:
    name = metric.name_zh if current_language() == "zh" else metric.name_en
    return t("exports.progress.area", metric=name) if metric.is_area else name


def columns(metrics: list[Metric]) -> tuple[Column, ...]:
    found = [
        Column(t("exports.progress.level")),
        Column(t("exports.progress.name")),
        Column(t("exports.progress.mode")),
        Column(t("exports.progress.cadres"), Kind.INT),
    ]
    for metric in metrics:
        kind = Kind.FLOAT if metric.is_area else Kind.INT
        name = _metric_name(metric)
        found += [
            Column(name, kind),
            Column(t("exports.progress.target", metric=name), kind),
            Column(t("exports.progress.percent", metric=name), Kind.PERCENT),
        ]
    return tuple(found)


def level_label(kind: str) -> str:
    labels = {
        "programme": t("exports.level.programme"),
        "batch": t("exports.level.batch"),
        "unit": t("exports.level.unit"),
        "mode": t("exports.level.mode"),
        "group": t("exports.level.group"),
        "cadre": t("exports.level.cadre"),
        "village": t("exports.level.village"),
        "project": t("exports.level.project"),
    }
    return labels.get(kind, kind)


def _row(node: Progress, metrics: list[Metric]) -> list[object]:
    cells: list[object] = [
        level_label(node.kind),
        node.name,
        ManagementMode(node.mode).label() if node.mode else None,
        node.cadres,
    ]
    for metric in metrics:
        found = node.metric(metric.code)
        cells += [found.total, found.target, found.percent]
    return cells


def progress_sheet(conn: sqlite3.Connection, node: Progress, children: list[Progress]) -> Sheet:
    metrics = list_metrics(conn)
    rows = [_row(item, metrics) for item in (node, *children)]
    return Sheet(node.name, columns(metrics), rows)
