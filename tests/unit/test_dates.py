"""The lenient date parser: every way a cadre record writes a date, and why not."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre_tui.domain.dates import DateError, format_date, parse_date

MARCH_7 = dt.date(1990, 3, 7)


@pytest.mark.parametrize(
    "text",
    [
        "1990-03-07",
        "1990-3-7",
        "1990.3.7",
        "1990.03.07",
        "1990/03/07",
        "1990/3/7",
        "19900307",
        "1990年3月7日",
        "1990年03月07日",
        "1990年3月7号",
        "1990年3月7",
        " 1990-03-07 ",
        "１９９０－０３－０７",  # full-width digits and hyphen
        "１９９０年３月７日",
        "１９９０．３．７",
        "1990 - 03 - 07",
        "1990\u3000年3月7日",  # an ideographic space
    ],
)
def test_accepted_spellings(text: str) -> None:
    assert parse_date(text) == MARCH_7


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1990-02-30", "no_such_day"),
        ("1990.13.1", "no_such_day"),
        ("19900230", "no_such_day"),
        ("1990年2月29日", "no_such_day"),
        ("1990-03", "no_day"),
        ("1990.3", "no_day"),
        ("1990年3月", "no_day"),
        ("1899-12-31", "year_range"),
        ("2101-01-01", "year_range"),
        ("90-3-7", "format"),
        ("1990-03/07", "format"),
        ("7/3/1990", "format"),
        ("1990307", "format"),
        ("yesterday", "format"),
        ("1990-03-07x", "format"),
    ],
)
def test_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)


def test_the_reason_keeps_the_normalised_text() -> None:
    with pytest.raises(DateError) as caught:
        parse_date("１９９０－０２－３０")
    assert caught.value.value == "1990-02-30"


def test_leap_day() -> None:
    assert parse_date("2000.2.29") == dt.date(2000, 2, 29)


def test_format_date() -> None:
    assert format_date(MARCH_7) == "1990-03-07"
    assert format_date(None) == ""


days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@given(
    days,
    st.sampled_from(
        [
            "{y}-{m:02d}-{d:02d}",
            "{y}.{m}.{d}",
            "{y}/{m}/{d:02d}",
            "{y}{m:02d}{d:02d}",
            "{y}年{m}月{d}日",
        ]
    ),
    st.booleans(),
)
def test_every_spelling_of_every_day_reads_back(day: dt.date, shape: str, wide: bool) -> None:
    text = shape.format(y=day.year, m=day.month, d=day.day)
    if wide:
        text = text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert parse_date(text) == day
    assert parse_date(format_date(day)) == day
