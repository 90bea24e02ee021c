"""Follow-up and coordination (跟踪协调): logistics items, meetings, training and mentors.

The rules the store, the screens and ``cadre-tui items`` share, on plain dates:
when an item is overdue, the board's order (problems first), and the two flags
(a cadre placed for weeks without training, a member without a mentor). The
codes reuse :mod:`cadre_tui.domain.enums` where the first schema named them.
No SQL, no Textual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from cadre_tui.domain.enums import Labelled, LogisticsCategory, LogisticsState, MeetingKind

__all__ = [
    "CLOSED_STATES",
    "MEETING_KINDS",
    "OPEN_STATES",
    "TRAINING_DAYS",
    "FollowUp",
    "LogisticsCategory",
    "LogisticsItem",
    "LogisticsState",
    "Meeting",
    "MeetingKind",
    "Mentor",
    "MentorFlag",
    "NewItem",
    "NewMeeting",
    "NewMentor",
    "NewSession",
    "TrainingFlag",
    "TrainingKind",
    "TrainingSession",
]

T = TypeVar("T")


class TrainingKind(Labelled):
    """What a receiving town trains its cadres with."""

    POLICY_TRAINING = "policy_training"  # 政策培训
    SITE_VISIT = "site_visit"  # 现场观摩


MEETING_KINDS: tuple[MeetingKind, ...] = (
    MeetingKind.EXCHANGE,  # 交流会
    MeetingKind.SEMINAR,  # 座谈会 / 研讨会
    MeetingKind.PARTY_COMMITTEE,  # 列席镇党委会议
    MeetingKind.SITE_VISIT,  # 现场观摩
    MeetingKind.OTHER,
)
"""Kinds a meeting is recorded with; training sessions are their own record."""

OPEN_STATES = frozenset({LogisticsState.OPEN, LogisticsState.IN_PROGRESS})
CLOSED_STATES = frozenset({LogisticsState.RESOLVED, LogisticsState.WONT_FIX})
TRAINING_DAYS = 14
"""A cadre placed longer than this without any training attended is flagged."""


# -- records ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogisticsItem:
    """A practical problem a group raised (办公场地, 工资报酬, 食宿, 交通, 经费, 车辆 …)
    and who resolves it by when. ``meeting_id`` names the meeting it came out of."""

    id: int
    group_id: int
    category: LogisticsCategory
    description: str
    raised_by: str
    raised_on: dt.date
    owner: str
    due_on: dt.date | None
    state: LogisticsState
    resolution: str = ""
    resolved_on: dt.date | None = None
    meeting_id: int | None = None
    row_version: int = 1

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today: dt.date) -> bool:
        return is_overdue(self.state, self.due_on, today)

    def age_days(self, today: dt.date) -> int:
        return item_age(self.raised_on, today, self.resolved_on)


@dataclass(frozen=True, slots=True, kw_only=True)
class NewItem:
    """An item as loaded in bulk (history, the demo), state and resolution included."""

    group_id: int
    category: LogisticsCategory
    description: str
    raised_by: str
    raised_on: dt.date
    owner: str
    due_on: dt.date | None = None
    state: LogisticsState = LogisticsState.OPEN
    resolution: str = ""
    resolved_on: dt.date | None = None
    meeting_id: int | None = None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A meeting's follow-up action: it becomes a logistics item of ``group_id`` with an
    owner, raised on the meeting's day (``raised_by`` defaults to the meeting)."""

    group_id: int
    category: LogisticsCategory
    description: str
    owner: str
    due_on: dt.date | None = None
    raised_by: str = ""


@dataclass(frozen=True, slots=True)
class Meeting:
    """交流会, 座谈会, 列席镇党委会议, 现场观摩: who attended and what was decided."""

    id: int
    held_on: dt.date
    kind: MeetingKind
    place: str
    title: str = ""
    notes: str = ""
    decisions: str = ""
    batch_id: int | None = None
    group_ids: tuple[int, ...] = ()
    cadre_ids: tuple[int, ...] = ()
    item_ids: tuple[int, ...] = ()
    row_version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class NewMeeting:
    """A meeting as loaded in bulk."""

    held_on: dt.date
    kind: MeetingKind
    place: str
    title: str = ""
    notes: str = ""
    decisions: str = ""
    batch_id: int | None = None
    group_ids: tuple[int, ...] = ()
    cadre_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class TrainingSession:
    """政策培训 or 现场观摩 held by a receiving unit (or the district), with attendance."""

    id: int
    held_on: dt.date
    kind: TrainingKind
    title: str
    place: str
    receiving_unit_id: int | None = None
    batch_id: int | None = None
    cadre_ids: tuple[int, ...] = ()
    row_version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class NewSession:
    """A training session as loaded in bulk."""

    held_on: dt.date
    kind: TrainingKind
    title: str
    place: str
    cadre_ids: tuple[int, ...]
    receiving_unit_id: int | None = None
    batch_id: int | None = None


@dataclass(frozen=True, slots=True)
class Mentor:
    """结对帮带: the experienced town or village cadre who teaches one placed cadre."""

    id: int
    placement_id: int
    name: str
    post: str
    village: str
    started_on: dt.date
    row_version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class NewMentor:
    placement_id: int
    name: str
    post: str
    village: str
    started_on: dt.date


@dataclass(frozen=True, slots=True)
class TrainingFlag:
    """A cadre placed more than the allowed days with no training attended since."""

    placement_id: int
    cadre_id: int
    cadre_name: str
    group_id: int
    group_name: str
    placed_on: dt.date
    days_without: int


