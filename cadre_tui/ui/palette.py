"""Textual's command palette with its own words translated.

The placeholder is a constructor argument; "No matches found" is written inside
``CommandPalette._start_no_matches_countdown``, so that method is restated here
with the catalog's text (same timing and option id as Textual 8's)."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from cadre_tui.i18n import t


class TranslatedCommandPalette(CommandPalette):
    def __init__(self, **kwargs) -> None:  # noqa: ANN003 - CommandPalette's own
        kwargs.setdefault("placeholder", t("palette.placeholder"))
        super().__init__(**kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("ui_extra.palette_no_matches"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
