"""Who may be dispatched: the seed's rules with their defaults, in one place.

The pool's "eligible only" filter, the recommendation round and batch
formation all judge cadres here (the store turns the same values into SQL).
Each failed rule carries a reason key the user is shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from cadre_tui.domain.enums import CadreCategory, CadreStatus

YOUNG_CATEGORIES = frozenset(
    {
        CadreCategory.NEW_CIVIL_SERVANT,
        CadreCategory.RESERVE_CADRE,
        CadreCategory.OTHER_YOUNG_CADRE,
    }
)
"""新录用公务员, 后备干部, 其他年轻干部: the seed's categories for dispatch."""


@dataclass(frozen=True)
class EligibilityRules:
    """The rules' values: the seed's defaults, replaceable per round, batch or config."""

    max_age: int = 35
    """Oldest age (whole years, on the day of judgement) still eligible."""
    cooling_off_years: int = 2
    """No second secondment within this many years of the last one ending."""
    allow_leaders: bool = False
    """Serving leaders and middle-level cadres only when a batch allows them."""

    def __post_init__(self) -> None:
        if self.max_age <= 0 or self.cooling_off_years < 0:
            raise ValueError(f"impossible eligibility values: {self}")

    def for_batch(self, allow_leaders: bool) -> EligibilityRules:
        """The same rules for a batch that does (or does not) take leaders."""
        return (
            self
            if allow_leaders == self.allow_leaders
            else replace(self, allow_leaders=allow_leaders)
        )

    def reason_params(self) -> dict[str, int]:
        """What the reason texts need to say which value was crossed."""
        return {"max_age": self.max_age, "years": self.cooling_off_years}

    def categories(self) -> frozenset[CadreCategory]:
        if self.allow_leaders:
            return frozenset(CadreCategory)
        return YOUNG_CATEGORIES

    def cooling_off_since(self, on: dt.date) -> dt.date:
        try:
            return on.replace(year=on.year - self.cooling_off_years)
        except ValueError:
            return on.replace(year=on.year - self.cooling_off_years, day=28)


@dataclass(frozen=True)
class CadreFacts:
    """What the rules need to know of one cadre on the day of judgement."""

    category: CadreCategory
    status: CadreStatus
    age: int
    in_active_placement: bool
    last_secondment_ended: dt.date | None
    grassroots_experience: str = ""


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``: 35 until the day before the 36th birthday."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    reason_key: str
    blocking: bool = True

    def reason(self, rules: EligibilityRules, lang: str | None = None) -> str:
        """The rule's text as the user reads it (catalog ``eligibility.*``)."""
        from cadre_tui.i18n import t

        return t(self.reason_key, lang=lang, **rules.reason_params())


def judge(facts: CadreFacts, on: dt.date, rules: EligibilityRules) -> list[RuleResult]:
    """Every rule's verdict, so a cadre's detail can show which pass and which fail."""
    recent = (
        facts.last_secondment_ended is not None
        and facts.last_secondment_ended > rules.cooling_off_since(on)
    )
    return [
        RuleResult("category", facts.category in rules.categories(), "eligibility.category"),
        RuleResult("age", facts.age <= rules.max_age, "eligibility.age"),
        RuleResult("archived", facts.status is not CadreStatus.ARCHIVED, "eligibility.archived"),
        RuleResult("placed", not facts.in_active_placement, "eligibility.placed"),
        RuleResult("recent", not recent, "eligibility.recent"),
        RuleResult(
            "grassroots",
            not facts.grassroots_experience.strip(),
            "eligibility.grassroots",
            blocking=False,
        ),
    ]


def is_eligible(facts: CadreFacts, on: dt.date, rules: EligibilityRules) -> bool:
    return all(r.passed for r in judge(facts, on, rules) if r.blocking)


def blocking_failures(results: list[RuleResult]) -> list[RuleResult]:
    """The failed rules that stop a dispatch (warnings left out)."""
    return [r for r in results if r.blocking and not r.passed]
