"""Working groups (工作组) of a batch, each in one receiving unit with its mode,
leaders in charge, liaison and temporary party branch (临时党支部).

Members and their places live in :mod:`cadre_tui.store.placements` and
:mod:`cadre_tui.store.group_changes`. Every write is one transaction with an
audit row.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from cadre_tui.domain.enums import GroupState, ManagementMode
from cadre_tui.domain.model import WorkingGroup
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.batches import add_batch_unit, batch_unit_ids, open_batch
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.units import get_officer, get_receiving_unit

GROUP_FIELDS = (
    "name",
    "liaison_officer_id",
    "branch_secretary",
    "sending_leader_in_charge",
    "receiving_leader_in_charge",
    "office",
)


def _group(row: sqlite3.Row) -> WorkingGroup:
    values = dict(row)
    values["mode"] = ManagementMode(values["mode"])
    values["state"] = GroupState(values["state"])
    return WorkingGroup(**values)


def create_working_group(
    conn: sqlite3.Connection,
    *,
    batch_id: int,
    receiving_unit_id: int,
    name: str,
    mode: ManagementMode | None = None,
    liaison_officer_id: int | None = None,
    branch_secretary: str | None = None,
    sending_leader_in_charge: str = "",
    receiving_leader_in_charge: str | None = None,
    office: str = "",
) -> WorkingGroup:
    """Form a group in a receiving unit of the batch. Mode, branch secretary (the
    town's deputy party secretary) and receiving leader default from the unit.
    The group starts forming; it starts work with its batch, or once it has a
    leader when the batch is already under way (group_changes.activate_group)."""
    with transaction(conn):
        open_batch(conn, batch_id)
        unit = get_receiving_unit(conn, receiving_unit_id)
        if receiving_unit_id not in batch_unit_ids(conn, batch_id):
            add_batch_unit(conn, batch_id, receiving_unit_id)
        if liaison_officer_id is not None:
            get_officer(conn, liaison_officer_id)
        clean = _free_name(conn, batch_id, name)
        state = GroupState.FORMING
        cursor = conn.execute(
            "INSERT INTO working_groups (batch_id, receiving_unit_id, name, mode, state,"
            " liaison_officer_id, branch_secretary, sending_leader_in_charge,"
            " receiving_leader_in_charge, office) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                batch_id,
                receiving_unit_id,
                clean,
                ManagementMode(mode or unit.default_mode).value,
                state.value,
                liaison_officer_id,
                unit.deputy_party_secretary if branch_secretary is None else branch_secretary,
                sending_leader_in_charge,
                unit.leader_in_charge
                if receiving_leader_in_charge is None
                else receiving_leader_in_charge,
                office,
            ),
        )
        group = get_working_group(conn, int(cursor.lastrowid))
        audit.record(conn, "create", "working_group", group.id, None, asdict(group))
    return group


def _free_name(conn: sqlite3.Connection, batch_id: int, name: str, group_id: int = 0) -> str:
    """Group names are unique in a batch: say which one is taken."""
    clean = name.strip()
    if conn.execute(
        "SELECT 1 FROM working_groups WHERE batch_id = ? AND name = ? AND id != ?",
        (batch_id, clean, group_id),
    ).fetchone():
        raise CadreError("store.group.name_taken", name=clean)
    return clean


def update_working_group(
    conn: sqlite3.Connection, group_id: int, *, expected_version: int | None = None, **changes: Any
) -> WorkingGroup:
    """Change a group's name, liaison, branch secretary, leaders in charge or office
    (:data:`GROUP_FIELDS`); a stale ``expected_version`` is refused."""
    unknown = set(changes) - set(GROUP_FIELDS)
    if unknown:
        raise ValueError(f"not editable on a working group: {sorted(unknown)}")
    with transaction(conn):
        before = get_working_group(conn, group_id)
        open_batch(conn, before.batch_id)
        if expected_version is not None and before.row_version != expected_version:
            raise CadreError("store.group.changed_elsewhere", name=before.name)
        if changes.get("liaison_officer_id") is not None:
            get_officer(conn, changes["liaison_officer_id"])
        if "name" in changes:
            changes["name"] = _free_name(conn, before.batch_id, changes["name"], group_id)
        if not changes:
            return before
        assignments = ", ".join(f"{field} = ?" for field in changes)
        conn.execute(
            f"UPDATE working_groups SET {assignments}, row_version = row_version + 1 WHERE id = ?",
            (*changes.values(), group_id),
        )
        after = get_working_group(conn, group_id)
        old = asdict(before)
        audit.record(
            conn, "update", "working_group", group_id, {k: old[k] for k in changes}, dict(changes)
        )
        return after


def get_working_group(conn: sqlite3.Connection, group_id: int) -> WorkingGroup:
    row = conn.execute("SELECT * FROM working_groups WHERE id = ?", (group_id,)).fetchone()
    if row is None:
        raise CadreError("store.group.not_found", id=group_id)
    return _group(row)


def list_working_groups(
    conn: sqlite3.Connection, batch_id: int | None = None
) -> list[WorkingGroup]:
    if batch_id is None:
        rows = conn.execute("SELECT * FROM working_groups ORDER BY batch_id, id")
    else:
        rows = conn.execute(
            "SELECT * FROM working_groups WHERE batch_id = ? ORDER BY id", (batch_id,)
        )
    return [_group(row) for row in rows]
