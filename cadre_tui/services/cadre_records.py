"""One cadre's record as a form sees it: loading what the form needs, checking
each field as typed text, and saving.

The checks mirror :func:`cadre_tui.store.cadres.checked_record` but work on
raw text and answer per field, so a form (or an importer) can say *which*
field is wrong and why before anything reaches the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from cadre_tui.domain.dates import DateError, format_date, parse_date
from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.identity import (
    IdNumber,
    IdNumberError,
    PhoneError,
    normalise_id_number,
    normalise_text,
    parse_id_number,
    parse_mobile,
)
from cadre_tui.domain.model import Cadre, NewCadre, SendingUnit
from cadre_tui.errors import CadreError
from cadre_tui.store import cadres, units
from cadre_tui.store.sqlite import sqlite3

FIELDS: tuple[str, ...] = (
    "name",
    "gender",
    "ethnicity",
    "native_place",
    "birth_date",
    "id_number",
    "phone",
    "party_status",
    "party_joined_on",
    "work_started_on",
    "education",
    "degree",
    "sending_unit_id",
    "post",
    "rank",
    "category",
    "grassroots_experience",
)
"""The form's fields in the order a cadre record (干部信息表) lists them."""

REQUIRED: frozenset[str] = frozenset(
    {"name", "gender", "birth_date", "id_number", "sending_unit_id", "category"}
)
CHOICE_FIELDS: frozenset[str] = frozenset({"gender", "party_status", "sending_unit_id", "category"})
DATE_FIELDS: tuple[str, ...] = ("birth_date", "party_joined_on", "work_started_on")

FormValues = Mapping[str, object]
"""Field name to value: text fields hold ``str``, choice fields their code or None."""


@dataclass(frozen=True, slots=True)
class CadreFormData:
    """What the form loads before it can be used: the cadre (None when adding) and
    the sending units to choose from."""

    cadre: Cadre | None
    units: tuple[SendingUnit, ...]


@dataclass(frozen=True, slots=True)
class IdHolder:
    """The cadre who already holds an ID number, named so the user can find them."""

    id: int
    name: str
    unit: str


def load_form_data(conn: sqlite3.Connection, cadre_id: int | None) -> CadreFormData:
    """The cadre to edit (or none) and the unit choices. Editing shows the full
    ID number and phone, so opening a record for editing is audited as a reveal."""
    cadre = cadres.get_cadre(conn, cadre_id) if cadre_id is not None else None
    if cadre is not None:
        from cadre_tui.store.cadre_history import record_reveal

        record_reveal(conn, cadre.id, ("id_number", "phone"))
    return CadreFormData(cadre, tuple(units.list_sending_units(conn)))


def find_id_holder(
    conn: sqlite3.Connection, id_number: str, cadre_id: int | None = None
) -> IdHolder | None:
    """Another cadre holding ``id_number`` (the one being edited does not count)."""
    holder = cadres.find_by_id_number(conn, id_number)
    if holder is None or holder.id == cadre_id:
        return None
    unit = units.get_sending_unit(conn, holder.sending_unit_id).name
    return IdHolder(holder.id, holder.name, unit)


def save_cadre(
    conn: sqlite3.Connection,
    cadre_id: int | None,
    record: NewCadre,
    expected_version: int,
    loaded: Cadre | None = None,
) -> Cadre:
    """Create, or update refusing an edit someone else made since ``expected_version``.

    The refusal says who changed the record, when, and what they changed
    (compared with ``loaded``, the record as the form opened it)."""
    if cadre_id is None:
        return cadres.create_cadre(conn, record)
    try:
        return cadres.update_cadre(conn, cadre_id, record, expected_version=expected_version)
    except CadreError as exc:
        if exc.key != "store.cadre.changed_elsewhere" or loaded is None:
            raise
        raise changed_elsewhere(conn, loaded) from exc


