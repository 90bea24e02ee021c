"""Follow-up and coordination in words, for ``cadre-tui items`` and the screens alike:
the logistics board with its filters resolved from what people type (batch numbers,
unit names, codes or labels), each item's standing ("逾期 3 天"), counts, and lines
for meetings, training, mentors and the two flags. No SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cadre_tui.domain.coordination import (
    CLOSED_STATES,
    LogisticsCategory,
    LogisticsState,
    Mentor,
    MentorFlag,
    TrainingFlag,
    resolved_late,
)
from cadre_tui.domain.enums import Labelled
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.store import batches, logistics, units
from cadre_tui.store.logistics import ItemRow
from cadre_tui.store.sqlite import sqlite3

EMPTY = "—"
COUNT_KEYS = ("total", "overdue", "open", "in_progress", "resolved", "wont_fix")


def date_text(day: dt.date | None) -> str:
    return day.isoformat() if day else EMPTY


def batch_text(number: int | None) -> str:
    return t("coordination.batch", number=number) if number is not None else EMPTY


def _join(names: Iterable[str]) -> str:
    return t("store.name_separator").join(names)


# -- reading what people type ----------------------------------------------------------


def _coded(enum: type[Labelled], text: str, key: str) -> Any:
    """A code, or its label in either language, case and spaces ignored."""
    wanted = "".join(text.split()).casefold()
    for member in enum:
        names = (member.value, member.label("zh"), member.label("en"))
        if wanted in {"".join(name.split()).casefold() for name in names}:
            return member
    allowed = _join(t("coordination.choice", code=m.value, label=m.label()) for m in enum)
    raise CadreError(key, value=text, allowed=allowed)


def parse_category(text: str) -> LogisticsCategory:
    return _coded(LogisticsCategory, text, "store.logistics.bad_category")


def parse_state(text: str) -> LogisticsState:
    return _coded(LogisticsState, text, "store.logistics.bad_state")


def category_choices() -> list[tuple[LogisticsCategory, str]]:
    return [(category, category.label()) for category in LogisticsCategory]


def state_choices() -> list[tuple[LogisticsState, str]]:
    return [(state, state.label()) for state in LogisticsState]


# -- the board -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemFilters:
    """The board's filters as ids and codes; ``words`` keeps what was asked for."""

    batch_id: int | None = None
    batch_number: int | None = None
    receiving_unit_id: int | None = None
    unit_name: str | None = None
    categories: tuple[LogisticsCategory, ...] = ()
    states: tuple[LogisticsState, ...] = ()
    overdue_only: bool = False


@dataclass(frozen=True, slots=True)
class ItemLine:
    """One item ready to show: its row and every cell in words."""

    row: ItemRow
    category: str
    state: str
    standing: str
    short_standing: str
    due: str
    short_due: str
    raised: str
    batch: str
    unit: str
    group: str
    description: str
    owner: str
    resolution: str

    @property
    def overdue(self) -> bool:
        return self.row.overdue


@dataclass(frozen=True, slots=True)
class ItemsBoard:
    today: dt.date
    filters: ItemFilters
    rows: list[ItemRow]
    lines: list[ItemLine] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return board_counts(self.rows)


def resolve_filters(
    conn: sqlite3.Connection,
    *,
    batch_number: int | None = None,
    unit: str | None = None,
    categories: Iterable[str | LogisticsCategory] = (),
    states: Iterable[str | LogisticsState] = (),
    overdue_only: bool = False,
) -> ItemFilters:
    """Filters from a batch number, a receiving unit's name or code, and categories and
    states as codes or labels (comma-separated lists accepted)."""
    batch_id = unit_id = None
    unit_name = None
    if batch_number is not None:
        found = next((b for b in batches.list_batches(conn) if b.number == batch_number), None)
        if found is None:
            raise CadreError("cli.no_such_batch", number=batch_number)
        batch_id = found.id
    if unit:
        known = units.list_receiving_units(conn)
        match = next((u for u in known if unit.strip() in (u.name, u.code)), None)
        if match is None:
            names = _join(u.name for u in known)
            raise CadreError("coordination.no_unit", name=unit, names=names)
        unit_id, unit_name = match.id, match.name
    return ItemFilters(
        batch_id=batch_id,
        batch_number=batch_number,
        receiving_unit_id=unit_id,
        unit_name=unit_name,
        categories=tuple(dict.fromkeys(parse_category(c) for c in _split(categories))),
        states=tuple(dict.fromkeys(parse_state(s) for s in _split(states))),
        overdue_only=overdue_only,
    )


def _split(values: Iterable[str]) -> list[str]:
    parts = []
    for value in values:
        parts.extend(p for p in str(value).replace("，", ",").split(",") if p.strip())
    return parts


