"""The coordination screen (F6) driven by keys at 80x24: the logistics board puts
overdue items first with a mark and words, an item is raised and settled through
its forms, a member without a mentor gets one, and the dashboard counts what is
overdue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import DataTable

from cadre_tui import i18n
from cadre_tui.domain.coordination import LogisticsCategory, LogisticsState
from cadre_tui.i18n import t
from cadre_tui.store import audit, batches, logistics, placements, training, working_groups
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.screens import coordination
from cadre_tui.ui.screens.coordination import CoordinationScreen

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coordination, "today", lambda: TODAY)


async def settle(app: CadreApp, pilot) -> None:  # noqa: ANN001
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def with_conn(path: Path, call):  # noqa: ANN001, ANN201
    conn = open_database(path).connect()
    try:
        return call(conn)
    finally:
        conn.close()


def active_groups(conn):  # noqa: ANN001, ANN201
    batch = next(b for b in batches.list_batches(conn) if b.state == "active")
    return working_groups.list_working_groups(conn, batch.id)


def raise_three(conn):  # noqa: ANN001, ANN201
    """One overdue, one open and due later, one already resolved."""
    group = active_groups(conn)[0]
    late = logistics.raise_item(
        conn, group_id=group.id, category=LogisticsCategory.VEHICLE,
        description="拆迁现场用车紧张", raised_by="组长", raised_on=dt.date(2026, 11, 2),
        owner="镇党政办", due_on=dt.date(2026, 11, 20),
    )  # fmt: skip
    later = logistics.raise_item(
        conn, group_id=group.id, category=LogisticsCategory.MEALS_LODGING,
        description="午餐安排", raised_by="组长", raised_on=dt.date(2026, 11, 20),
        owner="村委会", due_on=dt.date(2026, 12, 20),
    )  # fmt: skip
    done = logistics.raise_item(
        conn, group_id=group.id, category=LogisticsCategory.OFFICE_SPACE,
        description="办公室桌椅", raised_by="组长", raised_on=dt.date(2026, 11, 1),
        owner="镇党政办", due_on=dt.date(2026, 11, 10),
    )  # fmt: skip
    logistics.set_item_state(
        conn, done.id, LogisticsState.RESOLVED, on=dt.date(2026, 11, 8), resolution="已配齐"
    )
    return late, later, done


def keys_of(table: DataTable) -> list[str]:
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_overdue_first_with_a_mark_and_words_at_80x24(
    demo_copy: Path, screen_text, lang: str
) -> None:
    late, later, done = with_conn(demo_copy, raise_three)
    i18n.set_language(lang)
    app = CadreApp(open_database(demo_copy), start="coordination")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CoordinationScreen)
        table = screen.query_one("#items-table", DataTable)
        keys = keys_of(table)
        assert keys.index(str(late.id)) < keys.index(str(later.id))
        assert str(done.id) not in keys  # open only, by default
        rows = screen.board.items
        overdue = [r for r in rows if r.overdue]
        assert keys[: len(overdue)] == [str(r.item.id) for r in overdue]
        await pilot.pause(0.2)
        text = screen_text(app)
        lines = text.splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        first = rows[0]
        assert first.overdue  # the most overdue on top, in words beside the mark
        assert f"⚠{t('coord.overdue_days', days=first.days_overdue)}" in text
        await pilot.press("o")  # every state
        await settle(app, pilot)
        assert str(done.id) in keys_of(table)


async def test_raise_an_item_then_settle_it_with_the_keyboard(demo_copy: Path) -> None:
    i18n.set_language("zh")
    group = with_conn(demo_copy, lambda conn: active_groups(conn)[1])
    app = CadreApp(open_database(demo_copy), start="coordination")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        form.field("group_id").set_value(group.id)
        form.field("category").set_value(LogisticsCategory.TRANSPORT)
        form.field("description").focus_control()
        await pilot.press(*"往返村部交通不便", "tab")
        form.field("due_on").focus_control()
        await pilot.press(*"2026-11-01")  # before it was raised
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert form.field("due_on").error is not None
        form.field("due_on").set_value("2026-12-05")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CoordinationScreen)
        item = next(r.item for r in screen.board.items if r.item.description == "往返村部交通不便")
        assert item.group_id == group.id and item.owner == ""
        table = screen.query_one("#items-table", DataTable)
        table.move_cursor(row=keys_of(table).index(str(item.id)))
        await pilot.press("s")
        await settle(app, pilot)
        state_form = app.screen
        state_form.field("state").set_value(LogisticsState.RESOLVED)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert state_form.field("resolution").error is not None  # a note is required
        state_form.field("resolution").focus_control()
        await pilot.press(*"镇里安排班车")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CoordinationScreen)
        assert str(item.id) not in keys_of(table)
    settled = with_conn(demo_copy, lambda conn: logistics.get_item(conn, item.id))
    assert settled.state == LogisticsState.RESOLVED and settled.resolution == "镇里安排班车"
    actions = with_conn(
        demo_copy,
        lambda conn: [
            row["action"]
            for row in audit.entries(conn, entity="logistics_item", limit=5)
            if row["entity_id"] == item.id
        ],
    )
    assert len(actions) == 2


async def test_a_member_without_a_mentor_gets_one(demo_copy: Path) -> None:
    i18n.set_language("zh")

    def unmentored(conn):  # noqa: ANN001, ANN202
        group = active_groups(conn)[0]
        member = next(p for p in placements.list_placements(conn, group_id=group.id) if p.is_active)
        conn.execute("DELETE FROM mentors WHERE placement_id = ?", (member.id,))
        return member

    member = with_conn(demo_copy, unmentored)
    app = CadreApp(open_database(demo_copy), start="coordination")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one("#training-table", DataTable)
        key = f"member:{member.id}"
        assert key in keys_of(table)
        table.move_cursor(row=keys_of(table).index(key))
        await pilot.pause()
        await pilot.press("m")
        await settle(app, pilot)
        form = app.screen
        form.field("name").focus_control()
        await pilot.press(*"王建国", "enter", *"村党支部书记", "enter", *"南田村")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CoordinationScreen)
        assert key not in keys_of(table)
    mentor = with_conn(demo_copy, lambda conn: training.get_mentor(conn, member.id))
    assert (mentor.name, mentor.post, mentor.village) == ("王建国", "村党支部书记", "南田村")


async def test_the_dashboard_counts_what_is_overdue(demo_copy: Path, screen_text) -> None:
    from cadre_tui.ui.screens import dashboard

    with_conn(demo_copy, raise_three)
    count = with_conn(demo_copy, lambda conn: logistics.overdue_count(conn, dt.date.today()))
    i18n.set_language("zh")
    app = CadreApp(open_database(demo_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert isinstance(app.screen, dashboard.DashboardScreen)
        assert t("dashboard.overdue_items", count=count).strip() in screen_text(app)


async def test_a_meeting_with_a_follow_up_puts_the_item_on_the_board(demo_copy: Path) -> None:
    from cadre_tui.domain.coordination import MeetingKind
    from cadre_tui.store import meetings

    i18n.set_language("zh")
    group = with_conn(demo_copy, lambda conn: active_groups(conn)[0])
    app = CadreApp(open_database(demo_copy), start="coordination")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        form.field("kind").set_value(MeetingKind.EXCHANGE)
        form.field("group_id").set_value(group.id)
        form.field("place").focus_control()
        await pilot.press(*"镇政府会议室", "enter")
        form.field("follow_up").focus_control()
        await pilot.press(*"协调工作用车")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert form.field("follow_owner").error is not None  # a follow-up needs an owner
        form.field("follow_owner").focus_control()
        await pilot.press(*"镇党政办")
        form.field("follow_category").set_value(LogisticsCategory.VEHICLE)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CoordinationScreen)
        held = [m for m in screen.board.meetings if m.place == "镇政府会议室"]
        assert len(held) == 1 and held[0].item_count == 1
        assert held[0].cadre_count > 0
        assert any(r.item.description == "协调工作用车" for r in screen.board.items)
    attended = with_conn(
        demo_copy, lambda conn: meetings.meetings_per_month(conn, group.id, today=TODAY)
    )
    assert attended[-1][1] >= 1


async def test_a_training_session_clears_the_groups_training_flags(demo_copy: Path) -> None:
    from cadre_tui.domain.coordination import TrainingKind

    i18n.set_language("zh")

    def untrained(conn):  # noqa: ANN001, ANN202 - the group has had no training yet
        group = active_groups(conn)[0]
        conn.execute(
            "DELETE FROM training_attendance WHERE cadre_id IN"
            " (SELECT cadre_id FROM placements WHERE group_id = ?)",
            (group.id,),
        )
        return group

    group = with_conn(demo_copy, untrained)
    app = CadreApp(open_database(demo_copy), start="coordination")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        screen = app.screen
        before = [f for f in screen.board.training_flags if f.group_id == group.id]
        assert before  # placed weeks ago, never trained
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        form.field("kind").set_value(TrainingKind.POLICY_TRAINING)
        form.field("group_id").set_value(group.id)
        form.field("held_on").set_value(TODAY.isoformat())
        form.field("title").focus_control()
        await pilot.press(*"征收政策解读")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CoordinationScreen)
        after = [f for f in screen.board.training_flags if f.group_id == group.id]
        assert after == [] and any(s.title == "征收政策解读" for s in screen.board.sessions)
