"""What a roster import reads and writes in bulk: cadres found by ID number a chunk
at a time, and many cadres' records replaced in one transaction.

An import of 100,000 rows checks each against the pool; one query per row would
cost more than the checks, so ID numbers are looked up 500 at a time. Updates
refuse a cadre someone else changed since the import was checked, as the form
does, and keep one audit row per cadre so each record's history stays whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from cadre_tui.domain.identity import mask_id_number
from cadre_tui.domain.model import NEW_CADRE_FIELDS, Cadre, NewCadre, SendingUnit
from cadre_tui.errors import CadreError
from cadre_tui.store import audit, cadres, units
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3

CHUNK = 500
"""ID numbers per look-up: well under SQLite's 32,766 bound parameters."""


@dataclass(frozen=True, slots=True)
class CadreUpdate:
    """One cadre's record replaced, if still at ``expected_version``."""

    cadre_id: int
    expected_version: int
    record: NewCadre
    before: NewCadre


def cadres_by_id_numbers(conn: sqlite3.Connection, id_numbers: Iterable[str]) -> dict[str, Cadre]:
    """The pool's cadres holding any of ``id_numbers`` (already normalised), by ID number."""
    wanted = list(dict.fromkeys(id_numbers))
    ids: list[int] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(f"SELECT id FROM cadres WHERE id_number IN ({marks})", chunk)
        ids.extend(row[0] for row in rows)
    return {cadre.id_number: cadre for cadre in cadres.cadres_by_id(conn, ids).values()}


def sending_unit_named(conn: sqlite3.Connection, name: str, code: str) -> SendingUnit:
    """The sending unit called ``name``, created with ``code`` when there is none
    (another coordinator may have added it since the import was checked)."""
    row = conn.execute("SELECT id FROM sending_units WHERE name = ?", (name,)).fetchone()
    if row is not None:
        return units.get_sending_unit(conn, row[0])
    kind = "town" if name.endswith(("镇", "乡", "街道", "街道办事处")) else "department"
    return units.create_sending_unit(conn, code=code, name=name, kind=kind)


def free_unit_codes(conn: sqlite3.Connection, count: int, prefix: str = "IMP") -> list[str]:
    """``count`` sending-unit codes not yet taken: IMP001, IMP002, ..."""
    taken = {row[0] for row in conn.execute("SELECT code FROM sending_units")}
    codes: list[str] = []
    number = 1
    while len(codes) < count:
        code = f"{prefix}{number:03d}"
        if code not in taken:
            codes.append(code)
        number += 1
    return codes


def update_cadres(conn: sqlite3.Connection, updates: Sequence[CadreUpdate], *, at: str) -> int:
    """Replace each cadre's record (status kept as given), all or nothing; a cadre
    changed by someone else since the check stops the whole write."""
    if not updates:
        return 0
    assignments = ", ".join(
        f"{column} = ?" for column in cadres.STORED_COLUMNS if column != "created_at"
    )
    sql = (
        f"UPDATE cadres SET {assignments}, row_version = row_version + 1"
        " WHERE id = ? AND row_version = ?"
    )
    with transaction(conn):
        _require_versions(conn, updates)
        for update in updates:
            values = cadres.stored_row(update.record, at)
            conn.execute(sql, (*values[:-2], values[-1], update.cadre_id, update.expected_version))
            before, after = _audit_view(update.before), _audit_view(update.record)
            changed = [name for name in NEW_CADRE_FIELDS if before[name] != after[name]]
            audit.record(
                conn,
                "update",
                "cadre",
                update.cadre_id,
                {name: before[name] for name in changed},
                {name: after[name] for name in changed},
            )
    return len(updates)


def _require_versions(conn: sqlite3.Connection, updates: Sequence[CadreUpdate]) -> None:
    for start in range(0, len(updates), CHUNK):
        chunk = updates[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        found = {
            row[0]: (row[1], row[2])
            for row in conn.execute(
                f"SELECT id, row_version, name FROM cadres WHERE id IN ({marks})",
                [update.cadre_id for update in chunk],
            )
        }
        for update in chunk:
            if update.cadre_id not in found:
                raise CadreError("store.cadre.not_found", id=update.cadre_id)
            version, name = found[update.cadre_id]
            if version != update.expected_version:
                raise CadreError("store.cadre.changed_elsewhere", name=name)


def _audit_view(record: NewCadre) -> dict[str, Any]:
    """As the store's own updates audit a record: every field, the ID number masked."""
    view = asdict(record)
    view["id_number"] = mask_id_number(record.id_number)
    return view
