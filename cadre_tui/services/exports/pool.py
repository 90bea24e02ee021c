"""The pool as a sheet: one row per cadre with every field a roster import reads,
under headers the import maps, so an unmasked export re-imports to the same pool.
ID numbers and phones are masked unless ``unmasked``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from cadre_tui.domain.enums import CadreStatus
from cadre_tui.domain.identity import mask_id_number, mask_phone, normalise_text
from cadre_tui.domain.model import Cadre
from cadre_tui.domain.pool_query import PoolFilter
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.exports.table import Column, Kind, Sheet
from cadre_tui.store import cadres, pool, units
from cadre_tui.store.sqlite import sqlite3

FIELDS: tuple[tuple[str, Kind], ...] = (
    ("name", Kind.TEXT),
    ("gender", Kind.TEXT),
    ("birth_date", Kind.DATE),
    ("id_number", Kind.TEXT),
    ("phone", Kind.TEXT),
    ("ethnicity", Kind.TEXT),
    ("native_place", Kind.TEXT),
    ("party_status", Kind.TEXT),
    ("party_joined_on", Kind.DATE),
    ("work_started_on", Kind.DATE),
    ("education", Kind.TEXT),
    ("degree", Kind.TEXT),
    ("sending_unit", Kind.TEXT),
    ("post", Kind.TEXT),
    ("rank", Kind.TEXT),
    ("category", Kind.TEXT),
    ("status", Kind.TEXT),
    ("grassroots_experience", Kind.TEXT),
)


def columns() -> tuple[Column, ...]:
    return tuple(Column(t(f"exports.pool.{name}"), kind) for name, kind in FIELDS)


def cadre_row(cadre: Cadre, unit_name: str, *, unmasked: bool = False) -> list[object]:
    phone = cadre.phone if unmasked or not cadre.phone else mask_phone(cadre.phone)
    return [
        cadre.name,
        cadre.gender.label(),
        cadre.birth_date,
        cadre.id_number if unmasked else mask_id_number(cadre.id_number),
        phone,
        cadre.ethnicity,
        cadre.native_place,
        cadre.party_status.label(),
        cadre.party_joined_on,
        cadre.work_started_on,
        cadre.education,
        cadre.degree,
        unit_name,
        cadre.post,
        cadre.rank,
        cadre.category.label(),
        cadre.status.label(),
        cadre.grassroots_experience,
    ]


def cadres_sheet(
    conn: sqlite3.Connection, cadre_ids: Iterable[int], *, unmasked: bool = False
) -> Sheet:
    """The cadres in the order given (the pool screen's selection); unknown ids skipped."""
    wanted = list(cadre_ids)
    found = cadres.cadres_by_id(conn, wanted)
    return _sheet(conn, [found[i] for i in wanted if i in found], unmasked)


def pool_sheet(
    conn: sqlite3.Connection, flt: PoolFilter, *, today: dt.date, unmasked: bool = False
) -> Sheet:
    """Every cadre the filter matches (as the pool screen would, archived only when
    asked for), in pinyin order of name."""
    found = cadres.cadres_by_id(conn, pool.matching_ids(conn, flt, today=today))
    ordered = sorted(found.values(), key=lambda c: (c.name_pinyin, c.name, c.id))
    return _sheet(conn, ordered, unmasked)


def _sheet(conn: sqlite3.Connection, found: list[Cadre], unmasked: bool) -> Sheet:
    names = {u.id: u.name for u in units.list_sending_units(conn)}
    rows = [cadre_row(c, names.get(c.sending_unit_id, ""), unmasked=unmasked) for c in found]
    return Sheet(t("exports.pool.title"), columns(), rows)


def sending_unit_ids(conn: sqlite3.Connection, wanted: Iterable[str]) -> frozenset[int]:
    """Sending units by code or name (exact, else the one name containing the text)."""
    known = units.list_sending_units(conn)
    ids = set()
    for raw in wanted:
        text = normalise_text(raw)
        exact = [u.id for u in known if text in (u.code, u.name)]
        partial = [u.id for u in known if text and text in u.name]
        found = exact or partial
        if len(found) != 1:
            key = "exports.no_such_unit" if not found else "exports.unit_ambiguous"
            raise CadreError(key, unit=raw)
        ids.add(found[0])
    return frozenset(ids)


def find_cadre(conn: sqlite3.Connection, text: str, *, today: dt.date) -> Cadre:
    """A cadre by database id, ID number or exact name (archived ones too); a name
    several cadres share is refused with each of them named."""
    clean = normalise_text(text)
    if clean.isdigit() and len(clean) < 15:
        return cadres.get_cadre(conn, int(clean))
    if len(clean) in (15, 18) and clean[:-1].isdigit():
        found = cadres.find_by_id_number(conn, clean)
        if found is None:
            raise CadreError("exports.no_such_cadre", cadre=text)
        return found
    everyone = PoolFilter(text=clean, statuses=frozenset(CadreStatus))
    named = [
        c
        for c in cadres.cadres_by_id(conn, pool.matching_ids(conn, everyone, today=today)).values()
        if c.name == clean
    ]
    if not named:
        raise CadreError("exports.no_such_cadre", cadre=text)
    if len(named) > 1:
        unit_names = {u.id: u.name for u in units.list_sending_units(conn)}
        listed = t("round.list_separator").join(
            t(
                "exports.cadre_choice",
                name=c.name,
                unit=unit_names.get(c.sending_unit_id, ""),
                id_number=mask_id_number(c.id_number),
            )
            for c in sorted(named, key=lambda c: c.id)
        )
        raise CadreError("exports.cadre_ambiguous", cadre=text, cadres=listed)
    return named[0]
