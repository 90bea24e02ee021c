"""Meetings (交流会, 座谈会, 列席镇党委会议, 现场观摩): the groups and cadres attending,
notes and decisions, and follow-up actions that become logistics items with owners
in the same transaction.

Every write is one transaction with one audit row (a meeting's row names the items
it created); a closed batch's meetings are history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from cadre_tui.domain.coordination import (
    MEETING_KINDS,
    FollowUp,
    Meeting,
    MeetingKind,
    NewItem,
    NewMeeting,
    count_by_month,
    item_problem,
)
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.store import audit
from cadre_tui.store.batches import get_batch, open_batch
from cadre_tui.store.connection import transaction
from cadre_tui.store.coordination_board import attending_batch
from cadre_tui.store.logistics import category_of, insert_item, writable_group
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.working_groups import get_working_group

MEETING_FIELDS = ("held_on", "kind", "place", "title", "notes", "decisions")
"""What :func:`update_meeting` changes; attendance and follow-ups stay as recorded."""
_TEXT_FIELDS = ("place", "title", "notes", "decisions")


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """A meeting as listed: its batch, the groups attending by name, how many cadres
    attended and how many items it gave rise to."""

    id: int
    held_on: dt.date
    kind: MeetingKind
    place: str
    title: str
    notes: str
    decisions: str
    batch_id: int | None
    batch_number: int | None
    group_ids: tuple[int, ...]
    group_names: tuple[str, ...]
    cadre_count: int
    item_count: int
    row_version: int


def kind_of(value: MeetingKind | str) -> MeetingKind:
    """A meeting's kind; training has its own record (:mod:`cadre_tui.store.training`)."""
    if value == MeetingKind.TRAINING:
        raise CadreError("store.meeting.training_is_session")
    try:
        kind = MeetingKind(value)
    except ValueError:
        allowed = t("store.name_separator").join(k.value for k in MEETING_KINDS)
        raise CadreError("store.meeting.bad_kind", value=value, allowed=allowed) from None
    return kind


def _unique(ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(ids))


def _check_action(action: FollowUp, held_on: dt.date) -> None:
    category_of(action.category)
    problem = item_problem(description=action.description, raised_on=held_on, due_on=action.due_on)
    if problem:
        raise CadreError(problem)


def _insert(conn: sqlite3.Connection, new: NewMeeting) -> int:
    cursor = conn.execute(
        "INSERT INTO meetings (batch_id, kind, held_on, place, title, notes, decisions)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            new.batch_id,
            MeetingKind(new.kind).value,
            new.held_on.isoformat(),
            new.place.strip(),
            new.title.strip(),
            new.notes.strip(),
            new.decisions.strip(),
        ),
    )
    meeting_id = int(cursor.lastrowid)
    conn.executemany(
        "INSERT INTO meeting_groups (meeting_id, group_id) VALUES (?, ?)",
        [(meeting_id, group_id) for group_id in _unique(new.group_ids)],
    )
    conn.executemany(
        "INSERT INTO meeting_cadres (meeting_id, cadre_id) VALUES (?, ?)",
        [(meeting_id, cadre_id) for cadre_id in _unique(new.cadre_ids)],
    )
    return meeting_id


# -- writes ----------------------------------------------------------------------------


def record_meeting(
    conn: sqlite3.Connection,
    *,
    held_on: dt.date,
    kind: MeetingKind | str,
    place: str,
    notes: str = "",
    decisions: str = "",
    group_ids: Iterable[int] = (),
    cadre_ids: Iterable[int] = (),
    actions: Iterable[FollowUp] = (),
    title: str = "",
) -> Meeting:
    """Record a meeting with who attended (groups, cadres by their placement on the
    day, all of one batch); each follow-up action becomes an open logistics item of
    its group, raised on the meeting's day, in the same transaction."""
    kind = kind_of(kind)
    groups, cadres, follow_ups = _unique(group_ids), _unique(cadre_ids), tuple(actions)
    if not groups and not cadres:
        raise CadreError("store.meeting.nobody_attending")
    for action in follow_ups:
        _check_action(action, held_on)
    with transaction(conn):
        batch_id = attending_batch(conn, held_on, groups, cadres, "meeting")
        for action in follow_ups:
            writable_group(conn, action.group_id)
        new = NewMeeting(
            held_on=held_on,
            kind=kind,
            place=place,
            title=title,
            notes=notes,
            decisions=decisions,
            batch_id=batch_id,
            group_ids=groups,
            cadre_ids=cadres,
        )
        meeting_id = _insert(conn, new)
        raised_by = t("store.meeting.raised_by", kind=kind.label(), date=held_on.isoformat())
        for action in follow_ups:
            item = NewItem(
                group_id=action.group_id,
                category=category_of(action.category),
                description=action.description,
                raised_by=action.raised_by.strip() or raised_by,
                raised_on=held_on,
                owner=action.owner,
                due_on=action.due_on,
                meeting_id=meeting_id,
            )
            insert_item(conn, item)
        meeting = get_meeting(conn, meeting_id)
        audit.record(conn, "create", "meeting", meeting_id, None, _audited(meeting))
    return meeting


