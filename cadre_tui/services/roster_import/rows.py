"""One roster row judged: read into typed values, merged with the pool's record
when its ID number is already there, and either accepted as a record or
explained by the cadre form's own checks.

A row is accepted only when the store's own check of the finished record
(:func:`~cadre_tui.store.cadres.stored_row`: the ID number, birth date and
gender agreeing with it, dates after birth, the mobile) passes, together with
the form's few rules the store does not make (no future dates, years 1900–2100,
no date joined for a non-member). Every other row goes to
:func:`~cadre_tui.services.cadre_records.check_form` for its reasons, so a
row the form would refuse is refused here with the form's words; a test holds
the two to the same verdicts. Judging a good row without the form's text
parsing is what lets 100,000 rows fit in seconds.

An update only changes what the file says: a column the file lacks, or an empty
cell, keeps what the pool holds; the cadre's status is the programme's, never
the file's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

from cadre_tui.domain.dates import MAX_YEAR, MIN_YEAR, format_date
from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.identity import mask_id_number, mask_phone
from cadre_tui.domain.model import NEW_CADRE_FIELDS, Cadre, NewCadre
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services import cadre_records
from cadre_tui.services.roster_import import cells
from cadre_tui.services.roster_import.cells import Choices, DateReading, UnitNames
from cadre_tui.store import cadres

DATE_FIELDS = ("birth_date", "party_joined_on", "work_started_on")
_REQUIRED = tuple(sorted(cadre_records.REQUIRED))
_FORM_NAME = {"sending_unit": "sending_unit_id"}
_NEW_DEFAULTS: dict[str, Any] = {
    "ethnicity": "",
    "native_place": "",
    "phone": "",
    "party_status": PartyStatus.MASSES,
    "party_joined_on": None,
    "work_started_on": None,
    "education": "",
    "degree": "",
    "post": "",
    "rank": "",
    "grassroots_experience": "",
}
"""A new cadre's fields the row leaves empty: blank, not guessed (the form would
offer 汉族; an import does not invent an ethnicity)."""
_STORE_FIELD = {
    "store.cadre.name_required": "name",
    "store.cadre.birth_date_mismatch": "birth_date",
    "store.cadre.gender_mismatch": "gender",
    "store.cadre.date_before_birth": "work_started_on",
    "validate.phone.invalid": "phone",
}

Typed = dict[str, Any]
"""Form field (``sending_unit_id`` for the unit) to a typed value: str, enum,
int, or :class:`~cadre_tui.services.roster_import.cells.DateReading`."""


def _name(raw: object) -> str:
    return "".join(cells.text(raw).split())


_NOT_KNOWN = object()
_NOTHING: dict[object, Any] = {}
"""The answers of a reader that remembers none."""


class _Cached:
    """``read`` remembering its answers (and refusals) per cell value: rosters
    repeat their units, labels, dates and places on every row. :attr:`known` holds
    the answers, for :meth:`RowReader.read` to look up before calling."""

    __slots__ = ("read", "known", "refused")

    def __init__(self, read: Callable[[object], Any]) -> None:
        self.read = read
        self.known: dict[object, Any] = {}
        self.refused: dict[object, CadreError] = {}

    def __call__(self, raw: object) -> Any:
        if raw is True or raw is False:  # True == 1 == 1.0 as a key
            return self.read(raw)
        try:
            found = self.known.get(raw, _NOT_KNOWN)
        except TypeError:
            return self.read(raw)
        if found is not _NOT_KNOWN:
            return found
        refused = self.refused.get(raw)
        if refused is None:
            try:
                found = self.read(raw)
            except CadreError as exc:
                refused = exc
                if len(self.refused) < 50_000:
                    self.refused[raw] = exc
            else:
                if len(self.known) < 50_000:
                    self.known[raw] = found
                return found
        raise CadreError(refused.key, **refused.params)


def _cached(read: Callable[[object], Any]) -> _Cached:
    return _Cached(read)


class RowReader:
    """Reads a row's cells into typed values; built once per import."""

    def __init__(self, sending_units: Iterable, *, create_units: bool) -> None:  # noqa: ANN001
        self.units = UnitNames(sending_units, create=create_units)
        text = _cached(cells.text)
        self.handlers: dict[str, Callable[[object], Any]] = {
            "name": _cached(_name),
            "gender": _cached(Choices(Gender).read),
            "ethnicity": text,
            "native_place": text,
            "birth_date": _cached(cells.read_date),
            "id_number": cells.id_number_text,
            "phone": cells.text,
            "party_status": _cached(Choices(PartyStatus).read),
            "party_joined_on": _cached(cells.read_date),
            "work_started_on": _cached(cells.read_date),
            "education": text,
            "degree": text,
            "sending_unit": _cached(self.units.read),
            "post": text,
            "rank": text,
            "category": _cached(Choices(CadreCategory).read),
            "grassroots_experience": text,
            "status": _cached(Choices(CadreStatus).read),
        }
        self.columns = {
            name: (_FORM_NAME.get(name, name), getattr(read, "known", _NOTHING), read)
            for name, read in self.handlers.items()
        }

    def read(self, given: dict[str, object]) -> tuple[Typed, dict[str, CadreError]]:
        """The cells' typed values (empty cells left out) and the cells that cannot be read."""
        typed: Typed = {}
        problems: dict[str, CadreError] = {}
        columns = self.columns
        for name, raw in given.items():
            if raw is None or raw == "":
                continue
            field, known, read = columns[name]
            value = _NOT_KNOWN
            if raw.__class__ is not bool:  # True == 1 == 1.0 as a key
                try:  # noqa: SIM105 - suppress() would cost a context manager per cell
                    value = known.get(raw, _NOT_KNOWN)
                except TypeError:  # an unhashable value: read, not remembered
                    pass
            if value is _NOT_KNOWN:
                try:
                    value = read(raw)
                except CadreError as exc:
                    problems[field] = exc
                    continue
            if value:  # readers give "" or None for nothing; no value they give is falsy
                typed[field] = value
        return typed, problems


