"""The cadre pool (拟选派干部数据库): adding, editing and reading cadres.

Every record is checked before it is written: the ID number must be valid and
agree with the birth date and gender entered beside it, and the phone must be
a mainland mobile. Pinyin and initials are filled here so search never has to
compute them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.identity import (
    IdNumberError,
    mask_id_number,
    normalise_text,
    parse_id_number,
)
from cadre_tui.domain.model import NEW_CADRE_FIELDS, Cadre, NewCadre
from cadre_tui.domain.pinyin import name_spellings
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.store import audit
from cadre_tui.store.bulk import insert_rows
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.units import checked_phone, get_sending_unit
from cadre_tui.store.values import day_from

STORED_COLUMNS: tuple[str, ...] = (
    *NEW_CADRE_FIELDS,
    "name_pinyin",
    "name_initials",
    "created_at",
    "updated_at",
)
_INSERT = (
    f"INSERT INTO cadres ({', '.join(STORED_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(STORED_COLUMNS))})"
)


def _cadre(row: sqlite3.Row) -> Cadre:
    return Cadre(
        id=row["id"],
        name=row["name"],
        gender=Gender(row["gender"]),
        birth_date=dt.date.fromisoformat(row["birth_date"]),
        id_number=row["id_number"],
        sending_unit_id=row["sending_unit_id"],
        category=CadreCategory(row["category"]),
        ethnicity=row["ethnicity"],
        native_place=row["native_place"],
        phone=row["phone"],
        party_status=PartyStatus(row["party_status"]),
        party_joined_on=day_from(row["party_joined_on"]),
        work_started_on=day_from(row["work_started_on"]),
        education=row["education"],
        degree=row["degree"],
        post=row["post"],
        rank=row["rank"],
        status=CadreStatus(row["status"]),
        grassroots_experience=row["grassroots_experience"],
        name_pinyin=row["name_pinyin"],
        name_initials=row["name_initials"],
        row_version=row["row_version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _checked_fields(record: NewCadre) -> tuple[Any, ...]:
    """The record's fields normalised (NFKC, upper-case X) and validated, in
    :data:`NEW_CADRE_FIELDS` order, or CadreError.

    The ID number is the authority: a birth date or gender that disagrees with
    it is a typing error in one of the two, and the user must say which.
    """
    name = "".join(normalise_text(record.name).split())
    if not name:
        raise CadreError("store.cadre.name_required")
    try:
        identity = parse_id_number(record.id_number)
    except IdNumberError as exc:
        raise CadreError(f"validate.id_number.{exc.reason}", value=exc.value) from exc
    birth = record.birth_date
    if identity.birth_date != birth:
        raise CadreError(
            "store.cadre.birth_date_mismatch",
            birth_date=birth.isoformat(),
            id_birth_date=identity.birth_date.isoformat(),
            id_number=mask_id_number(identity.value),
        )
    gender = Gender(record.gender)
    if identity.gender != gender.value:
        raise CadreError("store.cadre.gender_mismatch", id_number=mask_id_number(identity.value))
    joined, started = record.party_joined_on, record.work_started_on
    for day in (joined, started):
        if day is not None and day <= birth:
            raise CadreError("store.cadre.date_before_birth", date=day.isoformat())
    party = PartyStatus(record.party_status)
    return (
        name,
        gender,
        birth,
        identity.value,
        record.sending_unit_id,
        CadreCategory(record.category),
        normalise_text(record.ethnicity),
        normalise_text(record.native_place),
        checked_phone(record.phone),
        party,
        joined if party.is_party_member else None,
        started,
        normalise_text(record.education),
        normalise_text(record.degree),
        normalise_text(record.post),
        normalise_text(record.rank),
        CadreStatus(record.status),
        normalise_text(record.grassroots_experience),
    )


def checked_record(record: NewCadre) -> NewCadre:
    """The record normalised and validated (see :func:`_checked_fields`), or CadreError."""
    checked = _checked_fields(record)
    if checked == tuple(getattr(record, field) for field in NEW_CADRE_FIELDS):
        return record
    return NewCadre(**dict(zip(NEW_CADRE_FIELDS, checked, strict=True)))


def stored_row(record: NewCadre, at: str) -> tuple[Any, ...]:
    """A record checked and turned into INSERT parameters (:data:`STORED_COLUMNS`
    order) with its pinyin: what :func:`insert_cadre_rows` takes. Pure, so a
    worker process can prepare rows while another writes."""
    f = _checked_fields(record)
    pinyin, initials = name_spellings(f[0])
    return (
        f[0],
        f[1].value,
        f[2].isoformat(),
        f[3],
        f[4],
        f[5].value,
        f[6],
        f[7],
        f[8],
        f[9].value,
        f[10] and f[10].isoformat(),
        f[11] and f[11].isoformat(),
        f[12],
        f[13],
        f[14],
        f[15],
        f[16].value,
        f[17],
        pinyin,
        initials,
        at,
        at,
    )


def _audit_view(record: NewCadre) -> dict[str, Any]:
    """What the audit log keeps of a record: everything, the ID number masked."""
    view = {field: getattr(record, field) for field in NEW_CADRE_FIELDS}
    view["id_number"] = mask_id_number(record.id_number)
    return view


def _require_unique_id(conn: sqlite3.Connection, id_number: str, cadre_id: int = 0) -> None:
    row = conn.execute(
        "SELECT id, name FROM cadres WHERE id_number = ? AND id != ?", (id_number, cadre_id)
    ).fetchone()
    if row is not None:
        raise CadreError(
            "store.cadre.id_number_taken", id_number=mask_id_number(id_number), name=row["name"]
        )


def create_cadre(conn: sqlite3.Connection, record: NewCadre) -> Cadre:
    """Add one cadre to the pool after checking the record; nothing is written on error."""
    checked = checked_record(record)
    at = audit.utc_now()
    with transaction(conn):
        get_sending_unit(conn, checked.sending_unit_id)
        _require_unique_id(conn, checked.id_number)
        cursor = conn.execute(_INSERT, stored_row(checked, at))
        cadre_id = int(cursor.lastrowid)
        audit.record(conn, "create", "cadre", cadre_id, None, _audit_view(checked))
        return get_cadre(conn, cadre_id)


def update_cadre(
    conn: sqlite3.Connection,
    cadre_id: int,
    record: NewCadre,
    *,
    expected_version: int | None = None,
) -> Cadre:
    """Replace a cadre's record; with ``expected_version`` an edit made meanwhile by
    someone else is refused rather than overwritten."""
    checked = checked_record(record)
    with transaction(conn):
        before = get_cadre(conn, cadre_id)
        if expected_version is not None and before.row_version != expected_version:
            raise CadreError("store.cadre.changed_elsewhere", name=before.name)
        if checked.sending_unit_id != before.sending_unit_id:
            get_sending_unit(conn, checked.sending_unit_id)
        _require_unique_id(conn, checked.id_number, cadre_id)
        old, new = _audit_view(before.record()), _audit_view(checked)
        changed = [field for field in NEW_CADRE_FIELDS if old[field] != new[field]]
        if not changed:
            return before
        values = stored_row(checked, audit.utc_now())
        assignments = ", ".join(
            f"{column} = ?" for column in STORED_COLUMNS if column != "created_at"
        )
        conn.execute(
            f"UPDATE cadres SET {assignments}, row_version = row_version + 1 WHERE id = ?",
            (*values[:-2], values[-1], cadre_id),
        )
        audit.record(
            conn,
            "update",
            "cadre",
            cadre_id,
            {field: old[field] for field in changed},
            {field: new[field] for field in changed},
        )
        return get_cadre(conn, cadre_id)


def set_cadre_status(conn: sqlite3.Connection, cadre_id: int, status: CadreStatus) -> Cadre:
    """Move one cadre between in pool / recommended / seconded / archived."""
    status = CadreStatus(status)
    with transaction(conn):
        before = get_cadre(conn, cadre_id)
        if before.status == status:
            return before
        conn.execute(
            "UPDATE cadres SET status = ?, updated_at = ?, row_version = row_version + 1"
            " WHERE id = ?",
            (status.value, audit.utc_now(), cadre_id),
        )
        audit.record(
            conn, "set_status", "cadre", cadre_id, {"status": before.status}, {"status": status}
        )
        return get_cadre(conn, cadre_id)


def set_cadres_status(
    conn: sqlite3.Connection,
    cadre_ids: Sequence[int],
    status: CadreStatus,
    *,
    at: str | None = None,
    audited: bool = True,
) -> int:
    """Set many cadres' status at once; one audit row, or none when ``audited`` is
    False because the caller's own write (a placement, a batch starting) records it."""
    status = CadreStatus(status)
    stamp = at or audit.utc_now()
    with transaction(conn):
        cursor = conn.executemany(
            "UPDATE cadres SET status = ?, updated_at = ?, row_version = row_version + 1"
            " WHERE id = ? AND status != ?",
            [(status.value, stamp, cadre_id, status.value) for cadre_id in cadre_ids],
        )
        changed = cursor.rowcount
        if audited:
            audit.record(
                conn, "bulk_set_status", "cadre", None, None, {"status": status, "count": changed}
            )
    return changed


