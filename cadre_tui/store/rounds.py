"""Recommendation rounds (党委(党组)会议推荐, one a year) and each sending unit's
part in one: its party committee's meeting date and its own quota.

Every write is one ``BEGIN IMMEDIATE`` transaction with one audit row. Units
have no row here until something is recorded for them; :func:`unit_parts`
lists every sending unit all the same, so none is forgotten. The bulk inserts
(benchmarks, imports) write round parts and nominations without judging them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from cadre_tui.domain.enums import RecommendationState
from cadre_tui.domain.round import (
    DEFAULT_QUOTA,
    Quota,
    RecommendationRound,
    default_deadline,
    meeting_window,
)
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.bulk import insert_rows
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.units import get_sending_unit
from cadre_tui.store.values import iso_day


def _round(row: sqlite3.Row) -> RecommendationRound:
    return RecommendationRound(
        id=row["id"],
        year=row["year"],
        deadline=dt.date.fromisoformat(row["deadline"]),
        quota=Quota(row["quota_min"], row["quota_max"]),
    )


# -- rounds ---------------------------------------------------------------------------


def create_round(
    conn: sqlite3.Connection,
    year: int,
    *,
    deadline: dt.date | None = None,
    quota: Quota = DEFAULT_QUOTA,
) -> RecommendationRound:
    """Open ``year``'s round, due on ``deadline`` (31 December unless said otherwise)."""
    due = deadline or default_deadline(year)
    if due.year not in (year, year + 1):
        raise CadreError("round.error.deadline_year", year=year, deadline=due.isoformat())
    with transaction(conn):
        if get_round(conn, year) is not None:
            raise CadreError("round.error.round_exists", year=year)
        cursor = conn.execute(
            "INSERT INTO recommendation_rounds (year, deadline, quota_min, quota_max)"
            " VALUES (?, ?, ?, ?)",
            (year, due.isoformat(), quota.low, quota.high),
        )
        created = get_round_by_id(conn, int(cursor.lastrowid))
        audit.record(conn, "create", "recommendation_round", created.id, None, _round_view(created))
    return created


def update_round(
    conn: sqlite3.Connection,
    round_id: int,
    *,
    deadline: dt.date | None = None,
    quota: Quota | None = None,
) -> RecommendationRound:
    """Move the deadline or change every unit's default quota."""
    with transaction(conn):
        before = get_round_by_id(conn, round_id)
        due = deadline or before.deadline
        if due.year not in (before.year, before.year + 1):
            raise CadreError(
                "round.error.deadline_year", year=before.year, deadline=due.isoformat()
            )
        new_quota = quota or before.quota
        conn.execute(
            "UPDATE recommendation_rounds SET deadline = ?, quota_min = ?, quota_max = ?"
            " WHERE id = ?",
            (due.isoformat(), new_quota.low, new_quota.high, round_id),
        )
        after = get_round_by_id(conn, round_id)
        audit.record(
            conn,
            "update",
            "recommendation_round",
            round_id,
            _round_view(before),
            _round_view(after),
        )
    return after


def _round_view(value: RecommendationRound) -> dict[str, Any]:
    return {
        "year": value.year,
        "deadline": value.deadline,
        "quota": [value.quota.low, value.quota.high],
    }


def get_round(conn: sqlite3.Connection, year: int) -> RecommendationRound | None:
    row = conn.execute("SELECT * FROM recommendation_rounds WHERE year = ?", (year,)).fetchone()
    return _round(row) if row else None


def get_round_by_id(conn: sqlite3.Connection, round_id: int) -> RecommendationRound:
    row = conn.execute("SELECT * FROM recommendation_rounds WHERE id = ?", (round_id,)).fetchone()
    if row is None:
        raise CadreError("round.error.round_not_found", id=round_id)
    return _round(row)


def list_rounds(conn: sqlite3.Connection) -> list[RecommendationRound]:
    """Every round, the latest year first."""
    return [
        _round(r) for r in conn.execute("SELECT * FROM recommendation_rounds ORDER BY year DESC")
    ]


# -- a unit's part in a round ---------------------------------------------------------


def ensure_unit_part(conn: sqlite3.Connection, round_id: int, unit_id: int) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO round_units (round_id, sending_unit_id) VALUES (?, ?)",
        (round_id, unit_id),
    )


def set_unit_quota(
    conn: sqlite3.Connection, round_id: int, unit_id: int, quota: Quota | None
) -> None:
    """Give one unit its own quota in this round (``None``: back to the round's)."""
    with transaction(conn):
        round_ = get_round_by_id(conn, round_id)
        unit = get_sending_unit(conn, unit_id)
        ensure_unit_part(conn, round_id, unit_id)
        before = conn.execute(
            "SELECT quota_min, quota_max FROM round_units"
            " WHERE round_id = ? AND sending_unit_id = ?",
            (round_id, unit_id),
        ).fetchone()
        low, high = (quota.low, quota.high) if quota else (None, None)
        conn.execute(
            "UPDATE round_units SET quota_min = ?, quota_max = ?"
            " WHERE round_id = ? AND sending_unit_id = ?",
            (low, high, round_id, unit_id),
        )
        audit.record(
            conn,
            "set_quota",
            "round_unit",
            unit_id,
            {"year": round_.year, "unit": unit.name, "quota": list(before)},
            {"year": round_.year, "unit": unit.name, "quota": [low, high]},
        )


