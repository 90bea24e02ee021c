"""Logistics items (后勤保障事项): a working group's practical problems — office space,
pay, meals and lodging, transport, work funds, vehicles — each with an owner, a due
day and a state, and the board across every group (problems first).

Every write is one transaction with one audit row; a closed batch's groups are
history and refuse writes. The date rules live in :mod:`cadre_tui.domain.coordination`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from cadre_tui.domain.coordination import (
    CLOSED_STATES,
    OPEN_STATES,
    LogisticsCategory,
    LogisticsItem,
    LogisticsState,
    NewItem,
    board_order,
    days_overdue,
    item_problem,
)
from cadre_tui.domain.enums import GroupState
from cadre_tui.domain.model import WorkingGroup
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.store import audit
from cadre_tui.store.batches import open_batch
from cadre_tui.store.bulk import insert_rows
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.values import day_from, iso_day
from cadre_tui.store.working_groups import get_working_group

ENTITY = "logistics_item"
ITEM_FIELDS = ("category", "description", "owner", "due_on")
"""What :func:`update_item` changes; the state has its own intent (:func:`set_item_state`)."""
_COLUMN = {"due_on": "due_date"}
COLUMNS = (
    *("group_id", "category", "description", "raised_by", "raised_on", "owner", "due_date"),
    *("state", "resolution", "resolved_on", "meeting_id"),
)
_INSERT = (
    f"INSERT INTO logistics_items ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
)


@dataclass(frozen=True, slots=True)
class ItemRow:
    """An item on the board: where it sits and how it stands on ``today``."""

    item: LogisticsItem
    group_name: str
    receiving_unit_id: int
    receiving_unit_name: str
    batch_id: int
    batch_number: int
    overdue: bool
    age_days: int
    days_overdue: int

    @property
    def id(self) -> int:
        return self.item.id


def _item(row: sqlite3.Row) -> LogisticsItem:
    return LogisticsItem(
        id=row["id"],
        group_id=row["group_id"],
        category=LogisticsCategory(row["category"]),
        description=row["description"],
        raised_by=row["raised_by"],
        raised_on=dt.date.fromisoformat(row["raised_on"]),
        owner=row["owner"],
        due_on=day_from(row["due_date"]),
        state=LogisticsState(row["state"]),
        resolution=row["resolution"],
        resolved_on=day_from(row["resolved_on"]),
        meeting_id=row["meeting_id"],
        row_version=row["row_version"],
    )


def _allowed(codes: Iterable[Any]) -> str:
    return t("store.name_separator").join(str(code) for code in codes)


def category_of(value: LogisticsCategory | str) -> LogisticsCategory:
    try:
        return LogisticsCategory(value)
    except ValueError:
        raise CadreError(
            "store.logistics.bad_category", value=value, allowed=_allowed(LogisticsCategory)
        ) from None


def state_of(value: LogisticsState | str) -> LogisticsState:
    try:
        return LogisticsState(value)
    except ValueError:
        raise CadreError(
            "store.logistics.bad_state", value=value, allowed=_allowed(LogisticsState)
        ) from None


def _check(**values: Any) -> None:
    problem = item_problem(**values)
    if problem:
        raise CadreError(problem)


def writable_group(conn: sqlite3.Connection, group_id: int) -> WorkingGroup:
    """The group, if its records can still change: a closed batch or group is history."""
    group = get_working_group(conn, group_id)
    open_batch(conn, group.batch_id)
    if group.state == GroupState.CLOSED:
        raise CadreError("store.group.closed", name=group.name)
    return group


def insert_item(conn: sqlite3.Connection, new: NewItem) -> int:
    """Write one checked item inside the caller's transaction (no audit row: the
    caller's intent has it); returns its id."""
    cursor = conn.execute(_INSERT, _values(new))
    return int(cursor.lastrowid)


def _values(new: NewItem) -> tuple[Any, ...]:
    return (
        new.group_id,
        LogisticsCategory(new.category).value,
        new.description.strip(),
        new.raised_by.strip(),
        new.raised_on.isoformat(),
        new.owner.strip(),
        iso_day(new.due_on),
        LogisticsState(new.state).value,
        new.resolution.strip(),
        iso_day(new.resolved_on),
        new.meeting_id,
    )


