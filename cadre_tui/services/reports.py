"""The programme at a glance: each batch, its receiving units and modes, and the
five metric totals against targets. Used by the dashboard and ``cadre-tui status``
(whose look-ups are in ``status_lookups``, its chat text and other JSON in
``status_text``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cadre_tui.domain.enums import METRIC_CODES, BatchState, ManagementMode
from cadre_tui.store import rollups
from cadre_tui.store.sqlite import sqlite3


@dataclass(frozen=True)
class UnitStatus:
    """One receiving unit within a batch, under one management mode."""

    code: str
    name: str
    mode: ManagementMode
    groups: int
    cadres: int
    active_cadres: int
    totals: dict[str, float]
    targets: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchStatus:
    number: int
    name: str
    purpose: str
    state: BatchState
    start_date: str
    planned_end: str | None
    cadres: int
    active_cadres: int
    totals: dict[str, float]
    targets: dict[str, float]
    units: list[UnitStatus]


@dataclass(frozen=True)
class ProgrammeStatus:
    name: str
    district: str
    pool_size: int
    batches: list[BatchStatus]

    def totals(self) -> dict[str, float]:
        """All batches together (the programme level of the roll-up)."""
        return {code: sum(b.totals[code] for b in self.batches) for code in METRIC_CODES}


def _complete(values: dict[str, float] | None) -> dict[str, float]:
    values = values or {}
    return {code: values.get(code, 0.0) for code in METRIC_CODES}


def batch_statuses(
    conn: sqlite3.Connection, batch_number: int | None = None, *, since: dt.date | None = None
) -> list[BatchStatus]:
    """Each batch (or one); with ``since``, totals of the figures dated from then on."""
    batch_rows = rollups.batches(conn, batch_number)
    ids = [row["id"] for row in batch_rows]
    if not ids:
        return []
    if since is None:
        totals = rollups.batch_totals(conn, ids)
        unit_totals = rollups.unit_totals(conn, ids)
    else:
        totals, unit_totals = _totals_since(conn, ids, since)
    targets = rollups.batch_targets(conn, ids)
    unit_targets = rollups.unit_targets(conn, ids)
    units_by_batch: dict[int, list[UnitStatus]] = {}
    for row in rollups.unit_rows(conn, ids):
        key = (row["batch_id"], row["receiving_unit_id"], row["mode"])
        units_by_batch.setdefault(row["batch_id"], []).append(
            UnitStatus(
                code=row["code"],
                name=row["name"],
                mode=ManagementMode(row["mode"]),
                groups=row["groups"],
                cadres=row["cadres"] or 0,
                active_cadres=row["active"] or 0,
                totals=_complete(unit_totals.get(key)),
                targets=unit_targets.get((row["batch_id"], row["receiving_unit_id"]), {}),
            )
        )
    return [
        BatchStatus(
            number=row["number"],
            name=row["name"],
            purpose=row["purpose"],
            state=BatchState(row["state"]),
            start_date=row["start_date"],
            planned_end=row["planned_end"],
            cadres=row["cadres"],
            active_cadres=row["active"],
            totals=_complete(totals.get(row["id"])),
            targets=targets.get(row["id"], {}),
            units=units_by_batch.get(row["id"], []),
        )
        for row in batch_rows
    ]


def _totals_since(
    conn: sqlite3.Connection, batch_ids: list[int], since: dt.date
) -> tuple[dict[int, dict[str, float]], dict[tuple[int, int, str], dict[str, float]]]:
    """Batch and (batch, unit, mode) totals from ``since`` on, summed from group totals."""
    from cadre_tui.store import figure_rollups
    from cadre_tui.store.figure_rollups import Scope

    batches: dict[int, dict[str, float]] = {}
    units: dict[tuple[int, int, str], dict[str, float]] = {}
    for batch_id in batch_ids:
        scope = Scope(batch_id=batch_id)
        groups = {row["id"]: row for row in figure_rollups.group_rows(conn, scope)}
        for group_id, values in figure_rollups.level_totals(conn, "group", scope, since).items():
            row = groups[group_id]
            key = (batch_id, row["unit_id"], row["mode"])
            for code, total in values.items():
                for sums in (batches.setdefault(batch_id, {}), units.setdefault(key, {})):
                    sums[code] = sums.get(code, 0.0) + total
    return batches, units


def programme_status(
    conn: sqlite3.Connection, batch_number: int | None = None, *, since: dt.date | None = None
) -> ProgrammeStatus:
    name = rollups.programme_name(conn) or ("", "")
    return ProgrammeStatus(
        name=name[0],
        district=name[1],
        pool_size=rollups.pool_size(conn),
        batches=batch_statuses(conn, batch_number, since=since),
    )


def status_json(status: ProgrammeStatus) -> dict:
    """The documented JSON shape of ``cadre-tui status --format json``."""
    return {
        "programme": status.name,
        "pool": status.pool_size,
        "batches": [
            {
                "number": b.number,
                "name": b.name,
                "state": b.state.value,
                "start_date": b.start_date,
                "planned_end": b.planned_end,
                "cadres": b.cadres,
                "totals": _json_numbers(b.totals),
                "targets": _json_numbers(b.targets),
                "units": [
                    {
                        "code": u.code,
                        "name": u.name,
                        "mode": u.mode.value,
                        "groups": u.groups,
                        "cadres": u.cadres,
                        "totals": _json_numbers(u.totals),
                        "targets": _json_numbers(u.targets),
                    }
                    for u in b.units
                ],
            }
            for b in status.batches
        ],
    }


def _json_numbers(values: dict[str, float]) -> dict[str, float | int]:
    return {k: int(v) if float(v).is_integer() else round(v, 1) for k, v in values.items()}
