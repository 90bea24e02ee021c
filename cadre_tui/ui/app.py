"""The Textual application: header, footer, help, command palette, dashboard."""

from __future__ import annotations

import os
from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from cadre_tui.i18n import t
from cadre_tui.store.database import Database
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.screens.dashboard import DashboardScreen

EXIT_AFTER_PAINT_ENV = "CADRE_TUI_EXIT_AFTER_PAINT"
"""Set by benchmarks/startup.py: quit as soon as the dashboard has painted its data."""


class CadreApp(TranslatedBindings, App[None]):
    CSS_PATH = "styles/app.tcss"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("question_mark,f1", "help", "key.help", id="app.help"),
        Binding(
            "ctrl+p", "command_palette", "key.palette", id="app.palette", show=False, priority=True
        ),
        Binding("ctrl+q", "quit", "key.quit", id="app.quit", priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        self.title = t("app.title")
        self.exit_after_paint = bool(os.environ.get(EXIT_AFTER_PAINT_ENV))

    def get_default_screen(self) -> Screen:
        return DashboardScreen()

    def action_help(self) -> None:
        from cadre_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(placeholder=t("palette.placeholder"), id="--command-palette")
            )

    def action_show_dashboard(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every screen, and every binding of the current screen, from the palette."""
        yield SystemCommand(
            t("palette.dashboard"), t("palette.dashboard_help"), self.action_show_dashboard
        )
        seen: set[str] = set()
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            ident = binding.id
            if ident is None or not binding.description or not enabled or ident in seen:
                continue
            if binding.action == "command_palette":
                continue
            seen.add(ident)
            yield SystemCommand(
                binding.description,
                t("palette.key_hint", key=self.get_key_display(binding)),
                _runner(node, binding.action),
            )
        yield SystemCommand(t("palette.theme"), t("palette.theme_help"), self.action_change_theme)


def _runner(node, action: str):  # noqa: ANN001 - a DOMNode
    async def run() -> None:
        await node.run_action(action)

    return run
