"""One sending unit in the round: its nominees with their eligibility on the
round's date, and the coordinator's decisions (approve, return with a note),
the committee's meeting date, the unit's own quota, and adding nominees.

Every write runs in a thread worker through one store function; the unit is
read again afterwards so what is shown is what was stored.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from cadre_tui.domain.dates import DateError, parse_date
from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.domain.enums import RecommendationState
from cadre_tui.domain.round import RecommendationRound, parse_quota
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.round_board import NomineeLine, UnitLine
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.messages import LoadFailed
from cadre_tui.ui.screens import round_board
from cadre_tui.ui.screens.dialogs import ConfirmScreen, PromptScreen
from cadre_tui.ui.screens.round_board import RoundDone


class UnitLoaded(Message):
    def __init__(self, line: UnitLine) -> None:
        super().__init__()
        self.line = line


class RoundUnitScreen(TranslatedBindings, Screen[None]):
    CSS_PATH = "../styles/round.tcss"

    BINDINGS = [
        Binding("escape", "back", "key.back", id="round_unit.back"),
        Binding("a", "approve", "round.key_approve", id="round_unit.approve"),
        Binding("r", "return_nomination", "round.key_return", id="round_unit.return"),
        Binding("n", "nominate", "round.key_nominate", id="round_unit.nominate"),
        Binding("m", "meeting", "round.key_meeting", show=False, id="round_unit.meeting"),
        Binding("w", "withdraw", "round.key_withdraw", show=False, id="round_unit.withdraw"),
        Binding("q", "quota", "round.key_quota", show=False, id="round_unit.quota"),
    ]

    def __init__(
        self, round_: RecommendationRound, unit: UnitLine, rules: EligibilityRules
    ) -> None:
        super().__init__(id="round-unit")
        self.round = round_
        self.line = unit
        self.rules = rules

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    @property
    def table(self) -> DataTable:
        return self.query_one("#unit-nominees", DataTable)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="unit-title")
        yield DataTable(id="unit-nominees", cursor_type="row")
        yield Static("", id="unit-nominee")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = t("round.unit_title", year=self.round.year)
        table = self.table
        for key in ("name", "age", "category", "state", "eligible"):
            table.add_column(t(f"round.col_{key}"), key=key)
        table.focus()
        self.show(self.line)
        self.load()

    # --- reading -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="round-unit")
    def load(self) -> None:
        from cadre_tui.services import round_board as board

        try:
            conn = self.database.connect()
            try:
                line = board.unit_line(conn, self.round, self.line.unit_id, self.rules)
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(LoadFailed(exc.message()))
            return
        self.post_message(UnitLoaded(line))

    def on_unit_loaded(self, message: UnitLoaded) -> None:
        self.show(message.line)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.notify(message.text, severity="error", timeout=8)

    def show(self, line: UnitLine) -> None:
        self.line = line
        meeting = line.meeting_date.isoformat() if line.meeting_date else t("round.no_meeting")
        self.query_one("#unit-title", Static).update(
            Text(
                t(
                    "round.unit_header",
                    unit=line.name,
                    quota=str(line.quota),
                    meeting=meeting,
                    state=line.state.label(),
                ),
                style="bold",
            )
        )
        table = self.table
        row = table.cursor_row
        table.clear()
        for nominee in line.nominees:
            table.add_row(
                nominee.name,
                str(nominee.age),
                nominee.category.label(),
                nominee.state.label(),
                t("round.eligible_yes") if nominee.eligible else t("round.eligible_no"),
                key=str(nominee.recommendation_id),
            )
        if line.nominees:
            table.move_cursor(row=min(row, len(line.nominees) - 1))
        self._show_nominee()

    @property
    def current(self) -> NomineeLine | None:
        nominees = self.line.nominees
        row = self.table.cursor_row
        return nominees[row] if nominees and 0 <= row < len(nominees) else None

    @on(DataTable.RowHighlighted)
    def _show_nominee(self) -> None:
        self.query_one("#unit-nominee", Static).update(self._nominee_text(self.current))

    def _nominee_text(self, nominee: NomineeLine | None) -> Text:
        on = self.round.judged_on.isoformat()
        if nominee is None:
            return Text(t("round.no_nominees") + "\n" + t("round.nominate_hint"))
        failures = nominee.failures
        if failures:
            reasons = t("round.reason_separator").join(r.reason(self.rules) for r in failures)
            text = Text(t("round.fails", reasons=reasons, on=on), style="bold")
        else:
            text = Text(t("round.passes", on=on))
        for warning in (r for r in nominee.rules if not r.passed and not r.blocking):
            text.append("\n" + t("round.warning", reason=warning.reason(self.rules)))
        if nominee.exception_reason:
            text.append("\n" + t("round.exception_reason", reason=nominee.exception_reason))
        if nominee.note:
            text.append("\n" + t("round.note", note=nominee.note))
        return text

    # --- writing -----------------------------------------------------------------

    @work(thread=True, group="round-write")
    def write(self, change: Callable[[sqlite3.Connection], object], done: str) -> None:
        """Run one store write on this thread's own connection, then read the unit again."""
        try:
            conn = self.database.connect()
            try:
                change(conn)
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(RoundDone(exc.message(), error=True))
            return
        self.post_message(RoundDone(done))

    def on_round_done(self, message: RoundDone) -> None:
        message.stop()
        self.notify(message.text, severity="error" if message.error else "information")
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_approve(self) -> None:
        from cadre_tui.store import recommendations as store

        nominee = self.current
        if nominee is None:
            return
        if nominee.state is not RecommendationState.NOMINATED:
            self.notify(t("round.not_pending", name=nominee.name, state=nominee.state.label()))
            return
        done = t("round.approved", name=nominee.name)
        rec_id, rules = nominee.recommendation_id, self.rules
        if nominee.eligible or nominee.exception_reason:
            self.write(lambda conn: store.approve(conn, rec_id, rules=rules), done)
            return
        reasons = t("round.reason_separator").join(r.reason(rules) for r in nominee.failures)

        def reason_given(reason: str | None) -> None:
            if reason:
                self.write(
                    lambda conn: store.approve(conn, rec_id, exception_reason=reason, rules=rules),
                    done,
                )

        question = t("round.ask_reason", name=nominee.name, reasons=reasons)
        self.app.push_screen(PromptScreen(question, check=_required), reason_given)

    def action_return_nomination(self) -> None:
        from cadre_tui.store import recommendations as store

        nominee = self.current
        if nominee is None or nominee.state is RecommendationState.RETURNED:
            return
        rec_id = nominee.recommendation_id

        def note_given(note: str | None) -> None:
            if note:
                self.write(
                    lambda conn: store.return_nomination(conn, rec_id, note),
                    t("round.returned", name=nominee.name),
                )

        question = t("round.ask_return_note", name=nominee.name)
        self.app.push_screen(PromptScreen(question, check=_required), note_given)

    def action_withdraw(self) -> None:
        from cadre_tui.store import recommendations as store

        nominee = self.current
        if nominee is None:
            return
        rec_id = nominee.recommendation_id

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda conn: store.withdraw(conn, rec_id),
                    t("round.withdrawn", name=nominee.name),
                )

        self.app.push_screen(
            ConfirmScreen(t("round.confirm_withdraw", name=nominee.name)), confirmed
        )

    def action_meeting(self) -> None:
        from cadre_tui.store import recommendations as store

        round_id, unit_id = self.round.id, self.line.unit_id
        current = self.line.meeting_date or round_board.today()

        def date_given(text: str | None) -> None:
            if text:
                held = parse_date(text)
                self.write(
                    lambda conn: store.record_meeting(conn, round_id, unit_id, held),
                    t("round.meeting_recorded", date=held.isoformat()),
                )

        question = t("round.ask_meeting", unit=self.line.name)
        self.app.push_screen(
            PromptScreen(question, current.isoformat(), check=_date_problem), date_given
        )

    def action_quota(self) -> None:
        from cadre_tui.store import recommendations as store

        round_id, unit_id = self.round.id, self.line.unit_id

        def quota_given(text: str | None) -> None:
            if text is None:
                return
            quota = parse_quota(text)
            shown = str(quota or self.round.quota)
            self.write(
                lambda conn: store.set_unit_quota(conn, round_id, unit_id, quota),
                t("round.quota_set", quota=shown),
            )

        own = str(self.line.quota) if self.line.own_quota else ""
        question = t("round.ask_quota", unit=self.line.name, quota=str(self.round.quota))
        self.app.push_screen(PromptScreen(question, own, check=_quota_problem), quota_given)

    def action_nominate(self) -> None:
        from cadre_tui.ui.screens.round_nominate import RoundNominateScreen

        def nominated(count: int | None) -> None:
            if count:
                self.notify(t("round.nominated", count=count, unit=self.line.name))
                self.load()

        self.app.push_screen(RoundNominateScreen(self.round, self.line, self.rules), nominated)


def _required(value: str) -> str | None:
    return None if value.strip() else t("round.error.text_required")


def _date_problem(value: str) -> str | None:
    try:
        parse_date(value)
    except DateError as exc:
        return t("round.error.date", value=exc.value)
    return None


def _quota_problem(value: str) -> str | None:
    try:
        parse_quota(value)
    except ValueError:
        return t("round.error.quota_format", value=value)
    return None
