"""Batches (抽调批次) and their working groups (工作组): forming, starting,
closing, and the evaluations (考核) that close a secondment.

Placing cadres in groups lives in :mod:`cadre_tui.store.placements`. Every
write is one transaction with an audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from cadre_tui.domain.enums import (
    BatchState,
    CadreStatus,
    EvaluationGrade,
    GroupState,
    ManagementMode,
)
from cadre_tui.domain.model import Batch, Evaluation, WorkingGroup
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.cadres import set_cadres_status
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.units import get_officer, get_receiving_unit
from cadre_tui.store.values import day_from

GROUP_FIELDS = (
    "name",
    "liaison_officer_id",
    "branch_secretary",
    "sending_leader_in_charge",
    "receiving_leader_in_charge",
    "office",
)


def _batch(row: sqlite3.Row) -> Batch:
    values = dict(row)
    values["start_date"] = dt.date.fromisoformat(values["start_date"])
    values["state"] = BatchState(values["state"])
    values["allow_leaders"] = bool(values["allow_leaders"])
    values["planned_end"], values["closed_on"] = (
        day_from(row["planned_end"]),
        day_from(row["closed_on"]),
    )
    return Batch(**values)


def _group(row: sqlite3.Row) -> WorkingGroup:
    values = dict(row)
    values["mode"] = ManagementMode(values["mode"])
    values["state"] = GroupState(values["state"])
    return WorkingGroup(**values)


# -- batches -------------------------------------------------------------------


def create_batch(
    conn: sqlite3.Connection,
    *,
    number: int,
    name: str,
    start_date: dt.date,
    purpose: str = "",
    planned_end: dt.date | None = None,
    allow_leaders: bool = False,
    receiving_unit_ids: Iterable[int] = (),
) -> Batch:
    """Open a dispatch round in planning, with the receiving units it supplies."""
    if planned_end is not None and planned_end < start_date:
        raise CadreError("store.batch.end_before_start")
    with transaction(conn):
        if conn.execute("SELECT 1 FROM batches WHERE number = ?", (number,)).fetchone():
            raise CadreError("store.batch.number_taken", number=number)
        cursor = conn.execute(
            "INSERT INTO batches (number, name, purpose, start_date, planned_end, allow_leaders)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                number,
                name.strip(),
                purpose.strip(),
                start_date.isoformat(),
                planned_end.isoformat() if planned_end else None,
                int(allow_leaders),
            ),
        )
        batch = get_batch(conn, int(cursor.lastrowid))
        audit.record(conn, "create", "batch", batch.id, None, asdict(batch))
        for unit_id in receiving_unit_ids:
            add_batch_unit(conn, batch.id, unit_id)
    return batch


def add_batch_unit(conn: sqlite3.Connection, batch_id: int, receiving_unit_id: int) -> None:
    """Let a batch send cadres to a receiving unit."""
    with transaction(conn):
        open_batch(conn, batch_id)
        get_receiving_unit(conn, receiving_unit_id)
        conn.execute(
            "INSERT OR IGNORE INTO batch_units (batch_id, receiving_unit_id) VALUES (?, ?)",
            (batch_id, receiving_unit_id),
        )
        audit.record(
            conn, "add_unit", "batch", batch_id, None, {"receiving_unit_id": receiving_unit_id}
        )


def start_batch(conn: sqlite3.Connection, batch_id: int, *, at: str | None = None) -> Batch:
    """Planning → active: its groups start work and its placed cadres become seconded.

    ``at`` stamps the cadres' updated_at (default now; a replayed history passes its own)."""
    with transaction(conn):
        batch = open_batch(conn, batch_id)
        conn.execute("UPDATE batches SET state = 'active' WHERE id = ?", (batch_id,))
        conn.execute(
            "UPDATE working_groups SET state = 'active', row_version = row_version + 1"
            " WHERE batch_id = ? AND state = 'forming'",
            (batch_id,),
        )
        set_cadres_status(conn, _active_cadres(conn, batch_id), CadreStatus.SECONDED, at=at)
        audit.record(conn, "start", "batch", batch_id, {"state": batch.state}, {"state": "active"})
        return get_batch(conn, batch_id)


