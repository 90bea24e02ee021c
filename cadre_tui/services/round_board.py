"""The round board: every sending unit with its nominees, meeting date and state,
problems first, so a coordinator sees at once whom to chase and what to decide.

Read by the board screen, ``cadre-tui round`` and the benchmarks. Two queries
(units with their part in the round; nominations with their cadres' facts),
each fetched in one step, and one pass of the eligibility rules over the
nominees (once per distinct case).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

from cadre_tui.domain.eligibility import EligibilityRules, RuleResult, blocking_failures
from cadre_tui.domain.enums import CadreCategory, RecommendationState
from cadre_tui.domain.identity import mask_phone
from cadre_tui.domain.round import (
    Quota,
    RecommendationRound,
    UnitState,
    days_to_deadline,
    effective_quota,
    state_rank,
    unit_state,
)
from cadre_tui.i18n import t
from cadre_tui.store import recommendations as store
from cadre_tui.store.round_nominees import CATEGORIES, NomineeRow
from cadre_tui.store.rounds import UnitPart
from cadre_tui.store.sqlite import sqlite3


class NomineeLine(NamedTuple):
    """One nomination as the board shows it, judged on the round's date.

    A named tuple, not a dataclass: the board makes thousands of these per read.
    """

    recommendation_id: int
    cadre_id: int
    name: str
    age: int
    category: CadreCategory
    state: RecommendationState
    rules: tuple[RuleResult, ...]
    eligible: bool
    note: str = ""
    exception_reason: str = ""

    @property
    def failures(self) -> list[RuleResult]:
        return blocking_failures(list(self.rules))

    @property
    def stands(self) -> bool:
        return self.state is not RecommendationState.RETURNED

    @property
    def needs_decision(self) -> bool:
        """Ineligible and not yet approved: the unit shows "has ineligible nominee"."""
        return not self.eligible and self.state is RecommendationState.NOMINATED


class UnitLine(NamedTuple):
    """A sending unit's line on the board."""

    unit_id: int
    code: str
    name: str
    leader_in_charge: str
    leader_phone: str
    quota: Quota
    own_quota: bool
    meeting_date: dt.date | None
    submitted_on: dt.date | None
    nominees: tuple[NomineeLine, ...]
    state: UnitState

    @property
    def standing(self) -> int:
        return sum(1 for n in self.nominees if n.stands)

    @property
    def approved(self) -> int:
        return sum(1 for n in self.nominees if n.state is RecommendationState.APPROVED)


@dataclass(frozen=True)
class RoundBoard:
    """A round as of ``today``: every unit's line, worst first, judged by ``rules``."""

    round: RecommendationRound
    today: dt.date
    rules: EligibilityRules
    units: list[UnitLine]

    @property
    def days_left(self) -> int:
        return days_to_deadline(self.round.deadline, self.today)

    def counts(self) -> dict[UnitState, int]:
        found = Counter(u.state for u in self.units)
        return {state: found.get(state, 0) for state in UnitState}

    def late(self) -> list[UnitLine]:
        """Units that have not submitted: the weekly reminder's list."""
        return [u for u in self.units if u.state is UnitState.NOT_SUBMITTED]


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


_STATES = {s.value: s for s in RecommendationState}


def _nominee_line(row: NomineeRow, on: dt.date, rules: EligibilityRules) -> NomineeLine:
    age, results, eligible = row.verdict(on, rules)
    return NomineeLine(
        row.id,
        row.cadre_id,
        row.name,
        age,
        CATEGORIES[row.category],
        _STATES[row.state],
        results,
        eligible,
        row.note,
        row.exception_reason,
    )


def _unit_line(
    part: UnitPart, round_: RecommendationRound, nominees: list[NomineeLine]
) -> UnitLine:
    own = part.quota_min is not None or part.quota_max is not None
    quota = effective_quota(round_.quota, part.quota_min, part.quota_max) if own else round_.quota
    if nominees:
        standing = sum(1 for n in nominees if n.stands)
        state = unit_state(standing, quota, sum(1 for n in nominees if n.needs_decision))
    else:
        state = unit_state(0, quota)
    return UnitLine(
        part.id,
        part.code,
        part.name,
        part.leader_in_charge,
        part.leader_phone,
        quota,
        own,
        _day(part.meeting_date),
        _day(part.submitted_on),
        tuple(nominees),
        state,
    )


def current_round(conn: sqlite3.Connection, today: dt.date) -> RecommendationRound | None:
    """This year's round, else the latest one there is."""
    found = store.get_round(conn, today.year)
    if found is not None:
        return found
    rounds = store.list_rounds(conn)
    return rounds[0] if rounds else None


def board(
    conn: sqlite3.Connection,
    round_: RecommendationRound,
    *,
    today: dt.date,
    rules: EligibilityRules | None = None,
) -> RoundBoard:
    """Every sending unit in the round, problems first (then by unit code)."""
    rules = rules or EligibilityRules()
    on = round_.judged_on
    by_unit: dict[int, list[NomineeLine]] = {}
    for row in store.nominee_rows(conn, round_.id):
        by_unit.setdefault(row.sending_unit_id, []).append(_nominee_line(row, on, rules))
    units = [
        _unit_line(part, round_, by_unit.get(part.id, []))
        for part in store.unit_parts(conn, round_.id)
    ]
    units.sort(key=lambda u: state_rank(u.state))
    return RoundBoard(round_, today, rules, units)


class _Kept(NamedTuple):
    key: tuple[Any, ...]
    board: RoundBoard