def _audited(meeting: Meeting) -> dict[str, Any]:
    values = asdict(meeting)
    for field in ("group_ids", "cadre_ids", "item_ids"):
        values[field] = list(values[field])
    return values


def update_meeting(
    conn: sqlite3.Connection, meeting_id: int, *, expected_version: int | None, **changes: Any
) -> Meeting:
    """Correct a meeting's day, kind, place, title, notes or decisions
    (:data:`MEETING_FIELDS`); a stale ``expected_version`` is refused."""
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ValueError(f"not editable on a meeting: {sorted(unknown)}")
    if "kind" in changes:
        changes["kind"] = kind_of(changes["kind"])
    for field in _TEXT_FIELDS:
        if field in changes:
            changes[field] = str(changes[field]).strip()
    with transaction(conn):
        before = get_meeting(conn, meeting_id)
        if before.batch_id is not None:
            open_batch(conn, before.batch_id)
        if expected_version is not None and before.row_version != expected_version:
            raise CadreError("store.meeting.changed_elsewhere", date=before.held_on.isoformat())
        changed = {k: v for k, v in changes.items() if getattr(before, k) != v}
        if not changed:
            return before
        if "held_on" in changed:
            attending_batch(conn, changed["held_on"], before.group_ids, before.cadre_ids, "meeting")
        stored = {k: v.isoformat() if k == "held_on" else v for k, v in changed.items()}
        assignments = ", ".join(f"{field} = ?" for field in stored)
        conn.execute(
            f"UPDATE meetings SET {assignments}, row_version = row_version + 1 WHERE id = ?",
            (*stored.values(), meeting_id),
        )
        old = asdict(before)
        audit.record(conn, "update", "meeting", meeting_id, {k: old[k] for k in changed}, changed)
        return get_meeting(conn, meeting_id)


def insert_meetings(conn: sqlite3.Connection, meetings: Iterable[NewMeeting]) -> list[int]:
    """Bulk-load meetings with their attendance (a programme's history, the demo) in
    one transaction with one audit row; returns their ids in order."""
    ids: list[int] = []
    attendance = 0
    with transaction(conn):
        for new in meetings:
            if not new.group_ids and not new.cadre_ids:
                raise CadreError("store.meeting.nobody_attending")
            ids.append(_insert(conn, new))
            attendance += len(_unique(new.cadre_ids))
        details = {"count": len(ids), "attendance": attendance}
        if ids:
            details |= {"first_id": ids[0], "last_id": ids[-1]}
        audit.record(conn, "bulk_insert", "meeting", None, None, details)
    return ids


# -- reads -----------------------------------------------------------------------------


def _ids(conn: sqlite3.Connection, sql: str, key: int) -> tuple[int, ...]:
    return tuple(row[0] for row in conn.execute(sql, (key,)))


def get_meeting(conn: sqlite3.Connection, meeting_id: int) -> Meeting:
    row = conn.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
    if row is None:
        raise CadreError("store.meeting.not_found", id=meeting_id)
    return Meeting(
        id=row["id"],
        held_on=dt.date.fromisoformat(row["held_on"]),
        kind=MeetingKind(row["kind"]),
        place=row["place"],
        title=row["title"],
        notes=row["notes"],
        decisions=row["decisions"],
        batch_id=row["batch_id"],
        group_ids=_ids(
            conn, "SELECT group_id FROM meeting_groups WHERE meeting_id = ? ORDER BY 1", meeting_id
        ),
        cadre_ids=_ids(
            conn, "SELECT cadre_id FROM meeting_cadres WHERE meeting_id = ? ORDER BY 1", meeting_id
        ),
        item_ids=_ids(
            conn, "SELECT id FROM logistics_items WHERE meeting_id = ? ORDER BY 1", meeting_id
        ),
        row_version=row["row_version"],
    )