def changed_elsewhere(conn: sqlite3.Connection, loaded: Cadre) -> CadreError:
    """ "Li changed this record at 10:42: post 科员 → 副科长" for a refused save."""
    from cadre_tui.i18n import t
    from cadre_tui.store.live import latest_write_on

    current = cadres.get_cadre(conn, loaded.id)
    changes = [
        t(
            "form.conflict_change",
            field=t(f"form.label.{field}"),
            before=_shown(field, getattr(loaded, field)),
            after=_shown(field, getattr(current, field)),
        )
        for field in FIELDS
        if getattr(loaded, field) != getattr(current, field)
    ]
    if current.status != loaded.status:
        changes.append(
            t(
                "form.conflict_change",
                field=t("form.conflict_status"),
                before=loaded.status.label(),
                after=current.status.label(),
            )
        )
    who, at = latest_write_on(conn, "cadre", loaded.id) or ("?", "")
    when = dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M") if at else ""
    return CadreError(
        "form.changed_elsewhere",
        who=who,
        when=when,
        changes=t("form.conflict_separator").join(changes) or t("form.conflict_unseen"),
    )


def _shown(field: str, value: object) -> str:
    from cadre_tui.domain.identity import mask_id_number

    if value is None or value == "":
        return "—"
    if field == "id_number":
        return mask_id_number(str(value))
    if isinstance(value, dt.date):
        return format_date(value)
    label = getattr(value, "label", None)
    return label() if callable(label) else str(value)


def form_values(cadre: Cadre | None) -> dict[str, object]:
    """The form's starting values: the cadre's record as text, or a blank record."""
    if cadre is None:
        blank: dict[str, object] = dict.fromkeys(FIELDS, "")
        blank.update(gender=None, sending_unit_id=None, category=None)
        blank.update(ethnicity="汉族", party_status=PartyStatus.MASSES)
        return blank
    values: dict[str, object] = {}
    for field in FIELDS:
        value = getattr(cadre, field)
        values[field] = format_date(value) if field in DATE_FIELDS else value
    return values


def tidied(field: str, text: str) -> str:
    """A valid value as the form shows it once its field is left, so the user sees
    how it was read: dates in ISO, the ID number without spaces and with a capital
    X, the mobile as 11 digits. Anything not valid stays as typed."""
    try:
        if field in DATE_FIELDS:
            return format_date(parse_date(text))
        if field == "id_number":
            return parse_id_number(text).value
        if field == "phone":
            return parse_mobile(text)
    except ValueError:
        pass
    return text


def id_facts(values: FormValues) -> IdNumber | None:
    """The ID number's birth date and gender, when the ID number is valid."""
    try:
        return parse_id_number(_text(values, "id_number"))
    except IdNumberError:
        return None


def filled_from_id(values: FormValues) -> dict[str, object]:
    """Birth date and gender read from a valid ID number, for those still empty."""
    identity = id_facts(values)
    if identity is None:
        return {}
    filled: dict[str, object] = {}
    if not _text(values, "birth_date"):
        filled["birth_date"] = format_date(identity.birth_date)
    if values.get("gender") is None:
        filled["gender"] = Gender(identity.gender)
    return filled


