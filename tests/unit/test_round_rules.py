"""The eligibility rules on their boundaries (ages and dates) with the reason each
shows, and the round's quota states, deadlines and quota parsing."""

from __future__ import annotations

import datetime as dt

import pytest

from cadre_tui import i18n
from cadre_tui.domain.eligibility import (
    CadreFacts,
    EligibilityRules,
    age_on,
    blocking_failures,
    is_eligible,
    judge,
)
from cadre_tui.domain.enums import CadreCategory, CadreStatus
from cadre_tui.domain.round import (
    DEFAULT_QUOTA,
    PROBLEM_ORDER,
    Quota,
    UnitState,
    days_to_deadline,
    default_deadline,
    effective_quota,
    meeting_window,
    parse_quota,
    unit_state,
)

ROUND_DATE = dt.date(2026, 12, 31)
RULES = EligibilityRules()


def facts(**changes: object) -> CadreFacts:
    values: dict[str, object] = {
        "category": CadreCategory.NEW_CIVIL_SERVANT,
        "status": CadreStatus.AVAILABLE,
        "age": 28,
        "in_active_placement": False,
        "last_secondment_ended": None,
        "grassroots_experience": "",
    }
    values.update(changes)
    return CadreFacts(**values)  # type: ignore[arg-type]


def verdict(rule: str, value: CadreFacts, rules: EligibilityRules = RULES) -> bool:
    (result,) = [r for r in judge(value, ROUND_DATE, rules) if r.rule == rule]
    return result.passed


def reason(rule: str, rules: EligibilityRules = RULES, lang: str = "en") -> str:
    (result,) = [r for r in judge(facts(), ROUND_DATE, rules) if r.rule == rule]
    return result.reason(rules, lang=lang)


# --- age on the round's date ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "age", "eligible"),
    [
        (dt.date(1991, 12, 31), 35, True),  # 35th birthday on the round's date
        (dt.date(1991, 1, 1), 35, True),  # 36th birthday the day after the round's date
        (dt.date(1990, 12, 31), 36, False),  # 36th birthday on the round's date
        (dt.date(1990, 12, 30), 36, False),  # 36th birthday the day before
        (dt.date(1992, 1, 1), 34, True),
    ],
)
def test_age_boundary_on_the_round_date(birth: dt.date, age: int, eligible: bool) -> None:
    assert age_on(birth, ROUND_DATE) == age
    value = facts(age=age_on(birth, ROUND_DATE))
    assert verdict("age", value) is eligible
    assert is_eligible(value, ROUND_DATE, RULES) is eligible


def test_age_on_a_leap_day_birthday() -> None:
    born = dt.date(1992, 2, 29)
    assert age_on(born, dt.date(2027, 2, 28)) == 34
    assert age_on(born, dt.date(2027, 3, 1)) == 35
    assert age_on(born, dt.date(2028, 2, 29)) == 36


def test_age_limit_is_configurable_and_named_in_the_reason() -> None:
    older = EligibilityRules(max_age=40)
    assert verdict("age", facts(age=40), older)
    assert not verdict("age", facts(age=41), older)
    assert "40" in reason("age", older)
    assert "35" in reason("age")
    assert "35" in reason("age", lang="zh") and "岁" in reason("age", lang="zh")


# --- category -------------------------------------------------------------------------------


@pytest.mark.parametrize("category", list(CadreCategory))
def test_category_rule_and_the_batch_that_allows_leaders(category: CadreCategory) -> None:
    young = category in {
        CadreCategory.NEW_CIVIL_SERVANT,
        CadreCategory.RESERVE_CADRE,
        CadreCategory.OTHER_YOUNG_CADRE,
    }
    assert verdict("category", facts(category=category)) is young
    assert verdict("category", facts(category=category), RULES.for_batch(True))


def test_category_reason_text() -> None:
    assert "batch" in reason("category")
    assert "批次" in reason("category", lang="zh")
    assert RULES.for_batch(False) is RULES


# --- archived, placed ------------------------------------------------------------------------


def test_archived_and_placed_cadres_are_refused_with_their_reasons() -> None:
    assert not verdict("archived", facts(status=CadreStatus.ARCHIVED))
    assert verdict("archived", facts(status=CadreStatus.RECOMMENDED))
    assert not verdict("placed", facts(in_active_placement=True))
    assert reason("archived", lang="zh") == "已归档"
    assert "working group" in reason("placed")


# --- cooling-off after a secondment ----------------------------------------------------------


@pytest.mark.parametrize(
    ("ended", "eligible"),
    [
        (dt.date(2024, 12, 31), True),  # exactly two years before the round's date
        (dt.date(2025, 1, 1), False),  # one day inside the two years
        (dt.date(2024, 12, 30), True),
        (dt.date(2026, 11, 7), False),
        (None, True),
    ],
)
def test_cooling_off_boundary(ended: dt.date | None, eligible: bool) -> None:
    assert verdict("recent", facts(last_secondment_ended=ended)) is eligible


