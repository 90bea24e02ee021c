"""The batch and working-group forms' data: what a form starts with, checking
each field as it is left (which field and why), and saving in one store call.

No Textual here: the screens only show fields and messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cadre_tui.domain.dates import DateError, parse_date
from cadre_tui.domain.enums import ManagementMode
from cadre_tui.domain.model import Batch, Officer, ReceivingUnit, WorkingGroup
from cadre_tui.errors import CadreError
from cadre_tui.store import batches, units, working_groups
from cadre_tui.store.sqlite import sqlite3

BATCH_FIELDS = ("number", "name", "purpose", "start_date", "planned_end", "allow_leaders")
BATCH_REQUIRED = frozenset({"number", "name", "start_date"})
GROUP_FIELDS = (
    "name",
    "receiving_unit_id",
    "mode",
    "liaison_officer_id",
    "branch_secretary",
    "sending_leader_in_charge",
    "receiving_leader_in_charge",
    "office",
)
GROUP_REQUIRED = frozenset({"name", "receiving_unit_id", "mode"})
GROUP_FIXED = frozenset({"receiving_unit_id", "mode"})
"""Chosen when a group is formed; the mode changes later only through a preview."""


@dataclass(frozen=True)
class BatchFormData:
    batch: Batch | None
    receiving_units: tuple[ReceivingUnit, ...]
    chosen_units: tuple[int, ...]
    next_number: int


@dataclass(frozen=True)
class GroupFormData:
    group: WorkingGroup | None
    batch: Batch
    receiving_units: tuple[ReceivingUnit, ...]
    """The batch's receiving units (a group belongs to one of them)."""
    officers: tuple[Officer, ...]
    defaults: dict[str, Any] = field(default_factory=dict)


# -- batches ---------------------------------------------------------------------------


def load_batch_form(conn: sqlite3.Connection, batch_id: int | None) -> BatchFormData:
    every = batches.list_batches(conn)
    batch = batches.get_batch(conn, batch_id) if batch_id is not None else None
    chosen = tuple(batches.batch_unit_ids(conn, batch_id)) if batch_id is not None else ()
    return BatchFormData(
        batch=batch,
        receiving_units=tuple(units.list_receiving_units(conn)),
        chosen_units=chosen,
        next_number=max((b.number for b in every), default=0) + 1,
    )


def batch_values(data: BatchFormData) -> dict[str, Any]:
    """The form's starting text: the batch as stored, or a new batch's defaults."""
    batch = data.batch
    if batch is None:
        return {
            "number": str(data.next_number),
            "name": "",
            "purpose": "",
            "start_date": "",
            "planned_end": "",
            "allow_leaders": False,
        }
    return {
        "number": str(batch.number),
        "name": batch.name,
        "purpose": batch.purpose,
        "start_date": batch.start_date.isoformat(),
        "planned_end": batch.planned_end.isoformat() if batch.planned_end else "",
        "allow_leaders": batch.allow_leaders,
    }


def form_date(value: str) -> dt.date:
    """A typed date, or the form's error naming what was typed."""
    try:
        return parse_date(value)
    except DateError as exc:
        raise CadreError("batch.error.date", value=exc.value) from exc


def check_batch_form(values: dict[str, Any]) -> dict[str, CadreError]:
    """Every wrong field with the reason, in the form's order."""
    errors: dict[str, CadreError] = {}
    for name in BATCH_REQUIRED:
        if not str(values.get(name) or "").strip():
            errors[name] = CadreError("batch.error.required")
    number = str(values.get("number") or "").strip()
    if "number" not in errors and (not number.isdigit() or int(number) <= 0):
        errors["number"] = CadreError("batch.error.number", value=number)
    dates: dict[str, dt.date] = {}
    for name in ("start_date", "planned_end"):
        text = str(values.get(name) or "").strip()
        if text and name not in errors:
            try:
                dates[name] = form_date(text)
            except CadreError as exc:
                errors[name] = exc
    if (
        "start_date" in dates
        and "planned_end" in dates
        and dates["planned_end"] < dates["start_date"]
    ):
        errors["planned_end"] = CadreError("store.batch.end_before_start")
    return {name: errors[name] for name in BATCH_FIELDS if name in errors}


