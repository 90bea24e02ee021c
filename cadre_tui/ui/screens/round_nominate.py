"""Adding a nominee for one sending unit: the pool's own search over that unit's
cadres, eligible ones only unless asked (Ctrl+T). Choosing a cadre who fails a
rule asks for the written reason the rules require; the store refuses the
nomination without one, so the reason is never skipped.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from cadre_tui.domain.eligibility import EligibilityRules, blocking_failures
from cadre_tui.domain.pool_query import PoolFilter, PoolOrder, PoolRow
from cadre_tui.domain.round import RecommendationRound
from cadre_tui.errors import CadreError
from cadre_tui.i18n import current_language, t
from cadre_tui.services.round_board import UnitLine
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.screens import round_board
from cadre_tui.ui.screens.dialogs import PromptScreen
from cadre_tui.ui.screens.pool_search_dialog import PoolSearchDialog
from cadre_tui.ui.widgets.pool_grid import fit

RESULTS = 50
ROW_WIDTH = 64
"""A result fits one line of the dialog (76 wide, less borders, padding and scrollbar)."""


class Found(Message):
    """A page of the unit's cadres, with the first failed rule of each ineligible one."""

    def __init__(self, seq: int, rows: list[PoolRow], failing: dict[int, str]) -> None:
        super().__init__()
        self.seq = seq
        self.rows = rows
        self.failing = failing


class Judged(Message):
    """The chosen cadre's failed rules on the round's date (empty: eligible)."""

    def __init__(self, cadre_id: int, name: str, reasons: list[str]) -> None:
        super().__init__()
        self.cadre_id = cadre_id
        self.name = name
        self.reasons = reasons