def insert_cadres(
    conn: sqlite3.Connection, records: Iterable[NewCadre], *, at: str | None = None
) -> int:
    """Bulk-add cadres, each checked, in one transaction (import, demo, benchmarks).

    All or nothing: the first bad record stops the whole insert, named by its
    1-based position. ``at`` fixes created_at/updated_at (the demo is
    reproducible); one audit row records the count.
    """
    stamp = at or audit.utc_now()

    def rows() -> Iterable[tuple[Any, ...]]:
        for position, record in enumerate(records, start=1):
            try:
                yield stored_row(record, stamp)
            except CadreError as exc:
                raise CadreError(
                    "store.bulk.row_rejected", row=position, reason=t(exc.key, **exc.params)
                ) from exc

    return insert_cadre_rows(conn, rows())


def insert_cadre_rows(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]]) -> int:
    """Bulk-add rows made by :func:`stored_row` (checked where they were made),
    in one transaction with one audit row; a duplicate ID number rejects them all."""
    with transaction(conn):
        first = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM cadres").fetchone()[0]
        return insert_rows(
            conn,
            _INSERT,
            rows,
            entity="cadre",
            details=lambda count: {"first_id": first, "last_id": first + count - 1},
        )


def get_cadre(conn: sqlite3.Connection, cadre_id: int) -> Cadre:
    row = conn.execute("SELECT * FROM cadres WHERE id = ?", (cadre_id,)).fetchone()
    if row is None:
        raise CadreError("store.cadre.not_found", id=cadre_id)
    return _cadre(row)


