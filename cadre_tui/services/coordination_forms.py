"""The coordination screen's forms: a logistics item (new or edited), its state,
a meeting with one follow-up, a training session, a mentor. Each loads what its
choices need, checks the typed text field by field, and saves through one store
call (one transaction, one audit row). No Textual."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cadre_tui.domain.coordination import (
    FollowUp,
    LogisticsCategory,
    LogisticsItem,
    LogisticsState,
    MeetingKind,
    TrainingKind,
)
from cadre_tui.domain.dates import parse_date
from cadre_tui.domain.enums import BatchState
from cadre_tui.domain.model import WorkingGroup
from cadre_tui.errors import CadreError
from cadre_tui.services.batch_forms import form_date
from cadre_tui.store import batches, logistics, meetings, placements, training, working_groups
from cadre_tui.store.sqlite import sqlite3


@dataclass(frozen=True)
class GroupChoice:
    id: int
    label: str
    batch_id: int
    receiving_unit_id: int


def open_groups(conn: sqlite3.Connection) -> tuple[GroupChoice, ...]:
    """The groups of batches not yet closed, the active batch's first."""
    found = []
    for batch in batches.list_batches(conn):
        if batch.state == BatchState.CLOSED:
            continue
        for group in working_groups.list_working_groups(conn, batch.id):
            found.append(_choice(group, batch.name))
    return tuple(found)


def _choice(group: WorkingGroup, batch_name: str) -> GroupChoice:
    return GroupChoice(
        group.id, f"{group.name}（{batch_name}）", group.batch_id, group.receiving_unit_id
    )


def _text(values: dict[str, Any], name: str) -> str:
    return str(values.get(name) or "").strip()


def _required(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, CadreError]:
    return {
        name: CadreError("batch.error.required")
        for name in names
        if values.get(name) is None or not str(values.get(name)).strip()
    }


def _dates(values: dict[str, Any], names: tuple[str, ...], errors: dict[str, CadreError]):
    found: dict[str, dt.date] = {}
    for name in names:
        text = _text(values, name)
        if text and name not in errors:
            try:
                found[name] = form_date(text)
            except CadreError as exc:
                errors[name] = exc
    return found


# -- a logistics item --------------------------------------------------------------------

ITEM_REQUIRED = ("group_id", "category", "description", "raised_on")


@dataclass(frozen=True)
class ItemFormData:
    item: LogisticsItem | None
    groups: tuple[GroupChoice, ...]


def load_item_form(conn: sqlite3.Connection, item_id: int | None) -> ItemFormData:
    item = logistics.get_item(conn, item_id) if item_id is not None else None
    return ItemFormData(item, open_groups(conn))


def item_values(data: ItemFormData, today: dt.date) -> dict[str, Any]:
    item = data.item
    if item is None:
        return {"raised_on": today.isoformat(), "category": None, "group_id": None}
    return {
        "group_id": item.group_id,
        "category": item.category,
        "description": item.description,
        "raised_by": item.raised_by,
        "raised_on": item.raised_on.isoformat(),
        "owner": item.owner,
        "due_on": item.due_on.isoformat() if item.due_on else "",
    }


def check_item(values: dict[str, Any]) -> dict[str, CadreError]:
    errors = _required(values, ITEM_REQUIRED)
    days = _dates(values, ("raised_on", "due_on"), errors)
    if "due_on" in days and "raised_on" in days and days["due_on"] < days["raised_on"]:
        errors["due_on"] = CadreError("coord.error.due_before_raised")
    return errors


def save_item(conn: sqlite3.Connection, data: ItemFormData, values: dict[str, Any]) -> int:
    due = _text(values, "due_on")
    fields = {
        "category": LogisticsCategory(values["category"]),
        "description": _text(values, "description"),
        "owner": _text(values, "owner"),
        "due_on": parse_date(due) if due else None,
    }
    if data.item is None:
        return logistics.raise_item(
            conn,
            group_id=int(values["group_id"]),
            raised_by=_text(values, "raised_by"),
            raised_on=parse_date(_text(values, "raised_on")),
            **fields,
        ).id
    return logistics.update_item(
        conn, data.item.id, expected_version=data.item.row_version, **fields
    ).id


# -- an item's state ---------------------------------------------------------------------