_OF_GROUP = (
    "(m.id IN (SELECT meeting_id FROM meeting_groups WHERE group_id = ?)"
    " OR m.id IN (SELECT mc.meeting_id FROM meeting_cadres mc"
    " JOIN placements p ON p.cadre_id = mc.cadre_id JOIN meetings held ON held.id = mc.meeting_id"
    " WHERE p.group_id = ? AND p.start_date <= held.held_on"
    " AND (p.end_date IS NULL OR p.end_date >= held.held_on)))"
)
"""Meetings a group attended, as a group or through a member placed in it that day."""


def list_meetings(
    conn: sqlite3.Connection,
    *,
    batch_id: int | None = None,
    group_id: int | None = None,
    cadre_id: int | None = None,
) -> list[MeetingRow]:
    """Meetings newest first: of a batch, of a group (as a group or through its
    members), or those a cadre attended in person."""
    clauses: list[str] = []
    params: list[Any] = []
    if batch_id is not None:
        clauses.append("m.batch_id = ?")
        params.append(batch_id)
    if group_id is not None:
        clauses.append(_OF_GROUP)
        params.extend((group_id, group_id))
    if cadre_id is not None:
        clauses.append("m.id IN (SELECT meeting_id FROM meeting_cadres WHERE cadre_id = ?)")
        params.append(cadre_id)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(
        "SELECT m.*, b.number AS batch_number,"
        " (SELECT COUNT(*) FROM meeting_cadres mc WHERE mc.meeting_id = m.id) AS cadre_count,"
        " (SELECT COUNT(*) FROM logistics_items i WHERE i.meeting_id = m.id) AS item_count"
        f" FROM meetings m LEFT JOIN batches b ON b.id = m.batch_id{where}"
        " ORDER BY m.held_on DESC, m.id DESC",
        params,
    ).fetchall()
    groups = _groups_of(conn, [row["id"] for row in rows])
    return [
        MeetingRow(
            id=row["id"],
            held_on=dt.date.fromisoformat(row["held_on"]),
            kind=MeetingKind(row["kind"]),
            place=row["place"],
            title=row["title"],
            notes=row["notes"],
            decisions=row["decisions"],
            batch_id=row["batch_id"],
            batch_number=row["batch_number"],
            group_ids=tuple(gid for gid, _ in groups.get(row["id"], ())),
            group_names=tuple(name for _, name in groups.get(row["id"], ())),
            cadre_count=row["cadre_count"],
            item_count=row["item_count"],
            row_version=row["row_version"],
        )
        for row in rows
    ]


def _groups_of(conn: sqlite3.Connection, meeting_ids: Sequence[int]) -> dict[int, list]:
    found: dict[int, list[tuple[int, str]]] = {}
    for start in range(0, len(meeting_ids), 500):
        chunk = meeting_ids[start : start + 500]
        for meeting_id, group_id, name in conn.execute(
            "SELECT mg.meeting_id, g.id, g.name FROM meeting_groups mg"
            " JOIN working_groups g ON g.id = mg.group_id"
            f" WHERE mg.meeting_id IN ({', '.join('?' * len(chunk))}) ORDER BY g.id",
            chunk,
        ):
            found.setdefault(meeting_id, []).append((group_id, name))
    return found


def cadre_meetings(conn: sqlite3.Connection, cadre_id: int) -> list[MeetingRow]:
    """The meetings a cadre attended in person, newest first (their history shows them)."""
    return list_meetings(conn, cadre_id=cadre_id)


def meetings_per_month(
    conn: sqlite3.Connection, group_id: int, *, today: dt.date | None = None
) -> list[tuple[str, int]]:
    """A group's meetings per month (``("2026-09", 2)``), oldest first, from its batch's
    first month to its last (its close, else ``today``, else the latest meeting);
    months without a meeting count 0."""
    group = get_working_group(conn, group_id)
    batch = get_batch(conn, group.batch_id)
    days = [
        dt.date.fromisoformat(row[0])
        for row in conn.execute(
            f"SELECT m.held_on FROM meetings m WHERE {_OF_GROUP}", (group_id,) * 2
        )
    ]
    last = batch.closed_on or today
    return count_by_month(days, batch.start_date, last)
