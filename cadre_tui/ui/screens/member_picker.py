"""Adding members to a working group from the pool: the pool's own search
(name, pinyin, initials, unit, ID tail) over the cadres the batch may take.

Scopes (Ctrl+T cycles): this round's nominees (approved ones first, marked ★),
every eligible cadre, everyone (ineligible ones marked with the rule they fail);
Ctrl+F applies the pool's own filters instead.
Space marks several; Enter adds the marked ones (or the highlighted one). An
ineligible cadre joins only with a written reason, which the store audits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.domain.enums import CadreStatus
from cadre_tui.domain.model import Batch, WorkingGroup
from cadre_tui.domain.pool_query import PoolFilter, PoolOrder, PoolRow
from cadre_tui.errors import CadreError
from cadre_tui.i18n import current_language, t
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.screens.dialogs import PromptScreen
from cadre_tui.ui.screens.pool_search_dialog import PoolSearchDialog
from cadre_tui.ui.widgets.pool_grid import fit

RESULTS = 50
ROW_WIDTH = 66
SCOPES = ("nominees", "eligible", "everyone")
NOMINEES = frozenset({CadreStatus.RECOMMENDED})
"""Cadres a standing nomination put forward (approved or not)."""


class Found(Message):
    def __init__(
        self, seq: int, rows: list[PoolRow], failing: dict[int, str], approved: set[int]
    ) -> None:
        super().__init__()
        self.seq = seq
        self.rows = rows
        self.failing = failing
        self.approved = approved


class Refused(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class MemberPickerScreen(PoolSearchDialog, TranslatedBindings, ModalScreen[int | None]):
    """Dismissed with the number of cadres added, or None when cancelled."""

    SEARCH_ID = "picker-search"
    RESULTS_ID = "picker-results"

    CSS_PATH = "../styles/batch.tcss"

    BINDINGS = [
        Binding("escape", "cancel", "dialog.key_cancel", id="picker.cancel"),
        Binding("ctrl+t", "next_scope", "picker.key_scope", id="picker.scope"),
        Binding("ctrl+f", "filters", "picker.key_filters", id="picker.filters"),
        Binding("space", "toggle_mark", "picker.key_mark", id="picker.mark"),
        Binding("down", "to_results", show=False, id="picker.results"),
    ]

    def __init__(self, batch: Batch, group: WorkingGroup, start: dt.date) -> None:
        super().__init__(classes="dialog")
        self.batch = batch
        self.group = group
        self.start = start
        self.scope = "nominees"
        self.custom: PoolFilter | None = None
        """The pool's structured filters when chosen (Ctrl+F): they replace the scope."""
        self.rows: list[PoolRow] = []
        self.failing: dict[int, str] = {}
        self.approved: set[int] = set()
        self.marked: dict[int, str] = {}
        """Marked cadres (id → name), kept across searches and scopes."""
        self._seq = 0

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    @property
    def rules(self) -> EligibilityRules:
        """The config's eligibility values (kept by the app), for this batch's leaders rule."""
        app_rules: EligibilityRules = self.app.eligibility_rules  # type: ignore[attr-defined]
        return app_rules.for_batch(self.batch.allow_leaders)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body", id="picker-body"):
            yield Static(
                t("picker.title", group=self.group.name, start=self.start.isoformat()),
                classes="dialog-question",
            )
            yield Input(placeholder=t("picker.placeholder"), id="picker-search")
            yield Static("", id="picker-status")
            yield OptionList(id="picker-results")
            yield Static("", id="picker-error", classes="dialog-error")
            yield Static(t("picker.keys"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#picker-search", Input).focus()
        self.refresh_results()

    # --- searching ---------------------------------------------------------------------

    def refresh_results(self) -> None:
        self._seq += 1
        text = self.query_one("#picker-search", Input).value
        if self.custom is not None:
            flt = dataclasses.replace(self.custom, text=text)
        else:
            flt = PoolFilter(
                text=text,
                statuses=NOMINEES if self.scope == "nominees" else frozenset(),
                eligible_only=self.scope != "everyone",
            )
        self.search(self._seq, flt)

    @work(thread=True, exclusive=True, group="picker-search")
    def search(self, seq: int, flt: PoolFilter) -> None:
        from cadre_tui.store import pool, round_nominees

        order = PoolOrder(by_pinyin=current_language() == "zh")
        try:
            conn = self.database.connect()
            try:
                page = pool.page(
                    conn, flt, order, today=self.start, rules=self.rules, limit=RESULTS
                )
                ids = [r.id for r in page.rows]
                failing: dict[int, str] = {}
                if not flt.eligible_only:
                    reasons = round_nominees.failing_reasons(conn, ids, self.start, self.rules)
                    failing = {cadre_id: said[0] for cadre_id, said in reasons.items()}
                approved = round_nominees.approved_among(conn, ids)
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(Refused(exc.message()))
            return
        if not get_current_worker().is_cancelled:
            rows = sorted(page.rows, key=lambda r: r.id not in approved)  # stable: order kept
            self.post_message(Found(seq, rows, failing, approved))

    def on_found(self, message: Found) -> None:
        if message.seq != self._seq:
            return
        self.rows, self.failing, self.approved = message.rows, message.failing, message.approved
        self._redraw()

    def _redraw(self, keep: int | None = None) -> None:
        results = self.query_one("#picker-results", OptionList)
        results.clear_options()
        results.add_options(Option(self._row_text(row), id=str(row.id)) for row in self.rows)
        if keep is not None:
            results.highlighted = keep
        more = t("picker.more", count=RESULTS) if len(self.rows) >= RESULTS else ""
        scope = "filtered" if self.custom is not None else self.scope
        self.query_one("#picker-status", Static).update(
            t(
                f"picker.scope_{scope}",
                count=len(self.rows),
                on=self.start.isoformat(),
                marked=len(self.marked),
            )
            + more
        )

    def _row_text(self, row: PoolRow) -> str:
        mark = "✓" if row.id in self.marked else " "
        star = "★" if row.id in self.approved else " "
        why = t("picker.failing", reason=self.failing[row.id]) if row.id in self.failing else ""
        if row.group:
            why = t("picker.in_group", group=row.group)
        line = " ".join(
            [
                mark + star,
                fit(row.name, 8),
                fit(str(row.age), 3, right=True),
                fit(row.sending_unit, 14),
                fit(row.category.label(), 12),
                why,
            ]
        )
        return fit(line, ROW_WIDTH).rstrip()

    def action_next_scope(self) -> None:
        if self.custom is not None:
            self.custom = None
        else:
            self.scope = SCOPES[(SCOPES.index(self.scope) + 1) % len(SCOPES)]
        self.refresh_results()

    def action_filters(self) -> None:
        """The pool's own filter dialog (status, category, units, party, age, eligible)."""
        from cadre_tui.ui.screens.pool_filters import PoolFiltersScreen

        def chosen(flt: PoolFilter | None) -> None:
            if flt is not None:
                self.custom = flt
                self.refresh_results()

        start = self.custom or PoolFilter(eligible_only=True)
        self.app.push_screen(PoolFiltersScreen(start), chosen)

    def action_toggle_mark(self) -> None:
        results = self.query_one("#picker-results", OptionList)
        if self.focused is not results or results.highlighted is None:
            return
        row = self.rows[results.highlighted]
        if row.id in self.marked:
            del self.marked[row.id]
        else:
            self.marked[row.id] = row.name
        index = results.highlighted
        self._redraw(keep=min(index + 1, len(self.rows) - 1))

    def action_cancel(self) -> None:
        self.dismiss(None)

    # --- adding ------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#picker-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = dict(self.marked)
        if not chosen:
            row = next(r for r in self.rows if r.id == int(event.option.id or 0))
            chosen = {row.id: row.name}
        self.judge(chosen)

    @work(thread=True, exclusive=True, group="picker-judge")
    def judge(self, chosen: dict[int, str]) -> None:
        from cadre_tui.store import round_nominees

        conn = self.database.connect()
        try:
            failing = round_nominees.failing_reasons(conn, list(chosen), self.start, self.rules)
        finally:
            conn.close()
        self.app.call_from_thread(self._ask_reasons, chosen, failing)

    def _ask_reasons(self, chosen: dict[int, str], failing: dict[int, list[str]]) -> None:
        if not failing:
            self.add(list(chosen), {})
            return
        names = t("store.name_separator").join(
            t(
                "picker.who_fails",
                name=chosen[i],
                reasons=t("store.placement.reason_separator").join(r),
            )
            for i, r in failing.items()
        )

        def given(reason: str | None) -> None:
            if reason:
                self.add(list(chosen), {cadre_id: reason for cadre_id in failing})

        question = t("picker.ask_reason", who=names)
        self.app.push_screen(PromptScreen(question, check=_required), given)

    @work(thread=True, group="picker-write")
    def add(self, cadre_ids: list[int], reasons: dict[int, str]) -> None:
        from cadre_tui.store import placements

        try:
            conn = self.database.connect()
            try:
                added = placements.add_members(
                    conn, self.group.id, cadre_ids, self.start, reasons=reasons, rules=self.rules
                )
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(Refused(exc.message()))
            return
        self.app.call_from_thread(self.dismiss, len(added))

    def on_refused(self, message: Refused) -> None:
        self.query_one("#picker-error", Static).update(message.text)


def _required(value: str) -> str | None:
    return None if value.strip() else t("picker.reason_required")
