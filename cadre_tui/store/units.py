"""The programme's fixed organisation: sending and receiving units, villages,
field teams, projects and the organisation department's liaison officers.

Each write is one ``BEGIN IMMEDIATE`` transaction with its audit row; the
bulk inserts (demo, benchmarks) write many rows under one audit row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from cadre_tui.domain.enums import ManagementMode, ReceivingUnitKind, SendingUnitKind
from cadre_tui.domain.identity import PhoneError, normalise_text, parse_mobile
from cadre_tui.domain.model import (
    FieldTeam,
    Officer,
    Programme,
    Project,
    ReceivingUnit,
    SendingUnit,
    Village,
)
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.bulk import insert_rows
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3

SENDING_UNIT_COLUMNS = ("code", "name", "kind", "leader_in_charge", "leader_phone")


def _sending_unit(row: sqlite3.Row) -> SendingUnit:
    return SendingUnit(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        kind=SendingUnitKind(row["kind"]),
        leader_in_charge=row["leader_in_charge"],
        leader_phone=row["leader_phone"],
    )


def _receiving_unit(row: sqlite3.Row) -> ReceivingUnit:
    return ReceivingUnit(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        kind=ReceivingUnitKind(row["kind"]),
        default_mode=ManagementMode(row["default_mode"]),
        deputy_party_secretary=row["deputy_party_secretary"],
        leader_in_charge=row["leader_in_charge"],
    )


def _require_free(
    conn: sqlite3.Connection, table: str, where: str, params: tuple, name: str
) -> None:
    """Say which name is taken instead of surfacing SQLite's UNIQUE failure."""
    if conn.execute(f"SELECT 1 FROM {table} WHERE {where}", params).fetchone():
        raise CadreError("store.unit.name_taken", name=name)


def _clean(value: str) -> str:
    return normalise_text(value)


def checked_phone(raw: str) -> str:
    """An empty phone stays empty; anything else must be a mainland mobile."""
    if not normalise_text(raw):
        return ""
    try:
        return parse_mobile(raw)
    except PhoneError as exc:
        raise CadreError("validate.phone.invalid", value=exc.value) from exc


# -- programme ---------------------------------------------------------------


def set_programme(conn: sqlite3.Connection, name: str, district: str = "") -> Programme:
    """Name the programme (one row per database); renaming keeps the old name in the audit."""
    programme = Programme(name=_clean(name), district=_clean(district))
    with transaction(conn):
        before = get_programme(conn)
        conn.execute(
            "INSERT INTO programme (id, name, district) VALUES (1, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name, district = excluded.district",
            (programme.name, programme.district),
        )
        audit.record(
            conn, "set", "programme", 1, asdict(before) if before else None, asdict(programme)
        )
    return programme


def get_programme(conn: sqlite3.Connection) -> Programme | None:
    row = conn.execute("SELECT name, district FROM programme WHERE id = 1").fetchone()
    return Programme(row["name"], row["district"]) if row else None


# -- sending units -----------------------------------------------------------


def create_sending_unit(
    conn: sqlite3.Connection,
    *,
    code: str,
    name: str,
    kind: SendingUnitKind = SendingUnitKind.DEPARTMENT,
    leader_in_charge: str = "",
    leader_phone: str = "",
) -> SendingUnit:
    """Add a department or town office that may send cadres."""
    values = (_clean(code), _clean(name), SendingUnitKind(kind).value)
    with transaction(conn):
        _require_free(conn, "sending_units", "code = ? OR name = ?", values[:2], values[1])
        cursor = conn.execute(
            "INSERT INTO sending_units (code, name, kind, leader_in_charge, leader_phone)"
            " VALUES (?, ?, ?, ?, ?)",
            (*values, _clean(leader_in_charge), checked_phone(leader_phone)),
        )
        unit = get_sending_unit(conn, int(cursor.lastrowid))
        audit.record(conn, "create", "sending_unit", unit.id, None, asdict(unit))
    return unit


def set_sending_unit_leader(
    conn: sqlite3.Connection, unit_id: int, leader_in_charge: str, leader_phone: str = ""
) -> SendingUnit:
    """Record who at the sending unit is in charge of its seconded cadres (分管领导)."""
    with transaction(conn):
        before = get_sending_unit(conn, unit_id)
        conn.execute(
            "UPDATE sending_units SET leader_in_charge = ?, leader_phone = ? WHERE id = ?",
            (_clean(leader_in_charge), checked_phone(leader_phone), unit_id),
        )
        after = get_sending_unit(conn, unit_id)
        audit.record(conn, "update", "sending_unit", unit_id, asdict(before), asdict(after))
    return after