class Refused(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class RoundNominateScreen(PoolSearchDialog, TranslatedBindings, ModalScreen[int | None]):
    """Dismissed with the number of cadres nominated, or None when cancelled."""

    CSS_PATH = "../styles/round.tcss"
    SEARCH_ID = "nominate-search"
    RESULTS_ID = "nominate-results"

    BINDINGS = [
        Binding("escape", "cancel", "dialog.key_cancel", id="round_nominate.cancel"),
        Binding("ctrl+t", "toggle_eligible", "round.key_show_all", id="round_nominate.all"),
        Binding("down", "to_results", show=False, id="round_nominate.results"),
    ]

    def __init__(
        self, round_: RecommendationRound, unit: UnitLine, rules: EligibilityRules
    ) -> None:
        super().__init__(classes="dialog")
        self.round = round_
        self.unit = unit
        self.rules = rules
        self.eligible_only = True
        self.rows: list[PoolRow] = []
        self.failing: dict[int, str] = {}
        self.standing = {n.cadre_id for n in unit.nominees if n.stands}
        self._seq = 0

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body", id="nominate-body"):
            yield Static(t("round.nominate_title", unit=self.unit.name), classes="dialog-question")
            yield Input(placeholder=t("round.nominate_placeholder"), id="nominate-search")
            yield Static("", id="nominate-status")
            yield OptionList(id="nominate-results")
            yield Static("", id="nominate-error", classes="dialog-error")
            yield Static(t("round.nominate_keys"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#nominate-search", Input).focus()
        self.refresh_results()

    # --- searching ---------------------------------------------------------------

    def refresh_results(self) -> None:
        self._seq += 1
        text = self.query_one("#nominate-search", Input).value
        flt = PoolFilter(
            text=text,
            sending_unit_ids=frozenset({self.unit.unit_id}),
            eligible_only=self.eligible_only,
        )
        self.search(self._seq, flt)

    @work(thread=True, exclusive=True, group="round-nominate-search")
    def search(self, seq: int, flt: PoolFilter) -> None:
        from cadre_tui.store import pool
        from cadre_tui.store import recommendations as store

        order = PoolOrder(by_pinyin=current_language() == "zh")
        on = self.round.judged_on
        try:
            conn = self.database.connect()
            try:
                page = pool.page(conn, flt, order, today=on, rules=self.rules, limit=RESULTS)
                failing = {}
                if not flt.eligible_only:
                    ids = [r.id for r in page.rows]
                    reasons = store.failing_reasons(conn, ids, on, self.rules)
                    failing = {cadre_id: said[0] for cadre_id, said in reasons.items()}
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(Refused(exc.message()))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(Found(seq, list(page.rows), failing))

    def on_found(self, message: Found) -> None:
        if message.seq != self._seq:
            return
        self.rows, self.failing = message.rows, message.failing
        results = self.query_one("#nominate-results", OptionList)
        results.clear_options()
        results.add_options(Option(self._row_text(row), id=str(row.id)) for row in self.rows)
        scope = "round.nominate_eligible" if self.eligible_only else "round.nominate_everyone"
        more = t("round.nominate_more", count=RESULTS) if len(self.rows) >= RESULTS else ""
        self.query_one("#nominate-status", Static).update(
            t(scope, count=len(self.rows), on=self.round.judged_on.isoformat()) + more
        )

    def _row_text(self, row: PoolRow) -> str:
        """Name, age on the round's date, category, post, then why not (in words)."""
        if row.id in self.standing:
            mark = t("round.already")
        elif row.id in self.failing:
            mark = t("round.failing", reason=self.failing[row.id])
        else:
            mark = ""
        line = " ".join(
            [
                fit(row.name, 8),
                fit(str(row.age), 3, right=True),
                fit(row.category.label(), 12),
                fit(row.post, 10),
                mark,
            ]
        )
        return fit(line, ROW_WIDTH).rstrip()

    def action_toggle_eligible(self) -> None:
        self.eligible_only = not self.eligible_only
        self.refresh_results()

    def action_cancel(self) -> None:
        self.dismiss(None)

    # --- choosing ----------------------------------------------------------------

    @on(OptionList.OptionSelected, "#nominate-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        cadre_id = int(event.option.id or 0)
        if cadre_id in self.standing:
            row = next(r for r in self.rows if r.id == cadre_id)
            self.query_one("#nominate-error", Static).update(t("round.already_in", name=row.name))
            return
        self.judge(cadre_id)

    @work(thread=True, exclusive=True, group="round-nominate-judge")
    def judge(self, cadre_id: int) -> None:
        from cadre_tui.store import recommendations as store

        conn = self.database.connect()
        try:
            judged = store.judge_cadres(conn, [cadre_id], self.round.judged_on, self.rules)
        finally:
            conn.close()
        row, results = judged[cadre_id]
        reasons = [r.reason(self.rules) for r in blocking_failures(results)]
        self.post_message(Judged(cadre_id, row["name"], reasons))

    def on_judged(self, message: Judged) -> None:
        if not message.reasons:
            self.nominate(message.cadre_id, "")
            return

        def reason_given(reason: str | None) -> None:
            if reason:
                self.nominate(message.cadre_id, reason)

        question = t(
            "round.ask_reason",
            name=message.name,
            reasons=t("round.reason_separator").join(message.reasons),
        )
        self.app.push_screen(PromptScreen(question, check=_required), reason_given)

    @work(thread=True, group="round-write")
    def nominate(self, cadre_id: int, reason: str) -> None:
        from cadre_tui.store import recommendations as store

        try:
            conn = self.database.connect()
            try:
                written = store.nominate(
                    conn,
                    self.round.id,
                    [cadre_id],
                    today=round_board.today(),
                    rules=self.rules,
                    exception_reason=reason,
                    sending_unit_id=self.unit.unit_id,
                )
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(Refused(exc.message()))
            return
        self.app.call_from_thread(self.dismiss, len(written))

    def on_refused(self, message: Refused) -> None:
        self.query_one("#nominate-error", Static).update(message.text)


def _required(value: str) -> str | None:
    return None if value.strip() else t("round.error.text_required")
