"""Figures as official Chinese writing rounds them: never above the true value,
within the stated significant figures, 多/余 and 万/亿 where the seed puts them;
Chinese numerals and calendar spans for "第一批" and "一个多月"."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre_tui.domain.official_numbers import (
    Span,
    approximate,
    chinese_numeral,
    en_figure,
    span_between,
    zh_figure,
)

# --- the seed's own figures -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (3725, "3720多"),  # 丈量各类房屋3720多户
        (1_575_000.5, "157万多"),  # 丈量面积157万多平米
        (2405, "2400余"),  # 签约2400余户
        (1726, "1720多"),  # 拆除1720多户
    ],
)
def test_values_inside_the_seeds_figures_are_written_as_the_seed_writes_them(
    value: float, written: str
) -> None:
    assert zh_figure(value) == written


def test_the_seeds_one_figure_headline() -> None:
    """完成20多万平方米的拆迁任务: one significant figure puts 多 before 万."""
    assert zh_figure(222_653.8, figures=1) == "20多万"
    assert en_figure(222_653.8, figures=1) == "more than 200,000"


# --- examples ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (0, "0", "0"),
        (0.4, "不足1", "less than 1"),
        (7, "7", "7"),
        (63, "63", "63"),
        (871, "871", "871"),
        (871.5, "871多", "more than 871"),
        (1000, "1000", "1,000"),
        (1004, "1000余", "more than 1,000"),
        (3778, "3770多", "more than 3,770"),
        (2414, "2410多", "more than 2,410"),
        (1500.2, "1500余", "more than 1,500"),
        (9999, "9990多", "more than 9,990"),
        (10_000, "1万", "10,000"),
        (12_345, "1.23万多", "more than 12,300"),
        (20_000, "2万", "20,000"),
        (222_653.8, "22.2万多", "more than 222,000"),
        (750_324.9, "75万多", "more than 750,000"),
        (1_570_259.2, "157万多", "more than 1.57 million"),
        (3_001_234, "300万余", "more than 3 million"),
        (12_345_678, "1230多万", "more than 12.3 million"),
        (100_000_000, "1亿", "100 million"),
        (157_000_001, "1.57亿多", "more than 157 million"),
        (1_234_567_890, "12.3亿多", "more than 1.23 billion"),
        (123_456_789_012, "1230多亿", "more than 123 billion"),
    ],
)
def test_examples(value: float, zh: str, en: str) -> None:
    assert zh_figure(value) == zh
    assert en_figure(value) == en


@pytest.mark.parametrize(
    ("value", "figures", "zh"),
    [
        (3778, 2, "3700余"),
        (3778, 1, "3000余"),
        (1_570_259, 2, "150多万"),
        (1_570_259, 1, "100余万"),
        (12_345, 1, "1万多"),
        (13, 1, "10多"),
        (13, 4, "13"),
        (3778, 4, "3778"),
        (3778.5, 4, "3778多"),
    ],
)
def test_fewer_or_more_significant_figures(value: float, figures: int, zh: str) -> None:
    assert zh_figure(value, figures) == zh


@pytest.mark.parametrize("bad", [-1, -0.1, float("nan"), float("inf")])
def test_only_finite_non_negative_figures(bad: float) -> None:
    with pytest.raises(ValueError):
        zh_figure(bad)
    with pytest.raises(ValueError):
        en_figure(bad)


def test_at_least_one_figure_is_kept() -> None:
    with pytest.raises(ValueError):
        approximate(10, figures=0)


# --- properties -------------------------------------------------------------------------

FIGURE = re.compile(r"^(\d+(?:\.\d+)?)([多余]?)([万亿]?)([多余]?)$")
UNITS = {"": 1, "万": 10**4, "亿": 10**8}

values = st.one_of(
    st.integers(min_value=0, max_value=10**12 - 1).map(float),
    st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**5).map(lambda n: n / 10),  # tenths of m²
)
figure_counts = st.integers(min_value=1, max_value=4)


def read_zh(text: str) -> tuple[Decimal, bool, str, str]:
    """What the Chinese says: the written amount, whether 多/余 follows, which
    marker, and where it stands ("before" or "after" the unit)."""
    match = FIGURE.match(text)
    assert match, f"{text!r} is not a figure as a briefing writes it"
    number, before, unit, after = match.groups()
    assert not (before and after), text
    amount = Decimal(number) * UNITS[unit]
    marker = before or after
    return amount, bool(marker), marker, "before" if before and unit else "after"


def significant_step(amount: Decimal, figures: int) -> int:
    digits = len(str(int(amount)))
    return 10 ** max(digits - figures, 0)


@given(values, figure_counts)
def test_the_kept_figure_never_exceeds_the_value_and_is_within_precision(
    value: float, figures: int
) -> None:
    found = approximate(value, figures)
    assert found.kept <= value
    assert value - found.kept < found.step
    assert found.kept % found.step == 0
    assert found.dropped == (Decimal(repr(value)) > found.kept)
    if found.kept:
        assert len(str(found.kept).rstrip("0")) <= figures


@given(values, figure_counts)
def test_the_chinese_reads_back_within_the_stated_precision(value: float, figures: int) -> None:
    text = zh_figure(value, figures)
    if value < 1:
        assert text == ("0" if value == 0 else "不足1")
        return
    amount, more, marker, where = read_zh(text)
    exact = Decimal(repr(value))
    assert amount <= exact
    assert exact - amount < significant_step(amount, figures)
    assert more == (exact > amount)
    if more:
        mantissa = text.split(marker)[0].rstrip("万亿")
        round_hundred = "." not in mantissa and int(mantissa) % 100 == 0
        assert marker == ("余" if round_hundred else "多"), text
        unit = 10**8 if "亿" in text else 10**4 if "万" in text else 1
        whole_units_dropped = approximate(value, figures).step > unit
        assert where == ("before" if whole_units_dropped and unit > 1 else "after"), text


@given(values, figure_counts)
def test_the_english_reads_back_as_the_same_figure(value: float, figures: int) -> None:
    text = en_figure(value, figures)
    if value < 1:
        return
    more = text.startswith("more than ")
    number = text.removeprefix("more than ")
    scale = {"million": 10**6, "billion": 10**9}
    if " " in number:
        mantissa, word = number.split(" ")
        amount = Decimal(mantissa) * scale[word]
    else:
        amount = Decimal(number.replace(",", ""))
    zh_amount, zh_more, _, _ = read_zh(zh_figure(value, figures))
    assert amount == zh_amount
    assert more == zh_more


@given(st.integers(min_value=1, max_value=10**12 - 1), figure_counts)
def test_whole_numbers_with_no_more_digits_than_kept_are_exact(n: int, figures: int) -> None:
    if len(str(n).rstrip("0")) <= figures:
        assert not approximate(n, figures).dropped
        assert "多" not in zh_figure(n, figures) and "余" not in zh_figure(n, figures)
        assert not en_figure(n, figures).startswith("more than")


# --- Chinese numerals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "written"),
    [
        (0, "零"),
        (1, "一"),
        (2, "二"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (63, "六十三"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (10_000, "一万"),
        (100_000, "十万"),
        (101_000, "十万一千"),
        (100_500, "十万零五百"),
        (230_000, "二十三万"),
        (100_001_000, "一亿零一千"),
        (100_010_000, "一亿零一万"),
        (123_456_789, "一亿二千三百四十五万六千七百八十九"),
    ],
)
def test_chinese_numerals(n: int, written: str) -> None:
    assert chinese_numeral(n) == written


def test_two_is_liang_when_counting() -> None:
    assert chinese_numeral(2, counting=True) == "两"
    assert chinese_numeral(2) == "二"
    assert chinese_numeral(12, counting=True) == "十二"


@pytest.mark.parametrize("bad", [-1, 10**12])
def test_chinese_numerals_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError):
        chinese_numeral(bad)


_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")}
_PLACE = {"十": 10, "百": 100, "千": 1000}


def read_numeral(text: str) -> int:
    """An independent reader of Chinese numerals, to check them by round trip."""
    total = section = digit = 0
    for char in text:
        if char in _VALUE:
            digit = _VALUE[char]
        elif char in _PLACE:
            section += (digit or 1) * _PLACE[char]
            digit = 0
        elif char == "万":
            section = (section + digit) * 10**4
            total += section
            section = digit = 0
        elif char == "亿":
            total = (total + section + digit) * 10**8
            section = digit = 0
    return total + section + digit


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numerals_read_back(n: int) -> None:
    text = chinese_numeral(n)
    assert read_numeral(text) == n
    assert "零零" not in text
    assert not text.endswith("零") or n == 0
    assert not text.startswith("一十")


# --- spans ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "span"),
    [
        (dt.date(2025, 3, 3), dt.date(2025, 8, 30), Span(5, 27)),  # batch 1: 五个多月
        (dt.date(2025, 9, 22), dt.date(2025, 11, 8), Span(1, 17)),  # batch 2: 一个多月
        (dt.date(2025, 3, 1), dt.date(2025, 4, 1), Span(1, 0)),
        (dt.date(2025, 1, 31), dt.date(2025, 2, 28), Span(1, 0)),
        (dt.date(2025, 1, 31), dt.date(2025, 2, 27), Span(0, 27)),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), Span(12, 0)),
        (dt.date(2025, 5, 5), dt.date(2025, 5, 5), Span(0, 0)),
    ],
)
def test_span_between(start: dt.date, end: dt.date, span: Span) -> None:
    assert span_between(start, end) == span


def test_a_span_cannot_run_backwards() -> None:
    with pytest.raises(ValueError):
        span_between(dt.date(2025, 5, 5), dt.date(2025, 5, 4))


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@given(dates, st.integers(min_value=0, max_value=2000))
def test_a_span_never_overstates_the_months(start: dt.date, length: int) -> None:
    end = start + dt.timedelta(days=length)
    span = span_between(start, end)
    assert span.months >= 0 and span.days >= 0
    year, month = divmod(start.month - 1 + span.months, 12)
    assert dt.date(start.year + year, month + 1, 1) <= end
    assert span.days < 31
    assert span.months * 28 + span.days <= length <= span.months * 31 + span.days
