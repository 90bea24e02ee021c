"""The December recommendation round (党委(党组)会议推荐) as pure rules: deadlines,
quotas, and the state of each sending unit, so the store, the board, the CLI
and the demo all agree on what "late" or "over quota" means.

Eligibility in a round is judged on the round's deadline, not on the day a
coordinator happens to look: the committee recommends for next year's
dispatch, so a cadre who turns 36 on 30 December is already too old in a
round due on 31 December, and the board does not change colour overnight.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from cadre_tui.domain.enums import RecommendationState

DEFAULT_DEADLINE = (12, 31)
"""Month and day: "每年12月底前" — before the end of each December."""


def default_deadline(year: int) -> dt.date:
    return dt.date(year, *DEFAULT_DEADLINE)


@dataclass(frozen=True)
class Quota:
    """How many cadres a sending unit recommends: "一般推荐1—2名"."""

    low: int = 1
    high: int = 2

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high:
            raise ValueError(f"impossible quota {self.low}–{self.high}")

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


DEFAULT_QUOTA = Quota(1, 2)


def effective_quota(round_quota: Quota, low: int | None, high: int | None) -> Quota:
    """A unit's own quota where it has one, else the round's (either bound alone may differ)."""
    if low is None and high is None:
        return round_quota
    return Quota(
        round_quota.low if low is None else low,
        round_quota.high if high is None else high,
    )


class UnitState(StrEnum):
    """Where a sending unit stands in the round; labels are ``round.state.<code>``."""

    INELIGIBLE_NOMINEE = "ineligible_nominee"
    OVER_QUOTA = "over_quota"
    NOT_SUBMITTED = "not_submitted"
    UNDER_QUOTA = "under_quota"
    SUBMITTED = "submitted"

    def label(self, lang: str | None = None) -> str:
        from cadre_tui.i18n import t

        return t(f"round.state.{self.value}", lang=lang)

    @property
    def is_problem(self) -> bool:
        return self is not UnitState.SUBMITTED


PROBLEM_ORDER: tuple[UnitState, ...] = tuple(UnitState)
"""Board order, worst first: a nominee who may not go needs a decision, too many
nominees need one too, then the late units to chase, then the short ones."""


def unit_state(nominees: int, quota: Quota, undecided_ineligible: int = 0) -> UnitState:
    """The state of a unit with ``nominees`` standing nominations (returned ones
    excluded), ``undecided_ineligible`` of them failing a rule and not yet approved."""
    if undecided_ineligible:
        return UnitState.INELIGIBLE_NOMINEE
    if nominees == 0:
        return UnitState.NOT_SUBMITTED
    if nominees > quota.high:
        return UnitState.OVER_QUOTA
    if nominees < quota.low:
        return UnitState.UNDER_QUOTA
    return UnitState.SUBMITTED


def state_rank(state: UnitState) -> int:
    return PROBLEM_ORDER.index(state)


def counts_toward_quota(state: RecommendationState) -> bool:
    """A returned nomination no longer stands; nominated and approved ones do."""
    return state is not RecommendationState.RETURNED


def days_to_deadline(deadline: dt.date, today: dt.date) -> int:
    """Days left (0 on the day itself, negative once past)."""
    return (deadline - today).days


def meeting_window(year: int, deadline: dt.date) -> tuple[dt.date, dt.date]:
    """When a party committee meeting for ``year``'s round can have been held."""
    return dt.date(year, 1, 1), max(deadline, dt.date(year, 12, 31))


@dataclass(frozen=True)
class RecommendationRound:
    """One year's round: its deadline and the default quota of every unit."""

    id: int
    year: int
    deadline: dt.date
    quota: Quota = DEFAULT_QUOTA

    @property
    def judged_on(self) -> dt.date:
        """The day eligibility is judged on: the deadline (see the module's docstring)."""
        return self.deadline


@dataclass(frozen=True)
class Recommendation:
    """One cadre recommended by their sending unit in a round."""

    id: int
    round_id: int
    sending_unit_id: int
    cadre_id: int
    state: RecommendationState
    created_at: str
    meeting_date: dt.date | None = None
    note: str = ""
    exception_reason: str = ""

    @property
    def stands(self) -> bool:
        return counts_toward_quota(self.state)


def parse_quota(text: str) -> Quota | None:
    """ "1-2", "1–2", "1—2" or "2" as typed; empty means "the round's quota"."""
    value = "".join(text.split()).replace("—", "-").replace("–", "-").replace("~", "-")
    if not value:
        return None
    low, dash, high = value.partition("-")
    if not low.isdigit() or (dash and not high.isdigit()):
        raise ValueError(f"not a quota: {text!r}")
    return Quota(int(low), int(high or low))
