"""Placing cadres in working groups, shaped by the group's mode, and their evaluations.

stationed_village → a village of the unit; block_and_line → the town office
(line) or one of its field teams (block); project_based → owned projects, each
project owned by one cadre per batch. A cadre is in at most one active
placement (also a unique index). Every write is one transaction with an audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict

from cadre_tui.domain.enums import (
    BatchState,
    CadreCategory,
    CadreStatus,
    LineSide,
    ManagementMode,
    PlacementRole,
)
from cadre_tui.domain.model import Placement, WorkingGroup
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.batches import get_working_group, open_batch
from cadre_tui.store.cadres import get_cadre, set_cadres_status
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.values import day_from, iso_day

LEADER_CATEGORIES = frozenset({CadreCategory.SERVING_LEADER, CadreCategory.MIDDLE_LEVEL_CADRE})


def _placement(row: sqlite3.Row, project_ids: tuple[int, ...] = ()) -> Placement:
    return Placement(
        id=row["id"],
        cadre_id=row["cadre_id"],
        group_id=row["group_id"],
        role=PlacementRole(row["role"]),
        start_date=dt.date.fromisoformat(row["start_date"]),
        village_id=row["village_id"],
        line_side=LineSide(row["line_side"]) if row["line_side"] else None,
        field_team_id=row["field_team_id"],
        end_date=day_from(row["end_date"]),
        party_transferred_on=day_from(row["party_transferred_on"]),
        exception_reason=row["exception_reason"],
        project_ids=project_ids,
    )


# -- placements ----------------------------------------------------------------------


def _check_place(
    conn: sqlite3.Connection,
    group: WorkingGroup,
    village_id: int | None,
    line_side: LineSide | None,
    field_team_id: int | None,
    project_ids: tuple[int, ...],
) -> None:
    """The group's mode decides where a cadre sits; anything else is refused."""
    unit = group.receiving_unit_id
    mode = group.mode
    wrong = (
        (mode != ManagementMode.STATIONED_VILLAGE and village_id is not None)
        or (mode != ManagementMode.BLOCK_AND_LINE and (line_side or field_team_id))
        or (mode != ManagementMode.PROJECT_BASED and project_ids)
        or (line_side == LineSide.LINE and field_team_id is not None)
    )
    if wrong:
        raise CadreError("store.placement.wrong_shape", mode=mode.label())
    if mode == ManagementMode.STATIONED_VILLAGE:
        if village_id is None:
            raise CadreError("store.placement.village_required")
        _require_place(conn, "villages", village_id, unit)
    elif mode == ManagementMode.BLOCK_AND_LINE:
        if line_side is None:
            raise CadreError("store.placement.line_side_required")
        if line_side == LineSide.BLOCK:
            if field_team_id is None:
                raise CadreError("store.placement.field_team_required")
            _require_place(conn, "field_teams", field_team_id, unit)
    for project_id in project_ids:
        _require_place(conn, "projects", project_id, unit)


def _require_place(conn: sqlite3.Connection, table: str, place_id: int, unit_id: int) -> None:
    row = conn.execute(
        f"SELECT receiving_unit_id FROM {table} WHERE id = ?", (place_id,)
    ).fetchone()
    if row is None or row[0] != unit_id:
        raise CadreError("store.placement.place_elsewhere", id=place_id)


def _check_projects_free(
    conn: sqlite3.Connection, batch_id: int, project_ids: Iterable[int], placement_id: int = 0
) -> None:
    """Each project has one owner per batch: refuse one another active placement holds."""
    for project_id in project_ids:
        row = conn.execute(
            "SELECT c.name, pr.name FROM placement_projects pp"
            " JOIN placements p ON p.id = pp.placement_id"
            " JOIN working_groups g ON g.id = p.group_id"
            " JOIN cadres c ON c.id = p.cadre_id JOIN projects pr ON pr.id = pp.project_id"
            " WHERE pp.project_id = ? AND g.batch_id = ? AND p.end_date IS NULL AND p.id != ?",
            (project_id, batch_id, placement_id),
        ).fetchone()
        if row is not None:
            raise CadreError("store.placement.project_taken", project=row[1], name=row[0])