def test_cooling_off_years_are_configurable_and_named_in_the_reason() -> None:
    three = EligibilityRules(cooling_off_years=3)
    assert not verdict("recent", facts(last_secondment_ended=dt.date(2024, 12, 31)), three)
    assert verdict("recent", facts(last_secondment_ended=dt.date(2023, 12, 31)), three)
    assert "3 years" in reason("recent", three)
    assert "2" in reason("recent", lang="zh")


def test_cooling_off_from_a_leap_day() -> None:
    assert RULES.cooling_off_since(dt.date(2028, 2, 29)) == dt.date(2026, 2, 28)


# --- grassroots experience: a warning --------------------------------------------------------


def test_grassroots_experience_warns_but_does_not_block() -> None:
    value = facts(grassroots_experience="曾任大学生村官两年")
    results = judge(value, ROUND_DATE, RULES)
    (grassroots,) = [r for r in results if r.rule == "grassroots"]
    assert not grassroots.passed and not grassroots.blocking
    assert is_eligible(value, ROUND_DATE, RULES)
    assert blocking_failures(results) == []
    assert "warning" in grassroots.reason(RULES)


def test_every_rule_has_a_reason_in_both_languages() -> None:
    for result in judge(facts(), ROUND_DATE, RULES):
        for lang in i18n.LANGUAGES:
            text = result.reason(RULES, lang=lang)
            assert text and text != result.reason_key and "{" not in text


def test_impossible_rule_values_are_refused() -> None:
    with pytest.raises(ValueError):
        EligibilityRules(max_age=0)
    with pytest.raises(ValueError):
        EligibilityRules(cooling_off_years=-1)


# --- quota states ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nominees", "quota", "undecided", "state"),
    [
        (0, Quota(1, 2), 0, UnitState.NOT_SUBMITTED),
        (1, Quota(2, 3), 0, UnitState.UNDER_QUOTA),
        (1, Quota(1, 2), 0, UnitState.SUBMITTED),
        (2, Quota(1, 2), 0, UnitState.SUBMITTED),
        (3, Quota(1, 2), 0, UnitState.OVER_QUOTA),
        (2, Quota(1, 2), 1, UnitState.INELIGIBLE_NOMINEE),
        (3, Quota(1, 2), 1, UnitState.INELIGIBLE_NOMINEE),
        (0, Quota(0, 2), 0, UnitState.NOT_SUBMITTED),
    ],
)
def test_unit_states(nominees: int, quota: Quota, undecided: int, state: UnitState) -> None:
    assert unit_state(nominees, quota, undecided) is state


def test_problems_come_first_and_every_state_has_words() -> None:
    assert PROBLEM_ORDER[-1] is UnitState.SUBMITTED
    assert PROBLEM_ORDER[0] is UnitState.INELIGIBLE_NOMINEE
    assert [s for s in UnitState if not s.is_problem] == [UnitState.SUBMITTED]
    for state in UnitState:
        assert state.label("zh") != state.label("en")
        assert state.label("zh") != f"round.state.{state.value}"


def test_quota_values() -> None:
    assert Quota(1, 2) == DEFAULT_QUOTA
    assert str(Quota(1, 2)) == "1–2" and str(Quota(2, 2)) == "2"
    with pytest.raises(ValueError):
        Quota(3, 1)
    assert effective_quota(DEFAULT_QUOTA, None, None) is DEFAULT_QUOTA
    assert effective_quota(DEFAULT_QUOTA, 2, 3) == Quota(2, 3)
    assert effective_quota(DEFAULT_QUOTA, None, 3) == Quota(1, 3)


@pytest.mark.parametrize(
    ("text", "quota"),
    [("1-2", Quota(1, 2)), ("2–3", Quota(2, 3)), (" 1 — 2 ", Quota(1, 2)), ("2", Quota(2, 2))],
)
def test_parse_quota(text: str, quota: Quota) -> None:
    assert parse_quota(text) == quota


@pytest.mark.parametrize("text", ["a", "3-1", "1-", "-2", "1-2-3"])
def test_parse_quota_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_quota(text)


def test_empty_quota_means_the_rounds() -> None:
    assert parse_quota("  ") is None


def test_deadline_and_days_left() -> None:
    assert default_deadline(2026) == ROUND_DATE
    assert days_to_deadline(ROUND_DATE, dt.date(2026, 11, 27)) == 34
    assert days_to_deadline(ROUND_DATE, ROUND_DATE) == 0
    assert days_to_deadline(ROUND_DATE, dt.date(2027, 1, 3)) == -3
    assert meeting_window(2026, ROUND_DATE) == (dt.date(2026, 1, 1), ROUND_DATE)
    assert meeting_window(2026, dt.date(2027, 1, 10))[1] == dt.date(2027, 1, 10)
