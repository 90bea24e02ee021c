"""The figure rules: how a cell reads, and each validation at its boundary."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre_tui.domain.figure_rules import (
    FigureRules,
    FigureTextError,
    check_areas,
    check_cumulative,
    check_day,
    parse_figure,
)
from cadre_tui.i18n import catalog

RULES = FigureRules()
DAY = dt.date(2026, 11, 20)

# -- reading a cell -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "is_area", "expected"),
    [
        ("", False, None),
        ("   ", True, None),
        ("\u3000", False, None),
        ("12", False, 12.0),
        ("０", False, 0.0),
        ("１２", False, 12.0),
        ("1,234", False, 1234.0),
        ("1，234", False, 1234.0),
        ("１，２３４，５６７", False, 1234567.0),
        ("12.0", False, 12.0),
        ("12户", False, 12.0),
        (" 7 ", False, 7.0),
        ("+3", False, 3.0),
        ("1 234", False, 1234.0),
        ("1,234.5", True, 1234.5),
        ("１２３.４５", True, 123.5),
        ("123.44", True, 123.4),
        ("0.05", True, 0.1),
        (".5", True, 0.5),
        ("120㎡", True, 120.0),
        ("120平方米", True, 120.0),
        ("120 平米", True, 120.0),
        ("120m2", True, 120.0),
        ("1.", False, 1.0),
    ],
)
def test_cells_read_as_people_type_them(text: str, is_area: bool, expected: float | None) -> None:
    assert parse_figure(text, is_area=is_area) == expected


@pytest.mark.parametrize(
    ("text", "is_area", "key"),
    [
        ("abc", False, "figures.not_a_number"),
        ("1e5", True, "figures.not_a_number"),
        ("12户", True, "figures.not_a_number"),
        ("120㎡", False, "figures.not_a_number"),
        ("户", False, "figures.not_a_number"),
        ("1.2.3", True, "figures.not_a_number"),
        ("12,34", False, "figures.separator"),
        ("1,2345", False, "figures.separator"),
        (",123", False, "figures.separator"),
        ("-1", False, "figures.negative"),
        ("－1", False, "figures.negative"),
        ("−0.1", True, "figures.negative"),
        ("3.5", False, "figures.not_whole"),
        ("0.1", False, "figures.not_whole"),
        ("100000000.1", True, "figures.too_large"),
        ("nan", True, "figures.not_a_number"),
        ("inf", True, "figures.not_a_number"),
    ],
)
def test_bad_cells_say_why(text: str, is_area: bool, key: str) -> None:
    with pytest.raises(FigureTextError) as caught:
        parse_figure(text, is_area=is_area)
    assert caught.value.key == key
    assert key in catalog("en") and key in catalog("zh")


def test_the_largest_value_is_a_configurable_inclusive_bound() -> None:
    assert parse_figure("100,000,000", is_area=False) == 100_000_000.0
    small = FigureRules(largest_value=50)
    assert parse_figure("50", is_area=False, rules=small) == 50.0
    with pytest.raises(FigureTextError):
        parse_figure("51", is_area=False, rules=small)


@given(st.integers(min_value=0, max_value=99_999_999))
def test_any_whole_number_reads_back_written_any_way(number: int) -> None:
    grouped = f"{number:,}"
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else "，" for c in grouped)
    for text in (str(number), grouped, wide, f" {grouped} ", f"{number}户"):
        assert parse_figure(text, is_area=False) == float(number)


@given(st.integers(min_value=0, max_value=999_999_999))
def test_areas_keep_one_decimal(tenths: int) -> None:
    text = f"{tenths // 10:,}.{tenths % 10}"
    assert parse_figure(text, is_area=True) == round(tenths / 10, 1)


@given(st.text(max_size=12))
def test_any_text_is_a_figure_none_or_a_reason(text: str) -> None:
    for is_area in (False, True):
        try:
            value = parse_figure(text, is_area=is_area)
        except FigureTextError as exc:
            assert exc.key.startswith("figures.")
            continue
        assert value is None or (0 <= value <= RULES.largest_value)
        if value is not None and not is_area:
            assert value.is_integer()


# -- the day --------------------------------------------------------------------------


def test_today_is_fine_tomorrow_is_the_future() -> None:
    start = dt.date(2026, 9, 28)
    assert check_day(DAY, today=DAY, start=start, end=None) == []
    (problem,) = check_day(DAY + dt.timedelta(days=1), today=DAY, start=start, end=None)
    assert problem.key == "figures.date_future" and not problem.warning
    assert problem.metric_code is None


def test_the_day_must_be_inside_the_placement_inclusive() -> None:
    start, end = dt.date(2026, 9, 28), dt.date(2026, 10, 31)
    today = dt.date(2026, 11, 27)
    assert check_day(start, today=today, start=start, end=end) == []
    assert check_day(end, today=today, start=start, end=end) == []
    (before,) = check_day(start - dt.timedelta(days=1), today=today, start=start, end=end)
    assert before.key == "figures.date_before_placement"
    assert before.params["start"] == start
    (after,) = check_day(end + dt.timedelta(days=1), today=today, start=start, end=end)
    assert after.key == "figures.date_after_placement"
    assert not before.warning and not after.warning


def test_a_future_day_after_the_placement_gives_both_reasons() -> None:
    start, end = dt.date(2026, 9, 28), dt.date(2026, 10, 31)
    keys = {p.key for p in check_day(dt.date(2027, 1, 1), today=DAY, start=start, end=end)}
    assert keys == {"figures.date_future", "figures.date_after_placement"}


# -- areas per household ---------------------------------------------------------------


def test_area_up_to_the_bound_per_household_is_fine_beyond_it_is_refused() -> None:
    limit = RULES.max_area_per_household
    values = {"measured_households": 2.0, "measured_area": 2 * limit}
    assert check_areas(values, {"measured_area"}) == []
    values["measured_area"] = 2 * limit + 0.1
    (problem,) = check_areas(values, {"measured_area"})
    assert problem.key == "figures.area_per_household" and not problem.warning
    assert problem.metric_code == "measured_area"
    assert problem.params["bound"] == 2 * limit


def test_a_day_without_households_may_carry_one_households_area() -> None:
    limit = RULES.max_area_per_household
    assert check_areas({"demolished_area": limit}, {"demolished_area"}) == []
    (problem,) = check_areas({"demolished_area": limit + 0.1}, {"demolished_area"})
    assert problem.params["other"] == "demolished_households"


def test_lowering_the_households_is_blamed_on_the_households() -> None:
    values = {"measured_households": 1.0, "measured_area": 5000.0}
    (problem,) = check_areas(values, {"measured_households"})
    assert problem.metric_code == "measured_households"


def test_areas_not_touched_are_not_judged() -> None:
    values = {"measured_households": 0.0, "measured_area": 1e6}
    assert check_areas(values, {"signed_households"}) == []


def test_the_bound_is_configurable() -> None:
    tight = FigureRules(max_area_per_household=500)
    values = {"measured_households": 1.0, "measured_area": 501.0}
    assert check_areas(values, {"measured_area"}, tight)
    assert not check_areas(values, {"measured_area"})


# -- running totals (warnings) ----------------------------------------------------------


def test_signed_equal_to_measured_is_fine_one_more_warns() -> None:
    through = {"measured_households": 10.0, "signed_households": 10.0}
    assert check_cumulative(DAY, through, [], {"signed_households"}) == []
    through["signed_households"] = 11.0
    (problem,) = check_cumulative(DAY, through, [], {"signed_households"})
    assert problem.warning and problem.key == "figures.cumulative_order"
    assert problem.metric_code == "signed_households"
    assert problem.params["date"] == DAY.isoformat()


def test_demolished_beyond_signed_warns() -> None:
    through = {"measured_households": 20.0, "signed_households": 5.0}
    through["demolished_households"] = 6.0
    (problem,) = check_cumulative(DAY, through, [], {"demolished_households"})
    assert problem.warning and problem.params["other"] == "signed_households"


def test_a_lowered_figure_that_breaks_a_later_day_warns_on_that_day() -> None:
    through = {"measured_households": 5.0, "signed_households": 5.0}
    later = [
        (DAY + dt.timedelta(days=1), {"measured_households": 1.0}),
        (DAY + dt.timedelta(days=3), {"signed_households": 2.0}),
        (DAY + dt.timedelta(days=4), {"measured_households": 5.0}),
    ]
    (problem,) = check_cumulative(DAY, through, later, {"measured_households"})
    assert problem.params["date"] == (DAY + dt.timedelta(days=3)).isoformat()
    assert problem.metric_code == "measured_households"
    assert (problem.params["value"], problem.params["limit"]) == (7.0, 6.0)


def test_untouched_pairs_are_not_judged() -> None:
    through = {"measured_households": 0.0, "signed_households": 4.0}
    assert check_cumulative(DAY, through, [], {"measured_area"}) == []


def test_tenths_summed_in_floating_point_are_not_a_warning() -> None:
    pairs = (("demolished_area", "measured_area"),)
    rules = FigureRules(cumulative_order=pairs)
    through = {"measured_area": sum([0.1] * 10), "demolished_area": 1.0}
    assert check_cumulative(DAY, through, [], {"demolished_area"}, rules) == []


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5)),
        min_size=1,
        max_size=12,
    )
)
def test_the_warning_matches_a_brute_force_walk(days: list[tuple[int, int]]) -> None:
    """Running totals checked day by day agree with the rule's answer."""
    dates = [DAY + dt.timedelta(days=i) for i in range(len(days))]
    first = {"measured_households": float(days[0][0]), "signed_households": float(days[0][1])}
    later = [
        (d, {"measured_households": float(m), "signed_households": float(s)})
        for d, (m, s) in zip(dates[1:], days[1:], strict=True)
    ]
    measured = signed = 0
    broken = None
    for day, (m, s) in zip(dates, days, strict=True):
        measured, signed = measured + m, signed + s
        if signed > measured:
            broken = day
            break
    found = check_cumulative(DAY, first, later, {"signed_households"})
    if broken is None:
        assert found == []
    else:
        (problem,) = found
        assert problem.params["date"] == broken.isoformat()