def items_board(conn: sqlite3.Connection, filters: ItemFilters, today: dt.date) -> ItemsBoard:
    """The logistics board for ``today``: problems first, every line in words."""
    rows = logistics.list_items(
        conn,
        batch_id=filters.batch_id,
        receiving_unit_id=filters.receiving_unit_id,
        categories=filters.categories,
        states=filters.states,
        overdue_only=filters.overdue_only,
        today=today,
    )
    return ItemsBoard(today, filters, rows, [item_line(row, today) for row in rows])


def standing_text(row: ItemRow, today: dt.date) -> str:
    """How an item stands: overdue by how long, due when, or settled on which day."""
    item = row.item
    if item.state in CLOSED_STATES:
        settled_on = date_text(item.resolved_on)
        text = t("coordination.standing.settled", state=item.state.label(), date=settled_on)
        if resolved_late(item.due_on, item.resolved_on):
            text = t("coordination.standing.late", text=text)
        return text
    if row.overdue:
        return t("coordination.standing.overdue", days=row.days_overdue)
    if item.due_on is None:
        return t("coordination.standing.no_due")
    if item.due_on == today:
        return t("coordination.standing.due_today")
    return t("coordination.standing.due_in", days=(item.due_on - today).days)


def short_standing_text(row: ItemRow, today: dt.date) -> str:
    """The standing for a narrow column: settled items by their state alone."""
    if row.item.state in CLOSED_STATES:
        return row.item.state.label()
    return standing_text(row, today)


def short_date(day: dt.date | None, today: dt.date) -> str:
    """``11-21`` within ``today``'s year, the full date otherwise."""
    if day is None:
        return EMPTY
    return day.strftime("%m-%d") if day.year == today.year else day.isoformat()


def item_line(row: ItemRow, today: dt.date) -> ItemLine:
    item = row.item
    raised = date_text(item.raised_on)
    if item.raised_by:
        raised = t("coordination.raised", date=raised, by=item.raised_by)
    return ItemLine(
        row=row,
        category=item.category.label(),
        state=item.state.label(),
        standing=standing_text(row, today),
        short_standing=short_standing_text(row, today),
        due=date_text(item.due_on),
        short_due=short_date(item.due_on, today),
        raised=raised,
        batch=batch_text(row.batch_number),
        unit=row.receiving_unit_name,
        group=row.group_name,
        description=item.description,
        owner=item.owner or t("coordination.no_owner"),
        resolution=item.resolution or EMPTY,
    )


def board_counts(rows: Sequence[ItemRow]) -> dict[str, int]:
    counts = dict.fromkeys(COUNT_KEYS, 0)
    counts["total"] = len(rows)
    for row in rows:
        counts[row.item.state.value] += 1
        counts["overdue"] += row.overdue
    return counts


def counts_text(counts: dict[str, int]) -> str:
    return t("coordination.counts", **counts)


def board_title(board: ItemsBoard) -> str:
    scope = [batch_text(board.filters.batch_number)] if board.filters.batch_number else []
    scope += [board.filters.unit_name] if board.filters.unit_name else []
    title = t("coordination.title", today=board.today.isoformat())
    return f"{title} {' '.join(scope)}".strip()


def headers() -> list[str]:
    keys = ("standing", "due", "batch", "group", "category", "description", "owner")
    return [t(f"coordination.col.{key}") for key in keys]


def cells(line: ItemLine, narrow: bool = False) -> list[str]:
    """The table's cells, in :func:`headers` order; ``narrow`` shortens the standing
    and the due day for a terminal's columns."""
    number = str(line.row.batch_number)
    return [
        line.short_standing if narrow else line.standing,
        line.short_due if narrow else line.due,
        number,
        line.group,
        line.category,
        line.description,
        line.owner,
    ]


# -- meetings, training, mentors, flags ------------------------------------------------


def mentor_text(mentor: Mentor | None) -> str:
    if mentor is None:
        return t("coordination.no_mentor")
    key = "coordination.mentor_village" if mentor.village else "coordination.mentor"
    return t(
        key,
        name=mentor.name,
        post=mentor.post,
        village=mentor.village,
        date=date_text(mentor.started_on),
    )


def training_flag_text(flag: TrainingFlag) -> str:
    return t(
        "coordination.training_flag",
        name=flag.cadre_name,
        group=flag.group_name,
        days=flag.days_without,
        date=date_text(flag.placed_on),
    )


def mentor_flag_text(flag: MentorFlag) -> str:
    return t("coordination.mentor_flag", name=flag.cadre_name, group=flag.group_name)
