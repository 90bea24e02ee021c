"""A SelectionList whose ticks are characters: ✓ when chosen, blank when not.

Textual's draws the same X for both and tells them apart by colour only,
which is lost in 16 colours, in monochrome and to many eyes.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

V = TypeVar("V")


class TickList(SelectionList[V], Generic[V]):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        for index, segment in enumerate(segments):
            if segment.text == ToggleButton.BUTTON_INNER:
                mark = "✓" if selection.value in self._selected else " "
                segments[index] = Segment(mark, segment.style, segment.control)
                break
        return Strip(segments, strip.cell_length)