def check_form(
    values: FormValues, today: dt.date, id_holder: IdHolder | None = None
) -> dict[str, CadreError]:
    """The first problem with each field, in form order; empty when the form can be saved.

    ``id_holder`` is another cadre found holding this ID number (looked up by the
    caller off the UI thread, since this function does no I/O).
    """
    errors: dict[str, CadreError] = {}
    for field in REQUIRED:
        value = values.get(field)
        if value is None or (isinstance(value, str) and not "".join(normalise_text(value).split())):
            errors[field] = CadreError("form.error.required")
    days: dict[str, dt.date] = {}
    for field in DATE_FIELDS:
        text = _text(values, field)
        if field in errors or not text:
            continue
        try:
            day = parse_date(text)
        except DateError as exc:
            errors[field] = CadreError(f"form.date.{exc.reason}", value=exc.value)
            continue
        if day > today:
            errors[field] = CadreError("form.error.future", date=format_date(day))
        else:
            days[field] = day
    birth = days.get("birth_date")
    for field in ("party_joined_on", "work_started_on"):
        day = days.get(field)
        if day is not None and birth is not None and day <= birth:
            errors[field] = CadreError(
                "form.error.before_birth", date=format_date(day), birth_date=format_date(birth)
            )
    party = values.get("party_status")
    joined = "party_joined_on" not in errors and _text(values, "party_joined_on")
    if joined and party is not None and not PartyStatus(party).is_party_member:
        errors["party_joined_on"] = CadreError(
            "form.error.joined_not_member", party_status=PartyStatus(party).label()
        )
    _check_identity(values, birth, errors, id_holder)
    phone = _text(values, "phone")
    if phone:
        try:
            parse_mobile(phone)
        except PhoneError as exc:
            errors["phone"] = CadreError("validate.phone.invalid", value=exc.value)
    return {field: errors[field] for field in FIELDS if field in errors}


def _check_identity(
    values: FormValues,
    birth: dt.date | None,
    errors: dict[str, CadreError],
    id_holder: IdHolder | None,
) -> None:
    """The ID number's own checks, then the birth date and gender beside it, which
    must say what the ID number says (the message names what it says)."""
    if "id_number" in errors:
        return
    try:
        identity = parse_id_number(_text(values, "id_number"))
    except IdNumberError as exc:
        errors["id_number"] = CadreError(f"validate.id_number.{exc.reason}", value=exc.value)
        return
    if id_holder is not None:
        errors["id_number"] = CadreError(
            "form.error.id_taken", name=id_holder.name, unit=id_holder.unit, id=id_holder.id
        )
    if birth is not None and birth != identity.birth_date:
        errors["birth_date"] = CadreError(
            "form.error.birth_mismatch", id_birth_date=format_date(identity.birth_date)
        )
    gender = values.get("gender")
    if gender is not None and Gender(gender).value != identity.gender:
        errors["gender"] = CadreError(
            "form.error.gender_mismatch", id_gender=Gender(identity.gender).label()
        )


def build_record(values: FormValues, status: CadreStatus = CadreStatus.AVAILABLE) -> NewCadre:
    """The record to save from values :func:`check_form` accepted (raises otherwise)."""
    party = PartyStatus(values["party_status"] or PartyStatus.MASSES)

    def day(field: str) -> dt.date | None:
        text = _text(values, field)
        return parse_date(text) if text else None

    birth = day("birth_date")
    sending_unit_id = values["sending_unit_id"]
    if birth is None or not isinstance(sending_unit_id, int):
        raise ValueError("build_record needs a form that check_form accepted")
    return NewCadre(
        name="".join(normalise_text(_text(values, "name")).split()),
        gender=Gender(values["gender"]),
        birth_date=birth,
        id_number=normalise_id_number(_text(values, "id_number")),
        sending_unit_id=sending_unit_id,
        category=CadreCategory(values["category"]),
        ethnicity=normalise_text(_text(values, "ethnicity")),
        native_place=normalise_text(_text(values, "native_place")),
        phone=parse_mobile(_text(values, "phone")) if _text(values, "phone") else "",
        party_status=party,
        party_joined_on=day("party_joined_on") if party.is_party_member else None,
        work_started_on=day("work_started_on"),
        education=normalise_text(_text(values, "education")),
        degree=normalise_text(_text(values, "degree")),
        post=normalise_text(_text(values, "post")),
        rank=normalise_text(_text(values, "rank")),
        status=status,
        grassroots_experience=normalise_text(_text(values, "grassroots_experience")),
    )


def _text(values: FormValues, field: str) -> str:
    value = values.get(field)
    return value.strip() if isinstance(value, str) else ""