class Merged:
    """A row made whole: the record's fields (the pool's where the row is silent)
    and what the row said beyond them."""

    __slots__ = ("fields", "status", "month_only")

    def __init__(self, typed: Typed, holder: Cadre | None) -> None:
        if holder is None:
            fields: dict[str, Any] = dict(_NEW_DEFAULTS)
        else:
            fields = {name: getattr(holder, name) for name in NEW_CADRE_FIELDS}
            party = typed.get("party_status")
            joined = "party_joined_on" in typed
            if party is not None and not joined and not PartyStatus(party).is_party_member:
                fields["party_joined_on"] = None
        self.status: CadreStatus | None = typed.pop("status", None)
        self.month_only = 0
        for name in DATE_FIELDS:
            reading = typed.pop(name, None)
            if reading is not None:
                fields[name] = _day(reading, name, typed.get("id_number", ""), self)
        fields.update(typed)
        if fields.get("birth_date") is None or fields.get("gender") is None:
            identity = cadre_records.id_facts({"id_number": fields.get("id_number", "")})
            if identity is not None:
                if fields.get("birth_date") is None:
                    fields["birth_date"] = identity.birth_date
                if fields.get("gender") is None:
                    fields["gender"] = Gender(identity.gender)
        if holder is None:
            fields["status"] = self.status or CadreStatus.AVAILABLE
        self.fields = fields


def _day(reading: DateReading, name: str, id_text: str, merged: Merged) -> dt.date:
    """A date cell's day; a month-only birth date whose month the ID number shares
    takes the ID number's day, any other month-only date is the 1st (and counted)."""
    if not reading.month_only:
        return reading.day
    day = reading.day
    if name == "birth_date" and id_text[6:12] == f"{day.year:04d}{day.month:02d}":
        try:
            return dt.date(day.year, day.month, int(id_text[12:14]))
        except ValueError:
            pass
    merged.month_only += 1
    return day


def acceptable(merged: Merged, today: dt.date) -> bool:
    """Every field is present and within the form's rules the store does not make;
    False sends the row to the form's checks for its reasons."""
    fields = merged.fields
    for name in _REQUIRED:
        value = fields.get(name)
        if value is None or value == "":
            return False
    for name in DATE_FIELDS:
        day = fields.get(name)
        if day is not None and (day > today or not MIN_YEAR <= day.year <= MAX_YEAR):
            return False
    if fields.get("party_joined_on") is None:
        return True
    party = fields.get("party_status") or PartyStatus.MASSES
    return (party if type(party) is PartyStatus else PartyStatus(party)).is_party_member


def accepted(merged: Merged, today: dt.date) -> NewCadre | None:
    """The record when :func:`acceptable`; None sends the row to the form's checks."""
    return NewCadre(**merged.fields) if acceptable(merged, today) else None


record_values: Callable[[dict[str, Any]], tuple[Any, ...]] = itemgetter(*NEW_CADRE_FIELDS)
"""An acceptable row's fields as the record's values (:data:`NEW_CADRE_FIELDS` order),
what :class:`~cadre_tui.store.cadre_rows.StoredRows` takes: the same as the record
:func:`accepted` makes, without making it (a merged row has every field)."""


def stored(record: NewCadre, at: str) -> tuple[Any, ...] | CadreError:
    """The store's INSERT row for the record, or the store's refusal."""
    try:
        return cadres.stored_row(record, at)
    except CadreError as exc:
        return exc


def reasons(
    merged: Merged, problems: dict[str, CadreError], today: dt.date, refusal: CadreError | None
) -> tuple[str, ...]:
    """Why the row cannot be imported: its unreadable cells, then the form's checks
    on the rest, each naming its field; the store's refusal if the form has none."""
    values = form_values(merged, problems)
    errors = cadre_records.check_form(values, today)
    if "id_number" in problems or "id_number" in errors:
        for name in ("gender", "birth_date"):
            if name in errors and errors[name].key == "form.error.required":
                del errors[name]
    found = [reason_text(name, problems[name]) for name in problems]
    found += [reason_text(name, error) for name, error in errors.items() if name not in problems]
    if not found and refusal is not None:
        found.append(reason_text(_STORE_FIELD.get(refusal.key, "id_number"), refusal))
    return tuple(found)


def form_values(merged: Merged, problems: dict[str, CadreError]) -> dict[str, object]:
    """The merged row as the form holds it (text, ISO dates, codes); cells that could
    not be read are left empty, their own reason already given."""
    values: dict[str, object] = {}
    for name in cadre_records.FIELDS:
        value = merged.fields.get(name)
        if name in problems:
            value = None
        if name in cadre_records.CHOICE_FIELDS:
            values[name] = value
        elif isinstance(value, dt.date):
            values[name] = format_date(value)
        else:
            values[name] = "" if value is None else str(value)
    return values


def header_label(name: str) -> str:
    return t(f"roster_import.header.{'sending_unit' if name == 'sending_unit_id' else name}")


def reason_text(name: str, error: CadreError) -> str:
    """One reason, its field named; ID numbers and phones in it masked as on screen."""
    params = dict(error.params)
    value = params.get("value")
    if isinstance(value, str) and value:
        if name == "id_number":
            params["value"] = mask_id_number(value)
        elif name == "phone":
            params["value"] = mask_phone(value)
    return t("roster_import.reason", field=header_label(name), message=t(error.key, **params))
