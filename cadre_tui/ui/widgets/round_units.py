"""The round board's list of sending units, drawn line by line: only the visible
lines are rendered, so 2,000 units paint as fast as 50 (a DataTable would
measure every cell first). Each line says its state in words."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from cadre_tui.domain.round import UnitState
from cadre_tui.i18n import t
from cadre_tui.services.round_board import UnitLine, nominees_text
from cadre_tui.ui.widgets.pool_grid import fit

UNIT_WIDTH = 20
COUNT_WIDTH = 6
MEETING_WIDTH = 5


class RoundUnitList(Widget, can_focus=True):
    """Cursor over every unit of the board; the screen opens the highlighted one."""

    DEFAULT_CSS = """
    RoundUnitList {
        height: 1fr;
        background: $surface;
    }
    RoundUnitList > .round-units--header {
        text-style: bold;
        background: $panel;
    }
    RoundUnitList > .round-units--problem {
        text-style: bold;
    }
    RoundUnitList > .round-units--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    RoundUnitList:blur > .round-units--cursor {
        background: $block-cursor-blurred-background;
        text-style: none;
    }
    RoundUnitList > .round-units--empty {
        color: $text-muted;
    }
    """

    COMPONENT_CLASSES = {
        "round-units--header",
        "round-units--problem",
        "round-units--cursor",
        "round-units--empty",
    }

    BINDINGS = [
        Binding("up", "move(-1)", show=False, id="round_units.up"),
        Binding("down", "move(1)", show=False, id="round_units.down"),
        Binding("pageup", "page(-1)", show=False, id="round_units.page_up"),
        Binding("pagedown", "page(1)", show=False, id="round_units.page_down"),
        Binding("home", "move_to(0)", show=False, id="round_units.home"),
        Binding("end", "move_to(-1)", show=False, id="round_units.end"),
    ]

    class Highlighted(Message):
        def __init__(self, unit: UnitLine | None) -> None:
            super().__init__()
            self.unit = unit

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.units: list[UnitLine] = []
        self.cursor = 0
        self.top = 0
        self.empty_text = ""
        self.state_width = max(cell_len(state.label()) for state in UnitState)

    # --- data in -----------------------------------------------------------------

    def show(self, units: list[UnitLine], keep_unit_id: int | None = None) -> None:
        """New rows; the cursor stays on the same unit when it is still listed."""
        self.units = units
        index = next((i for i, u in enumerate(units) if u.unit_id == keep_unit_id), 0)
        self.top = 0
        self._move_to(index, announce=True)

    @property
    def current(self) -> UnitLine | None:
        return self.units[self.cursor] if 0 <= self.cursor < len(self.units) else None

    @property
    def visible_rows(self) -> int:
        return max(1, self.size.height - 1)

    # --- keys --------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        step = self.visible_rows * direction
        self.top = max(0, min(self.top + step, max(0, len(self.units) - self.visible_rows)))
        self._move_to(self.cursor + step)

    def action_move_to(self, index: int) -> None:
        self._move_to(index if index >= 0 else len(self.units) - 1)

    def _move_to(self, index: int, announce: bool = False) -> None:
        previous = self.cursor
        self.cursor = max(0, min(index, len(self.units) - 1)) if self.units else 0
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + self.visible_rows:
            self.top = self.cursor - self.visible_rows + 1
        if announce or previous != self.cursor:
            self.post_message(self.Highlighted(self.current))
        self.refresh()

    def on_resize(self) -> None:
        self._move_to(self.cursor)

    # --- drawing -----------------------------------------------------------------

    def _cells(self, state: str, unit: str, count: str, meeting: str, names: str) -> str:
        fixed = self.state_width + UNIT_WIDTH + COUNT_WIDTH + MEETING_WIDTH + 5
        rest = max(4, self.size.width - fixed)
        return " ".join(
            [
                "",
                fit(state, self.state_width),
                fit(unit, UNIT_WIDTH),
                fit(count, COUNT_WIDTH, right=True),
                fit(meeting, MEETING_WIDTH),
                fit(names, rest),
            ]
        )

    def header_text(self) -> str:
        return self._cells(
            t("round.col_state"),
            t("round.col_unit"),
            t("round.col_count_short"),
            t("round.col_meeting_short"),
            t("round.col_nominees"),
        )

    def row_text(self, unit: UnitLine) -> str:
        meeting = unit.meeting_date.strftime("%m-%d") if unit.meeting_date else "—"
        count = t("round.count_of_quota", count=unit.standing, quota=str(unit.quota))
        names = nominees_text(unit, short=True) or "—"
        return self._cells(unit.state.label(), unit.name, count, meeting, names)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            style = self.get_component_rich_style("round-units--header")
            return Strip([Segment(fit(self.header_text(), width), style)], width)
        index = self.top + y - 1
        if not self.units:
            if y == 1 and self.empty_text:
                style = self.get_component_rich_style("round-units--empty")
                return Strip([Segment(fit(" " + self.empty_text, width), style)], width)
            return Strip.blank(width, self.rich_style)
        if index >= len(self.units):
            return Strip.blank(width, self.rich_style)
        unit = self.units[index]
        style = self.rich_style
        if unit.state.is_problem:
            style = style + self.get_component_rich_style("round-units--problem")
        if index == self.cursor:
            style = style + self.get_component_rich_style("round-units--cursor")
        return Strip([Segment(fit(self.row_text(unit), width), style)], width)