def close_batch(
    conn: sqlite3.Connection, batch_id: int, closed_on: dt.date, *, at: str | None = None
) -> Batch:
    """End the round: every active placement ends on ``closed_on`` and its cadre
    returns to the pool (``at`` as for :func:`start_batch`)."""
    with transaction(conn):
        batch = open_batch(conn, batch_id)
        if closed_on < batch.start_date:
            raise CadreError("store.batch.end_before_start")
        cadre_ids = _active_cadres(conn, batch_id)
        conn.execute(
            "UPDATE placements SET end_date = MAX(start_date, ?) WHERE end_date IS NULL"
            " AND group_id IN (SELECT id FROM working_groups WHERE batch_id = ?)",
            (closed_on.isoformat(), batch_id),
        )
        conn.execute(
            "UPDATE working_groups SET state = 'closed', row_version = row_version + 1"
            " WHERE batch_id = ?",
            (batch_id,),
        )
        conn.execute(
            "UPDATE batches SET state = 'closed', closed_on = ? WHERE id = ?",
            (closed_on.isoformat(), batch_id),
        )
        set_cadres_status(conn, cadre_ids, CadreStatus.AVAILABLE, at=at)
        audit.record(
            conn,
            "close",
            "batch",
            batch_id,
            {"state": batch.state},
            {"state": "closed", "closed_on": closed_on, "placements_ended": len(cadre_ids)},
        )
        return get_batch(conn, batch_id)


def _active_cadres(conn: sqlite3.Connection, batch_id: int) -> list[int]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT p.cadre_id FROM placements p JOIN working_groups g ON g.id = p.group_id"
            " WHERE g.batch_id = ? AND p.end_date IS NULL ORDER BY p.cadre_id",
            (batch_id,),
        )
    ]


def open_batch(conn: sqlite3.Connection, batch_id: int) -> Batch:
    """The batch, if it can still change: a closed batch is history."""
    batch = get_batch(conn, batch_id)
    if batch.state == BatchState.CLOSED:
        raise CadreError("store.batch.closed", number=batch.number)
    return batch


def get_batch(conn: sqlite3.Connection, batch_id: int) -> Batch:
    row = conn.execute("SELECT * FROM batches WHERE id = ?", (batch_id,)).fetchone()
    if row is None:
        raise CadreError("store.batch.not_found", id=batch_id)
    return _batch(row)


def list_batches(conn: sqlite3.Connection) -> list[Batch]:
    return [_batch(row) for row in conn.execute("SELECT * FROM batches ORDER BY number")]


def batch_unit_ids(conn: sqlite3.Connection, batch_id: int) -> list[int]:
    sql = "SELECT receiving_unit_id FROM batch_units WHERE batch_id = ? ORDER BY 1"
    return [row[0] for row in conn.execute(sql, (batch_id,))]


# -- working groups --------------------------------------------------------------


def create_working_group(
    conn: sqlite3.Connection,
    *,
    batch_id: int,
    receiving_unit_id: int,
    name: str,
    mode: ManagementMode | None = None,
    liaison_officer_id: int | None = None,
    branch_secretary: str | None = None,
    sending_leader_in_charge: str = "",
    receiving_leader_in_charge: str | None = None,
    office: str = "",
) -> WorkingGroup:
    """Form a group in a receiving unit of the batch. Mode, branch secretary (the
    town's deputy party secretary) and receiving leader default from the unit."""
    with transaction(conn):
        batch = open_batch(conn, batch_id)
        unit = get_receiving_unit(conn, receiving_unit_id)
        if receiving_unit_id not in batch_unit_ids(conn, batch_id):
            add_batch_unit(conn, batch_id, receiving_unit_id)
        if liaison_officer_id is not None:
            get_officer(conn, liaison_officer_id)
        clean = _free_name(conn, batch_id, name)
        state = GroupState.ACTIVE if batch.state == BatchState.ACTIVE else GroupState.FORMING
        cursor = conn.execute(
            "INSERT INTO working_groups (batch_id, receiving_unit_id, name, mode, state,"
            " liaison_officer_id, branch_secretary, sending_leader_in_charge,"
            " receiving_leader_in_charge, office) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                batch_id,
                receiving_unit_id,
                clean,
                ManagementMode(mode or unit.default_mode).value,
                state.value,
                liaison_officer_id,
                unit.deputy_party_secretary if branch_secretary is None else branch_secretary,
                sending_leader_in_charge,
                unit.leader_in_charge
                if receiving_leader_in_charge is None
                else receiving_leader_in_charge,
                office,
            ),
        )
        group = get_working_group(conn, int(cursor.lastrowid))
        audit.record(conn, "create", "working_group", group.id, None, asdict(group))
    return group


def _free_name(conn: sqlite3.Connection, batch_id: int, name: str, group_id: int = 0) -> str:
    """Group names are unique in a batch: say which one is taken."""
    clean = name.strip()
    if conn.execute(
        "SELECT 1 FROM working_groups WHERE batch_id = ? AND name = ? AND id != ?",
        (batch_id, clean, group_id),
    ).fetchone():
        raise CadreError("store.group.name_taken", name=clean)
    return clean


