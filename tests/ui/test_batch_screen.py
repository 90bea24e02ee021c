"""The batch screen driven with keys at 80×24 on the demo: the tree with its
flags, adding members from the pool, placing by mode, moving between groups,
a mode change previewed before it is applied, and closing with evaluations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Input, OptionList

from cadre_tui import i18n
from cadre_tui.domain.enums import BatchState, EvaluationGrade, LineSide, ManagementMode
from cadre_tui.store import batches, evaluations, group_shapes, placements, working_groups
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.screens import batch_actions
from cadre_tui.ui.screens.batch import BatchScreen
from cadre_tui.ui.screens.batch_close import BatchCloseScreen
from cadre_tui.ui.screens.dialogs import ChoiceScreen, ConfirmScreen, PromptScreen
from cadre_tui.ui.screens.member_picker import MemberPickerScreen
from cadre_tui.ui.screens.place_dialog import PlaceScreen

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_actions, "today", lambda: TODAY)


async def settle(app: CadreApp, pilot) -> None:  # noqa: ANN001
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def read(path: Path, call):  # noqa: ANN001, ANN201
    conn = connect(path)
    try:
        return call(conn)
    finally:
        conn.close()


def group_named(path: Path, name: str):  # noqa: ANN201
    return read(
        path,
        lambda conn: next(g for g in working_groups.list_working_groups(conn, 3) if g.name == name),
    )


async def go_to(app: CadreApp, pilot, key: tuple) -> None:  # noqa: ANN001
    """Move the cursor with ↓ (opening groups with Enter on the way) to ``key``."""
    screen = app.screen
    assert isinstance(screen, BatchScreen)
    tree = screen.tree
    for _ in range(200):
        node = tree.cursor_node
        if node is not None and node.data == key:
            return
        if key[0] == "member" and node is not None and node.data[0] == "group":
            wanted = screen.find(key)
            members = getattr(screen.find(node.data), "members", ())
            inside = any(m.placement_id == key[1] for m in members)
            if wanted is not None and inside and not node.is_expanded:
                await pilot.press("enter")
        await pilot.press("down")
    raise AssertionError(f"never reached {key}")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_tree_flags_problems_in_words_at_80x24(demo_db: Path, screen_text, lang: str) -> None:
    i18n.set_language(lang)
    app = CadreApp(open_database(demo_db), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        lines = text.splitlines()
        assert all(cell_len(line) <= 80 for line in lines)
        batch3 = i18n.t("batch.tree_batch", number=3, name="第三批抽调干部")
        assert batch3 in text and "⚠2" in text
        # the batch's detail names both deliberate problems in words
        assert "湖滨村" in text or "⚠" in text
        footer = lines[-1]
        assert i18n.t("batch.key_add") in footer and i18n.t("batch.key_place") in footer
        await go_to(app, pilot, ("group", group_named(demo_db, "牛塘镇工作组").id))
        await settle(app, pilot)
        text = screen_text(app)
        assert "⚠" in text and "大运河南移工程码头迁建" in text


async def test_add_members_from_the_pool_then_place_them(demo_copy: Path, screen_text) -> None:
    group = group_named(demo_copy, "湖塘镇工作组")
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, ("group", group.id))
        await pilot.press("a")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, MemberPickerScreen)
        results = picker.query_one("#picker-results", OptionList)
        assert results.option_count >= 2  # this round's nominees
        assert "★" in screen_text(app)  # approved ones first
        await pilot.press("down", "space", "space")  # mark the first two
        assert len(picker.marked) == 2
        chosen = set(picker.marked)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BatchScreen)
        members = read(demo_copy, lambda conn: placements.list_placements(conn, group_id=group.id))
        added = [p for p in members if p.cadre_id in chosen]
        assert len(added) == 2 and all(p.is_active and p.line_side is None for p in added)
        assert all(p.start_date == TODAY for p in added)
        text = screen_text(app)
        assert "⚠" in text  # unplaced members are flagged
        await go_to(app, pilot, ("member", added[0].id))
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, PlaceScreen)
        await pilot.press("enter")  # the first choice: the town office (line)
        await settle(app, pilot)
        placed = read(demo_copy, lambda conn: placements.get_placement(conn, added[0].id))
        assert placed.line_side is LineSide.LINE


async def test_an_ineligible_cadre_joins_only_with_a_reason(demo_copy: Path) -> None:
    group = group_named(demo_copy, "湖塘镇工作组")
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, ("group", group.id))
        await pilot.press("a")
        await settle(app, pilot)
        picker = app.screen
        await pilot.press("ctrl+t", "ctrl+t")  # everyone
        await settle(app, pilot)
        failing = next(iter(picker.failing))
        name = next(r.name for r in picker.rows if r.id == failing)
        picker.query_one("#picker-search", Input).value = name
        await settle(app, pilot)
        index = next(i for i, r in enumerate(picker.rows) if r.id == failing)
        await pilot.press("down", *["down"] * index, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")  # an empty reason is refused
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"经部务会研究同意", "enter")
        await settle(app, pilot)
        joined = read(demo_copy, lambda conn: placements.active_placement(conn, failing))
        assert joined is not None and joined.exception_reason == "经部务会研究同意"


async def test_move_a_cadre_between_groups_in_one_action(demo_copy: Path) -> None:
    source = group_named(demo_copy, "高新区第一工作组")
    target = group_named(demo_copy, "湖塘镇工作组")
    member = read(
        demo_copy,
        lambda conn: next(
            p
            for p in placements.list_placements(conn, group_id=source.id)
            if p.role.value == "member"
        ),
    )
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, ("member", member.id))
        await pilot.press("m")
        assert isinstance(app.screen, ChoiceScreen)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        index = ids.index(str(target.id))
        await pilot.press(*["down"] * index, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PlaceScreen)
        await pilot.press("down", "enter")  # the first field team (block)
        await settle(app, pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")  # today
        await settle(app, pilot)
    old = read(demo_copy, lambda conn: placements.get_placement(conn, member.id))
    new = read(demo_copy, lambda conn: placements.active_placement(conn, member.cadre_id))
    assert old.end_date == TODAY and new.start_date == TODAY
    assert new.group_id == target.id and new.line_side is LineSide.BLOCK


async def test_mode_change_is_previewed_and_applied_only_when_confirmed(
    demo_copy: Path, screen_text
) -> None:
    group = group_named(demo_copy, "高新区第一工作组")
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, ("group", group.id))
        await pilot.press("o")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")  # the first other mode: block-and-line
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        preview = app.screen.question
        members = read(demo_copy, lambda conn: group_shapes.member_places(conn, group.id))
        assert len(members) == 7 and all(m.name in preview for m in members)
        await pilot.press("n")
        await settle(app, pilot)
        assert group_named(demo_copy, group.name).mode is ManagementMode.STATIONED_VILLAGE
        await pilot.press("o", "enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
    changed = group_named(demo_copy, group.name)
    assert changed.mode is ManagementMode.BLOCK_AND_LINE
    after = read(demo_copy, lambda conn: group_shapes.member_places(conn, group.id))
    assert len(after) == 7 and all(not m.has_place for m in after)


async def test_closing_needs_every_evaluation(demo_copy: Path, screen_text) -> None:
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, ("batch", 3))
        await pilot.press("c")
        await settle(app, pilot)
        close = app.screen
        assert isinstance(close, BatchCloseScreen)
        assert "⚠" in screen_text(app)
        await pilot.press("ctrl+s")  # refused: evaluations missing
        await settle(app, pilot)
        assert isinstance(app.screen, BatchCloseScreen)
        # evaluate the first one by keys: grade, comment, promotion
        first = close.lines[0]
        await pilot.press("enter", "enter")  # 优秀
        await pilot.press(*"表现突出", "enter", "y")
        await settle(app, pilot)
        done = read(demo_copy, lambda conn: evaluations.get_evaluation(conn, first.placement_id))
        assert done.grade is EvaluationGrade.EXCELLENT and done.recommended_for_promotion
        # the rest through the store, then close by keys
        for line in [x for x in close.lines if x.grade is None]:
            read(
                demo_copy,
                lambda conn, line=line: evaluations.record_evaluation(
                    conn,
                    line.placement_id,
                    grade=EvaluationGrade.COMPETENT,
                    evaluated_on=TODAY,
                    evaluated_by="科",
                ),
            )
        close.load()
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BatchScreen)
    batch = read(demo_copy, lambda conn: batches.get_batch(conn, 3))
    assert batch.state is BatchState.CLOSED and batch.closed_on == TODAY


async def test_a_new_batch_is_checked_field_by_field_then_saved(demo_copy: Path) -> None:
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert form.query_one("#input-number", Input).value == "4"  # the next number
        await pilot.press(*"第四批抽调干部", "enter")  # name, then on to purpose
        await pilot.press(*"城中村改造", "enter")
        await pilot.press(*"2027-02-30", "enter")  # no such day
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert form.field("start_date").error is not None
        assert read(demo_copy, lambda conn: len(batches.list_batches(conn))) == 3
        start = form.query_one("#input-start_date", Input)
        start.value = "2027-03-01"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, BatchScreen)
    made = read(demo_copy, lambda conn: batches.list_batches(conn)[-1])
    assert (made.number, made.name, made.purpose) == (4, "第四批抽调干部", "城中村改造")
    assert made.start_date == dt.date(2027, 3, 1) and made.state is BatchState.PLANNING


async def test_the_picker_takes_the_pools_own_filters(demo_copy: Path) -> None:
    group = group_named(demo_copy, "湖塘镇工作组")
    app = CadreApp(open_database(demo_copy), start="batches")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, ("group", group.id))
        await pilot.press("a")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, MemberPickerScreen)
        nominees = {r.id for r in picker.rows}
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # the filters as offered: eligible only, any status
        await settle(app, pilot)
        assert app.screen is picker and picker.custom is not None
        assert {r.id for r in picker.rows} - nominees  # more than the nominees now
        await pilot.press("ctrl+t")  # back to the scopes
        await settle(app, pilot)
        assert picker.custom is None