def place_cadre(
    conn: sqlite3.Connection,
    *,
    group_id: int,
    cadre_id: int,
    start_date: dt.date,
    role: PlacementRole = PlacementRole.MEMBER,
    village_id: int | None = None,
    line_side: LineSide | None = None,
    field_team_id: int | None = None,
    project_ids: Iterable[int] = (),
    party_transferred_on: dt.date | None = None,
    exception_reason: str = "",
) -> Placement:
    """Put a cadre in a group, placed as its mode requires. Serving leaders and
    middle-level cadres need the batch's leave (allow_leaders) or a stated reason."""
    projects = tuple(dict.fromkeys(project_ids))
    side = LineSide(line_side) if line_side else None
    with transaction(conn):
        group = get_working_group(conn, group_id)
        batch = open_batch(conn, group.batch_id)
        cadre = get_cadre(conn, cadre_id)
        if start_date < batch.start_date:
            raise CadreError("store.placement.before_batch", date=batch.start_date.isoformat())
        if cadre.status == CadreStatus.ARCHIVED:
            raise CadreError("store.placement.archived", name=cadre.name)
        if active_placement(conn, cadre_id) is not None:
            raise CadreError("store.placement.already_placed", name=cadre.name)
        if cadre.category in LEADER_CATEGORIES and not batch.allow_leaders and not exception_reason:
            raise CadreError("store.placement.leader_not_allowed", name=cadre.name)
        _check_place(conn, group, village_id, side, field_team_id, projects)
        _check_projects_free(conn, batch.id, projects)
        cursor = conn.execute(
            "INSERT INTO placements (cadre_id, group_id, role, village_id, line_side,"
            " field_team_id, start_date, party_transferred_on, exception_reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                cadre_id,
                group_id,
                PlacementRole(role).value,
                village_id,
                side.value if side else None,
                field_team_id,
                start_date.isoformat(),
                iso_day(party_transferred_on),
                exception_reason.strip(),
            ),
        )
        placement_id = int(cursor.lastrowid)
        conn.executemany(
            "INSERT INTO placement_projects (placement_id, project_id) VALUES (?, ?)",
            [(placement_id, project_id) for project_id in projects],
        )
        if role != PlacementRole.MEMBER:
            _take_role(conn, group_id, placement_id, PlacementRole(role))
        if batch.state == BatchState.ACTIVE:
            set_cadres_status(conn, [cadre_id], CadreStatus.SECONDED)
        placement = get_placement(conn, placement_id)
        audit.record(conn, "create", "placement", placement_id, None, asdict(placement))
        return placement


def _take_role(
    conn: sqlite3.Connection, group_id: int, placement_id: int, role: PlacementRole
) -> None:
    """A group has one leader and one deputy: the previous holder becomes a member."""
    conn.execute(
        "UPDATE placements SET role = 'member'"
        " WHERE group_id = ? AND role = ? AND end_date IS NULL AND id != ?",
        (group_id, role.value, placement_id),
    )
    column = "leader_cadre_id" if role == PlacementRole.LEADER else "deputy_cadre_id"
    conn.execute(
        f"UPDATE working_groups SET {column} = (SELECT cadre_id FROM placements WHERE id = ?),"
        " row_version = row_version + 1 WHERE id = ?",
        (placement_id, group_id),
    )


def assign_projects(
    conn: sqlite3.Connection, placement_id: int, project_ids: Iterable[int]
) -> Placement:
    """Give an active project-based placement more projects to own."""
    with transaction(conn):
        before = _active(conn, placement_id)
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
        before = get_placement(conn, placement_id)
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


def end_placement(conn: sqlite3.Connection, placement_id: int, end_date: dt.date) -> Placement:
    """Take a cadre out of a group early; the cadre returns to the pool."""
    with transaction(conn):
        before = _active(conn, placement_id)
        if end_date < before.start_date:
            raise CadreError("store.placement.end_before_start")
        conn.execute(
            "UPDATE placements SET end_date = ? WHERE id = ?", (end_date.isoformat(), placement_id)
        )
        set_cadres_status(conn, [before.cadre_id], CadreStatus.AVAILABLE)
        audit.record(conn, "end", "placement", placement_id, None, {"end_date": end_date})
        return get_placement(conn, placement_id)


def _active(conn: sqlite3.Connection, placement_id: int) -> Placement:
    placement = get_placement(conn, placement_id)
    if not placement.is_active:
        raise CadreError("store.placement.ended")
    return placement


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


def get_placement(conn: sqlite3.Connection, placement_id: int) -> Placement:
    row = conn.execute("SELECT * FROM placements WHERE id = ?", (placement_id,)).fetchone()
    if row is None:
        raise CadreError("store.placement.not_found", id=placement_id)
    return _placement(row, _project_ids(conn, [placement_id]).get(placement_id, ()))


def active_placement(conn: sqlite3.Connection, cadre_id: int) -> Placement | None:
    row = conn.execute(
        "SELECT id FROM placements WHERE cadre_id = ? AND end_date IS NULL", (cadre_id,)
    ).fetchone()
    return get_placement(conn, row[0]) if row else None


def list_placements(
    conn: sqlite3.Connection,
    *,
    group_id: int | None = None,
    batch_id: int | None = None,
    cadre_id: int | None = None,
) -> list[Placement]:
    """Placements of a group, a batch or a cadre (ended ones included), oldest first."""
    clauses, params = [], []
    for column, value in (
        ("p.group_id", group_id),
        ("g.batch_id", batch_id),
        ("p.cadre_id", cadre_id),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(
        "SELECT p.* FROM placements p JOIN working_groups g ON g.id = p.group_id"
        f"{where} ORDER BY p.id",
        params,
    ).fetchall()
    projects = _project_ids(conn, [row["id"] for row in rows])
    return [_placement(row, projects.get(row["id"], ())) for row in rows]


def _project_ids(conn: sqlite3.Connection, placement_ids: list[int]) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = {}
    for start in range(0, len(placement_ids), 500):
        chunk = placement_ids[start : start + 500]
        for row in conn.execute(
            "SELECT placement_id, project_id FROM placement_projects"
            f" WHERE placement_id IN ({', '.join('?' * len(chunk))}) ORDER BY project_id",
            chunk,
        ):
            found.setdefault(row[0], []).append(row[1])
    return {key: tuple(value) for key, value in found.items()}
