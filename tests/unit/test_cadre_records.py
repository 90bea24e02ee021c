"""The form's checks on typed text agree with the store: what they accept, the store
writes; what they refuse, they name by field."""

from __future__ import annotations

import datetime as dt

import pytest

from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.identity import make_id_number
from cadre_tui.services.cadre_records import (
    FIELDS,
    IdHolder,
    build_record,
    check_form,
    filled_from_id,
    find_id_holder,
    form_values,
    load_form_data,
    save_cadre,
    tidied,
)
from cadre_tui.store import cadres, units
from cadre_tui.store.sqlite import sqlite3

TODAY = dt.date(2026, 11, 27)
BIRTH = dt.date(1994, 5, 17)
FEMALE_ID = make_id_number("320412", BIRTH, 12, "F")


def good(unit_id: int = 1, **changes: object) -> dict[str, object]:
    values = form_values(None)
    values.update(
        name=" 王 芳 ",
        gender=Gender.FEMALE,
        birth_date="１９９４年５月１７日",
        id_number=FEMALE_ID.lower() if FEMALE_ID.endswith("X") else FEMALE_ID,
        phone="+86 139-1234-5678",
        party_status=PartyStatus.PROBATIONARY,
        party_joined_on="2025.7.1",
        work_started_on="2017/08/01",
        sending_unit_id=unit_id,
        category=CadreCategory.NEW_CIVIL_SERVANT,
    )
    values.update(changes)
    return values


def test_a_good_form_has_no_errors_and_builds_a_clean_record() -> None:
    assert check_form(good(), TODAY) == {}
    record = build_record(good(), CadreStatus.RECOMMENDED)
    assert record.name == "王芳" and record.birth_date == BIRTH
    assert record.id_number == FEMALE_ID and record.phone == "13912345678"
    assert record.party_joined_on == dt.date(2025, 7, 1)
    assert record.status is CadreStatus.RECOMMENDED and record.ethnicity == "汉族"


def test_a_blank_form_names_every_required_field() -> None:
    errors = check_form(form_values(None), TODAY)
    assert list(errors) == [
        "name",
        "gender",
        "birth_date",
        "id_number",
        "sending_unit_id",
        "category",
    ]
    assert {error.key for error in errors.values()} == {"form.error.required"}


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"id_number": "3204121994"}, "id_number", "validate.id_number.length"),
        ({"birth_date": "1994-05-16"}, "birth_date", "form.error.birth_mismatch"),
        ({"gender": Gender.MALE}, "gender", "form.error.gender_mismatch"),
        ({"phone": "0519-1234567"}, "phone", "validate.phone.invalid"),
        ({"work_started_on": "2027-01-01"}, "work_started_on", "form.error.future"),
        ({"work_started_on": "1994-05-17"}, "work_started_on", "form.error.before_birth"),
        ({"party_status": PartyStatus.LEAGUE}, "party_joined_on", "form.error.joined_not_member"),
        ({"party_joined_on": "2025-07"}, "party_joined_on", "form.date.no_day"),
    ],
)
def test_each_problem_lands_on_its_field(changes: dict, field: str, key: str) -> None:
    errors = check_form(good(**changes), TODAY)
    assert list(errors) == [field]
    assert errors[field].key == key


def test_a_holder_of_the_id_number_is_named() -> None:
    errors = check_form(good(), TODAY, IdHolder(7, "李娜", "区财政局"))
    assert errors["id_number"].params == {"name": "李娜", "unit": "区财政局", "id": 7}


def test_the_id_number_fills_only_empty_fields() -> None:
    assert filled_from_id(good(birth_date="", gender=None)) == {
        "birth_date": "1994-05-17",
        "gender": Gender.FEMALE,
    }
    assert filled_from_id(good()) == {}
    assert filled_from_id(good(id_number="123", birth_date="")) == {}


def test_what_the_form_accepts_the_store_writes(conn: sqlite3.Connection) -> None:
    unit = units.create_sending_unit(conn, code="D17", name="区财政局")
    saved = save_cadre(conn, None, build_record(good(unit.id)), 0)
    assert find_id_holder(conn, FEMALE_ID, saved.id) is None
    assert find_id_holder(conn, FEMALE_ID) == IdHolder(saved.id, "王芳", "区财政局")
    values = form_values(saved)
    assert set(values) == set(FIELDS) and check_form(values, TODAY) == {}
    assert build_record(values, saved.status) == saved.record()
    edited = save_cadre(conn, saved.id, build_record({**values, "post": "科员"}), 1)
    assert edited.row_version == 2 and cadres.get_cadre(conn, saved.id).post == "科员"


def test_opening_a_record_for_editing_is_audited_as_a_reveal(conn: sqlite3.Connection) -> None:
    unit = units.create_sending_unit(conn, code="D18", name="区审计局")
    saved = save_cadre(conn, None, build_record(good(unit.id)), 0)
    load_form_data(conn, None)
    reveals = "SELECT count(*) FROM audit_log WHERE action = 'reveal' AND entity_id = ?"
    assert conn.execute(reveals, (saved.id,)).fetchone()[0] == 0
    assert load_form_data(conn, saved.id).cadre.id == saved.id
    assert conn.execute(reveals, (saved.id,)).fetchone()[0] == 1


@pytest.mark.parametrize(
    ("field", "typed", "shown"),
    [
        ("birth_date", "１９９４年５月１７日", "1994-05-17"),
        ("work_started_on", "2016.8.1", "2016-08-01"),
        ("work_started_on", "2016.8", "2016.8"),
        ("id_number", "32041219940517 0116", "320412199405170116"),
        ("id_number", "12345", "12345"),
        ("phone", "+86 138-1234-5678", "13812345678"),
        ("post", " 科员 ", " 科员 "),
    ],
)
def test_a_left_field_shows_how_it_was_read(field: str, typed: str, shown: str) -> None:
    assert tidied(field, typed) == shown
