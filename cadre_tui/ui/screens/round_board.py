"""The recommendation round's board: every sending unit, problems first, with
days to the deadline on top. Enter opens a unit to decide on its nominees.

Reads run in a thread worker; the screen re-reads when it comes back into
view, so a change made in a unit (or by another coordinator) shows at once.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.domain.identity import mask_phone
from cadre_tui.domain.round import DEFAULT_QUOTA, default_deadline
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.round_board import (
    RoundBoard,
    UnitLine,
    counts_text,
    deadline_text,
    nominees_text,
)
from cadre_tui.ui import clock
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.live import LiveScreen
from cadre_tui.ui.messages import LoadFailed
from cadre_tui.ui.screens.dialogs import ConfirmScreen
from cadre_tui.ui.widgets.round_units import RoundUnitList


def today() -> dt.date:
    """The day the board counts down from (tests replace it)."""
    return clock.today()


class BoardLoaded(Message):
    """The board of ``year``, or ``None`` when that year has no round, as of ``version``."""

    def __init__(self, year: int, board: RoundBoard | None, version: tuple | None) -> None:
        super().__init__()
        self.year = year
        self.board = board
        self.version = version


class RoundDone(Message):
    """A write finished; ``text`` is already translated."""

    def __init__(self, text: str, error: bool = False) -> None:
        super().__init__()
        self.text = text
        self.error = error


class RoundBoardScreen(LiveScreen, TranslatedBindings, Screen[None]):
    CSS_PATH = "../styles/round.tcss"

    BINDINGS = [
        Binding("enter", "open_unit", "round.key_open", id="round.open"),
        Binding("l", "toggle_late", "round.key_late", id="round.late"),
        Binding("c", "create_round", "round.key_create", id="round.create"),
        Binding("r", "refresh", "key.refresh", id="round.refresh"),
        Binding(
            "left_square_bracket", "year(-1)", "round.key_prev_year", show=False, id="round.prev"
        ),
        Binding(
            "right_square_bracket", "year(1)", "round.key_next_year", show=False, id="round.next"
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id="round")
        self.year: int | None = None
        self.board: RoundBoard | None = None
        self.late_only = False
        self.version: tuple | None = None
        """What was written last (and the day) when the board shown was read."""

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    @property
    def rules(self) -> EligibilityRules:
        """The config's eligibility values, which the app keeps for every screen."""
        return self.app.eligibility_rules  # type: ignore[attr-defined]

    @property
    def units(self) -> RoundUnitList:
        return self.query_one(RoundUnitList)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("round.loading"), id="round-summary")
        yield RoundUnitList(id="round-units")
        yield Static("", id="round-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = t("round.title")
        self.load(None)

    def on_screen_resume(self) -> None:
        """Back on the board: read it again only if someone wrote since."""
        if self.board is not None or self.year is not None:
            self.load(self.year)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only "open this year's round" comes and goes (when the year has none)."""
        if action == "create_round":
            return self.year is not None and self.board is None
        return True

    # --- reading -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="round-board")
    def load(self, year: int | None, force: bool = False) -> None:
        """This year's round (or the latest) when ``year`` is None; unless ``force``,
        nothing is read when nothing was written since the board shown was read."""
        from cadre_tui.services import round_board
        from cadre_tui.store import recommendations

        day = today()
        try:
            conn = self.database.connect()
            try:
                version = (recommendations.data_version(conn), day)
                if not force and year == self.year and version == self.version:
                    return
                if year is None:
                    found = round_board.current_round(conn, day)
                else:
                    found = recommendations.get_round(conn, year)
                if found is None:
                    self.post_message(BoardLoaded(year or day.year, None, version))
                    return
                board = round_board.kept_board(
                    conn,
                    found,
                    today=day,
                    rules=self.rules,
                    version=version[0],
                    source=str(self.database.path),
                    fresh=force,
                )
                self.post_message(BoardLoaded(found.year, board, version))
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(LoadFailed(exc.message()))

    def on_board_loaded(self, message: BoardLoaded) -> None:
        can_create = message.board is None
        if can_create != (self.year is not None and self.board is None):
            self.call_after_refresh(self.refresh_bindings)  # the footer is rebuilt: only then
        self.year, self.board, self.version = message.year, message.board, message.version
        summary = self.query_one("#round-summary", Static)
        keep = self.units.current.unit_id if self.units.current else None
        if message.board is None:
            summary.update(Text(t("round.no_round", year=message.year), style="bold"))
            self.units.empty_text = t("round.create_hint", year=message.year)
            self.units.show([])
        else:
            board = message.board
            shown_note = t("round.showing_late") if self.late_only else t("round.legend")
            summary.update(
                Text(deadline_text(board), style="bold")
                + Text("\n" + counts_text(board) + "  " + shown_note)
            )
            shown = board.late() if self.late_only else board.units
            self.units.empty_text = t("round.none_late") if self.late_only else ""
            self.units.show(shown, keep)
        self.call_after_refresh(self.app.data_painted)  # type: ignore[attr-defined]

    def on_load_failed(self, message: LoadFailed) -> None:
        self.query_one("#round-summary", Static).update(Text(message.text, style="bold"))
        self.notify(message.text, severity="error", timeout=8)

    @on(RoundUnitList.Highlighted)
    def _highlighted(self, message: RoundUnitList.Highlighted) -> None:
        self.query_one("#round-detail", Static).update(_detail(message.unit))

    # --- actions -----------------------------------------------------------------

    def refresh_live(self) -> None:
        """Someone wrote: read the board again (the cursor stays on its unit)."""
        if self.board is not None or self.year is not None:
            self.load(self.year)

    def action_refresh(self) -> None:
        self.load(self.year, force=True)

    def action_year(self, delta: int) -> None:
        self.load((self.year or today().year) + delta)

    def action_toggle_late(self) -> None:
        self.late_only = not self.late_only
        if self.board is not None:
            self.post_message(BoardLoaded(self.board.round.year, self.board, self.version))

    def action_open_unit(self) -> None:
        unit = self.units.current
        if unit is None or self.board is None:
            return
        from cadre_tui.ui.screens.round_unit import RoundUnitScreen

        self.app.push_screen(RoundUnitScreen(self.board.round, unit, self.rules))

    def action_create_round(self) -> None:
        if self.year is None or self.board is not None:
            return
        year = self.year
        question = t(
            "round.confirm_create",
            year=year,
            deadline=default_deadline(year).isoformat(),
            quota=str(DEFAULT_QUOTA),
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write_create(year)

        self.app.push_screen(ConfirmScreen(question), confirmed)

    @work(thread=True, group="round-write")
    def write_create(self, year: int) -> None:
        from cadre_tui.store import recommendations

        conn = self.database.connect()
        try:
            recommendations.create_round(conn, year)
        except CadreError as exc:
            self.post_message(RoundDone(exc.message(), error=True))
            return
        finally:
            conn.close()
        self.post_message(RoundDone(t("round.created", year=year)))

    def on_round_done(self, message: RoundDone) -> None:
        self.notify(message.text, severity="error" if message.error else "information")
        self.load(self.year)


def _detail(unit: UnitLine | None) -> Text:
    """Two lines under the list: who to call at the unit, and the unit's nominees."""
    if unit is None:
        return Text("")
    phone = mask_phone(unit.leader_phone) if unit.leader_phone else "—"
    first = t("round.leader_line", leader=unit.leader_in_charge or "—", phone=phone)
    quota = t("round.own_quota", quota=str(unit.quota)) if unit.own_quota else ""
    text = Text(f"{unit.name}  {first}{quota}", style="bold")
    text.append("\n" + t("round.nominees_line", names=nominees_text(unit) or "—"))
    return text
