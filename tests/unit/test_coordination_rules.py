"""Issue 10's date rules on plain values: when a logistics item is overdue, the board's
order, an item's age, the training flag (more than 14 days placed, no training since
the placement started) and the mentor flag, at their boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from cadre_tui.domain.coordination import (
    MEETING_KINDS,
    LogisticsCategory,
    LogisticsItem,
    LogisticsState,
    MeetingKind,
    TrainingKind,
    board_order,
    count_by_month,
    days_overdue,
    days_without_training,
    is_overdue,
    item_age,
    item_problem,
    months_between,
    needs_mentor,
    needs_training,
    resolved_late,
)

TODAY = dt.date(2026, 11, 27)
OPEN, BUSY = LogisticsState.OPEN, LogisticsState.IN_PROGRESS
DONE, DROPPED = LogisticsState.RESOLVED, LogisticsState.WONT_FIX


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def item(
    item_id: int,
    state: LogisticsState,
    raised: int,
    due: int | None = None,
    resolved: int | None = None,
) -> LogisticsItem:
    """An item raised ``raised`` days ago, due ``due`` days ago (negative: ahead)."""
    return LogisticsItem(
        id=item_id,
        group_id=1,
        category=LogisticsCategory.VEHICLE,
        description="下村用车不足",
        raised_by="王磊",
        raised_on=ago(raised),
        owner="牛塘镇党政办",
        due_on=None if due is None else ago(due),
        state=state,
        resolution="已协调" if resolved is not None else "",
        resolved_on=None if resolved is None else ago(resolved),
    )


# -- overdue ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "due", "expected"),
    [
        (OPEN, ago(1), True),  # due yesterday
        (BUSY, ago(1), True),
        (OPEN, TODAY, False),  # due today: not yet
        (BUSY, TODAY, False),
        (OPEN, ago(-1), False),  # due tomorrow
        (OPEN, None, False),  # no due date is never overdue
        (DONE, ago(30), False),
        (DROPPED, ago(30), False),
    ],
)
def test_overdue_is_open_or_in_progress_after_the_due_day(
    state: LogisticsState, due: dt.date | None, expected: bool
) -> None:
    assert is_overdue(state, due, TODAY) is expected
    assert days_overdue(state, due, TODAY) == ((TODAY - due).days if expected else 0)


def test_an_item_resolved_late_is_late_but_not_overdue() -> None:
    late = item(1, DONE, raised=20, due=10, resolved=5)
    assert not late.is_overdue(TODAY)
    assert resolved_late(late.due_on, late.resolved_on)
    assert not resolved_late(ago(5), ago(5))  # on the due day is in time
    assert not resolved_late(None, ago(5))


def test_age_counts_to_today_or_to_the_day_it_was_settled() -> None:
    assert item_age(ago(10), TODAY) == 10
    assert item_age(TODAY, TODAY) == 0
    assert item(1, DONE, raised=20, resolved=17).age_days(TODAY) == 3
    assert item_age(ago(2), TODAY, resolved_on=ago(-5)) == 2  # never beyond today


# -- the board's order -----------------------------------------------------------------


def test_the_board_puts_overdue_first_then_open_by_age_then_settled_newest_first() -> None:
    items = [
        item(1, DONE, raised=40, due=30, resolved=20),
        item(2, OPEN, raised=5, due=-10),
        item(3, BUSY, raised=30, due=2),  # overdue 2 days
        item(4, OPEN, raised=12),  # no due date: open by age
        item(5, OPEN, raised=8, due=9),  # overdue 9 days: first
        item(6, DROPPED, raised=15, resolved=3),
        item(7, BUSY, raised=20, due=0),  # due today: open, by age
        item(8, OPEN, raised=3, due=1),  # overdue 1 day
    ]
    ordered = [i.id for i in board_order(items, TODAY)]
    assert ordered == [5, 3, 8, 7, 4, 2, 6, 1]


def test_the_board_order_reaches_the_item_inside_a_row() -> None:
    rows = [("b", item(2, OPEN, raised=1)), ("a", item(1, OPEN, raised=9, due=3))]
    assert [name for name, _ in board_order(rows, TODAY, item=lambda row: row[1])] == ["a", "b"]


# -- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"description": "  "}, "description_required"),
        ({"due_on": ago(11)}, "due_before_raised"),
        ({"state": DONE, "resolved_on": ago(1)}, "resolution_required"),
        ({"state": DROPPED, "resolution": "不属于协调范围"}, "resolved_on_required"),
        ({"state": DONE, "resolution": "已落实", "resolved_on": ago(11)}, "resolved_before_raised"),
        ({"state": BUSY, "resolved_on": ago(1)}, "open_with_resolved_on"),
    ],
)
def test_item_values_that_cannot_be(values: dict, key: str) -> None:
    base = {"description": "食堂晚餐不供应", "raised_on": ago(10), "due_on": None}
    assert item_problem(**{**base, **values}) == f"store.logistics.{key}"


def test_sound_items_have_no_problem() -> None:
    assert item_problem(description="宿舍漏水", raised_on=TODAY, due_on=TODAY) is None
    assert (
        item_problem(
            description="宿舍漏水",
            raised_on=ago(3),
            due_on=ago(1),
            state=DONE,
            resolution="已维修",
            resolved_on=ago(3),  # settled the day it was raised
        )
        is None
    )


# -- training --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("placed", "trained", "ended", "expected"),
    [
        (14, [], None, False),  # exactly 14 days: not yet
        (15, [], None, True),  # more than 14
        (60, [], None, True),
        (15, [15], None, False),  # trained on the first day counts
        (15, [0], None, False),  # trained today counts
        (15, [16], None, True),  # before this placement (an earlier secondment)
        (15, [-3], None, True),  # a session in the future has not been attended
        (40, [], 1, False),  # ended yesterday: history
        (40, [], 0, True),  # ends today: still placed today
        (-2, [], None, False),  # starts in two days
    ],
)
def test_a_cadre_is_flagged_after_more_than_14_days_without_training(
    placed: int, trained: list[int], ended: int | None, expected: bool
) -> None:
    days = [ago(n) for n in trained]
    ended_on = None if ended is None else ago(ended)
    assert needs_training(ago(placed), TODAY, days, ended_on=ended_on) is expected


def test_the_training_window_is_a_parameter() -> None:
    assert needs_training(ago(8), TODAY, [], days=7)
    assert not needs_training(ago(7), TODAY, [], days=7)
    assert not needs_training(ago(20), TODAY, [], days=30)


def test_days_without_training_count_from_the_last_session_or_the_start() -> None:
    assert days_without_training(ago(30), TODAY, []) == 30
    assert days_without_training(ago(30), TODAY, [ago(25), ago(12), ago(40)]) == 12
    assert days_without_training(ago(30), TODAY, [ago(40)]) == 30


def test_an_active_member_without_a_mentor_is_flagged() -> None:
    assert needs_mentor(None, has_mentor=False)
    assert not needs_mentor(None, has_mentor=True)
    assert not needs_mentor(ago(3), has_mentor=False)


# -- months and words ------------------------------------------------------------------


def test_months_run_across_the_year_end_with_zeros_between() -> None:
    assert months_between(dt.date(2025, 11, 30), dt.date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    days = [dt.date(2026, 9, 30), dt.date(2026, 11, 2), dt.date(2026, 11, 20)]
    assert count_by_month(days) == [("2026-09", 1), ("2026-10", 0), ("2026-11", 2)]
    assert count_by_month([], dt.date(2026, 9, 1), dt.date(2026, 10, 1)) == [
        ("2026-09", 0),
        ("2026-10", 0),
    ]
    assert count_by_month([]) == []


def test_kinds_have_labels_in_both_languages() -> None:
    assert TrainingKind.POLICY_TRAINING.label("zh") == "政策培训"
    assert TrainingKind.SITE_VISIT.label("zh") == "现场观摩"
    assert TrainingKind.SITE_VISIT.label("en") == "Site visit"
    assert MeetingKind.TRAINING not in MEETING_KINDS
    for kind in MEETING_KINDS:
        assert kind.label("zh") != f"enum.MeetingKind.{kind.value}"
