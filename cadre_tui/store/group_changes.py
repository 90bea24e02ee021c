"""Changing who does what inside a working group: roles, places, projects,
party transfers, moving a cadre between groups, and changing a group's mode
(previewed first, applied only when confirmed).

Every write is one transaction with an audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from cadre_tui.domain.enums import BatchState, GroupState, LineSide, ManagementMode, PlacementRole
from cadre_tui.domain.group_rules import MemberPlace, broken_by_mode_change
from cadre_tui.domain.model import Placement, WorkingGroup
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.batches import open_batch
from cadre_tui.store.cadres import get_cadre
from cadre_tui.store.connection import transaction
from cadre_tui.store.placements import (
    _check_place,
    _check_projects_free,
    _take_role,
    active_placement_of,
    cover_village,
    drop_role,
    get_placement,
    insert_placement,
    list_placements,
)
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.working_groups import get_working_group


def assign_projects(
    conn: sqlite3.Connection, placement_id: int, project_ids: Iterable[int]
) -> Placement:
    """Give an active project-based placement more projects to own."""
    with transaction(conn):
        before = active_placement_of(conn, placement_id)
        group = get_working_group(conn, before.group_id)
        new = tuple(p for p in dict.fromkeys(project_ids) if p not in before.project_ids)
        _check_place(conn, group, None, None, None, new)
        _check_projects_free(conn, group.batch_id, new, placement_id)
        conn.executemany(
            "INSERT INTO placement_projects (placement_id, project_id) VALUES (?, ?)",
            [(placement_id, project_id) for project_id in new],
        )
        audit.record(
            conn,
            "assign_projects",
            "placement",
            placement_id,
            {"project_ids": before.project_ids},
            {"added": new},
        )
        return get_placement(conn, placement_id)


def record_party_transfer(conn: sqlite3.Connection, placement_id: int, on: dt.date) -> Placement:
    """The cadre's party membership moved to the group's temporary branch (组织关系转入)."""
    with transaction(conn):
        open_batch(
            conn, get_working_group(conn, get_placement(conn, placement_id).group_id).batch_id
        )
        before = active_placement_of(conn, placement_id)
        if on < before.start_date:
            raise CadreError(
                "store.placement.party_before_start", date=before.start_date.isoformat()
            )
        conn.execute(
            "UPDATE placements SET party_transferred_on = ? WHERE id = ?",
            (on.isoformat(), placement_id),
        )
        audit.record(
            conn,
            "party_transfer",
            "placement",
            placement_id,
            {"party_transferred_on": before.party_transferred_on},
            {"party_transferred_on": on},
        )
        return get_placement(conn, placement_id)


def set_group_leaders(
    conn: sqlite3.Connection, group_id: int, *, leader_cadre_id: int, deputy_cadre_id: int | None
) -> WorkingGroup:
    """Name the group's leader and deputy from its members; their placements' roles follow."""
    with transaction(conn):
        group = get_working_group(conn, group_id)
        members = {p.cadre_id: p for p in list_placements(conn, group_id=group_id) if p.is_active}
        for cadre_id in (leader_cadre_id, deputy_cadre_id):
            if cadre_id is not None and cadre_id not in members:
                raise CadreError(
                    "store.group.leader_not_member", name=get_cadre(conn, cadre_id).name
                )
        if leader_cadre_id == deputy_cadre_id:
            raise CadreError("store.group.leader_is_deputy")
        conn.execute(
            "UPDATE placements SET role = 'member' WHERE group_id = ? AND end_date IS NULL",
            (group_id,),
        )
        roles = [("leader", leader_cadre_id), ("deputy", deputy_cadre_id)]
        for role, cadre_id in roles:
            if cadre_id is not None:
                conn.execute(
                    "UPDATE placements SET role = ? WHERE id = ?", (role, members[cadre_id].id)
                )
        conn.execute(
            "UPDATE working_groups SET leader_cadre_id = ?, deputy_cadre_id = ?,"
            " row_version = row_version + 1 WHERE id = ?",
            (leader_cadre_id, deputy_cadre_id, group_id),
        )
        audit.record(
            conn,
            "set_leaders",
            "working_group",
            group_id,
            {"leader": group.leader_cadre_id, "deputy": group.deputy_cadre_id},
            {"leader": leader_cadre_id, "deputy": deputy_cadre_id},
        )
        return get_working_group(conn, group_id)


def set_role(conn: sqlite3.Connection, placement_id: int, role: PlacementRole) -> WorkingGroup:
    """Make a member the group's leader or deputy (the previous holder becomes a
    member), or a plain member again."""
    role = PlacementRole(role)
    with transaction(conn):
        placement = active_placement_of(conn, placement_id)
        group = get_working_group(conn, placement.group_id)
        open_batch(conn, group.batch_id)
        if placement.role == role:
            return group
        drop_role(conn, placement)
        conn.execute("UPDATE placements SET role = ? WHERE id = ?", (role.value, placement_id))
        if role != PlacementRole.MEMBER:
            _take_role(conn, group.id, placement_id, role)
        # The group's leader and deputy before: undo puts a displaced holder back.
        before = {
            "role": placement.role,
            "leader": group.leader_cadre_id,
            "deputy": group.deputy_cadre_id,
        }
        audit.record(conn, "set_role", "placement", placement_id, before, {"role": role})
        return get_working_group(conn, group.id)


def set_place(
    conn: sqlite3.Connection,
    placement_id: int,
    *,
    village_id: int | None = None,
    line_side: LineSide | None = None,
    field_team_id: int | None = None,
    project_ids: Iterable[int] = (),
) -> Placement:
    """Put an active member somewhere else inside the group, as its mode requires."""
    projects = tuple(dict.fromkeys(project_ids))
    side = LineSide(line_side) if line_side else None
    with transaction(conn):
        before = active_placement_of(conn, placement_id)
        group = get_working_group(conn, before.group_id)
        open_batch(conn, group.batch_id)
        _check_place(conn, group, village_id, side, field_team_id, projects)
        _check_projects_free(conn, group.batch_id, projects, placement_id)
        conn.execute(
            "UPDATE placements SET village_id = ?, line_side = ?, field_team_id = ? WHERE id = ?",
            (village_id, side.value if side else None, field_team_id, placement_id),
        )
        conn.execute("DELETE FROM placement_projects WHERE placement_id = ?", (placement_id,))
        conn.executemany(
            "INSERT INTO placement_projects (placement_id, project_id) VALUES (?, ?)",
            [(placement_id, project_id) for project_id in projects],
        )
        if village_id is not None:
            cover_village(conn, group.id, village_id)
        after = get_placement(conn, placement_id)
        audit.record(conn, "set_place", "placement", placement_id, _place(before), _place(after))
        return after


def _place(placement: Placement) -> dict:
    return {
        "village_id": placement.village_id,
        "line_side": placement.line_side,
        "field_team_id": placement.field_team_id,
        "project_ids": placement.project_ids,
    }


def set_covered_villages(
    conn: sqlite3.Connection, group_id: int, village_ids: Iterable[int]
) -> tuple[int, ...]:
    """The villages a stationed-by-village group answers for. Villages its members
    sit in stay covered whatever is asked."""
    wanted = tuple(dict.fromkeys(village_ids))
    with transaction(conn):
        group = get_working_group(conn, group_id)
        open_batch(conn, group.batch_id)
        if group.mode != ManagementMode.STATIONED_VILLAGE:
            raise CadreError("store.group.villages_need_mode", mode=group.mode.label())
        before = covered_village_ids(conn, group_id)
        for village_id in wanted:
            row = conn.execute(
                "SELECT receiving_unit_id FROM villages WHERE id = ?", (village_id,)
            ).fetchone()
            if row is None or row[0] != group.receiving_unit_id:
                raise CadreError("store.placement.place_elsewhere", id=village_id)
        occupied = {p.village_id for p in list_placements(conn, group_id=group_id) if p.is_active}
        keep = [v for v in before if v in occupied]
        conn.execute("DELETE FROM group_villages WHERE group_id = ?", (group_id,))
        for village_id in dict.fromkeys([*keep, *wanted]):
            cover_village(conn, group_id, village_id)
        after = covered_village_ids(conn, group_id)
        audit.record(
            conn,
            "set_villages",
            "working_group",
            group_id,
            {"villages": before},
            {"villages": after},
        )
        return after


def covered_village_ids(conn: sqlite3.Connection, group_id: int) -> tuple[int, ...]:
    rows = conn.execute(
        "SELECT village_id FROM group_villages WHERE group_id = ? ORDER BY village_id", (group_id,)
    )
    return tuple(row[0] for row in rows)


def move_cadre(
    conn: sqlite3.Connection,
    placement_id: int,
    *,
    to_group_id: int,
    on: dt.date,
    village_id: int | None = None,
    line_side: LineSide | None = None,
    field_team_id: int | None = None,
    project_ids: Iterable[int] = (),
) -> Placement:
    """Move a cadre to another group of the same batch in one step: the old
    placement ends on ``on`` and the new one starts the same day, placed as the
    new group's mode requires. The party transfer goes with them (same batch,
    same district); a role does not."""
    with transaction(conn):
        before = active_placement_of(conn, placement_id)
        source = get_working_group(conn, before.group_id)
        target = get_working_group(conn, to_group_id)
        open_batch(conn, source.batch_id)
        if target.batch_id != source.batch_id:
            raise CadreError("store.placement.move_other_batch")
        if target.id == source.id:
            raise CadreError("store.placement.move_same_group")
        if target.state == GroupState.CLOSED:
            raise CadreError("store.group.closed", name=target.name)
        if on < before.start_date:
            raise CadreError("store.placement.end_before_start")
        conn.execute("UPDATE placements SET end_date = ? WHERE id = ?", (on.isoformat(), before.id))
        drop_role(conn, before)
        after = insert_placement(
            conn,
            target,
            before.cadre_id,
            on,
            village_id=village_id,
            line_side=line_side,
            field_team_id=field_team_id,
            project_ids=project_ids,
            party_transferred_on=before.party_transferred_on,
            exception_reason=before.exception_reason,
        )
        audit.record(
            conn,
            "move",
            "placement",
            after.id,
            {"placement_id": before.id, "group_id": source.id},
            {"placement_id": after.id, "group_id": target.id, "on": on},
        )
        return after


# -- changing a group's management mode ------------------------------------------------


@dataclass(frozen=True)
class ModeChange:
    """What changing ``group`` to ``mode`` would do: ``losing`` are the members
    whose place no longer fits (they keep their membership and role, but must be
    placed again); ``covered_villages`` are dropped when leaving stationed_village."""

    group: WorkingGroup
    mode: ManagementMode
    losing: tuple[MemberPlace, ...]
    covered_villages: int

    @property
    def changes_anything(self) -> bool:
        return self.mode != self.group.mode


def preview_mode_change(
    conn: sqlite3.Connection, group_id: int, mode: ManagementMode
) -> ModeChange:
    """Read-only: which placements the new mode would break."""
    from cadre_tui.store.group_shapes import member_places

    mode = ManagementMode(mode)
    group = get_working_group(conn, group_id)
    members = member_places(conn, group_id)
    losing = broken_by_mode_change(members, mode) if mode != group.mode else []
    villages = len(covered_village_ids(conn, group_id))
    dropped = (
        villages if mode != group.mode and group.mode == ManagementMode.STATIONED_VILLAGE else 0
    )
    return ModeChange(group, mode, tuple(losing), dropped)


def change_group_mode(
    conn: sqlite3.Connection, group_id: int, mode: ManagementMode, *, expected_version: int
) -> ModeChange:
    """Apply a previewed change: members whose place no longer fits lose it (their
    figures keep the village or project they were recorded against). Refused if
    the group changed since the preview was read."""
    mode = ManagementMode(mode)
    with transaction(conn):
        change = preview_mode_change(conn, group_id, mode)
        group = change.group
        open_batch(conn, group.batch_id)
        if group.row_version != expected_version:
            raise CadreError("store.group.changed_elsewhere", name=group.name)
        if not change.changes_anything:
            return change
        ids = [m.placement_id for m in change.losing]
        conn.executemany(
            "UPDATE placements SET village_id = NULL, line_side = NULL, field_team_id = NULL"
            " WHERE id = ?",
            [(i,) for i in ids],
        )
        conn.executemany(
            "DELETE FROM placement_projects WHERE placement_id = ?", [(i,) for i in ids]
        )
        if change.covered_villages:
            conn.execute("DELETE FROM group_villages WHERE group_id = ?", (group_id,))
        conn.execute(
            "UPDATE working_groups SET mode = ?, row_version = row_version + 1 WHERE id = ?",
            (mode.value, group_id),
        )
        audit.record(
            conn,
            "change_mode",
            "working_group",
            group_id,
            {"mode": group.mode},
            {"mode": mode, "unplaced": ids},
        )
        return change


def activate_group(conn: sqlite3.Connection, group_id: int) -> WorkingGroup:
    """A group formed while its batch is already under way starts work; it needs
    a leader first."""
    with transaction(conn):
        group = get_working_group(conn, group_id)
        batch = open_batch(conn, group.batch_id)
        if group.state == GroupState.ACTIVE:
            return group
        if batch.state != BatchState.ACTIVE:
            raise CadreError("store.group.batch_not_started", number=batch.number)
        if group.leader_cadre_id is None:
            raise CadreError("store.group.no_leader", name=group.name)
        conn.execute(
            "UPDATE working_groups SET state = 'active', row_version = row_version + 1"
            " WHERE id = ?",
            (group_id,),
        )
        audit.record(
            conn, "activate", "working_group", group_id, {"state": group.state}, {"state": "active"}
        )
        return get_working_group(conn, group_id)
