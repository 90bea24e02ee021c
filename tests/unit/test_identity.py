"""GB 11643-1999 ID numbers, mainland mobile numbers, masking and NFKC normalisation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from cadre_tui.domain.identity import (
    ID_CHECK_CHARACTERS,
    ID_WEIGHTS,
    IdNumberError,
    PhoneError,
    id_check_character,
    make_id_number,
    mask_id_number,
    mask_phone,
    normalise_text,
    parse_id_number,
    parse_mobile,
)
from cadre_tui.i18n import catalog

ASCII_ID = re.compile(r"^[0-9]{17}[0-9X]$")
ASCII_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
FULL_WIDTH = str.maketrans("0123456789Xx+-", "０１２３４５６７８９Ｘｘ＋－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def with_check(first17: str) -> str:
    """``first17`` completed with the check character computed here, independently."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


# --- the standard itself -------------------------------------------------------------


def test_weights_and_check_characters_are_those_of_the_standard() -> None:
    assert ID_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert ID_CHECK_CHARACTERS == "10X98765432"
    # Each weight is 2**(17 - i) mod 11, as GB 11643 defines it.
    assert tuple(pow(2, 17 - i, 11) for i in range(17)) == ID_WEIGHTS


@pytest.mark.parametrize(
    ("value", "birth", "gender"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "F"),
        ("110101199003074477", dt.date(1990, 3, 7), "M"),
        ("320102198001011238", dt.date(1980, 1, 1), "M"),
        ("110101200002290018", dt.date(2000, 2, 29), "M"),
    ],
)
def test_known_good_numbers(value: str, birth: dt.date, gender: str) -> None:
    parsed = parse_id_number(value)
    assert parsed.value == value
    assert parsed.birth_date == birth
    assert parsed.gender == gender
    assert parsed.region == value[:6]
    assert id_check_character(value[:17]) == value[17]


def test_lower_case_x_is_accepted_and_normalised() -> None:
    assert parse_id_number("11010519491231002x").value == "11010519491231002X"


def test_full_width_digits_spaces_and_ideographic_space_are_accepted() -> None:
    raw = "\u3000" + "11010519491231002x".translate(FULL_WIDTH) + " "
    assert parse_id_number(raw).value == "11010519491231002X"
    assert parse_id_number("110105 19491231 002X").value == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "length"),
        ("11010519491231002", "length"),
        ("11010519491231002X1", "length"),
        ("1101051949123100", "length"),
        ("11010519491231002A", "characters"),
        ("1101051949123100X2", "characters"),
        ("X10105194912310021", "characters"),
        ("11010519491231-02X", "characters"),
        (with_check("11010519990230001"), "birth_date"),  # 30 February
        (with_check("11010519990229001"), "birth_date"),  # 1999 is not a leap year
        (with_check("11010519000229001"), "birth_date"),  # 1900 is not a leap year
        (with_check("11010519901301001"), "birth_date"),  # month 13
        (with_check("11010519900001001"), "birth_date"),  # month 00
        (with_check("11010519900100001"), "birth_date"),  # day 00
        (with_check("11010519900431001"), "birth_date"),  # 31 April
        ("110105194912310021", "check_character"),
        ("110105194912310020", "check_character"),
    ],
)
def test_each_failure_reason(raw: str, reason: str) -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(raw)
    assert caught.value.reason == reason


@pytest.mark.parametrize("reason", ["length", "characters", "birth_date", "check_character"])
def test_every_failure_reason_has_a_message_in_both_languages(reason: str) -> None:
    for lang in ("zh", "en"):
        assert f"validate.id_number.{reason}" in catalog(lang)


def test_leap_day_in_a_leap_year_is_a_real_birth_date() -> None:
    assert parse_id_number(with_check("11010520000229002")).birth_date == dt.date(2000, 2, 29)


# --- properties ----------------------------------------------------------------------

regions = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
genders = st.sampled_from(["M", "F"])


@given(regions, births, sequences, genders)
def test_make_id_number_round_trips(region: str, birth: dt.date, seq: int, gender: str) -> None:
    value = make_id_number(region, birth, seq, gender)
    assert ASCII_ID.match(value)
    parsed = parse_id_number(value)
    assert parsed.value == value
    assert parsed.region == region
    assert parsed.birth_date == birth
    assert parsed.gender == gender
    assert value == with_check(value[:17])


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    return make_id_number(draw(regions), draw(births), draw(sequences), draw(genders))