def update_working_group(
    conn: sqlite3.Connection, group_id: int, *, expected_version: int | None = None, **changes: Any
) -> WorkingGroup:
    """Change a group's name, liaison, branch secretary, leaders in charge or office
    (:data:`GROUP_FIELDS`); a stale ``expected_version`` is refused."""
    unknown = set(changes) - set(GROUP_FIELDS)
    if unknown:
        raise ValueError(f"not editable on a working group: {sorted(unknown)}")
    with transaction(conn):
        before = get_working_group(conn, group_id)
        open_batch(conn, before.batch_id)
        if expected_version is not None and before.row_version != expected_version:
            raise CadreError("store.group.changed_elsewhere", name=before.name)
        if changes.get("liaison_officer_id") is not None:
            get_officer(conn, changes["liaison_officer_id"])
        if "name" in changes:
            changes["name"] = _free_name(conn, before.batch_id, changes["name"], group_id)
        if not changes:
            return before
        assignments = ", ".join(f"{field} = ?" for field in changes)
        conn.execute(
            f"UPDATE working_groups SET {assignments}, row_version = row_version + 1 WHERE id = ?",
            (*changes.values(), group_id),
        )
        after = get_working_group(conn, group_id)
        old = asdict(before)
        audit.record(
            conn, "update", "working_group", group_id, {k: old[k] for k in changes}, dict(changes)
        )
        return after


def get_working_group(conn: sqlite3.Connection, group_id: int) -> WorkingGroup:
    row = conn.execute("SELECT * FROM working_groups WHERE id = ?", (group_id,)).fetchone()
    if row is None:
        raise CadreError("store.group.not_found", id=group_id)
    return _group(row)


def list_working_groups(
    conn: sqlite3.Connection, batch_id: int | None = None
) -> list[WorkingGroup]:
    if batch_id is None:
        rows = conn.execute("SELECT * FROM working_groups ORDER BY batch_id, id")
    else:
        rows = conn.execute(
            "SELECT * FROM working_groups WHERE batch_id = ? ORDER BY id", (batch_id,)
        )
    return [_group(row) for row in rows]


# -- evaluations -------------------------------------------------------------------


def record_evaluation(
    conn: sqlite3.Connection,
    placement_id: int,
    *,
    grade: EvaluationGrade,
    evaluated_on: dt.date,
    evaluated_by: str,
    comment: str = "",
    recommended_for_promotion: bool = False,
) -> Evaluation:
    """The end-of-secondment assessment (考核), one per placement; a second one replaces it."""
    grade = EvaluationGrade(grade)
    with transaction(conn):
        placement = conn.execute(
            "SELECT cadre_id FROM placements WHERE id = ?", (placement_id,)
        ).fetchone()
        if placement is None:
            raise CadreError("store.placement.not_found", id=placement_id)
        before = conn.execute(
            "SELECT grade, comment FROM evaluations WHERE placement_id = ?", (placement_id,)
        ).fetchone()
        conn.execute(
            "INSERT INTO evaluations (placement_id, cadre_id, grade, comment,"
            " recommended_for_promotion, evaluated_on, evaluated_by) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (placement_id) DO UPDATE SET grade = excluded.grade,"
            " comment = excluded.comment,"
            " recommended_for_promotion = excluded.recommended_for_promotion,"
            " evaluated_on = excluded.evaluated_on, evaluated_by = excluded.evaluated_by",
            (
                placement_id,
                placement["cadre_id"],
                grade.value,
                comment.strip(),
                int(recommended_for_promotion),
                evaluated_on.isoformat(),
                evaluated_by.strip(),
            ),
        )
        evaluation = get_evaluation(conn, placement_id)
        audit.record(
            conn,
            "evaluate",
            "placement",
            placement_id,
            dict(before) if before else None,
            asdict(evaluation),
        )
        return evaluation


def get_evaluation(conn: sqlite3.Connection, placement_id: int) -> Evaluation:
    row = conn.execute(
        "SELECT * FROM evaluations WHERE placement_id = ?", (placement_id,)
    ).fetchone()
    if row is None:
        raise CadreError("store.evaluation.not_found", id=placement_id)
    return _evaluation(row)


def _evaluation(row: sqlite3.Row) -> Evaluation:
    return Evaluation(
        id=row["id"],
        placement_id=row["placement_id"],
        cadre_id=row["cadre_id"],
        grade=EvaluationGrade(row["grade"]),
        evaluated_on=dt.date.fromisoformat(row["evaluated_on"]),
        evaluated_by=row["evaluated_by"],
        comment=row["comment"],
        recommended_for_promotion=bool(row["recommended_for_promotion"]),
    )


def list_evaluations(conn: sqlite3.Connection, batch_id: int) -> list[Evaluation]:
    return [
        _evaluation(row)
        for row in conn.execute(
            "SELECT e.* FROM evaluations e JOIN placements p ON p.id = e.placement_id"
            " JOIN working_groups g ON g.id = p.group_id WHERE g.batch_id = ? ORDER BY e.id",
            (batch_id,),
        )
    ]
