"""A line-rendered table of pool rows: only the visible lines are drawn, from a
small buffer of keyset pages. It never holds the pool, so it feels the same at
500 cadres and at 1,000,000 (Textual's DataTable measures every cell)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from cadre_tui.domain.pool_query import PoolOrder, PoolPage, PoolRow, PoolSort
from cadre_tui.i18n import t
from cadre_tui.ui.bindings import TranslatedBindings

BUFFER_LIMIT = 600
"""Rows kept around the cursor; older ones are dropped and fetched again if needed."""

PREFETCH_SCREENS = 2
"""Ask for the next page while at least this many screens of rows remain ahead."""


@dataclass(frozen=True)
class Column:
    sort: PoolSort | None
    title_key: str
    width: int
    cell: Callable[[PoolRow], str]
    right: bool = False


def fit(text: str, width: int, right: bool = False) -> str:
    """Exactly ``width`` terminal cells (Chinese characters take two), with … when cut."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    if right:
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)


class PoolGrid(TranslatedBindings, Widget, can_focus=True):
    """Cursor, selection marks and column headers over a window of the pool."""

    DEFAULT_CSS = """
    PoolGrid {
        height: 1fr;
        background: $surface;
    }
    PoolGrid > .pool-grid--header {
        text-style: bold;
        background: $panel;
    }
    PoolGrid > .pool-grid--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    PoolGrid:blur > .pool-grid--cursor {
        background: $block-cursor-blurred-background;
        text-style: none;
    }
    PoolGrid > .pool-grid--selected {
        text-style: bold;
        color: $text-accent;
    }
    PoolGrid > .pool-grid--empty {
        color: $text-muted;
    }
    """

    COMPONENT_CLASSES = {
        "pool-grid--header",
        "pool-grid--cursor",
        "pool-grid--selected",
        "pool-grid--empty",
    }

    BINDINGS = [
        Binding("up", "move(-1)", show=False, id="grid.up"),
        Binding("down", "move(1)", show=False, id="grid.down"),
        Binding("pageup", "page(-1)", show=False, id="grid.page_up"),
        Binding("pagedown", "page(1)", show=False, id="grid.page_down"),
        Binding("home", "jump('start')", show=False, id="grid.home"),
        Binding("end", "jump('end')", show=False, id="grid.end"),
        Binding("space", "toggle_mark", "pool.key_select", id="pool.select"),
        Binding("shift+down", "extend(1)", show=False, id="pool.extend_down"),
        Binding("shift+up", "extend(-1)", show=False, id="pool.extend_up"),
    ]

    class NeedRows(Message):
        """The cursor is near an edge of the buffer: fetch the rows beyond ``key``."""

        def __init__(self, direction: str, key: tuple) -> None:
            super().__init__()
            self.direction = direction
            self.key = key

    class Jump(Message):
        """Home or End: replace the buffer with the first or the last page."""

        def __init__(self, where: str) -> None:
            super().__init__()
            self.where = where

    class Highlighted(Message):
        def __init__(self, row: PoolRow | None) -> None:
            super().__init__()
            self.row = row

    class MarksChanged(Message):
        pass

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    """Every change goes through ``_after_move``, which repaints what changed."""

    def __init__(self, columns: list[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = columns
        self.rows: list[PoolRow] = []
        self.more_after = False
        self.more_before = False
        self.top = 0
        self.base_index: int | None = 0
        """Absolute position of ``rows[0]`` in the result, when known."""
        self.order = PoolOrder()
        self.marked: set[int] = set()
        self.empty_text = ""
        self._pending: set[str] = set()

    # --- data in -----------------------------------------------------------------

    def show_page(self, page: PoolPage, *, at_end: bool = False, base_index: int | None = 0):
        """Replace the buffer (a new query, Home or End)."""
        self.rows = list(page.rows)
        self.more_after, self.more_before = page.more_after, page.more_before
        self.base_index = base_index
        self._pending.clear()
        last = max(0, len(self.rows) - 1)
        self.top = max(0, len(self.rows) - self.visible_rows) if at_end else 0
        self.cursor = last if at_end else 0
        self._after_move()

    def show_page_at(
        self, page: PoolPage, keep_id: int | None, offset: int, *, more_before: bool
    ) -> None:
        """Replace the buffer with the rows read again from the top line on screen,
        the cursor on the same cadre (or the same line when that cadre moved away)."""
        # Read from just after the line above the top one (or after the first row held).
        first = max(self.top, 1)
        base = None if self.base_index is None or not more_before else self.base_index + first
        self.rows = list(page.rows)
        self.more_after = page.more_after
        self.more_before = more_before or page.more_before
        self.base_index = base if more_before else 0
        self._pending.clear()
        self.top = 0
        found = next((i for i, row in enumerate(self.rows) if row.id == keep_id), None)
        self.cursor = found if found is not None else max(0, min(offset, len(self.rows) - 1))
        self._after_move()

    def extend_page(self, direction: str, page: PoolPage) -> None:
        """Add the rows fetched beyond an edge, keeping the cursor on the same row."""
        self._pending.discard(direction)
        if direction == "after":
            self.rows.extend(page.rows)
            self.more_after = page.more_after
            overflow = len(self.rows) - BUFFER_LIMIT
            if overflow > 0 and self.top > overflow:
                del self.rows[:overflow]
                self.top -= overflow
                self.cursor -= overflow
                self.more_before = True
                if self.base_index is not None:
                    self.base_index += overflow
        else:
            count = len(page.rows)
            self.rows[:0] = page.rows
            self.more_before = page.more_before
            self.top += count
            self.cursor += count
            if self.base_index is not None:
                self.base_index = max(0, self.base_index - count)
            overflow = len(self.rows) - BUFFER_LIMIT
            if overflow > 0 and len(self.rows) - overflow > self.top + self.visible_rows:
                del self.rows[-overflow:]
                self.more_after = True
        self._after_move()

    # --- state out ---------------------------------------------------------------

    @property
    def visible_rows(self) -> int:
        return max(1, self.size.height - 1)

    @property
    def current(self) -> PoolRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    @property
    def position(self) -> int | None:
        """0-based absolute position of the cursor, when known."""
        return None if self.base_index is None else self.base_index + self.cursor

    # --- keys --------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        step = self.visible_rows * direction
        previous = (self.cursor, self.top)
        self.top = max(0, min(self.top + step, max(0, len(self.rows) - self.visible_rows)))
        self._move_to(self.cursor + step, previous)

    def action_jump(self, where: str) -> None:
        if where == "start" and not self.more_before:
            self._move_to(0)
        elif where == "end" and not self.more_after:
            self._move_to(len(self.rows) - 1)
        else:
            self.post_message(self.Jump(where))

    def action_toggle_mark(self) -> None:
        row = self.current
        if row is None:
            return
        self.marked.symmetric_difference_update({row.id})
        self.post_message(self.MarksChanged())
        self._move_to(self.cursor + 1)

    def action_extend(self, delta: int) -> None:
        row = self.current
        if row is None:
            return
        self.marked.add(row.id)
        self._move_to(self.cursor + delta)
        if self.current is not None:
            self.marked.add(self.current.id)
        self.post_message(self.MarksChanged())
        self.refresh()

    def mark(self, ids: Iterable[int]) -> None:
        self.marked.update(ids)
        self.refresh()
        self.post_message(self.MarksChanged())

    def clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()
        self.post_message(self.MarksChanged())

    def _move_to(self, index: int, previous: tuple[int, int] | None = None) -> None:
        if not self.rows:
            return
        previous = previous or (self.cursor, self.top)
        self.cursor = max(0, min(index, len(self.rows) - 1))
        self._after_move(previous)

    def _after_move(self, previous: tuple[int, int] | None = None) -> None:
        """``previous`` (cursor, top) when only the cursor moved: then only its old and
        new lines are repainted, not the whole grid (over SSH, ~0.3 kB a key, not 3)."""
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + self.visible_rows:
            self.top = self.cursor - self.visible_rows + 1
        ahead = PREFETCH_SCREENS * self.visible_rows
        if self.rows and self.more_after and len(self.rows) - self.cursor < ahead:
            self._request("after", self.rows[-1].key)
        if self.rows and self.more_before and self.cursor < ahead:
            self._request("before", self.rows[0].key)
        self.post_message(self.Highlighted(self.current))
        if previous is not None and previous[1] == self.top:
            width = self.size.width
            lines = {previous[0], self.cursor}
            self.refresh(*(Region(0, 1 + line - self.top, width, 1) for line in lines))
        else:
            self.refresh()

    def _request(self, direction: str, key: tuple) -> None:
        if direction not in self._pending:
            self._pending.add(direction)
            self.post_message(self.NeedRows(direction, key))

    def on_resize(self) -> None:
        self._after_move()

    # --- drawing -----------------------------------------------------------------

    def header_text(self) -> str:
        parts = [" "]
        for column in self.columns:
            title = t(column.title_key)
            if column.sort is not None and column.sort is self.order.sort:
                arrow = "▼" if self.order.descending else "▲"
                parts.append(fit(title, column.width - 1, column.right) + arrow)
            else:
                parts.append(fit(title, column.width, column.right))
        return " ".join(parts)

    def row_text(self, row: PoolRow) -> str:
        """A selection mark (a character, not only a colour), then the cells."""
        mark = "●" if row.id in self.marked else " "
        cells = [fit(column.cell(row), column.width, column.right) for column in self.columns]
        return " ".join([mark, *cells])

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            style = self.get_component_rich_style("pool-grid--header")
            return Strip([Segment(fit(self.header_text(), width), style)], width)
        index = self.top + y - 1
        if not self.rows:
            if y == 1 and self.empty_text:
                style = self.get_component_rich_style("pool-grid--empty")
                return Strip([Segment(fit(self.empty_text, width), style)], width)
            return Strip.blank(width, self.rich_style)
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        style: Style = self.rich_style
        if row.id in self.marked:
            style = style + self.get_component_rich_style("pool-grid--selected")
        if index == self.cursor:
            style = style + self.get_component_rich_style("pool-grid--cursor")
        return Strip([Segment(fit(self.row_text(row), width), style)], width)
