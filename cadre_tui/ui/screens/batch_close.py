"""Closing a batch: every member with their evaluation (优秀 / 称职 / 基本称职 /
不称职, comment, recommended for promotion), the missing ones first. Enter
evaluates the highlighted member; Ctrl+S closes the batch once none is missing
(the store refuses before that, so the list is the checklist).
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from cadre_tui.domain.dates import parse_date
from cadre_tui.domain.enums import EvaluationGrade
from cadre_tui.domain.model import Batch
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.batch_closing import EvaluationLine
from cadre_tui.store.audit import current_actor
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.screens import batch_actions
from cadre_tui.ui.screens.dialogs import ChoiceScreen, ConfirmScreen, PromptScreen
from cadre_tui.ui.widgets.batch_detail import WARN
from cadre_tui.ui.widgets.pool_grid import fit


class BatchCloseScreen(TranslatedBindings, ModalScreen[bool]):
    """Dismissed with True when the batch was closed."""

    CSS_PATH = "../styles/batch.tcss"

    BINDINGS = [
        Binding("ctrl+s", "close_batch", "close.key_close", id="close.close"),
        Binding("escape", "back", "close.key_back", id="close.back"),
        Binding("f1", "app.help", "key.help", id="close.help"),
    ]

    def __init__(self, batch: Batch) -> None:
        super().__init__(classes="dialog")
        self.batch = batch
        self.lines: list[EvaluationLine] = []

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(id="close-body"):
            yield Static(t("close.title", name=self.batch.name), id="close-title")
            yield Static("", id="close-status")
            yield OptionList(id="close-members")
            yield Static(t("close.hint"), classes="dialog-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#close-members", OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="close-load")
    def load(self, keep: int | None = None) -> None:
        from cadre_tui.services.batch_closing import closing_sheet

        conn = self.database.connect()
        try:
            lines = closing_sheet(conn, self.batch.id)
        finally:
            conn.close()
        self.app.call_from_thread(self._show, lines, keep)

    def _show(self, lines: list[EvaluationLine], keep: int | None) -> None:
        self.lines = lines
        members = self.query_one("#close-members", OptionList)
        members.clear_options()
        members.add_options(Option(_line_text(line), id=str(line.placement_id)) for line in lines)
        missing = sum(1 for line in lines if line.grade is None)
        status = self.query_one("#close-status", Static)
        if missing:
            status.update(
                Text(f"{WARN} " + t("close.missing", count=missing, total=len(lines)), style="bold")
            )
        else:
            status.update(t("close.ready", total=len(lines)))
        if lines:
            ids = [line.placement_id for line in lines]
            members.highlighted = ids.index(keep) if keep in ids else 0

    # --- evaluating ----------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#close-members")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        line = next(x for x in self.lines if x.placement_id == int(event.option.id or 0))
        options = [(g.value, g.label()) for g in EvaluationGrade]

        def graded(code: str | None) -> None:
            if code:
                self._ask_comment(line, EvaluationGrade(code))

        question = t("close.ask_grade", name=line.name, group=line.group)
        self.app.push_screen(ChoiceScreen(question, options), graded)

    def _ask_comment(self, line: EvaluationLine, grade: EvaluationGrade) -> None:
        def commented(comment: str | None) -> None:
            if comment is None:
                return

            def promoted(yes: bool | None) -> None:
                self.evaluate(line.placement_id, grade, comment, bool(yes))

            self.app.push_screen(ConfirmScreen(t("close.ask_promotion", name=line.name)), promoted)

        question = t("close.ask_comment", name=line.name, grade=grade.label())
        self.app.push_screen(PromptScreen(question, line.comment), commented)

    @work(thread=True, group="close-write")
    def evaluate(
        self, placement_id: int, grade: EvaluationGrade, comment: str, promotion: bool
    ) -> None:
        from cadre_tui.store import evaluations

        try:
            conn = self.database.connect()
            try:
                evaluations.record_evaluation(
                    conn,
                    placement_id,
                    grade=grade,
                    evaluated_on=batch_actions.today(),
                    evaluated_by=current_actor(),
                    comment=comment,
                    recommended_for_promotion=promotion,
                )
            finally:
                conn.close()
        except CadreError as exc:
            self.app.call_from_thread(self.notify, exc.message(), severity="error")
            return
        self.load(keep=placement_id)

    # --- closing -------------------------------------------------------------------------

    def action_close_batch(self) -> None:
        missing = [line for line in self.lines if line.grade is None]
        if missing:
            names = t("store.name_separator").join(line.name for line in missing[:5])
            self.notify(t("close.still_missing", count=len(missing), names=names), severity="error")
            return

        def dated(value: str | None) -> None:
            if value:
                self.close_on(parse_date(value))

        question = t("close.ask_date", name=self.batch.name, count=len(self.lines))
        self.app.push_screen(
            PromptScreen(
                question, batch_actions.today().isoformat(), check=batch_actions.date_problem
            ),
            dated,
        )

    @work(thread=True, group="close-write")
    def close_on(self, day: dt.date) -> None:
        from cadre_tui.store import batches

        try:
            conn = self.database.connect()
            try:
                batches.close_batch(conn, self.batch.id, day)
            finally:
                conn.close()
        except CadreError as exc:
            self.app.call_from_thread(self.notify, exc.message(), severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, t("close.closed", name=self.batch.name))
        self.app.call_from_thread(self.dismiss, True)

    def action_back(self) -> None:
        self.dismiss(False)


def _line_text(line: EvaluationLine) -> str:
    if line.grade is None:
        verdict = f"{WARN} {t('close.not_evaluated')}"
    else:
        promoted = t("close.promotion_mark") if line.recommended_for_promotion else ""
        verdict = f"✓ {line.grade.label()} {promoted}{line.comment}"
    return fit(f"{fit(line.name, 8)} {fit(line.group, 18)} {verdict}", 72).rstrip()