@given(valid_ids(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_error_in_the_first_17_is_detected(
    value: str, position: int, shift: int
) -> None:
    wrong = str((int(value[position]) + shift) % 10)
    changed = value[:position] + wrong + value[position + 1 :]
    assert changed != value
    with pytest.raises(IdNumberError):
        parse_id_number(changed)


@given(valid_ids(), st.sampled_from("0123456789X"))
def test_any_other_check_character_is_detected(value: str, check: str) -> None:
    assume(check != value[17])
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(value[:17] + check)
    assert caught.value.reason == "check_character"


def test_single_digit_errors_are_detected_exhaustively_for_one_number() -> None:
    """Every weight is non-zero mod 11, so no single substitution keeps the sum."""
    value = "11010519491231002X"
    for position in range(18):
        for digit in "0123456789X" if position == 17 else "0123456789":
            if digit == value[position]:
                continue
            changed = value[:position] + digit + value[position + 1 :]
            with pytest.raises(IdNumberError):
                parse_id_number(changed)


# Zero of each script's decimal digits: NFKC folds only the full-width and mathematical ones.
DIGIT_ZEROS = (0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10, 0x1D7CE)


def digit_scripts(numbers: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str]]:
    """(``number`` with its digits drawn from several scripts, ``number``)."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, str]:
        number = draw(numbers)
        zeros = st.sampled_from(DIGIT_ZEROS)
        raw = "".join(chr(draw(zeros) + int(ch)) if ch.isdigit() else ch for ch in number)
        return raw, number

    return build()


@given(digit_scripts(valid_ids()))
@example(("11010519491231002X".translate(ARABIC_INDIC), "11010519491231002X"))
def test_digits_of_other_scripts_give_an_ascii_id_or_are_rejected(case: tuple[str, str]) -> None:
    """NFKC leaves Arabic-Indic or Devanagari digits alone; a stored ID must be ASCII."""
    raw, value = case
    try:
        parsed = parse_id_number(raw)
    except IdNumberError:
        return
    assert parsed.value == value, f"accepted {raw!r} as {parsed.value!r}"


id_like = st.text(alphabet="0123456789Xx０１２３４５６７８９ｘ \u3000", min_size=16, max_size=20)


@given(st.one_of(id_like, st.text(min_size=18, max_size=18)))
def test_random_strings_are_rejected_or_fully_valid(raw: str) -> None:
    try:
        parsed = parse_id_number(raw)
    except IdNumberError as exc:
        assert exc.reason in {"length", "characters", "birth_date", "check_character"}
        return
    assert ASCII_ID.match(parsed.value)
    assert parsed.value[17] == with_check(parsed.value[:17])[17]
    assert parsed.birth_date == dt.date(
        int(parsed.value[6:10]), int(parsed.value[10:12]), int(parsed.value[12:14])
    )
    assert parsed.gender == ("M" if int(parsed.value[16]) % 2 else "F")


# --- mobile numbers ------------------------------------------------------------------

mobiles = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)


@st.composite
def decorated_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(mobiles)
    prefix = draw(st.sampled_from(["", "+86", "0086", "86", "+86 ", "+86-", "(+86) ", "0086 "]))
    text = prefix + number
    out = []
    for ch in text:
        if draw(st.booleans()):
            ch = ch.translate(FULL_WIDTH)
        out.append(ch)
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from([" ", "\u3000", "-"])))
    padding = draw(st.sampled_from(["", " ", "\u3000", "\t"]))
    return padding + "".join(out) + padding, number


@given(decorated_mobiles())
def test_valid_mobiles_with_prefixes_full_width_and_spaces(case: tuple[str, str]) -> None:
    raw, number = case
    assert parse_mobile(raw) == number


@given(mobiles)
def test_plain_valid_mobiles(number: str) -> None:
    assert parse_mobile(number) == number


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12800138000",  # 12- prefix
        "10800138000",
        "11800138000",
        "1380013800",  # 10 digits
        "138001380000",  # 12 digits
        "1380013800a",  # a letter
        "abcdefghijk",
        "+8612800138000",
        "+86 1380013800",
        "23800138000",
        "02158001234",  # a landline
    ],
)
def test_invalid_mobiles_are_rejected(raw: str) -> None:
    with pytest.raises(PhoneError):
        parse_mobile(raw)


@given(digit_scripts(mobiles))
@example(("13" + "800138000".translate(ARABIC_INDIC), "13800138000"))
def test_digits_of_other_scripts_give_an_ascii_mobile_or_are_rejected(
    case: tuple[str, str],
) -> None:
    """NFKC leaves Arabic-Indic or Devanagari digits alone; a stored number is ASCII."""
    raw, number = case
    try:
        value = parse_mobile(raw)
    except PhoneError:
        return
    assert value == number, f"accepted {raw!r} as {value!r}"


@given(st.text(max_size=20))
def test_any_accepted_mobile_is_eleven_ascii_digits(raw: str) -> None:
    try:
        value = parse_mobile(raw)
    except PhoneError:
        return
    assert ASCII_MOBILE.match(value)


# --- masking and normalisation ------------------------------------------------------


def test_mask_id_number() -> None:
    assert mask_id_number("320102198001011238") == "3201**********1238"
    assert mask_id_number("11010519491231002X") == "1101**********002X"


@given(valid_ids())
def test_mask_id_number_shape(value: str) -> None:
    masked = mask_id_number(value)
    assert len(masked) == 18
    assert masked[:4] == value[:4]
    assert masked[-4:] == value[-4:]
    assert masked[4:14] == "*" * 10


def test_mask_phone() -> None:
    assert mask_phone("13800138000") == "138****8000"


@given(mobiles)
def test_mask_phone_shape(number: str) -> None:
    masked = mask_phone(number)
    assert re.fullmatch(r"1[3-9][0-9]\*{4}[0-9]{4}", masked)
    assert masked[:3] == number[:3]
    assert masked[-4:] == number[-4:]


def test_masks_never_reveal_short_values() -> None:
    assert mask_id_number("1234") == "****"
    assert mask_phone("1380") == "****"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣｘｙｚ１２３", "ABCxyz123"),
        ("\u3000张三\u3000", "张三"),
        ("  王\u3000五 ", "王 五"),
        ("１３８\u3000００１３\u3000８０００", "138 0013 8000"),
        ("", ""),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected
