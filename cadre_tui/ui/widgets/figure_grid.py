"""The figure entry grid: a row per member, a cell per metric, moved through
like a spreadsheet. Typing into a cell replaces what it held (the cell's text
is selected when the cursor arrives); ↑↓ and Enter go down the column, ←→ go
across once the text cursor is at the cell's edge, Tab goes on in reading order.

A cell marks its state with a character as well as colour: ✗ a problem that
stops the save, ! a warning to confirm, * changed and not yet saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label

from cadre_tui.domain.quantities import format_figure
from cadre_tui.ui.widgets.pool_grid import fit

NAME_WIDTH = 8
PLACE_WIDTH = 12
CELL_WIDTH = 10
FIGURE_CHARACTERS = "0123456789０１２３４５６７８９.,，．"
"""What a figure is typed with (full-width too, as Chinese input methods give it)."""


GridLine = tuple[str, str, list[float | None], bool]
"""A member's line: name, place, the day's values per metric, whether editable."""


class FigureCell(Input):
    """One cell: a metric of one member's day."""

    BINDINGS = [
        Binding("up", "step(-1, 0)", show=False),
        Binding("down,enter", "step(1, 0)", show=False),
        Binding("left", "left", show=False),
        Binding("right", "right", show=False),
    ]

    @dataclass
    class Step(Message):
        cell: FigureCell
        rows: int
        columns: int

    def __init__(self, row: int, column: int, value: float | None, *, disabled: bool) -> None:
        text = "" if value is None else format_figure(value).replace(",", "")
        super().__init__(
            text,
            compact=True,
            restrict=f"[{re.escape(FIGURE_CHARACTERS)}]*",
            id=f"cell-{row}-{column}",
            classes="figure-cell",
            disabled=disabled,
        )
        self.row = row
        self.column = column
        self.saved_text = text

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Only what a figure is written with: other printable keys ([ ] for the
        day, letters for the screen's keys) stay free for bindings."""
        return character is not None and character in FIGURE_CHARACTERS

    @property
    def changed(self) -> bool:
        return self.value.strip() != self.saved_text

    def action_step(self, rows: int, columns: int) -> None:
        self.post_message(self.Step(self, rows, columns))

    def action_left(self) -> None:
        if self.cursor_position == 0 or self.selection.start != self.selection.end:
            self.post_message(self.Step(self, 0, -1))
        else:
            self.action_cursor_left()

    def action_right(self) -> None:
        if self.cursor_position >= len(self.value) or self.selection.start != self.selection.end:
            self.post_message(self.Step(self, 0, 1))
        else:
            self.action_cursor_right()


class FigureGrid(VerticalScroll):
    """Rows of labelled cells; the screen fills it from an EntryGrid."""

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.cells: list[list[FigureCell]] = []

    def fill(
        self, header: list[str], rows: list[tuple[str, str, list[float | None], bool]]
    ) -> None:
        """``header``: the metric titles; ``rows``: (name, place, values, editable)."""
        self.remove_children()
        self.cells = []
        head = Horizontal(classes="figure-row figure-head")
        self.mount(head)
        head.mount(Label(fit("", NAME_WIDTH + PLACE_WIDTH + 1), classes="figure-label"))
        for title in header:
            head.mount(Label(fit(title, CELL_WIDTH), classes="figure-title"))
        for index, (name, place, values, editable) in enumerate(rows):
            line = Horizontal(classes="figure-row")
            self.mount(line)
            label = Text(fit(name, NAME_WIDTH) + " ")
            label.append(fit(place, PLACE_WIDTH), style="dim")
            line.mount(Label(label, classes="figure-label"))
            cells = [
                FigureCell(index, column, value, disabled=not editable)
                for column, value in enumerate(values)
            ]
            line.mount_all(cells)
            self.cells.append(cells)

    def cell(self, row: int, column: int) -> FigureCell | None:
        if 0 <= row < len(self.cells) and 0 <= column < len(self.cells[row]):
            return self.cells[row][column]
        return None

    def on_figure_cell_step(self, message: FigureCell.Step) -> None:
        message.stop()
        row, column = message.cell.row + message.rows, message.cell.column + message.columns
        while (target := self.cell(row, column)) is not None and target.disabled:
            row, column = row + message.rows, column + message.columns
        if target is not None:
            target.focus()
            self.scroll_to_widget(target, animate=False)

    def compose(self) -> ComposeResult:
        yield from ()
