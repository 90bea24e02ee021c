"""Training (政策培训, 现场观摩) with attendance, and mentors (结对帮带: an experienced
town or village cadre teaching one placed cadre face to face), with the two flags:
a cadre placed for weeks without training, a member without a mentor.

Every write is one transaction with one audit row; a mentor is audited on the
placement, so the cadre's and the group's histories show it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from cadre_tui.domain.coordination import (
    Mentor,
    NewMentor,
    NewSession,
    TrainingKind,
    TrainingSession,
)
from cadre_tui.domain.enums import PlacementRole
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.store import audit
from cadre_tui.store.batches import open_batch
from cadre_tui.store.bulk import insert_rows
from cadre_tui.store.connection import transaction
from cadre_tui.store.coordination_board import attending_batch
from cadre_tui.store.coordination_board import mentor_flags as mentor_flags
from cadre_tui.store.coordination_board import training_flags as training_flags
from cadre_tui.store.placements import active_placement_of
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.units import get_receiving_unit
from cadre_tui.store.working_groups import get_working_group


@dataclass(frozen=True, slots=True)
class TrainingRow:
    """A session as listed, with its unit's name, batch number and attendance."""

    id: int
    held_on: dt.date
    kind: TrainingKind
    title: str
    place: str
    receiving_unit_id: int | None
    receiving_unit_name: str
    batch_id: int | None
    batch_number: int | None
    attendance: int


@dataclass(frozen=True, slots=True)
class MentorRow:
    """An active member of a group and their mentor (None: not yet paired)."""

    placement_id: int
    cadre_id: int
    cadre_name: str
    role: PlacementRole
    placed_on: dt.date
    mentor: Mentor | None


def kind_of(value: TrainingKind | str) -> TrainingKind:
    try:
        return TrainingKind(value)
    except ValueError:
        allowed = t("store.name_separator").join(k.value for k in TrainingKind)
        raise CadreError("store.training.bad_kind", value=value, allowed=allowed) from None


def _insert(conn: sqlite3.Connection, new: NewSession) -> int:
    cursor = conn.execute(
        "INSERT INTO training_sessions (batch_id, receiving_unit_id, kind, held_on, title, place)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            new.batch_id,
            new.receiving_unit_id,
            TrainingKind(new.kind).value,
            new.held_on.isoformat(),
            new.title.strip(),
            new.place.strip(),
        ),
    )
    session_id = int(cursor.lastrowid)
    conn.executemany(
        "INSERT INTO training_attendance (session_id, cadre_id) VALUES (?, ?)",
        [(session_id, cadre_id) for cadre_id in dict.fromkeys(new.cadre_ids)],
    )
    return session_id


# -- training --------------------------------------------------------------------------


def record_training(
    conn: sqlite3.Connection,
    *,
    held_on: dt.date,
    kind: TrainingKind | str,
    title: str,
    place: str,
    receiving_unit_id: int | None = None,
    cadre_ids: Iterable[int],
) -> TrainingSession:
    """A session held by a receiving unit (None: by the district) and the cadres who
    attended, all placed in one batch on the day."""
    kind = kind_of(kind)
    attending = tuple(dict.fromkeys(cadre_ids))
    if not title.strip():
        raise CadreError("store.training.title_required")
    if not attending:
        raise CadreError("store.training.nobody_attending")
    with transaction(conn):
        if receiving_unit_id is not None:
            get_receiving_unit(conn, receiving_unit_id)
        batch_id = attending_batch(conn, held_on, (), attending, "training")
        new = NewSession(
            held_on=held_on,
            kind=kind,
            title=title,
            place=place,
            cadre_ids=attending,
            receiving_unit_id=receiving_unit_id,
            batch_id=batch_id,
        )
        session = get_training(conn, _insert(conn, new))
        after = {**asdict(session), "cadre_ids": list(session.cadre_ids)}
        audit.record(conn, "create", "training_session", session.id, None, after)
    return session


def insert_sessions(conn: sqlite3.Connection, sessions: Iterable[NewSession]) -> int:
    """Bulk-load sessions with attendance (history, the demo): one transaction, one
    audit row."""
    count = attendance = 0
    with transaction(conn):
        for new in sessions:
            if not new.title.strip():
                raise CadreError("store.training.title_required")
            _insert(conn, new)
            count += 1
            attendance += len(set(new.cadre_ids))
        details = {"count": count, "attendance": attendance}
        audit.record(conn, "bulk_insert", "training_session", None, None, details)
    return count


