"""What the coordination screen shows, in words: the logistics board with its
filters, the meetings, the training sessions with the training and mentor flags.
One read for all three views; no Textual, no SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from rich.text import Text

from cadre_tui.domain.coordination import (
    OPEN_STATES,
    LogisticsCategory,
    LogisticsState,
    MentorFlag,
    TrainingFlag,
)
from cadre_tui.domain.enums import BatchState
from cadre_tui.i18n import t
from cadre_tui.services import coordination
from cadre_tui.services.history import fit
from cadre_tui.store import batches, logistics, meetings, training, units
from cadre_tui.store import coordination_board as flags
from cadre_tui.store.logistics import ItemRow
from cadre_tui.store.meetings import MeetingRow
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.training import TrainingRow

ITEM_COLUMNS = (
    "coord.col_state",
    "coord.col_group",
    "coord.col_category",
    "coord.col_item",
    "coord.col_owner",
    "coord.col_due",
)
MEETING_COLUMNS = (
    "coord.col_date",
    "coord.col_kind",
    "coord.col_place",
    "coord.col_groups",
    "coord.col_people",
)
TRAINING_COLUMNS = (
    "coord.col_date",
    "coord.col_kind",
    "coord.col_title",
    "coord.col_place",
    "coord.col_people",
)


@dataclass(frozen=True)
class BoardFilters:
    """What the items board is narrowed to; None: any."""

    batch_id: int | None = None
    receiving_unit_id: int | None = None
    category: LogisticsCategory | None = None
    open_only: bool = True

    def toggled_open(self) -> BoardFilters:
        return replace(self, open_only=not self.open_only)

    def next_category(self) -> BoardFilters:
        order: list[LogisticsCategory | None] = [None, *LogisticsCategory]
        return replace(self, category=order[(order.index(self.category) + 1) % len(order)])

    def next_batch(self, batch_ids: tuple[int, ...]) -> BoardFilters:
        return replace(self, batch_id=_next(self.batch_id, batch_ids))

    def next_unit(self, unit_ids: tuple[int, ...]) -> BoardFilters:
        return replace(self, receiving_unit_id=_next(self.receiving_unit_id, unit_ids))


def _next(current: int | None, choices: tuple[int, ...]) -> int | None:
    order: list[int | None] = [None, *choices]
    position = order.index(current) if current in order else 0
    return order[(position + 1) % len(order)]


@dataclass(frozen=True)
class CoordinationBoard:
    filters: BoardFilters
    today: dt.date
    items: tuple[ItemRow, ...]
    overdue: int
    meetings: tuple[MeetingRow, ...]
    sessions: tuple[TrainingRow, ...]
    training_flags: tuple[TrainingFlag, ...]
    mentor_flags: tuple[MentorFlag, ...]
    batch_ids: tuple[int, ...]
    batch_names: dict[int, str]
    unit_ids: tuple[int, ...]
    unit_names: dict[int, str]
    active_batch_id: int | None


def board(conn: sqlite3.Connection, filters: BoardFilters, today: dt.date) -> CoordinationBoard:
    """Everything the three views show, read in one go."""
    all_batches = batches.list_batches(conn)
    active = next((b.id for b in all_batches if b.state == BatchState.ACTIVE), None)
    states = tuple(OPEN_STATES) if filters.open_only else ()
    items = logistics.list_items(
        conn,
        batch_id=filters.batch_id,
        receiving_unit_id=filters.receiving_unit_id,
        categories=(filters.category,) if filters.category else (),
        states=states,
        today=today,
    )
    receiving = units.list_receiving_units(conn)
    focus = filters.batch_id or active
    return CoordinationBoard(
        filters=filters,
        today=today,
        items=tuple(items),
        overdue=logistics.overdue_count(conn, today),
        meetings=tuple(meetings.list_meetings(conn, batch_id=filters.batch_id)),
        sessions=tuple(training.list_training(conn, batch_id=filters.batch_id)),
        training_flags=tuple(flags.training_flags(conn, focus, today)) if focus else (),
        mentor_flags=tuple(flags.mentor_flags(conn, focus)) if focus else (),
        batch_ids=tuple(b.id for b in all_batches),
        batch_names={b.id: b.name for b in all_batches},
        unit_ids=tuple(u.id for u in receiving),
        unit_names={u.id: u.name for u in receiving},
        active_batch_id=active,
    )


def filter_text(board: CoordinationBoard) -> str:
    f = board.filters
    parts = [
        t("coord.filter_batch", name=board.batch_names.get(f.batch_id, t("coord.any")))
        if f.batch_id
        else t("coord.filter_batch", name=t("coord.any")),
        t("coord.filter_unit", name=board.unit_names.get(f.receiving_unit_id, t("coord.any"))),
        t("coord.filter_category", name=f.category.label() if f.category else t("coord.any")),
        t("coord.filter_open") if f.open_only else t("coord.filter_all"),
        t("coord.overdue_count", count=board.overdue),
    ]
    return " · ".join(parts)


def state_text(row: ItemRow) -> Text:
    """State in words with a mark, never by colour alone: ⚠ overdue, ● open, ◐ in progress."""
    state = row.item.state
    if row.overdue:
        return Text(f"⚠{t('coord.overdue_days', days=row.days_overdue)}", style="bold")
    mark = {
        LogisticsState.OPEN: "●",
        LogisticsState.IN_PROGRESS: "◐",
        LogisticsState.RESOLVED: "✓",
        LogisticsState.WONT_FIX: "✗",
    }[state]
    return Text(f"{mark}{state.label()}")


def _day(value: dt.date | None) -> str:
    return value.strftime("%m-%d") if value else "—"


def item_cells(rows: tuple[ItemRow, ...]) -> list[tuple[str, list]]:
    return [
        (
            str(row.item.id),
            [
                state_text(row),
                fit(row.group_name, 14),
                row.item.category.label(),
                fit(row.item.description, 22),
                fit(row.item.owner, 10),
                _day(row.item.due_on),
            ],
        )
        for row in rows
    ]


def meeting_cells(rows: tuple[MeetingRow, ...]) -> list[tuple[str, list]]:
    return [
        (
            str(row.id),
            [
                row.held_on.isoformat(),
                row.kind.label(),
                fit(row.place, 14),
                fit(t("store.name_separator").join(row.group_names) or "—", 22),
                str(row.cadre_count),
            ],
        )
        for row in rows
    ]


def training_cells(board: CoordinationBoard) -> list[tuple[str, list]]:
    rows: list[tuple[str, list]] = [
        (
            f"member:{flag.placement_id}",
            [
                Text("⚠", style="bold"),
                t("coordination.no_mentor"),
                fit(f"{flag.cadre_name}（{flag.group_name}）", 28),
                "",
                "",
            ],
        )
        for flag in board.mentor_flags
    ]
    for session in board.sessions:
        rows.append(
            (
                f"session:{session.id}",
                [
                    session.held_on.isoformat(),
                    session.kind.label(),
                    fit(session.title, 28),
                    fit(session.place or session.receiving_unit_name, 12),
                    str(session.attendance),
                ],
            )
        )
    return rows


def flag_text(board: CoordinationBoard) -> Text:
    """The training flags in words, a line each (at most four, then a count)."""
    if not board.training_flags and not board.mentor_flags:
        return Text(t("coord.no_flags"))
    lines = [coordination.training_flag_text(flag) for flag in board.training_flags[:4]]
    if len(board.training_flags) > 4:
        lines.append(t("coord.flag_more", count=len(board.training_flags) - 4))
    if board.mentor_flags:
        lines.append(t("coord.flag_mentors", count=len(board.mentor_flags)))
    return Text("\n".join(f"⚠ {line}" for line in lines))


def detail_text(board: CoordinationBoard, view: str, key: str | None) -> str:
    """Two or three lines about the highlighted row."""
    if key is None:
        return t(f"coord.empty_{view}")
    if view == "items":
        row = next((r for r in board.items if str(r.item.id) == key), None)
        if row is None:
            return ""
        item = row.item
        lines = [
            item.description,
            t(
                "coord.item_raised",
                by=item.raised_by or "—",
                on=item.raised_on.isoformat(),
                unit=row.receiving_unit_name,
                batch=row.batch_number,
                owner=item.owner or "—",
            ),
        ]
        if item.resolution:
            lines.append(t("coord.item_resolution", text=item.resolution))
        return "\n".join(lines)
    if view == "meetings":
        meeting = next((r for r in board.meetings if str(r.id) == key), None)
        if meeting is None:
            return ""
        lines = [meeting.title or meeting.notes or meeting.kind.label()]
        if meeting.decisions:
            lines.append(t("coord.decisions", text=meeting.decisions))
        if meeting.item_count:
            lines.append(t("coord.follow_ups", count=meeting.item_count))
        return "\n".join(lines)
    if key.startswith("member:"):
        return t("coord.mentor_hint")
    session = next((r for r in board.sessions if f"session:{r.id}" == key), None)
    if session is None:
        return ""
    return t(
        "coord.session_detail", unit=session.receiving_unit_name or "—", count=session.attendance
    )


# -- one cadre, one group ------------------------------------------------------------------


@dataclass(frozen=True)
class CadreCoordination:
    """What the cadre's record shows of the follow-up: meetings, training, mentor."""

    meetings: tuple[MeetingRow, ...]
    sessions: tuple[TrainingRow, ...]
    mentor: str | None


