"""Who may be dispatched: the seed's rules with their defaults, in one place.

The pool's "eligible only" filter, the recommendation round and batch
formation all judge cadres here (the store turns the same values into SQL).
Each failed rule carries a reason key the user is shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
    max_age: int = 35
    cooling_off_years: int = 2
    """No second secondment within this many years of the last one ending."""
    allow_leaders: bool = False
    """Serving leaders and middle-level cadres only when a batch allows them."""

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


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    reason_key: str
    blocking: bool = True


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