def find_by_id_number(conn: sqlite3.Connection, id_number: str) -> Cadre | None:
    """The cadre holding ``id_number`` (normalised first), if any: import matches on it."""
    value = normalise_text(id_number).replace(" ", "").upper()
    row = conn.execute("SELECT * FROM cadres WHERE id_number = ?", (value,)).fetchone()
    return _cadre(row) if row else None


def cadres_by_id(conn: sqlite3.Connection, cadre_ids: Iterable[int]) -> dict[int, Cadre]:
    """Several cadres at once, keyed by id (screens resolving a group's members)."""
    wanted = sorted(set(cadre_ids))
    found: dict[int, Cadre] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in conn.execute(f"SELECT * FROM cadres WHERE id IN ({marks})", chunk):
            found[row["id"]] = _cadre(row)
    return found


def list_cadres(
    conn: sqlite3.Connection,
    *,
    after_id: int = 0,
    limit: int = 100,
    status: CadreStatus | None = None,
    sending_unit_id: int | None = None,
) -> list[Cadre]:
    """One page of the pool in id order, keyset-paged (``after_id``) so page 10,000 is fast."""
    clauses, params = ["id > ?"], [after_id]
    if status is not None:
        clauses.append("status = ?")
        params.append(CadreStatus(status).value)
    if sending_unit_id is not None:
        clauses.append("sending_unit_id = ?")
        params.append(sending_unit_id)
    sql = f"SELECT * FROM cadres WHERE {' AND '.join(clauses)} ORDER BY id LIMIT ?"
    return [_cadre(row) for row in conn.execute(sql, (*params, limit))]


def count_cadres(conn: sqlite3.Connection, status: CadreStatus | None = None) -> int:
    if status is None:
        return int(conn.execute("SELECT COUNT(*) FROM cadres").fetchone()[0])
    return int(
        conn.execute(
            "SELECT COUNT(*) FROM cadres WHERE status = ?", (CadreStatus(status).value,)
        ).fetchone()[0]
    )
