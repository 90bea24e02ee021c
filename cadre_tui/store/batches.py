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

from cadre_tui.domain.enums import BatchState, CadreStatus
from cadre_tui.domain.model import Batch
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.cadres import set_cadres_status
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.units import get_receiving_unit
from cadre_tui.store.values import day_from


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


BATCH_FIELDS = ("number", "name", "purpose", "start_date", "planned_end", "allow_leaders")


def update_batch(
    conn: sqlite3.Connection,
    batch_id: int,
    *,
    receiving_unit_ids: Iterable[int] | None = None,
    **changes: Any,
) -> Batch:
    """Edit a batch that is not closed (:data:`BATCH_FIELDS`); ``receiving_unit_ids``
    replaces its receiving units, refusing to drop one that has groups."""
    unknown = set(changes) - set(BATCH_FIELDS)
    if unknown:
        raise ValueError(f"not editable on a batch: {sorted(unknown)}")
    with transaction(conn):
        before = open_batch(conn, batch_id)
        merged = {**asdict(before), **changes}
        if merged["planned_end"] is not None and merged["planned_end"] < merged["start_date"]:
            raise CadreError("store.batch.end_before_start")
        if (
            "number" in changes
            and conn.execute(
                "SELECT 1 FROM batches WHERE number = ? AND id != ?", (changes["number"], batch_id)
            ).fetchone()
        ):
            raise CadreError("store.batch.number_taken", number=changes["number"])
        if "start_date" in changes:
            first = conn.execute(
                "SELECT MIN(p.start_date) FROM placements p JOIN working_groups g"
                " ON g.id = p.group_id WHERE g.batch_id = ?",
                (batch_id,),
            ).fetchone()[0]
            if first is not None and changes["start_date"].isoformat() > first:
                raise CadreError("store.batch.start_after_placements", date=first)
        stored = {
            key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in changes.items()
        }
        if "allow_leaders" in stored:
            stored["allow_leaders"] = int(bool(stored["allow_leaders"]))
        if "name" in stored:
            stored["name"] = str(stored["name"]).strip()
        if stored:
            assignments = ", ".join(f"{field} = ?" for field in stored)
            conn.execute(
                f"UPDATE batches SET {assignments} WHERE id = ?", (*stored.values(), batch_id)
            )
        if receiving_unit_ids is not None:
            _set_batch_units(conn, batch_id, list(dict.fromkeys(receiving_unit_ids)))
        after = get_batch(conn, batch_id)
        old = asdict(before)
        audit.record(
            conn,
            "update",
            "batch",
            batch_id,
            {k: old[k] for k in changes},
            {**changes, "receiving_unit_ids": receiving_unit_ids},
        )
        return after


def _set_batch_units(conn: sqlite3.Connection, batch_id: int, unit_ids: list[int]) -> None:
    for unit_id in batch_unit_ids(conn, batch_id):
        if unit_id in unit_ids:
            continue
        if conn.execute(
            "SELECT 1 FROM working_groups WHERE batch_id = ? AND receiving_unit_id = ?",
            (batch_id, unit_id),
        ).fetchone():
            name = get_receiving_unit(conn, unit_id).name
            raise CadreError("store.batch.unit_has_groups", unit=name)
        conn.execute(
            "DELETE FROM batch_units WHERE batch_id = ? AND receiving_unit_id = ?",
            (batch_id, unit_id),
        )
    for unit_id in unit_ids:
        add_batch_unit(conn, batch_id, unit_id)


def t_join(names) -> str:  # noqa: ANN001 - an iterable of names
    """Names listed the way the user's language lists them (、 in Chinese)."""
    from cadre_tui.i18n import t

    return t("store.name_separator").join(names)


def start_batch(conn: sqlite3.Connection, batch_id: int, *, at: str | None = None) -> Batch:
    """Planning → active: its groups start work and its placed cadres become seconded.

    ``at`` stamps the cadres' updated_at (default now; a replayed history passes its own)."""
    with transaction(conn):
        batch = open_batch(conn, batch_id)
        if batch.state == BatchState.ACTIVE:
            return batch
        leaderless = conn.execute(
            "SELECT name FROM working_groups WHERE batch_id = ? AND state = 'forming'"
            " AND leader_cadre_id IS NULL ORDER BY id",
            (batch_id,),
        ).fetchall()
        if leaderless:
            raise CadreError(
                "store.batch.groups_without_leader",
                names=t_join(row[0] for row in leaderless),
                count=len(leaderless),
            )
        conn.execute("UPDATE batches SET state = 'active' WHERE id = ?", (batch_id,))
        conn.execute(
            "UPDATE working_groups SET state = 'active', row_version = row_version + 1"
            " WHERE batch_id = ? AND state = 'forming'",
            (batch_id,),
        )
        seconded = set_cadres_status(
            conn, _active_cadres(conn, batch_id), CadreStatus.SECONDED, at=at, audited=False
        )
        audit.record(
            conn,
            "start",
            "batch",
            batch_id,
            {"state": batch.state},
            {"state": "active", "cadres_seconded": seconded},
        )
        return get_batch(conn, batch_id)


def close_batch(
    conn: sqlite3.Connection, batch_id: int, closed_on: dt.date, *, at: str | None = None
) -> Batch:
    """End the round: every active placement ends on ``closed_on`` and its cadre
    returns to the pool with the secondment in their history (``at`` as for
    :func:`start_batch`). Refused while any member still lacks an evaluation."""
    with transaction(conn):
        batch = open_batch(conn, batch_id)
        if closed_on < batch.start_date:
            raise CadreError("store.batch.end_before_start")
        missing = conn.execute(
            "SELECT c.name FROM placements p JOIN working_groups g ON g.id = p.group_id"
            " JOIN cadres c ON c.id = p.cadre_id WHERE g.batch_id = ? AND p.end_date IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.placement_id = p.id)"
            " ORDER BY c.name_pinyin",
            (batch_id,),
        ).fetchall()
        if missing:
            raise CadreError(
                "store.batch.evaluations_missing",
                count=len(missing),
                names=t_join(row[0] for row in missing[:5]),
            )
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
        set_cadres_status(conn, cadre_ids, CadreStatus.AVAILABLE, at=at, audited=False)
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