@dataclass(frozen=True, slots=True)
class MentorFlag:
    """An active member of a group who has no mentor."""

    group_id: int
    group_name: str
    placement_id: int
    cadre_id: int
    cadre_name: str


# -- logistics items -------------------------------------------------------------------


def is_overdue(state: LogisticsState, due_on: dt.date | None, today: dt.date) -> bool:
    """Still open (or in progress) after its due day; due today is not yet overdue."""
    return state in OPEN_STATES and due_on is not None and due_on < today


def days_overdue(state: LogisticsState, due_on: dt.date | None, today: dt.date) -> int:
    """Days past the due day for an overdue item, else 0."""
    if not is_overdue(state, due_on, today):
        return 0
    assert due_on is not None
    return (today - due_on).days


def item_age(raised_on: dt.date, today: dt.date, resolved_on: dt.date | None = None) -> int:
    """Days from raising to today, or to the day it was settled."""
    end = min(resolved_on, today) if resolved_on is not None else today
    return max((end - raised_on).days, 0)


def resolved_late(due_on: dt.date | None, resolved_on: dt.date | None) -> bool:
    """Settled after its due day (a closed item is never overdue, but can be late)."""
    return due_on is not None and resolved_on is not None and resolved_on > due_on


def board_key(
    state: LogisticsState,
    due_on: dt.date | None,
    raised_on: dt.date,
    resolved_on: dt.date | None,
    item_id: int,
    today: dt.date,
) -> tuple[int, int, int, int]:
    """Overdue first (earliest due first), then open and in progress by age (oldest
    raised first), then resolved and won't-fix items newest first."""
    if is_overdue(state, due_on, today):
        assert due_on is not None
        return (0, due_on.toordinal(), raised_on.toordinal(), item_id)
    if state in OPEN_STATES:
        return (1, raised_on.toordinal(), 0, item_id)
    settled = resolved_on or raised_on
    return (2, -settled.toordinal(), -raised_on.toordinal(), -item_id)


def board_order(
    items: Iterable[T], today: dt.date, item: Callable[[T], Any] = lambda value: value
) -> list[T]:
    """``items`` in the board's order; ``item`` reaches the :class:`LogisticsItem`-like
    part of each (anything with state, due_on, raised_on, resolved_on and id)."""

    def key(value: T) -> tuple[int, int, int, int]:
        it = item(value)
        return board_key(it.state, it.due_on, it.raised_on, it.resolved_on, it.id, today)

    return sorted(items, key=key)


def item_problem(
    *,
    description: str,
    raised_on: dt.date,
    due_on: dt.date | None,
    state: LogisticsState = LogisticsState.OPEN,
    resolution: str = "",
    resolved_on: dt.date | None = None,
) -> str | None:
    """The catalog key of what is wrong with an item's values, or None."""
    if not description.strip():
        return "store.logistics.description_required"
    if due_on is not None and due_on < raised_on:
        return "store.logistics.due_before_raised"
    if state in CLOSED_STATES:
        if not resolution.strip():
            return "store.logistics.resolution_required"
        if resolved_on is None:
            return "store.logistics.resolved_on_required"
        if resolved_on < raised_on:
            return "store.logistics.resolved_before_raised"
    elif resolved_on is not None:
        return "store.logistics.open_with_resolved_on"
    return None


# -- training and mentors --------------------------------------------------------------


def _trainings_since(placed_on: dt.date, today: dt.date, trained_on: Iterable[dt.date]) -> list:
    return sorted(day for day in trained_on if placed_on <= day <= today)


def needs_training(
    placed_on: dt.date,
    today: dt.date,
    trained_on: Iterable[dt.date],
    *,
    ended_on: dt.date | None = None,
    days: int = TRAINING_DAYS,
) -> bool:
    """Placed more than ``days`` days (counted from the placement's start to today)
    with no training attended since it started. A placement that ended before today
    is history and never flagged."""
    if ended_on is not None and ended_on < today:
        return False
    if (today - placed_on).days <= days:
        return False
    return not _trainings_since(placed_on, today, trained_on)


def days_without_training(placed_on: dt.date, today: dt.date, trained_on: Iterable[dt.date]) -> int:
    """Days since the last training attended in this placement, or since it started."""
    since = _trainings_since(placed_on, today, trained_on)
    return max((today - (since[-1] if since else placed_on)).days, 0)


def needs_mentor(ended_on: dt.date | None, has_mentor: bool) -> bool:
    """An active member (placement not ended) without a mentor."""
    return ended_on is None and not has_mentor


# -- months ----------------------------------------------------------------------------


def month_of(day: dt.date) -> str:
    """``2026-09``: the key meetings are counted by."""
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """Every month from ``first``'s to ``last``'s, both included (empty if reversed)."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def count_by_month(
    days: Sequence[dt.date], first: dt.date | None = None, last: dt.date | None = None
) -> list[tuple[str, int]]:
    """How many of ``days`` fall in each month, from ``first`` (or the earliest day) to
    ``last`` (or the latest), months without any counted as 0."""
    bounds = [*days, *(day for day in (first, last) if day is not None)]
    if not bounds:
        return []
    counts = dict.fromkeys(months_between(min(bounds), max(bounds)), 0)
    for day in days:
        counts[month_of(day)] += 1
    return list(counts.items())