def check_state(values: dict[str, Any]) -> dict[str, CadreError]:
    errors = _required(values, ("state", "on"))
    _dates(values, ("on",), errors)
    state = values.get("state")
    if state in (LogisticsState.RESOLVED, LogisticsState.WONT_FIX) and not _text(
        values, "resolution"
    ):
        errors["resolution"] = CadreError("coord.error.resolution_needed")
    return errors


def save_state(conn: sqlite3.Connection, item: LogisticsItem, values: dict[str, Any]) -> int:
    return logistics.set_item_state(
        conn,
        item.id,
        LogisticsState(values["state"]),
        on=parse_date(_text(values, "on")),
        resolution=_text(values, "resolution"),
        expected_version=item.row_version,
    ).id


# -- a meeting ---------------------------------------------------------------------------

MEETING_REQUIRED = ("held_on", "kind", "place", "group_id")


def check_meeting(values: dict[str, Any]) -> dict[str, CadreError]:
    errors = _required(values, MEETING_REQUIRED)
    days = _dates(values, ("held_on", "follow_due"), errors)
    if _text(values, "follow_up") and not _text(values, "follow_owner"):
        errors["follow_owner"] = CadreError("coord.error.owner_needed")
    if "follow_due" in days and "held_on" in days and days["follow_due"] < days["held_on"]:
        errors["follow_due"] = CadreError("coord.error.due_before_raised")
    return errors


def save_meeting(
    conn: sqlite3.Connection, groups: tuple[GroupChoice, ...], values: dict[str, Any]
) -> int:
    """The chosen group attends with its active members; a follow-up becomes its item."""
    group = next(g for g in groups if g.id == int(values["group_id"]))
    held_on = parse_date(_text(values, "held_on"))
    members = [
        p.cadre_id for p in placements.list_placements(conn, group_id=group.id) if p.is_active
    ]
    actions = []
    if _text(values, "follow_up"):
        due = _text(values, "follow_due")
        actions.append(
            FollowUp(
                group_id=group.id,
                category=LogisticsCategory(values.get("follow_category") or "other"),
                description=_text(values, "follow_up"),
                owner=_text(values, "follow_owner"),
                due_on=parse_date(due) if due else None,
            )
        )
    return meetings.record_meeting(
        conn,
        held_on=held_on,
        kind=MeetingKind(values["kind"]),
        place=_text(values, "place"),
        notes=_text(values, "notes"),
        decisions=_text(values, "decisions"),
        group_ids=(group.id,),
        cadre_ids=tuple(members),
        actions=tuple(actions),
    ).id


# -- a training session ------------------------------------------------------------------

TRAINING_REQUIRED = ("held_on", "kind", "title", "group_id")


def check_training(values: dict[str, Any]) -> dict[str, CadreError]:
    errors = _required(values, TRAINING_REQUIRED)
    _dates(values, ("held_on",), errors)
    return errors


def save_training(
    conn: sqlite3.Connection, groups: tuple[GroupChoice, ...], values: dict[str, Any]
) -> int:
    """The chosen group's active members attended."""
    group = next(g for g in groups if g.id == int(values["group_id"]))
    members = [
        p.cadre_id for p in placements.list_placements(conn, group_id=group.id) if p.is_active
    ]
    return training.record_training(
        conn,
        held_on=parse_date(_text(values, "held_on")),
        kind=TrainingKind(values["kind"]),
        title=_text(values, "title"),
        place=_text(values, "place"),
        receiving_unit_id=group.receiving_unit_id,
        cadre_ids=tuple(members),
    ).id


# -- a mentor ----------------------------------------------------------------------------

MENTOR_REQUIRED = ("name", "post", "started_on")


def check_mentor(values: dict[str, Any]) -> dict[str, CadreError]:
    errors = _required(values, MENTOR_REQUIRED)
    _dates(values, ("started_on",), errors)
    return errors


def save_mentor(conn: sqlite3.Connection, placement_id: int, values: dict[str, Any]) -> int:
    return training.set_mentor(
        conn,
        placement_id,
        name=_text(values, "name"),
        post=_text(values, "post"),
        village=_text(values, "village"),
        started_on=parse_date(_text(values, "started_on")),
    ).id
