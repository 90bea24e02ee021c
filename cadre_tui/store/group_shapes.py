"""Reading a batch's groups as the mode rules and the screens need them: every
active member with role and place (by name), the villages each group covers,
the projects nobody owns; a few queries per batch, never one per member.
"""

from __future__ import annotations

from dataclasses import dataclass

from cadre_tui.domain.enums import LineSide, PartyStatus, PlacementRole
from cadre_tui.domain.group_rules import MemberPlace
from cadre_tui.store.sqlite import sqlite3

_MEMBER_SQL = """
SELECT p.id AS placement_id, p.cadre_id, p.group_id, p.role, p.village_id, p.line_side,
       p.field_team_id, p.start_date, p.end_date, p.party_transferred_on,
       p.exception_reason, c.name, c.party_status, c.gender, c.birth_date, c.post,
       su.name AS sending_unit, v.name AS village, ft.name AS field_team
FROM placements p
JOIN working_groups g ON g.id = p.group_id
JOIN cadres c ON c.id = p.cadre_id
JOIN sending_units su ON su.id = c.sending_unit_id
LEFT JOIN villages v ON v.id = p.village_id
LEFT JOIN field_teams ft ON ft.id = p.field_team_id
"""


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One member of a group with what the screens show of them."""

    place: MemberPlace
    group_id: int
    sending_unit: str
    post: str
    start_date: str
    end_date: str | None
    party_transferred_on: str | None
    exception_reason: str
    village: str
    field_team: str
    projects: tuple[str, ...]


def batch_members(
    conn: sqlite3.Connection, batch_id: int, *, ended: bool = False
) -> list[MemberRow]:
    """The batch's members, group by group, leaders first; ``ended`` for a closed
    batch, whose placements have all ended (each cadre's last one in the batch)."""
    where = "g.batch_id = ?" + ("" if ended else " AND p.end_date IS NULL")
    rows = conn.execute(
        f"{_MEMBER_SQL} WHERE {where}"
        " ORDER BY p.group_id, CASE p.role WHEN 'leader' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END,"
        " c.name_pinyin, p.id",
        (batch_id,),
    ).fetchall()
    if ended:
        last: dict[int, tuple[str, int]] = {}
        for row in rows:
            latest = (row["start_date"], row["placement_id"])
            last[row["cadre_id"]] = max(last.get(row["cadre_id"], latest), latest)
        rows = [r for r in rows if last[r["cadre_id"]][1] == r["placement_id"]]
    projects = _project_names(conn, [r["placement_id"] for r in rows])
    return [_member(row, projects.get(row["placement_id"], ())) for row in rows]


def member_places(conn: sqlite3.Connection, group_id: int) -> list[MemberPlace]:
    """The group's active members for the mode rules."""
    rows = conn.execute(
        f"{_MEMBER_SQL} WHERE p.group_id = ? AND p.end_date IS NULL ORDER BY p.id", (group_id,)
    ).fetchall()
    projects = _project_names(conn, [r["placement_id"] for r in rows])
    return [_member(row, projects.get(row["placement_id"], ())).place for row in rows]


def _member(row: sqlite3.Row, projects: tuple[tuple[int, str], ...]) -> MemberRow:
    place = MemberPlace(
        placement_id=row["placement_id"],
        cadre_id=row["cadre_id"],
        name=row["name"],
        role=PlacementRole(row["role"]),
        village_id=row["village_id"],
        line_side=LineSide(row["line_side"]) if row["line_side"] else None,
        field_team_id=row["field_team_id"],
        project_ids=tuple(p for p, _ in projects),
        party_member=PartyStatus(row["party_status"]).is_party_member,
        party_transferred=row["party_transferred_on"] is not None,
    )
    return MemberRow(
        place=place,
        group_id=row["group_id"],
        sending_unit=row["sending_unit"],
        post=row["post"],
        start_date=row["start_date"],
        end_date=row["end_date"],
        party_transferred_on=row["party_transferred_on"],
        exception_reason=row["exception_reason"],
        village=row["village"] or "",
        field_team=row["field_team"] or "",
        projects=tuple(name for _, name in projects),
    )


def _project_names(
    conn: sqlite3.Connection, placement_ids: list[int]
) -> dict[int, tuple[tuple[int, str], ...]]:
    found: dict[int, list[tuple[int, str]]] = {}
    for start in range(0, len(placement_ids), 500):
        chunk = placement_ids[start : start + 500]
        for row in conn.execute(
            "SELECT pp.placement_id, pr.id, pr.name FROM placement_projects pp"
            " JOIN projects pr ON pr.id = pp.project_id"
            f" WHERE pp.placement_id IN ({', '.join('?' * len(chunk))}) ORDER BY pr.id",
            chunk,
        ):
            found.setdefault(row[0], []).append((row[1], row[2]))
    return {key: tuple(value) for key, value in found.items()}


def covered_villages(conn: sqlite3.Connection, batch_id: int) -> dict[int, list[tuple[int, str]]]:
    """Each group's covered villages as (id, name), by group id."""
    found: dict[int, list[tuple[int, str]]] = {}
    for row in conn.execute(
        "SELECT gv.group_id, v.id, v.name FROM group_villages gv"
        " JOIN working_groups g ON g.id = gv.group_id JOIN villages v ON v.id = gv.village_id"
        " WHERE g.batch_id = ? ORDER BY v.id",
        (batch_id,),
    ):
        found.setdefault(row[0], []).append((row[1], row[2]))
    return found


def unowned_projects(conn: sqlite3.Connection, batch_id: int) -> dict[int, list[str]]:
    """Projects of each receiving unit in the batch that no active member owns,
    by receiving unit id."""
    found: dict[int, list[str]] = {}
    for row in conn.execute(
        "SELECT pr.receiving_unit_id, pr.name FROM projects pr"
        " JOIN batch_units bu ON bu.receiving_unit_id = pr.receiving_unit_id"
        " WHERE bu.batch_id = ? AND NOT EXISTS ("
        "   SELECT 1 FROM placement_projects pp JOIN placements p ON p.id = pp.placement_id"
        "   JOIN working_groups g ON g.id = p.group_id"
        "   WHERE pp.project_id = pr.id AND g.batch_id = bu.batch_id AND p.end_date IS NULL)"
        " ORDER BY pr.id",
        (batch_id,),
    ):
        found.setdefault(row[0], []).append(row[1])
    return found


def missing_evaluations(conn: sqlite3.Connection, batch_id: int) -> list[tuple[int, str, str]]:
    """Active members of the batch without an evaluation: (placement id, name, group)."""
    return [
        (row[0], row[1], row[2])
        for row in conn.execute(
            "SELECT p.id, c.name, g.name FROM placements p"
            " JOIN working_groups g ON g.id = p.group_id JOIN cadres c ON c.id = p.cadre_id"
            " WHERE g.batch_id = ? AND p.end_date IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.placement_id = p.id)"
            " ORDER BY g.id, c.name_pinyin",
            (batch_id,),
        )
    ]