def save_batch(
    conn: sqlite3.Connection, batch_id: int | None, values: dict[str, Any], unit_ids: list[int]
) -> Batch:
    """Create or edit the batch (one store transaction each); ``values`` are checked."""
    planned = str(values.get("planned_end") or "").strip()
    fields = {
        "number": int(str(values["number"]).strip()),
        "name": str(values["name"]).strip(),
        "purpose": str(values.get("purpose") or "").strip(),
        "start_date": form_date(str(values["start_date"])),
        "planned_end": form_date(planned) if planned else None,
        "allow_leaders": bool(values.get("allow_leaders")),
    }
    if batch_id is None:
        return batches.create_batch(conn, receiving_unit_ids=unit_ids, **fields)
    before = batches.get_batch(conn, batch_id)
    changed = {k: v for k, v in fields.items() if getattr(before, k) != v}
    return batches.update_batch(conn, batch_id, receiving_unit_ids=unit_ids, **changed)


# -- working groups ------------------------------------------------------------------------


def load_group_form(
    conn: sqlite3.Connection, batch_id: int, group_id: int | None, unit_id: int | None
) -> GroupFormData:
    batch = batches.get_batch(conn, batch_id)
    group = working_groups.get_working_group(conn, group_id) if group_id is not None else None
    unit_ids = batches.batch_unit_ids(conn, batch_id)
    every = units.list_receiving_units(conn)
    offered = tuple(u for u in every if u.id in unit_ids) or tuple(every)
    defaults: dict[str, Any] = {}
    if group is None:
        unit = next((u for u in offered if u.id == unit_id), offered[0] if offered else None)
        if unit is not None:
            taken = len(
                [
                    g
                    for g in working_groups.list_working_groups(conn, batch_id)
                    if g.receiving_unit_id == unit.id
                ]
            )
            defaults = {
                "receiving_unit_id": unit.id,
                "mode": unit.default_mode,
                "name": f"{unit.name}{_ordinal(taken + 1)}",
                "branch_secretary": unit.deputy_party_secretary,
                "receiving_leader_in_charge": unit.leader_in_charge,
            }
    return GroupFormData(
        group=group,
        batch=batch,
        receiving_units=offered,
        officers=tuple(units.list_officers(conn)),
        defaults=defaults,
    )


def _ordinal(n: int) -> str:
    from cadre_tui.i18n import t

    return t("group_form.default_name", n=n)


def group_values(data: GroupFormData) -> dict[str, Any]:
    group = data.group
    if group is None:
        blank: dict[str, Any] = {name: "" for name in GROUP_FIELDS}
        blank.update(liaison_officer_id=None, receiving_unit_id=None, mode=None)
        blank.update(data.defaults)
        return blank
    return {
        "name": group.name,
        "receiving_unit_id": group.receiving_unit_id,
        "mode": group.mode,
        "liaison_officer_id": group.liaison_officer_id,
        "branch_secretary": group.branch_secretary,
        "sending_leader_in_charge": group.sending_leader_in_charge,
        "receiving_leader_in_charge": group.receiving_leader_in_charge,
        "office": group.office,
    }


def check_group_form(values: dict[str, Any]) -> dict[str, CadreError]:
    errors: dict[str, CadreError] = {}
    for name in GROUP_FIELDS:
        value = values.get(name)
        if name in GROUP_REQUIRED and (value is None or not str(value).strip()):
            errors[name] = CadreError("batch.error.required")
    return errors


def save_group(
    conn: sqlite3.Connection,
    batch_id: int,
    group: WorkingGroup | None,
    values: dict[str, Any],
) -> WorkingGroup:
    text = {
        name: str(values.get(name) or "").strip()
        for name in ("name", "branch_secretary", "sending_leader_in_charge")
    }
    text["receiving_leader_in_charge"] = str(values.get("receiving_leader_in_charge") or "").strip()
    text["office"] = str(values.get("office") or "").strip()
    liaison = values.get("liaison_officer_id")
    if group is None:
        return working_groups.create_working_group(
            conn,
            batch_id=batch_id,
            receiving_unit_id=int(values["receiving_unit_id"]),
            mode=ManagementMode(values["mode"]),
            liaison_officer_id=liaison,
            **text,
        )
    changed = {
        name: value
        for name, value in {**text, "liaison_officer_id": liaison}.items()
        if getattr(group, name) != value
    }
    return working_groups.update_working_group(
        conn, group.id, expected_version=group.row_version, **changed
    )