# -- writes ----------------------------------------------------------------------------


def raise_item(
    conn: sqlite3.Connection,
    *,
    group_id: int,
    category: LogisticsCategory | str,
    description: str,
    raised_by: str,
    raised_on: dt.date,
    owner: str,
    due_on: dt.date | None = None,
) -> LogisticsItem:
    """A group's problem is noted, open, with who answers for it and by when."""
    new = NewItem(
        group_id=group_id,
        category=category_of(category),
        description=description,
        raised_by=raised_by,
        raised_on=raised_on,
        owner=owner,
        due_on=due_on,
    )
    _check(description=description, raised_on=raised_on, due_on=due_on)
    with transaction(conn):
        writable_group(conn, group_id)
        item = get_item(conn, insert_item(conn, new))
        audit.record(conn, "create", "logistics_item", item.id, None, asdict(item))
    return item


def update_item(
    conn: sqlite3.Connection, item_id: int, *, expected_version: int | None, **changes: Any
) -> LogisticsItem:
    """Change an item's category, description, owner or due day (:data:`ITEM_FIELDS`);
    a stale ``expected_version`` is refused (None skips the check)."""
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"not editable on a logistics item: {sorted(unknown)}")
    if "category" in changes:
        changes["category"] = category_of(changes["category"])
    for field in ("description", "owner"):
        if field in changes:
            changes[field] = str(changes[field]).strip()
    if "description" in changes and not changes["description"]:
        raise CadreError("store.logistics.description_required")
    with transaction(conn):
        before = get_item(conn, item_id)
        writable_group(conn, before.group_id)
        _fresh(before, expected_version)
        changed = {k: v for k, v in changes.items() if getattr(before, k) != v}
        if not changed:
            return before
        after = dataclasses.replace(before, **changed)
        _check(description=after.description, raised_on=after.raised_on, due_on=after.due_on)
        stored = {_COLUMN.get(k, k): iso_day(v) if k == "due_on" else v for k, v in changed.items()}
        assignments = ", ".join(f"{column} = ?" for column in stored)
        conn.execute(
            f"UPDATE logistics_items SET {assignments}, row_version = row_version + 1 WHERE id = ?",
            (*stored.values(), item_id),
        )
        old = asdict(before)
        audit.record(
            conn, "update", "logistics_item", item_id, {k: old[k] for k in changed}, changed
        )
        return get_item(conn, item_id)


def _fresh(before: LogisticsItem, expected_version: int | None) -> None:
    if expected_version is not None and before.row_version != expected_version:
        raise CadreError("store.logistics.changed_elsewhere", description=before.description)


def set_item_state(
    conn: sqlite3.Connection,
    item_id: int,
    state: LogisticsState | str,
    *,
    on: dt.date,
    resolution: str = "",
    expected_version: int | None = None,
) -> LogisticsItem:
    """Move an item to ``state`` on day ``on``. Resolved and won't fix need a note
    saying how (or why not) and are dated ``on``; reopening clears that day, and the
    old note unless a new one is given."""
    state = state_of(state)
    resolution = resolution.strip()
    if state in CLOSED_STATES and not resolution:
        raise CadreError("store.logistics.resolution_required")
    with transaction(conn):
        before = get_item(conn, item_id)
        writable_group(conn, before.group_id)
        _fresh(before, expected_version)
        resolved_on = on if state in CLOSED_STATES else None
        if not resolution and before.state in OPEN_STATES:
            resolution = before.resolution
        _check(
            description=before.description,
            raised_on=before.raised_on,
            due_on=before.due_on,
            state=state,
            resolution=resolution,
            resolved_on=resolved_on,
        )
        old = {"state": before.state, "resolution": before.resolution}
        old["resolved_on"] = before.resolved_on
        new = {"state": state, "resolution": resolution, "resolved_on": resolved_on}
        if new == old:
            return before
        conn.execute(
            "UPDATE logistics_items SET state = ?, resolution = ?, resolved_on = ?,"
            " row_version = row_version + 1 WHERE id = ?",
            (state.value, resolution, iso_day(resolved_on), item_id),
        )
        audit.record(conn, "set_state", "logistics_item", item_id, old, {**new, "on": on})
        return get_item(conn, item_id)


def insert_items(conn: sqlite3.Connection, items: Iterable[NewItem]) -> int:
    """Bulk-load items (a programme's history, the demo), each checked, in one
    transaction with one audit row; closed batches' items may be loaded."""

    def checked() -> Iterable[tuple[Any, ...]]:
        for number, new in enumerate(items, start=1):
            problem = item_problem(
                description=new.description,
                raised_on=new.raised_on,
                due_on=new.due_on,
                state=LogisticsState(new.state),
                resolution=new.resolution,
                resolved_on=new.resolved_on,
            )
            if problem:
                raise CadreError("store.bulk.row_rejected", row=number, reason=t(problem))
            yield _values(new)

    return insert_rows(conn, _INSERT, checked(), entity="logistics_item")


# -- reads -----------------------------------------------------------------------------


def get_item(conn: sqlite3.Connection, item_id: int) -> LogisticsItem:
    row = conn.execute("SELECT * FROM logistics_items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise CadreError("store.logistics.not_found", id=item_id)
    return _item(row)


def items_of_meeting(conn: sqlite3.Connection, meeting_id: int) -> list[LogisticsItem]:
    rows = conn.execute(
        "SELECT * FROM logistics_items WHERE meeting_id = ? ORDER BY id", (meeting_id,)
    )
    return [_item(row) for row in rows]


_OPEN = "('open', 'in_progress')"


def list_items(
    conn: sqlite3.Connection,
    *,
    batch_id: int | None = None,
    receiving_unit_id: int | None = None,
    group_id: int | None = None,
    categories: Sequence[LogisticsCategory | str] = (),
    states: Sequence[LogisticsState | str] = (),
    overdue_only: bool = False,
    today: dt.date,
) -> list[ItemRow]:
    """The board across every group (or those filtered), in the board's order:
    overdue first, then open by age, then settled ones newest first."""
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("g.batch_id", batch_id),
        ("g.receiving_unit_id", receiving_unit_id),
        ("i.group_id", group_id),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    for column, codes in (
        ("i.category", [category_of(c).value for c in categories]),
        ("i.state", [state_of(s).value for s in states]),
    ):
        if codes:
            clauses.append(f"{column} IN ({', '.join('?' * len(codes))})")
            params.extend(codes)
    if overdue_only:
        clauses.append(f"i.state IN {_OPEN} AND i.due_date < ?")
        params.append(today.isoformat())
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(
        "SELECT i.*, g.name AS group_name, g.batch_id, g.receiving_unit_id,"
        " u.name AS unit_name, b.number AS batch_number FROM logistics_items i"
        " JOIN working_groups g ON g.id = i.group_id"
        " JOIN receiving_units u ON u.id = g.receiving_unit_id"
        f" JOIN batches b ON b.id = g.batch_id{where}",
        params,
    ).fetchall()
    board = []
    for row in rows:
        item = _item(row)
        board.append(
            ItemRow(
                item=item,
                group_name=row["group_name"],
                receiving_unit_id=row["receiving_unit_id"],
                receiving_unit_name=row["unit_name"],
                batch_id=row["batch_id"],
                batch_number=row["batch_number"],
                overdue=item.is_overdue(today),
                age_days=item.age_days(today),
                days_overdue=days_overdue(item.state, item.due_on, today),
            )
        )
    return board_order(board, today, item=lambda row: row.item)


def overdue_count(conn: sqlite3.Connection, today: dt.date, batch_id: int | None = None) -> int:
    """Items still open after their due day (the dashboard's count)."""
    sql = f"SELECT COUNT(*) FROM logistics_items i WHERE i.state IN {_OPEN} AND i.due_date < ?"
    params: list[Any] = [today.isoformat()]
    if batch_id is not None:
        sql += " AND i.group_id IN (SELECT id FROM working_groups WHERE batch_id = ?)"
        params.append(batch_id)
    return int(conn.execute(sql, params).fetchone()[0])
