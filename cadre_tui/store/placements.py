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

from cadre_tui.domain.eligibility import EligibilityRules, blocking_failures
from cadre_tui.domain.enums import (
    BatchState,
    CadreStatus,
    LineSide,
    ManagementMode,
    PlacementRole,
)
from cadre_tui.domain.model import Placement, WorkingGroup
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.batches import open_batch
from cadre_tui.store.cadres import get_cadre, set_cadres_status
from cadre_tui.store.connection import transaction
from cadre_tui.store.round_nominees import judge_cadres
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.values import day_from, iso_day
from cadre_tui.store.working_groups import get_working_group


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
    """The group's mode decides where a cadre sits; anything else is refused. No
    place at all is allowed: the member is flagged until placed (group_rules)."""
    unit = group.receiving_unit_id
    mode = group.mode
    if village_id is None and not line_side and field_team_id is None and not project_ids:
        return
    wrong = (
        (mode != ManagementMode.STATIONED_VILLAGE and village_id is not None)
        or (mode != ManagementMode.BLOCK_AND_LINE and (line_side or field_team_id))
        or (mode != ManagementMode.PROJECT_BASED and project_ids)
        or (line_side == LineSide.LINE and field_team_id is not None)
    )
    if wrong:
        raise CadreError("store.placement.wrong_shape", mode=mode.label())
    if mode == ManagementMode.STATIONED_VILLAGE:
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
    rules: EligibilityRules | None = None,
) -> Placement:
    """Put a cadre in a group, placed as its mode requires. Only a cadre who passes
    the eligibility rules on ``start_date`` (serving leaders and middle-level
    cadres when the batch allows them) may be placed; anyone else needs a written
    ``exception_reason``, which the audit row keeps."""
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
        failed = placement_failures(
            conn, cadre_id, start_date, batch.allow_leaders, rules, batch_id=batch.id
        )
        if failed and not exception_reason.strip():
            raise CadreError("store.placement.ineligible", name=cadre.name, reasons=failed)
        placement = insert_placement(
            conn,
            group,
            cadre_id,
            start_date,
            role=role,
            village_id=village_id,
            line_side=line_side,
            field_team_id=field_team_id,
            project_ids=project_ids,
            party_transferred_on=party_transferred_on,
            exception_reason=exception_reason if failed else "",
        )
        if batch.state == BatchState.ACTIVE:
            set_cadres_status(conn, [cadre_id], CadreStatus.SECONDED, audited=False)
        audit.record(conn, "create", "placement", placement.id, None, asdict(placement))
        return placement


def placement_failures(
    conn: sqlite3.Connection,
    cadre_id: int,
    on: dt.date,
    allow_leaders: bool,
    rules: EligibilityRules | None = None,
    *,
    batch_id: int | None = None,
) -> str:
    """The eligibility rules the cadre fails on ``on`` for a batch that does or
    does not take leaders, as one line of reasons (empty: eligible). Coming back
    to ``batch_id`` after leaving it is not a second secondment."""
    from cadre_tui.i18n import t

    rules = (rules or EligibilityRules()).for_batch(allow_leaders)
    _, results = judge_cadres(conn, [cadre_id], on, rules)[cadre_id]
    skip = {"placed"}
    if (
        batch_id is not None
        and conn.execute(
            "SELECT 1 FROM placements p JOIN working_groups g ON g.id = p.group_id"
            " WHERE p.cadre_id = ? AND g.batch_id = ?",
            (cadre_id, batch_id),
        ).fetchone()
    ):
        skip.add("recent")
    failed = [r for r in blocking_failures(results) if r.rule not in skip]
    return t("store.placement.reason_separator").join(r.reason(rules) for r in failed)