_kept: _Kept | None = None
_kept_lock = threading.Lock()


def kept_board(
    conn: sqlite3.Connection,
    round_: RecommendationRound,
    *,
    today: dt.date,
    rules: EligibilityRules,
    version: int,
    source: str,
    fresh: bool = False,
) -> RoundBoard:
    """The board of ``round_`` in database ``source`` as of ``version`` (the last
    audit row), read once per version: the app reads it ahead after start-up, so
    the first F4 shows 2,000 units at once instead of judging every nominee then.
    ``fresh`` reads it again whatever is kept (the board's own refresh key)."""
    global _kept
    key = (source, round_.id, version, today, rules)
    with _kept_lock:
        kept = _kept
    if kept is not None and kept.key == key and not fresh:
        return kept.board
    value = board(conn, round_, today=today, rules=rules)
    with _kept_lock:
        _kept = _Kept(key, value)
    return value


def forget_kept_board() -> None:
    """Drop the board kept by :func:`kept_board` (the benchmark's cold open)."""
    global _kept
    with _kept_lock:
        _kept = None


def read_board_ahead(
    conn: sqlite3.Connection, *, today: dt.date, rules: EligibilityRules, source: str
) -> None:
    """This year's board (or the latest round's), kept for the screen to show."""
    found = current_round(conn, today)
    if found is not None:
        version = store.data_version(conn)
        kept_board(conn, found, today=today, rules=rules, version=version, source=source)


def unit_line(
    conn: sqlite3.Connection,
    round_: RecommendationRound,
    unit_id: int,
    rules: EligibilityRules | None = None,
) -> UnitLine:
    """One unit's line, read afresh after a change (the unit screen)."""
    rules = rules or EligibilityRules()
    on = round_.judged_on
    lines = [_nominee_line(n, on, rules) for n in store.nominee_rows(conn, round_.id, unit_id)]
    return _unit_line(store.unit_part(conn, round_.id, unit_id), round_, lines)


# -- words (the CLI and the screens say the same) -----------------------------------------


def deadline_text(value: RoundBoard) -> str:
    """The year, the deadline and "34 days left" / "due today" / "3 days overdue"."""
    days = value.days_left
    if days > 0:
        left = t("round.days_left", days=days)
    elif days == 0:
        left = t("round.due_today")
    else:
        left = t("round.overdue", days=-days)
    return t(
        "round.header",
        year=value.round.year,
        deadline=value.round.deadline.isoformat(),
        left=left,
    )


def counts_text(value: RoundBoard) -> str:
    """How many units stand where, problems first, zero counts left out."""
    parts = [
        t("round.count_part", state=state.label(), count=count)
        for state, count in value.counts().items()
        if count
    ]
    return t("round.counts", units=len(value.units), parts=t("round.separator").join(parts))


def nominee_text(line: NomineeLine, short: bool = False) -> str:
    """A nominee's name with a mark for what is not plain (never a colour alone)."""
    style = "short" if short else "mark"
    if line.state is RecommendationState.RETURNED:
        return t(f"round.{style}.returned", name=line.name)
    if not line.eligible:
        return t(f"round.{style}.ineligible", name=line.name)
    if line.state is RecommendationState.APPROVED:
        return t(f"round.{style}.approved", name=line.name)
    return line.name


def nominees_text(unit: UnitLine, short: bool = False) -> str:
    return t("round.list_separator").join(nominee_text(n, short) for n in unit.nominees)


# -- JSON ------------------------------------------------------------------------------


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def nominee_json(line: NomineeLine, rules: EligibilityRules) -> dict[str, Any]:
    return {
        "cadre_id": line.cadre_id,
        "name": line.name,
        "age": line.age,
        "category": line.category.value,
        "state": line.state.value,
        "eligible": line.eligible,
        "failed_rules": [r.rule for r in line.failures],
        "reasons": [r.reason(rules) for r in line.failures],
        "warnings": [r.rule for r in line.rules if not r.passed and not r.blocking],
        "exception_reason": line.exception_reason,
        "note": line.note,
    }


def unit_json(unit: UnitLine, rules: EligibilityRules) -> dict[str, Any]:
    """A unit for JSON output; the leader's phone stays masked."""
    return {
        "code": unit.code,
        "name": unit.name,
        "state": unit.state.value,
        "quota": {"min": unit.quota.low, "max": unit.quota.high, "own": unit.own_quota},
        "standing": unit.standing,
        "approved": unit.approved,
        "meeting_date": _iso(unit.meeting_date),
        "submitted_on": _iso(unit.submitted_on),
        "leader_in_charge": unit.leader_in_charge,
        "leader_phone": mask_phone(unit.leader_phone) if unit.leader_phone else "",
        "nominees": [nominee_json(n, rules) for n in unit.nominees],
    }


def board_json(value: RoundBoard, *, late_only: bool = False) -> dict[str, Any]:
    units = value.late() if late_only else value.units
    return {
        "year": value.round.year,
        "deadline": value.round.deadline.isoformat(),
        "today": value.today.isoformat(),
        "days_to_deadline": value.days_left,
        "quota": {"min": value.round.quota.low, "max": value.round.quota.high},
        "rules": {
            "max_age": value.rules.max_age,
            "cooling_off_years": value.rules.cooling_off_years,
            "judged_on": value.round.judged_on.isoformat(),
        },
        "counts": {state.value: count for state, count in value.counts().items()},
        "units": [unit_json(u, value.rules) for u in units],
    }
