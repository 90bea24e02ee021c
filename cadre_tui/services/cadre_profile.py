"""Everything the screens show about one cadre: the record, where they are now,
which eligibility rules pass, and their history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cadre_tui.domain.eligibility import CadreFacts, EligibilityRules, RuleResult, judge
from cadre_tui.domain.model import Cadre
from cadre_tui.store import cadre_history, cadres, units
from cadre_tui.store.sqlite import sqlite3


@dataclass(frozen=True)
class CadreSummary:
    cadre: Cadre
    sending_unit: str
    current_group: str
    age: int
    rules: list[RuleResult]
    rules_config: EligibilityRules

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.rules if r.blocking)


@dataclass(frozen=True)
class CadreProfile:
    summary: CadreSummary
    secondments: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[int, dict[str, float]] = field(default_factory=dict)
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    """Figures corrected later: the ledger's entry and its correction side by side."""


def _facts(cadre: Cadre, history: list[dict[str, Any]], today: dt.date) -> CadreFacts:
    ended = [dt.date.fromisoformat(h["end_date"]) for h in history if h["end_date"]]
    return CadreFacts(
        category=cadre.category,
        status=cadre.status,
        age=cadre.age_on(today),
        in_active_placement=any(h["end_date"] is None for h in history),
        last_secondment_ended=max(ended) if ended else None,
        grassroots_experience=cadre.grassroots_experience,
    )


def _summary(
    conn: sqlite3.Connection,
    cadre_id: int,
    today: dt.date,
    rules: EligibilityRules,
    history: list[dict[str, Any]],
) -> CadreSummary:
    cadre = cadres.get_cadre(conn, cadre_id)
    active = [h for h in history if h["end_date"] is None]
    return CadreSummary(
        cadre=cadre,
        sending_unit=units.get_sending_unit(conn, cadre.sending_unit_id).name,
        current_group=active[0]["group_name"] if active else "",
        age=cadre.age_on(today),
        rules=judge(_facts(cadre, history, today), today, rules),
        rules_config=rules,
    )


def summary(
    conn: sqlite3.Connection,
    cadre_id: int,
    today: dt.date,
    rules: EligibilityRules | None = None,
) -> CadreSummary:
    """What the pool's detail panel shows for the highlighted cadre."""
    history = cadre_history.secondments(conn, cadre_id)
    return _summary(conn, cadre_id, today, rules or EligibilityRules(), history)


def profile(
    conn: sqlite3.Connection,
    cadre_id: int,
    today: dt.date,
    rules: EligibilityRules | None = None,
) -> CadreProfile:
    """The detail screen: the summary plus secondments, figures and recommendations."""
    history = cadre_history.secondments(conn, cadre_id)
    return CadreProfile(
        summary=_summary(conn, cadre_id, today, rules or EligibilityRules(), history),
        secondments=history,
        figures=cadre_history.figure_totals(conn, cadre_id),
        recommendations=cadre_history.recommendations(conn, cadre_id),
        corrections=cadre_history.corrections(conn, cadre_id),
    )