def get_training(conn: sqlite3.Connection, session_id: int) -> TrainingSession:
    row = conn.execute("SELECT * FROM training_sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        raise CadreError("store.training.not_found", id=session_id)
    cadre_ids = tuple(
        r[0]
        for r in conn.execute(
            "SELECT cadre_id FROM training_attendance WHERE session_id = ? ORDER BY 1",
            (session_id,),
        )
    )
    return TrainingSession(
        id=row["id"],
        held_on=dt.date.fromisoformat(row["held_on"]),
        kind=TrainingKind(row["kind"]),
        title=row["title"],
        place=row["place"],
        receiving_unit_id=row["receiving_unit_id"],
        batch_id=row["batch_id"],
        cadre_ids=cadre_ids,
        row_version=row["row_version"],
    )


def list_training(
    conn: sqlite3.Connection, *, batch_id: int | None = None, cadre_id: int | None = None
) -> list[TrainingRow]:
    """Sessions newest first: of a batch, or those a cadre attended."""
    clauses: list[str] = []
    params: list[Any] = []
    if batch_id is not None:
        clauses.append("s.batch_id = ?")
        params.append(batch_id)
    if cadre_id is not None:
        clauses.append("s.id IN (SELECT session_id FROM training_attendance WHERE cadre_id = ?)")
        params.append(cadre_id)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(
        "SELECT s.*, u.name AS unit_name, b.number AS batch_number,"
        " (SELECT COUNT(*) FROM training_attendance a WHERE a.session_id = s.id) AS attendance"
        " FROM training_sessions s LEFT JOIN receiving_units u ON u.id = s.receiving_unit_id"
        f" LEFT JOIN batches b ON b.id = s.batch_id{where} ORDER BY s.held_on DESC, s.id DESC",
        params,
    )
    return [
        TrainingRow(
            id=row["id"],
            held_on=dt.date.fromisoformat(row["held_on"]),
            kind=TrainingKind(row["kind"]),
            title=row["title"],
            place=row["place"],
            receiving_unit_id=row["receiving_unit_id"],
            receiving_unit_name=row["unit_name"] or "",
            batch_id=row["batch_id"],
            batch_number=row["batch_number"],
            attendance=row["attendance"],
        )
        for row in rows
    ]


def cadre_training(conn: sqlite3.Connection, cadre_id: int) -> list[TrainingRow]:
    """The sessions a cadre attended, newest first."""
    return list_training(conn, cadre_id=cadre_id)


# -- mentors ---------------------------------------------------------------------------


def _mentor(row: sqlite3.Row) -> Mentor:
    return Mentor(
        id=row["id"],
        placement_id=row["placement_id"],
        name=row["name"],
        post=row["post"],
        village=row["village"],
        started_on=dt.date.fromisoformat(row["started_on"]),
        row_version=row["row_version"],
    )


def _mentor_audit(mentor: Mentor | None) -> dict[str, Any] | None:
    if mentor is None:
        return None
    return {
        "mentor": mentor.name,
        "post": mentor.post,
        "village": mentor.village,
        "started_on": mentor.started_on,
    }


def set_mentor(
    conn: sqlite3.Connection,
    placement_id: int,
    *,
    name: str,
    post: str,
    village: str,
    started_on: dt.date,
) -> Mentor:
    """Pair an active placement with its mentor, replacing any before (one per
    placement); the pairing starts on or after the placement."""
    name, post, village = name.strip(), post.strip(), village.strip()
    if not name:
        raise CadreError("store.mentor.name_required")
    if not post:
        raise CadreError("store.mentor.post_required")
    with transaction(conn):
        placement = active_placement_of(conn, placement_id)
        open_batch(conn, get_working_group(conn, placement.group_id).batch_id)
        if started_on < placement.start_date:
            raise CadreError("store.mentor.before_placement", date=placement.start_date.isoformat())
        before = get_mentor(conn, placement_id)
        values = (name, post, village, started_on.isoformat())
        if before is not None:
            if (before.name, before.post, before.village, before.started_on) == (
                name,
                post,
                village,
                started_on,
            ):
                return before
            conn.execute(
                "UPDATE mentors SET name = ?, post = ?, village = ?, started_on = ?,"
                " row_version = row_version + 1 WHERE placement_id = ?",
                (*values, placement_id),
            )
        else:
            conn.execute(
                "INSERT INTO mentors (name, post, village, started_on, placement_id)"
                " VALUES (?, ?, ?, ?, ?)",
                (*values, placement_id),
            )
        mentor = get_mentor(conn, placement_id)
        assert mentor is not None
        audit.record(
            conn,
            "set_mentor",
            "placement",
            placement_id,
            _mentor_audit(before),
            _mentor_audit(mentor),
        )
    return mentor


def insert_mentors(conn: sqlite3.Connection, mentors: Iterable[NewMentor]) -> int:
    """Bulk-load pairings (history, the demo) in one transaction with one audit row."""
    rows = (
        (
            m.placement_id,
            m.name.strip(),
            m.post.strip(),
            m.village.strip(),
            m.started_on.isoformat(),
        )
        for m in mentors
    )
    return insert_rows(
        conn,
        "INSERT INTO mentors (placement_id, name, post, village, started_on)"
        " VALUES (?, ?, ?, ?, ?)",
        rows,
        entity="mentor",
    )


def get_mentor(conn: sqlite3.Connection, placement_id: int) -> Mentor | None:
    row = conn.execute("SELECT * FROM mentors WHERE placement_id = ?", (placement_id,)).fetchone()
    return _mentor(row) if row else None


def mentors_of_group(conn: sqlite3.Connection, group_id: int) -> list[MentorRow]:
    """Every active member of the group with their mentor, or None where there is none
    (leader first, then deputy, then members by name)."""
    rows = conn.execute(
        "SELECT p.id AS placement_id, p.cadre_id, c.name AS cadre_name, p.role, p.start_date,"
        " m.id, m.placement_id AS mentor_placement, m.name, m.post, m.village, m.started_on,"
        " m.row_version FROM placements p JOIN cadres c ON c.id = p.cadre_id"
        " LEFT JOIN mentors m ON m.placement_id = p.id"
        " WHERE p.group_id = ? AND p.end_date IS NULL"
        " ORDER BY CASE p.role WHEN 'leader' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END,"
        " c.name_pinyin, p.id",
        (group_id,),
    )
    return [
        MentorRow(
            placement_id=row["placement_id"],
            cadre_id=row["cadre_id"],
            cadre_name=row["cadre_name"],
            role=PlacementRole(row["role"]),
            placed_on=dt.date.fromisoformat(row["start_date"]),
            mentor=None if row["id"] is None else _mentor(row),
        )
        for row in rows
    ]
