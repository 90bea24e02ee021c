"""Small keyboard dialogs: confirm, ask for a line of text, pick one of a list."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cadre_tui.i18n import t
from cadre_tui.ui.bindings import TranslatedBindings


class ConfirmScreen(TranslatedBindings, ModalScreen[bool]):
    """y / Enter confirms, n / Escape declines."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "dialog.key_yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "dialog.key_no", id="dialog.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__(classes="dialog")
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(self.question, classes="dialog-question")
            yield Static(t("dialog.confirm_hint"), classes="dialog-hint")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class PromptScreen(TranslatedBindings, ModalScreen[str | None]):
    """One line of text; Enter accepts, Escape cancels. ``check`` may refuse it."""

    BINDINGS = [Binding("escape", "cancel", "dialog.key_cancel", id="dialog.cancel")]

    def __init__(self, question: str, value: str = "", check=None) -> None:  # noqa: ANN001
        super().__init__(classes="dialog")
        self.question = question
        self.value = value
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(self.question, classes="dialog-question")
            yield Input(value=self.value, id="dialog-input")
            yield Static("", id="dialog-error", classes="dialog-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#dialog-error", Static).update(problem)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(TranslatedBindings, ModalScreen[str | None]):
    """Pick one option with the arrows and Enter; Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "dialog.key_cancel", id="dialog.cancel")]

    def __init__(self, question: str, options: list[tuple[str, str]]) -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(self.question, classes="dialog-question")
            yield OptionList(*(Option(label, id=value) for value, label in self.options))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
