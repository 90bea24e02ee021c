"""Follow-up and coordination (F6): the logistics board across every working group,
problems first; the meetings held; training sessions and mentors with their flags.

``1`` / ``2`` / ``3`` switch between the three; each reads in a thread worker and
reads again when someone else writes, the cursor staying on the same row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Header, Static
from textual.widgets.data_table import RowDoesNotExist

from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services import coordination_view as view
from cadre_tui.services.history import fit
from cadre_tui.ui import clock
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.live import LiveScreen
from cadre_tui.ui.repaint import QuietBindings

VIEWS = ("items", "meetings", "training")


def today() -> dt.date:
    """The day the board is judged on (tests replace it)."""
    return clock.today()


@dataclass
class Loaded(Message):
    board: view.CoordinationBoard


@dataclass
class Failed(Message):
    text: str


@dataclass
class Written(Message):
    text: str
    error: bool = False
    keep: dict[str, Any] = field(default_factory=dict)


NARROWEST = 6
"""No column of a coordination table is cut narrower than this many cells."""


class CoordinationScreen(QuietBindings, LiveScreen, TranslatedBindings, Screen[None]):
    """Logistics items, meetings, training and mentors."""

    AUTO_FOCUS = "#items-table"

    BINDINGS = [
        Binding("1", "show('items')", "coord.key_items", show=False, id="coord.items"),
        Binding("2", "show('meetings')", "coord.key_meetings", show=False, id="coord.meetings"),
        Binding("3", "show('training')", "coord.key_training", show=False, id="coord.training"),
        Binding("n", "new", "coord.key_new", id="coord.new"),
        Binding("s", "set_state", "coord.key_state", id="coord.state"),
        Binding("e", "edit", "coord.key_edit", show=False, id="coord.edit"),
        Binding("m", "mentor", "coord.key_mentor", id="coord.mentor"),
        Binding("o", "toggle_open", "coord.key_open_only", show=False, id="coord.open_only"),
        Binding("c", "category", "coord.key_category", show=False, id="coord.category"),
        Binding("b", "batch", "coord.key_batch", show=False, id="coord.batch"),
        Binding("u", "unit", "coord.key_unit", show=False, id="coord.unit"),
        Binding("ctrl+r", "refresh", "key.refresh", show=False, id="coord.refresh"),
    ]

    DEFAULT_CSS = """
    CoordinationScreen #coord-tabs { height: 1; padding: 0 1; }
    CoordinationScreen #coord-filters { height: 1; padding: 0 1; color: $text-muted; }
    CoordinationScreen #coord-views { height: 1fr; }
    CoordinationScreen #coord-views > Vertical { height: 1fr; }
    CoordinationScreen #coord-detail {
        height: 4; padding: 0 1; border-top: solid $panel-lighten-2;
    }
    CoordinationScreen DataTable { height: 1fr; }
    CoordinationScreen #training-flags { height: auto; max-height: 5; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="coordination")
        self.board: view.CoordinationBoard | None = None
        self.filters = view.BoardFilters()
        self.current = "items"
        self._keep: dict[str, Any] = {}

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="coord-tabs")
        yield Static("", id="coord-filters")
        with ContentSwitcher(initial="items", id="coord-views"):
            with Vertical(id="items"):
                yield DataTable(id="items-table", cursor_type="row")
            with Vertical(id="meetings"):
                yield DataTable(id="meetings-table", cursor_type="row")
            with Vertical(id="training"):
                yield Static("", id="training-flags")
                yield DataTable(id="training-table", cursor_type="row")
        yield Static(t("dashboard.loading"), id="coord-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = t("coord.title")
        self._tabs()
        self.load()

    # --- reading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="coord-load")
    def load(self) -> None:
        try:
            conn = self.database.connect()
            try:
                board = view.board(conn, self.filters, today())
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(Failed(exc.message()))
            return
        self.post_message(Loaded(board))

    def on_loaded(self, message: Loaded) -> None:
        self.board = message.board
        self._fill_items()
        self._fill_meetings()
        self._fill_training()
        self.query_one("#coord-filters", Static).update(Text(view.filter_text(self.board)))
        self._detail()

    def on_failed(self, message: Failed) -> None:
        self.query_one("#coord-detail", Static).update(Text(message.text, style="bold"))

    def refresh_live(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    # --- the three tables ----------------------------------------------------------------

    def _table(self, name: str) -> DataTable:
        return self.query_one(f"#{name}-table", DataTable)

    def _refill(self, name: str, columns: tuple[str, ...], rows: list[tuple[str, list]]) -> None:
        """Replace the rows, the cursor staying on the same key when it is still there."""
        table = self._table(name)
        keep = None
        if table.row_count and table.cursor_row >= 0:
            keep = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        keep = self._keep.pop(name, keep)
        labels = [t(c) for c in columns]
        room = self.app.size.width - 2  # the vertical scroll bar
        widths = column_widths(labels, [cells for _key, cells in rows], room)
        if [column.width for column in table.columns.values()] == widths:
            table.clear()
        else:
            table.clear(columns=True)
            for label, width in zip(labels, widths, strict=True):
                table.add_column(label, width=width)
        for key, cells in rows:
            shown = [
                fit(cell, width) if isinstance(cell, str) else cell
                for cell, width in zip(cells, widths, strict=True)
            ]
            table.add_row(*shown, key=key)
        if keep is not None:
            with contextlib.suppress(RowDoesNotExist):  # gone: the cursor stays where it is
                table.move_cursor(row=table.get_row_index(keep), animate=False)

    def _fill_items(self) -> None:
        assert self.board is not None
        self._refill("items", view.ITEM_COLUMNS, view.item_cells(self.board.items))

    def _fill_meetings(self) -> None:
        assert self.board is not None
        self._refill("meetings", view.MEETING_COLUMNS, view.meeting_cells(self.board.meetings))

    def _fill_training(self) -> None:
        assert self.board is not None
        self.query_one("#training-flags", Static).update(view.flag_text(self.board))
        self._refill("training", view.TRAINING_COLUMNS, view.training_cells(self.board))

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._detail()
        self.refresh_bindings_if_changed()

    def _detail(self) -> None:
        if self.board is None:
            return
        key = self.highlighted_key()
        text = view.detail_text(self.board, self.current, key)
        self.query_one("#coord-detail", Static).update(Text(text))

    def highlighted_key(self) -> str | None:
        table = self._table(self.current)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value

    def _tabs(self) -> None:
        parts = []
        for number, name in enumerate(VIEWS, start=1):
            label = f" {number} {t(f'coord.view_{name}')} "
            parts.append(Text(label, style="reverse bold" if name == self.current else ""))
        self.query_one("#coord-tabs", Static).update(Text(" ").join(parts))

    def action_show(self, name: str) -> None:
        self.current = name
        self.query_one("#coord-views", ContentSwitcher).current = name
        self._table(name).focus()
        self._tabs()
        self._detail()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Item keys only on the items board (dimmed without a row), the mentor key
        only on a member without one; elsewhere they are not offered at all."""
        if action in ("set_state", "edit"):
            if self.current != "items":
                return False
            return self.highlighted_key() is not None or None
        if action in ("toggle_open", "category", "unit", "batch"):
            return self.current == "items"
        if action == "mentor":
            key = self.highlighted_key() if self.current == "training" else None
            return bool(key and key.startswith("member:"))
        return True

    # --- filters -------------------------------------------------------------------------

    def action_toggle_open(self) -> None:
        self.filters = self.filters.toggled_open()
        self.load()

    def action_category(self) -> None:
        self.filters = self.filters.next_category()
        self.load()

    def action_batch(self) -> None:
        if self.board is not None:
            self.filters = self.filters.next_batch(self.board.batch_ids)
            self.load()

    def action_unit(self) -> None:
        if self.board is not None:
            self.filters = self.filters.next_unit(self.board.unit_ids)
            self.load()

    # --- writing -------------------------------------------------------------------------

    def action_new(self) -> None:
        from cadre_tui.ui.screens import coordination_forms as forms

        screen = {
            "items": lambda: forms.ItemFormScreen(self.database, None, today()),
            "meetings": lambda: forms.MeetingFormScreen(self.database, today()),
            "training": lambda: forms.TrainingFormScreen(self.database, today()),
        }[self.current]()
        self.app.push_screen(screen, self._after_form)

    def action_edit(self) -> None:
        from cadre_tui.ui.screens import coordination_forms as forms

        key = self.highlighted_key()
        if self.current == "items" and key is not None:
            screen = forms.ItemFormScreen(self.database, int(key), today())
            self.app.push_screen(screen, self._after_form)

    def action_set_state(self) -> None:
        from cadre_tui.ui.screens import coordination_forms as forms

        key = self.highlighted_key()
        if self.current == "items" and key is not None:
            screen = forms.ItemStateScreen(self.database, int(key), today())
            self.app.push_screen(screen, self._after_form)

    def action_mentor(self) -> None:
        from cadre_tui.ui.screens import coordination_forms as forms

        key = self.highlighted_key()
        if key and key.startswith("member:"):
            screen = forms.MentorFormScreen(self.database, int(key.split(":")[1]), today())
            self.app.push_screen(screen, self._after_form)

    def _after_form(self, saved: int | None) -> None:
        if saved is not None:
            self.load()


def column_widths(labels: list[str], rows: list[list[Any]], room: int) -> list[int]:
    """Each column as wide as its widest cell or label, the widest narrowed (their
    text cut) until all fit in ``room`` cells with a cell of padding either side.

    Why set here: a DataTable left to size its columns does so when idle, and rows
    drawn before that stay cut at the labels' widths until the next change.
    """
    widths = [cell_len(label) for label in labels]
    for cells in rows:
        for index, cell in enumerate(cells):
            plain = cell.plain if isinstance(cell, Text) else str(cell)
            widths[index] = max(widths[index], cell_len(plain))
    while sum(widths) + 2 * len(widths) > room and max(widths) > NARROWEST:
        widths[widths.index(max(widths))] -= 1
    return widths