def cadre_coordination(conn: sqlite3.Connection, cadre_id: int) -> CadreCoordination:
    from cadre_tui.store.placements import active_placement

    placement = active_placement(conn, cadre_id)
    mentor = training.get_mentor(conn, placement.id) if placement is not None else None
    described = None
    if mentor is not None:
        described = t("coord.cadre_mentor", mentor=coordination.mentor_text(mentor))
    return CadreCoordination(
        tuple(meetings.cadre_meetings(conn, cadre_id)),
        tuple(training.list_training(conn, cadre_id=cadre_id)),
        described,
    )


def cadre_lines(found: CadreCoordination, limit: int = 4) -> list[str]:
    """A few lines for the cadre's record: the latest meetings and sessions, the mentor."""
    lines = [t("coord.cadre_meetings", count=len(found.meetings))]
    for meeting in found.meetings[:limit]:
        lines.append(
            f"  {meeting.held_on.isoformat()} {meeting.kind.label()} "
            f"{fit(meeting.title or meeting.place, 40)}"
        )
    lines.append(t("coord.cadre_training", count=len(found.sessions)))
    for session in found.sessions[:limit]:
        lines.append(
            f"  {session.held_on.isoformat()} {session.kind.label()} {fit(session.title, 40)}"
        )
    if found.mentor:
        lines.append(found.mentor)
    return lines


def month_counts_text(counts: list[tuple[str, int]], limit: int = 6) -> str:
    """``9月 2 · 10月 1 · 11月 3``: a group's meetings in its latest months."""
    shown = counts[-limit:]
    if not shown:
        return t("coord.no_meetings")
    parts = [t("coord.month_count", month=int(month[5:7]), count=count) for month, count in shown]
    return t("coord.group_meetings", months=" · ".join(parts))
