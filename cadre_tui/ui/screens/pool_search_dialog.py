"""What the dialogs that search the pool for someone share (the round's nominate
dialog, the batch's member picker): typing searches again, Enter in the box
goes to the results, as does ↓ when bound to ``to_results``. Each dialog names
its search box and results list and searches in its own ``refresh_results``."""

from __future__ import annotations

from textual.widgets import Input, OptionList


class PoolSearchDialog:
    """Mixed into a ModalScreen with an Input ``SEARCH_ID`` and an OptionList
    ``RESULTS_ID`` that defines ``refresh_results()``."""

    SEARCH_ID = ""
    RESULTS_ID = ""

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == self.SEARCH_ID:
            self.refresh_results()  # type: ignore[attr-defined]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == self.SEARCH_ID:
            self.action_to_results()

    def action_to_results(self) -> None:
        results = self.query_one(f"#{self.RESULTS_ID}", OptionList)  # type: ignore[attr-defined]
        if results.option_count:
            results.focus()
            if results.highlighted is None:
                results.highlighted = 0
