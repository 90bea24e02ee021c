"""The programme at a glance: each batch, its receiving units and modes, and the
five metric totals against targets. Used by the dashboard and ``cadre-tui status``."""

from __future__ import annotations

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


def batch_statuses(conn: sqlite3.Connection, batch_number: int | None = None) -> list[BatchStatus]:
    batch_rows = rollups.batches(conn, batch_number)
    ids = [row["id"] for row in batch_rows]
    if not ids:
        return []
    totals = rollups.batch_totals(conn, ids)
    targets = rollups.batch_targets(conn, ids)
    unit_totals = rollups.unit_totals(conn, ids)
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


def programme_status(conn: sqlite3.Connection, batch_number: int | None = None) -> ProgrammeStatus:
    name = rollups.programme_name(conn) or ("", "")
    return ProgrammeStatus(
        name=name[0],
        district=name[1],
        pool_size=rollups.pool_size(conn),
        batches=batch_statuses(conn, batch_number),
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