def record_meeting(conn: sqlite3.Connection, round_id: int, unit_id: int, held_on: dt.date) -> None:
    """The day the unit's party committee (党委/党组) met on its recommendations."""
    with transaction(conn):
        round_ = get_round_by_id(conn, round_id)
        unit = get_sending_unit(conn, unit_id)
        first, last = meeting_window(round_.year, round_.deadline)
        if not first <= held_on <= last:
            raise CadreError(
                "round.error.meeting_outside",
                date=held_on.isoformat(),
                first=first.isoformat(),
                last=last.isoformat(),
            )
        ensure_unit_part(conn, round_id, unit_id)
        (before,) = conn.execute(
            "SELECT meeting_date FROM round_units WHERE round_id = ? AND sending_unit_id = ?",
            (round_id, unit_id),
        ).fetchone()
        conn.execute(
            "UPDATE round_units SET meeting_date = ? WHERE round_id = ? AND sending_unit_id = ?",
            (held_on.isoformat(), round_id, unit_id),
        )
        conn.execute(
            "UPDATE recommendations SET meeting_date = ?"
            " WHERE round_id = ? AND sending_unit_id = ?",
            (held_on.isoformat(), round_id, unit_id),
        )
        audit.record(
            conn,
            "record_meeting",
            "round_unit",
            unit_id,
            {"year": round_.year, "unit": unit.name, "meeting_date": before},
            {"year": round_.year, "unit": unit.name, "meeting_date": held_on},
        )


class UnitPart(NamedTuple):
    """A sending unit and its part in a round (meeting, submission, own quota)."""

    id: int
    code: str
    name: str
    kind: str
    leader_in_charge: str
    leader_phone: str
    meeting_date: str | None
    submitted_on: str | None
    quota_min: int | None
    quota_max: int | None


_UNIT_COLUMNS = (
    "s.id, s.code, s.name, s.kind, s.leader_in_charge, s.leader_phone,"
    " ru.meeting_date, ru.submitted_on, ru.quota_min, ru.quota_max"
)
_UNIT_FROM = (
    "FROM sending_units s LEFT JOIN round_units ru ON ru.round_id = ? AND ru.sending_unit_id = s.id"
)


def data_version(conn: sqlite3.Connection) -> int:
    """The last audit row's id: every write appends one, so while it stands still
    nothing the board shows has changed (one index look-up, cheap to ask often)."""
    (last,) = conn.execute("SELECT max(id) FROM audit_log").fetchone()
    return int(last or 0)


def rows_in_one_step(
    conn: sqlite3.Connection, columns: str, rest: str, order: str, params: Sequence[Any]
) -> list[list[Any]]:
    """Many rows fetched as one JSON row, decoded in one call.

    Why: a thread worker fetching row by row takes the GIL back for every row,
    and while the UI thread is busy (mounting a screen) each hand-over can wait
    the 5 ms switch interval; thousands of rows then take seconds. One step
    keeps the whole query in SQLite with the GIL released.
    """
    sql = f"SELECT json_group_array(json_array({columns}) ORDER BY {order}) {rest}"
    (text,) = conn.execute(sql, tuple(params)).fetchone()
    return json.loads(text) if text else []


def unit_parts(conn: sqlite3.Connection, round_id: int) -> list[UnitPart]:
    """Every sending unit with its part in the round, departments first then towns,
    in code order; units not yet heard from included (their part is all None)."""
    rows = rows_in_one_step(conn, _UNIT_COLUMNS, _UNIT_FROM, "s.kind = 'town', s.code", [round_id])
    return [UnitPart._make(row) for row in rows]


def unit_part(conn: sqlite3.Connection, round_id: int, unit_id: int) -> UnitPart:
    """One sending unit's part in the round, as :func:`unit_parts` gives it."""
    rows = rows_in_one_step(
        conn, _UNIT_COLUMNS, f"{_UNIT_FROM} WHERE s.id = ?", "s.id", [round_id, unit_id]
    )
    if not rows:
        raise CadreError("store.unit.sending_not_found", id=unit_id)
    return UnitPart._make(rows[0])


# -- bulk (benchmarks, imports) -------------------------------------------------------


def insert_round_units(
    conn: sqlite3.Connection, round_id: int, rows: Iterable[Mapping[str, Any]]
) -> int:
    """Bulk-add units' parts in a round (keys: sending_unit_id, meeting_date,
    submitted_on, quota_min, quota_max); one audit row."""
    values = [
        (
            round_id,
            r["sending_unit_id"],
            iso_day(r.get("meeting_date")),
            iso_day(r.get("submitted_on")),
            r.get("quota_min"),
            r.get("quota_max"),
        )
        for r in rows
    ]
    return insert_rows(
        conn,
        "INSERT INTO round_units (round_id, sending_unit_id, meeting_date, submitted_on,"
        " quota_min, quota_max) VALUES (?, ?, ?, ?, ?, ?)",
        values,
        entity="round_unit",
        details={"round_id": round_id},
    )


def insert_recommendations(
    conn: sqlite3.Connection,
    round_id: int,
    rows: Iterable[Sequence[Any]],
    *,
    at: str | None = None,
) -> int:
    """Bulk-add nominations as (sending_unit_id, cadre_id, state, note,
    exception_reason, meeting_date) without judging them; one audit row."""
    stamp = at or audit.utc_now()
    values = [
        (
            round_id,
            unit,
            cadre,
            RecommendationState(state).value,
            note,
            reason,
            iso_day(meeting),
            stamp,
        )
        for unit, cadre, state, note, reason, meeting in rows
    ]
    return insert_rows(
        conn,
        "INSERT INTO recommendations (round_id, sending_unit_id, cadre_id, state, note,"
        " exception_reason, meeting_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        values,
        entity="recommendation",
        details={"round_id": round_id},
    )