def insert_placement(
    conn: sqlite3.Connection,
    group: WorkingGroup,
    cadre_id: int,
    start_date: dt.date,
    *,
    role: PlacementRole = PlacementRole.MEMBER,
    village_id: int | None = None,
    line_side: LineSide | None = None,
    field_team_id: int | None = None,
    project_ids: Iterable[int] = (),
    party_transferred_on: dt.date | None = None,
    exception_reason: str = "",
) -> Placement:
    """The placement row, its projects, its role and its village's cover, checked
    against the group's mode; the caller holds the transaction and audits."""
    projects = tuple(dict.fromkeys(project_ids))
    side = LineSide(line_side) if line_side else None
    _check_place(conn, group, village_id, side, field_team_id, projects)
    _check_projects_free(conn, group.batch_id, projects)
    try:
        cursor = conn.execute(
            "INSERT INTO placements (cadre_id, group_id, role, village_id, line_side,"
            " field_team_id, start_date, party_transferred_on, exception_reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                cadre_id,
                group.id,
                PlacementRole(role).value,
                village_id,
                side.value if side else None,
                field_team_id,
                start_date.isoformat(),
                iso_day(party_transferred_on),
                exception_reason.strip(),
            ),
        )
    except sqlite3.IntegrityError as exc:  # placements_one_active: someone was quicker
        raise CadreError(
            "store.placement.already_placed", name=get_cadre(conn, cadre_id).name
        ) from exc
    placement_id = int(cursor.lastrowid)
    conn.executemany(
        "INSERT INTO placement_projects (placement_id, project_id) VALUES (?, ?)",
        [(placement_id, project_id) for project_id in projects],
    )
    if village_id is not None:
        cover_village(conn, group.id, village_id)
    if role != PlacementRole.MEMBER:
        _take_role(conn, group.id, placement_id, PlacementRole(role))
    return get_placement(conn, placement_id)


def cover_village(conn: sqlite3.Connection, group_id: int, village_id: int) -> None:
    """The group answers for this village from now on (stationed_village)."""
    conn.execute(
        "INSERT OR IGNORE INTO group_villages (group_id, village_id) VALUES (?, ?)",
        (group_id, village_id),
    )


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


def end_placement(conn: sqlite3.Connection, placement_id: int, end_date: dt.date) -> Placement:
    """Take a cadre out of a group early; the cadre returns to the pool."""
    with transaction(conn):
        before = _active(conn, placement_id)
        if end_date < before.start_date:
            raise CadreError("store.placement.end_before_start")
        conn.execute(
            "UPDATE placements SET end_date = ? WHERE id = ?", (end_date.isoformat(), placement_id)
        )
        drop_role(conn, before)
        set_cadres_status(conn, [before.cadre_id], CadreStatus.AVAILABLE, audited=False)
        audit.record(
            conn,
            "end",
            "placement",
            placement_id,
            None,
            {"end_date": end_date, "cadre_status": CadreStatus.AVAILABLE},
        )
        return get_placement(conn, placement_id)


def drop_role(conn: sqlite3.Connection, placement: Placement) -> None:
    """A leader or deputy who leaves the group leaves the post empty."""
    if placement.role == PlacementRole.LEADER:
        column = "leader_cadre_id"
    elif placement.role == PlacementRole.DEPUTY:
        column = "deputy_cadre_id"
    else:
        return
    conn.execute(
        f"UPDATE working_groups SET {column} = NULL, row_version = row_version + 1"
        f" WHERE id = ? AND {column} = ?",
        (placement.group_id, placement.cadre_id),
    )


def active_placement_of(conn: sqlite3.Connection, placement_id: int) -> Placement:
    """The placement, refused when it has ended."""
    return _active(conn, placement_id)


def _active(conn: sqlite3.Connection, placement_id: int) -> Placement:
    placement = get_placement(conn, placement_id)
    if not placement.is_active:
        raise CadreError("store.placement.ended")
    return placement


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


def add_members(
    conn: sqlite3.Connection,
    group_id: int,
    cadre_ids: Iterable[int],
    start_date: dt.date,
    *,
    reasons: dict[int, str] | None = None,
    rules: EligibilityRules | None = None,
) -> list[Placement]:
    """Several cadres join a group in one transaction, not yet placed (the group
    flags them until they are); all or none. ``reasons`` holds the written
    exception for each ineligible cadre."""
    reasons = reasons or {}
    with transaction(conn):
        return [
            place_cadre(
                conn,
                group_id=group_id,
                cadre_id=cadre_id,
                start_date=start_date,
                exception_reason=reasons.get(cadre_id, ""),
                rules=rules,
            )
            for cadre_id in dict.fromkeys(cadre_ids)
        ]
