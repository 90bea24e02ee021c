"""What a coordinator chooses from when placing a cadre in a group: the
receiving unit's villages, field teams and projects, each with who already
works there in the batch, so the choice is made knowing the gaps.
"""

from __future__ import annotations

from dataclasses import dataclass

from cadre_tui.domain.model import WorkingGroup
from cadre_tui.store.sqlite import sqlite3


@dataclass(frozen=True)
class PlaceOption:
    id: int
    name: str
    holders: tuple[str, ...]
    """Names of active members of the batch placed here (a project's owner)."""
    covered: bool = False
    """A village the group covers."""


@dataclass(frozen=True)
class PlaceChoices:
    villages: tuple[PlaceOption, ...]
    field_teams: tuple[PlaceOption, ...]
    projects: tuple[PlaceOption, ...]
    current_projects: tuple[int, ...] = ()
    """The projects the member being placed already owns."""


def _holders(conn: sqlite3.Connection, sql: str, params: tuple) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for place_id, name in conn.execute(sql, params):
        found.setdefault(place_id, []).append(name)
    return found


_ACTIVE = (
    " JOIN working_groups g ON g.id = p.group_id JOIN cadres c ON c.id = p.cadre_id"
    " WHERE g.batch_id = ? AND p.end_date IS NULL"
)


def place_choices(
    conn: sqlite3.Connection, group: WorkingGroup, placement_id: int | None = None
) -> PlaceChoices:
    unit, batch = group.receiving_unit_id, group.batch_id
    in_village = _holders(
        conn,
        f"SELECT p.village_id, c.name FROM placements p{_ACTIVE} ORDER BY c.name_pinyin",
        (batch,),
    )
    in_team = _holders(
        conn,
        f"SELECT p.field_team_id, c.name FROM placements p{_ACTIVE} ORDER BY c.name_pinyin",
        (batch,),
    )
    owners = _holders(
        conn,
        "SELECT pp.project_id, c.name FROM placement_projects pp"
        f" JOIN placements p ON p.id = pp.placement_id{_ACTIVE}",
        (batch,),
    )
    covered = {
        row[0]
        for row in conn.execute(
            "SELECT village_id FROM group_villages WHERE group_id = ?", (group.id,)
        )
    }

    def options(table: str, holders: dict[int, list[str]]) -> tuple[PlaceOption, ...]:
        rows = conn.execute(
            f"SELECT id, name FROM {table} WHERE receiving_unit_id = ? ORDER BY id", (unit,)
        )
        return tuple(
            PlaceOption(r[0], r[1], tuple(holders.get(r[0], ())), r[0] in covered) for r in rows
        )

    current: tuple[int, ...] = ()
    if placement_id is not None:
        current = tuple(
            r[0]
            for r in conn.execute(
                "SELECT project_id FROM placement_projects WHERE placement_id = ?", (placement_id,)
            )
        )
    return PlaceChoices(
        villages=options("villages", in_village),
        field_teams=options("field_teams", in_team),
        projects=options("projects", owners),
        current_projects=current,
    )
