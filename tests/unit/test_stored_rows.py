"""The import's fast row check (``StoredRows``) gives exactly the store's verdict
(``stored_row``): the same row, or the same refusal with the same parameters,
for valid and broken records alike."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NEW_CADRE_FIELDS, NewCadre
from cadre_tui.errors import CadreError
from cadre_tui.store import cadre_rows, cadres

TEXTS = st.sampled_from(["", "汉族", " 汉族 ", "ＡＢＣ", "a\u3000b", "科员", "x", "\t", "Ⅻ"])
DAYS = st.none() | st.dates(dt.date(1880, 1, 1), dt.date(2040, 12, 31))
PHONES = st.sampled_from(
    ["13912345678", "+86 139 1234 5678", "12345", "", " ", "１３９１２３４５６７８", "12912345678"]
)


@st.composite
def records(draw) -> dict:  # noqa: ANN001
    birth = draw(st.dates(dt.date(1890, 1, 1), dt.date(2030, 12, 31)))
    code = draw(st.sampled_from(["M", "F"]))
    on_id = birth if birth.year >= 1900 else dt.date(1960, 1, 1)
    number = make_id_number("320102", on_id, draw(st.integers(0, 999)), code)
    number = draw(
        st.sampled_from(
            [
                number,
                number,
                number[:-1] + "0",
                number[:17],
                number.lower(),
                " " + number,
                "３" + number[1:],
                number[:6] + "18991231" + number[14:],
                number[:10] + "0230" + number[14:],
            ]
        )
    )
    return {
        "name": draw(st.sampled_from(["王芳", "", " ", "王 芳", "ＡＢ", "A", "张\u3000伟"])),
        "gender": draw(st.sampled_from([Gender(code), Gender.MALE, Gender.FEMALE, code])),
        "birth_date": draw(st.sampled_from([birth, on_id])),
        "id_number": number,
        "sending_unit_id": draw(st.sampled_from([1, -1, 2])),
        "category": draw(st.sampled_from([*CadreCategory, "reserve_cadre"])),
        "ethnicity": draw(TEXTS),
        "native_place": draw(TEXTS),
        "phone": draw(PHONES),
        "party_status": draw(st.sampled_from([*PartyStatus, "member"])),
        "party_joined_on": draw(DAYS),
        "work_started_on": draw(DAYS),
        "education": draw(TEXTS),
        "degree": draw(TEXTS),
        "post": draw(TEXTS),
        "rank": draw(TEXTS),
        "status": draw(st.sampled_from([*CadreStatus, "available"])),
        "grassroots_experience": draw(TEXTS),
    }


def outcome(call) -> tuple:  # noqa: ANN001
    try:
        return ("ok", call())
    except CadreError as exc:
        return ("refused", exc.key, exc.params)


MAKER = cadre_rows.StoredRows()


@given(records())
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_fast_check_agrees_with_the_store(fields: dict) -> None:
    record = NewCadre(**fields)
    slow = outcome(lambda: cadres.stored_row(record, "x")[:-2])
    fast = outcome(lambda: MAKER.row(tuple(fields[k] for k in NEW_CADRE_FIELDS)))
    assert slow == fast