def insert_sending_units(conn: sqlite3.Connection, units: Iterable[Mapping[str, Any]]) -> int:
    """Bulk-add sending units (keys as :data:`SENDING_UNIT_COLUMNS`); one audit row."""
    rows = [
        (
            _clean(u["code"]),
            _clean(u["name"]),
            SendingUnitKind(u.get("kind", SendingUnitKind.DEPARTMENT)).value,
            _clean(u.get("leader_in_charge", "")),
            checked_phone(u.get("leader_phone", "")),
        )
        for u in units
    ]
    return insert_rows(
        conn,
        "INSERT INTO sending_units (code, name, kind, leader_in_charge, leader_phone)"
        " VALUES (?, ?, ?, ?, ?)",
        rows,
        entity="sending_unit",
    )


def get_sending_unit(conn: sqlite3.Connection, unit_id: int) -> SendingUnit:
    row = conn.execute("SELECT * FROM sending_units WHERE id = ?", (unit_id,)).fetchone()
    if row is None:
        raise CadreError("store.unit.sending_not_found", id=unit_id)
    return _sending_unit(row)


def list_sending_units(
    conn: sqlite3.Connection, kind: SendingUnitKind | None = None
) -> list[SendingUnit]:
    """All sending units, departments first then towns, in code order."""
    sql = "SELECT * FROM sending_units"
    params: tuple = ()
    if kind is not None:
        sql += " WHERE kind = ?"
        params = (SendingUnitKind(kind).value,)
    sql += " ORDER BY kind = 'town', code"
    return [_sending_unit(row) for row in conn.execute(sql, params)]


# -- receiving units and their places ------------------------------------------


def create_receiving_unit(
    conn: sqlite3.Connection,
    *,
    code: str,
    name: str,
    default_mode: ManagementMode,
    kind: ReceivingUnitKind = ReceivingUnitKind.TOWN,
    deputy_party_secretary: str = "",
    leader_in_charge: str = "",
) -> ReceivingUnit:
    """Add a town or zone that takes cadres, with the mode it organises them by."""
    values = (_clean(code), _clean(name))
    with transaction(conn):
        _require_free(conn, "receiving_units", "code = ? OR name = ?", values, values[1])
        cursor = conn.execute(
            "INSERT INTO receiving_units (code, name, kind, default_mode,"
            " deputy_party_secretary, leader_in_charge) VALUES (?, ?, ?, ?, ?, ?)",
            (
                *values,
                ReceivingUnitKind(kind).value,
                ManagementMode(default_mode).value,
                _clean(deputy_party_secretary),
                _clean(leader_in_charge),
            ),
        )
        unit = get_receiving_unit(conn, int(cursor.lastrowid))
        audit.record(conn, "create", "receiving_unit", unit.id, None, asdict(unit))
    return unit


def set_receiving_unit_leaders(
    conn: sqlite3.Connection, unit_id: int, *, deputy_party_secretary: str, leader_in_charge: str
) -> ReceivingUnit:
    """Record the deputy party secretary (its groups' branch secretary) and the leader in charge."""
    with transaction(conn):
        before = get_receiving_unit(conn, unit_id)
        conn.execute(
            "UPDATE receiving_units SET deputy_party_secretary = ?, leader_in_charge = ?"
            " WHERE id = ?",
            (_clean(deputy_party_secretary), _clean(leader_in_charge), unit_id),
        )
        after = get_receiving_unit(conn, unit_id)
        audit.record(conn, "update", "receiving_unit", unit_id, asdict(before), asdict(after))
    return after


def get_receiving_unit(conn: sqlite3.Connection, unit_id: int) -> ReceivingUnit:
    row = conn.execute("SELECT * FROM receiving_units WHERE id = ?", (unit_id,)).fetchone()
    if row is None:
        raise CadreError("store.unit.receiving_not_found", id=unit_id)
    return _receiving_unit(row)


def list_receiving_units(conn: sqlite3.Connection) -> list[ReceivingUnit]:
    return [_receiving_unit(r) for r in conn.execute("SELECT * FROM receiving_units ORDER BY id")]


