"""What the batch screen's keys do to the highlighted node: form batches and
groups, add members from the pool, place them by mode, move them, give roles,
record party transfers, change a group's mode after a preview, start and close.

Each action asks what it needs in small keyboard dialogs, then writes once in a
thread worker; the store checks every rule, and a refusal is shown in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual import work
from textual.message import Message

from cadre_tui.domain.dates import DateError, parse_date
from cadre_tui.domain.enums import BatchState, GroupState, ManagementMode
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.ui import clock
from cadre_tui.ui.screens.dialogs import ChoiceScreen, ConfirmScreen, PromptScreen

NEEDS = {
    "add_members": "group",
    "figures": "group",
    "new_group": "batch",
    "change_mode": "group",
    "villages": "group",
    "place": "member",
    "move": "member",
    "role": "member",
    "party_transfer": "member",
    "end_placement": "member",
    "start": "batch",
    "close_batch": "batch",
}
"""The node an action works on: the cursor must be on it or inside it."""


def today() -> dt.date:
    """The day writes are dated by default (tests replace it)."""
    return clock.today()


class BatchWritten(Message):
    """A write finished: ``text`` is already translated; the cursor goes to ``key``."""

    def __init__(self, text: str, error: bool = False, key: tuple | None = None) -> None:
        super().__init__()
        self.text = text
        self.error = error
        self.key = key


def date_problem(value: str) -> str | None:
    try:
        parse_date(value)
    except DateError as exc:
        return t("batch.error.date", value=exc.value)
    return None


class BatchActions:
    """Mixed into BatchScreen, which provides ``context()``, ``reload_at()`` and
    ``database``."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that need a group or member show greyed out elsewhere."""
        if action == "history":  # also in a closed batch: reading, not writing
            return self.context()[2] is not None or None  # type: ignore[attr-defined]
        need = NEEDS.get(action)
        if need is None:
            return True
        view, _unit, group, member = self.context()  # type: ignore[attr-defined]
        have = {"batch": view, "group": group, "member": member}[need]
        if have is None or view.batch.state is BatchState.CLOSED:
            return None
        return True

    def on_tree_node_highlighted(self) -> None:
        self.refresh_bindings_if_changed()  # type: ignore[attr-defined]

    # --- writing -----------------------------------------------------------------------

    @work(thread=True, group="batch-write")
    def write(
        self, job: Callable[[Any], Any], done: str, key: Callable[[Any], tuple] | None
    ) -> None:
        """Run ``job(conn)`` in one connection; report ``done`` and where to put the cursor."""
        try:
            conn = self.database.connect()  # type: ignore[attr-defined]
            try:
                result = job(conn)
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(BatchWritten(exc.message(), error=True))  # type: ignore[attr-defined]
            return
        where = key(result) if key else None
        self.post_message(BatchWritten(done, key=where))  # type: ignore[attr-defined]

    def on_batch_written(self, message: BatchWritten) -> None:
        if message.error:
            self.notify(message.text, severity="error", timeout=10)  # type: ignore[attr-defined]
        else:
            self.notify(message.text)  # type: ignore[attr-defined]
        self.reload_at(message.key)  # type: ignore[attr-defined]

    def _ask_date(self, question: str, then: Callable[[dt.date], None]) -> None:
        def given(value: str | None) -> None:
            if value:
                then(parse_date(value))

        self.app.push_screen(  # type: ignore[attr-defined]
            PromptScreen(question, today().isoformat(), check=date_problem), given
        )

    # --- batches and groups ------------------------------------------------------------

    def action_new_batch(self) -> None:
        from cadre_tui.ui.screens.batch_form import BatchFormScreen

        def saved(batch_id: int | None) -> None:
            if batch_id:
                self.reload_at(("batch", batch_id))  # type: ignore[attr-defined]

        self.app.push_screen(BatchFormScreen(self.database), saved)  # type: ignore[attr-defined]

    def action_edit(self) -> None:
        view, _unit, group, member = self.context()  # type: ignore[attr-defined]
        if member is not None:
            self.action_place()
            return
        if group is not None:
            self._group_form(group.group.batch_id, group.group.id, None)
            return
        if view is None:
            self.action_new_batch()
            return
        from cadre_tui.ui.screens.batch_form import BatchFormScreen

        def saved(batch_id: int | None) -> None:
            if batch_id:
                self.reload_at(("batch", batch_id))  # type: ignore[attr-defined]

        self.app.push_screen(  # type: ignore[attr-defined]
            BatchFormScreen(self.database, view.batch.id), saved
        )

    def action_new_group(self) -> None:
        view, unit, _group, _member = self.context()  # type: ignore[attr-defined]
        if view is None:
            return
        self._group_form(view.batch.id, None, unit.unit.id if unit else None)

    def _group_form(self, batch_id: int, group_id: int | None, unit_id: int | None) -> None:
        from cadre_tui.ui.screens.batch_form import GroupFormScreen

        def saved(saved_id: int | None) -> None:
            if saved_id:
                self.reload_at(("group", saved_id))  # type: ignore[attr-defined]

        form = GroupFormScreen(self.database, batch_id, group_id, unit_id)  # type: ignore[attr-defined]
        self.app.push_screen(form, saved)  # type: ignore[attr-defined]

    def action_start(self) -> None:
        view, _unit, group, _member = self.context()  # type: ignore[attr-defined]
        if view is None:
            return
        from cadre_tui.store import batches, group_changes

        if view.batch.state is BatchState.PLANNING:
            question = t("batch.confirm_start", name=view.batch.name, count=view.member_count)
            job = lambda conn: batches.start_batch(conn, view.batch.id)  # noqa: E731
            done, key = t("batch.started", name=view.batch.name), ("batch", view.batch.id)
        elif group is not None and group.group.state is GroupState.FORMING:
            question = t("batch.confirm_activate", name=group.group.name)
            job = lambda conn: group_changes.activate_group(conn, group.group.id)  # noqa: E731
            done, key = t("batch.activated", name=group.group.name), ("group", group.group.id)
        else:
            self.notify(t("batch.nothing_to_start"))  # type: ignore[attr-defined]
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write(job, done, lambda _: key)

        self.app.push_screen(ConfirmScreen(question), confirmed)  # type: ignore[attr-defined]

    def action_close_batch(self) -> None:
        view, *_ = self.context()  # type: ignore[attr-defined]
        if view is None:
            return
        if view.batch.state is not BatchState.ACTIVE:
            self.notify(t("batch.close_needs_active"), severity="warning")  # type: ignore[attr-defined]
            return
        from cadre_tui.ui.screens.batch_close import BatchCloseScreen

        def finished(_closed: bool | None) -> None:
            self.reload_at(("batch", view.batch.id))  # type: ignore[attr-defined]

        self.app.push_screen(BatchCloseScreen(view.batch), finished)  # type: ignore[attr-defined]

    # --- a group -------------------------------------------------------------------------

    def action_add_members(self) -> None:
        view, _unit, group, _member = self.context()  # type: ignore[attr-defined]
        if group is None:
            return
        from cadre_tui.ui.screens.member_picker import MemberPickerScreen

        def added(count: int | None) -> None:
            if count:
                self.notify(t("batch.added", count=count, group=group.group.name))  # type: ignore[attr-defined]
                self.reload_at(("group", group.group.id))  # type: ignore[attr-defined]

        start = max(today(), view.batch.start_date)
        picker = MemberPickerScreen(view.batch, group.group, start)
        self.app.push_screen(picker, added)  # type: ignore[attr-defined]

    def action_figures(self) -> None:
        """The day's figures of the highlighted group (or the member's group)."""
        _view, _unit, group, _member = self.context()  # type: ignore[attr-defined]
        if group is None:
            return
        from cadre_tui.ui.screens.figure_entry import FigureEntryScreen

        def back(written: int | None) -> None:
            if written:
                self.reload_at(("group", group.group.id))  # type: ignore[attr-defined]

        self.app.push_screen(FigureEntryScreen(group.group.id), back)  # type: ignore[attr-defined]

    def action_change_mode(self) -> None:
        _view, _unit, group, _member = self.context()  # type: ignore[attr-defined]
        if group is None:
            return
        options = [(m.value, m.label()) for m in ManagementMode if m is not group.group.mode]
        question = t("batch.ask_mode", name=group.group.name, mode=group.group.mode.label())

        def chosen(code: str | None) -> None:
            if code:
                self.preview_mode(group.group.id, ManagementMode(code))

        self.app.push_screen(ChoiceScreen(question, options), chosen)  # type: ignore[attr-defined]

    @work(thread=True, group="batch-preview")
    def preview_mode(self, group_id: int, mode: ManagementMode) -> None:
        from cadre_tui.store import group_changes

        conn = self.database.connect()  # type: ignore[attr-defined]
        try:
            change = group_changes.preview_mode_change(conn, group_id, mode)
        finally:
            conn.close()
        self.app.call_from_thread(self._confirm_mode, change)  # type: ignore[attr-defined]

    def _confirm_mode(self, change) -> None:  # noqa: ANN001 - group_changes.ModeChange
        from cadre_tui.store import group_changes

        lines = [
            t(
                "batch.mode_preview",
                name=change.group.name,
                old=change.group.mode.label(),
                new=change.mode.label(),
            )
        ]
        if change.losing:
            names = t("store.name_separator").join(m.name for m in change.losing)
            lines.append(t("batch.mode_losing", count=len(change.losing), names=names))
        else:
            lines.append(t("batch.mode_nobody_loses"))
        if change.covered_villages:
            lines.append(t("batch.mode_villages_dropped", count=change.covered_villages))
        lines.append(t("batch.mode_confirm"))
        group, mode, version = change.group, change.mode, change.group.row_version

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda conn: group_changes.change_group_mode(
                        conn, group.id, mode, expected_version=version
                    ),
                    t("batch.mode_changed", name=group.name, mode=mode.label()),
                    lambda _: ("group", group.id),
                )

        self.app.push_screen(ConfirmScreen("\n".join(lines)), confirmed)  # type: ignore[attr-defined]

    def action_villages(self) -> None:
        _view, _unit, group, _member = self.context()  # type: ignore[attr-defined]
        if group is None:
            return
        if group.group.mode is not ManagementMode.STATIONED_VILLAGE:
            self.notify(t("batch.villages_need_mode"), severity="warning")  # type: ignore[attr-defined]
            return
        from cadre_tui.ui.screens.place_dialog import VillagesScreen

        def chosen(ids: list[int] | None) -> None:
            if ids is None:
                return
            from cadre_tui.store import group_changes

            self.write(
                lambda conn: group_changes.set_covered_villages(conn, group.group.id, ids),
                t("batch.villages_set", name=group.group.name),
                lambda _: ("group", group.group.id),
            )

        self.app.push_screen(VillagesScreen(group.group), chosen)  # type: ignore[attr-defined]