def _add_place(
    conn: sqlite3.Connection, table: str, entity: str, unit_id: int, values: dict[str, Any]
) -> int:
    """Insert a village, field team or project of a receiving unit, with its audit row."""
    with transaction(conn):
        get_receiving_unit(conn, unit_id)
        _require_free(
            conn,
            table,
            "receiving_unit_id = ? AND name = ?",
            (unit_id, values["name"]),
            values["name"],
        )
        columns = ["receiving_unit_id", *values]
        cursor = conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            (unit_id, *values.values()),
        )
        place_id = int(cursor.lastrowid)
        audit.record(
            conn, "create", entity, place_id, None, {"receiving_unit_id": unit_id, **values}
        )
    return place_id


def add_village(conn: sqlite3.Connection, unit_id: int, name: str, households: int = 0) -> Village:
    """Add a village where stationed cadres can be fixed (定人到村)."""
    clean = _clean(name)
    village_id = _add_place(
        conn, "villages", "village", unit_id, {"name": clean, "households": int(households)}
    )
    return Village(village_id, unit_id, clean, int(households))


def add_field_team(conn: sqlite3.Connection, unit_id: int, name: str) -> FieldTeam:
    """Add a town's field demolition team (a *block* of block-and-line)."""
    clean = _clean(name)
    team_id = _add_place(conn, "field_teams", "field_team", unit_id, {"name": clean})
    return FieldTeam(team_id, unit_id, clean)


def add_project(
    conn: sqlite3.Connection, unit_id: int, name: str, description: str = ""
) -> Project:
    """Add a demolition project that a project-based unit gives to one cadre."""
    clean, text = _clean(name), _clean(description)
    project_id = _add_place(
        conn, "projects", "project", unit_id, {"name": clean, "description": text}
    )
    return Project(project_id, unit_id, clean, text)


def list_villages(conn: sqlite3.Connection, unit_id: int | None = None) -> list[Village]:
    return [
        Village(r["id"], r["receiving_unit_id"], r["name"], r["households"])
        for r in _places(conn, "villages", unit_id)
    ]


def list_field_teams(conn: sqlite3.Connection, unit_id: int | None = None) -> list[FieldTeam]:
    return [
        FieldTeam(r["id"], r["receiving_unit_id"], r["name"])
        for r in _places(conn, "field_teams", unit_id)
    ]


def list_projects(conn: sqlite3.Connection, unit_id: int | None = None) -> list[Project]:
    return [
        Project(r["id"], r["receiving_unit_id"], r["name"], r["description"])
        for r in _places(conn, "projects", unit_id)
    ]


def _places(conn: sqlite3.Connection, table: str, unit_id: int | None) -> list[sqlite3.Row]:
    if unit_id is None:
        return conn.execute(f"SELECT * FROM {table} ORDER BY receiving_unit_id, id").fetchall()
    return conn.execute(
        f"SELECT * FROM {table} WHERE receiving_unit_id = ? ORDER BY id", (unit_id,)
    ).fetchall()


# -- officers --------------------------------------------------------------------


def add_officer(conn: sqlite3.Connection, name: str, phone: str = "", post: str = "") -> Officer:
    """Add an organisation-department officer who can be a group's liaison (联系人)."""
    officer = Officer(0, _clean(name), checked_phone(phone), _clean(post))
    with transaction(conn):
        cursor = conn.execute(
            "INSERT INTO officers (name, phone, post) VALUES (?, ?, ?)",
            (officer.name, officer.phone, officer.post),
        )
        officer = Officer(int(cursor.lastrowid), officer.name, officer.phone, officer.post)
        audit.record(conn, "create", "officer", officer.id, None, asdict(officer))
    return officer


def get_officer(conn: sqlite3.Connection, officer_id: int) -> Officer:
    row = conn.execute("SELECT * FROM officers WHERE id = ?", (officer_id,)).fetchone()
    if row is None:
        raise CadreError("store.unit.officer_not_found", id=officer_id)
    return Officer(row["id"], row["name"], row["phone"], row["post"])


def list_officers(conn: sqlite3.Connection) -> list[Officer]:
    return [
        Officer(r["id"], r["name"], r["phone"], r["post"])
        for r in conn.execute("SELECT * FROM officers ORDER BY id")
    ]
