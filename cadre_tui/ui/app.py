"""The Textual application: header, footer, help, command palette, and the
screens as modes (each keeps its state while another is shown)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from cadre_tui.config import ConfigProblem, Source
from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.i18n import t
from cadre_tui.store.database import Database
from cadre_tui.ui.bindings import TranslatedBindings, translate_bindings
from cadre_tui.ui.live import LiveApp
from cadre_tui.ui.themes import ThemedApp

EXIT_AFTER_PAINT_ENV = "CADRE_TUI_EXIT_AFTER_PAINT"
"""Set by the benchmarks: quit as soon as the first screen has painted its data."""
PAINT_STAMP_ENV = "CADRE_TUI_PAINT_STAMP"
"""Set by the benchmarks to a file: the wall clock (``time.time_ns()``) is written there
when the first screen has painted its data, so start-up is timed to that frame and not
to the end of a process that still has to shut down."""


CHECK_DELAY_SECONDS = 0.5
"""The start-up ``quick_check`` runs this long after the first paint, off the UI thread."""

READ_AHEAD_SECONDS = 1.0
"""The round board is read this long after start-up, and again after anyone's write
while another screen is shown, off the UI thread, so that F4 shows it at once:
judging every nominee of 2,000 units is the one read that would otherwise hold its
screen back (the other screens page or read little)."""


class CadreApp(LiveApp, ThemedApp, TranslatedBindings, App[None]):
    CSS_PATH = "styles/app.tcss"
    ENABLE_COMMAND_PALETTE = True

    MODES = {
        "dashboard": lambda: _screen("dashboard", "DashboardScreen"),
        "pool": lambda: _screen("pool", "PoolScreen"),
        "round": lambda: _screen("round_board", "RoundBoardScreen"),
        "batches": lambda: _screen("batch", "BatchScreen"),
        "coordination": lambda: _screen("coordination", "CoordinationScreen"),
    }
    """Each screen's module is imported when first shown, keeping start-up light."""

    BINDINGS = [
        Binding("question_mark,f1", "help", "key.help", id="app.help"),
        Binding("f2", "switch_mode('dashboard')", "key.dashboard", show=False, id="app.dashboard"),
        Binding("f3", "switch_mode('pool')", "key.pool", show=False, id="app.pool"),
        Binding("f4", "switch_mode('round')", "key.round", show=False, id="app.round"),
        Binding("f5", "switch_mode('batches')", "key.batches", show=False, id="app.batches"),
        Binding(
            "f6",
            "switch_mode('coordination')",
            "key.coordination",
            show=False,
            id="app.coordination",
        ),
        Binding(
            "ctrl+p", "command_palette", "key.palette", id="app.palette", show=False, priority=True
        ),
        Binding("ctrl+z", "undo", "undo.key", show=False, id="app.undo"),
        Binding("ctrl+q", "quit", "key.quit", id="app.quit", priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(
        self,
        database: Database,
        start: str = "dashboard",
        *,
        keymap: Mapping[str, str] | None = None,
        theme: str | None = None,
        eligibility_rules: EligibilityRules | None = None,
        problems: Sequence[ConfigProblem] = (),
        config_path: Path | None = None,
        theme_source: Source | None = None,
    ) -> None:
        """``keymap`` (binding id → keys), ``theme`` (and where it came from),
        ``eligibility_rules`` and ``problems`` come from the config at ``config_path``
        (the user's by default), beside which the user's theme files are; the screens
        judge every cadre by ``eligibility_rules``."""
        super().__init__()
        self.database = database
        self.eligibility_rules = eligibility_rules or EligibilityRules()
        self.start_mode = start if start in self.MODES else "dashboard"
        self.title = t("app.title")
        self.exit_after_paint = bool(os.environ.get(EXIT_AFTER_PAINT_ENV))
        self._painted = False
        if database.read_only:
            translate_bindings(self, read_only=True)
        self.config_problems = list(problems)
        self.user_keymap = dict(keymap or {})
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        if config_path is None:
            from cadre_tui.paths import config_file

            config_path = config_file()
        self.config_problems += self.setup_themes(theme, config_path, theme_source)

    def on_mount(self) -> None:
        self.switch_mode(self.start_mode)
        self.start_watching()
        self.set_timer(CHECK_DELAY_SECONDS, self.check_database)
        if self.start_mode != "round":
            self.set_timer(self.read_ahead_seconds, self.read_round_board_ahead)
        if self.user_keymap:
            self.set_timer(CHECK_DELAY_SECONDS, self.check_keymap)
        elif self.config_problems:
            self.report_config_problems(self.config_problems)

    read_ahead_seconds = READ_AHEAD_SECONDS

    def _data_changed(self, others: tuple[str, ...]) -> None:
        """Someone wrote: the screen on show reads again, and so does the board kept
        for F4 (on its own screen it reads itself)."""
        super()._data_changed(others)
        if self.current_mode != "round":
            self.read_round_board_ahead()

    @work(thread=True, exclusive=True, group="read-ahead", exit_on_error=False)
    def read_round_board_ahead(self) -> None:
        """This year's round board, kept for the board screen (see READ_AHEAD_SECONDS)."""
        from cadre_tui.errors import CadreError
        from cadre_tui.services import round_board
        from cadre_tui.store.sqlite import sqlite3
        from cadre_tui.ui.screens.round_board import today

        try:
            conn = self.database.connect()
            try:
                round_board.read_board_ahead(
                    conn,
                    today=today(),
                    rules=self.eligibility_rules,
                    source=str(self.database.path),
                )
            finally:
                conn.close()
        except (CadreError, sqlite3.Error):
            return  # the board reads for itself when shown, and says what is wrong then

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A steady text cursor: a blinking one repaints twice a second for as long as
        a text box has focus, ~310 bytes/s over SSH while nobody types."""
        if getattr(event.widget, "cursor_blink", False):
            event.widget.cursor_blink = False  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="keymap-check", exit_on_error=False)
    def check_keymap(self) -> None:
        """Binding ids nothing declares (finding them imports every screen, hence the thread)."""
        from cadre_tui.ui.bindings import unknown_binding_problems

        problems = [*self.config_problems, *unknown_binding_problems(self.user_keymap)]
        if problems:
            self.call_from_thread(self.report_config_problems, problems)

    def report_config_problems(self, problems: Sequence[ConfigProblem]) -> None:
        """Every config problem in one notification: the app runs on the defaults."""
        lines = [problem.message() for problem in problems]
        self.notify(
            "\n".join([*lines, t("config.notify_hint")]),
            title=t("config.notify_title"),
            severity="warning",
            timeout=20,
            markup=False,
        )

    def data_painted(self) -> None:
        """The screen on show has painted its data (called after that refresh)."""
        if self._painted:
            return
        self._painted = True
        stamp = os.environ.get(PAINT_STAMP_ENV)
        if stamp:
            Path(stamp).write_text(str(time.time_ns()), encoding="ascii")
        if self.exit_after_paint:
            self.exit()

    def on_unmount(self) -> None:
        """Stop watching, then fold the -wal file back into the database."""
        self.stop_watching()
        if not self.database.read_only:
            from cadre_tui.store.connection import checkpoint

            try:
                conn = self.database.connect()
            except Exception:  # noqa: BLE001 - leaving never fails for a checkpoint
                return
            try:
                checkpoint(conn)
            finally:
                conn.close()

    @work(thread=True, exclusive=True, group="quick-check", exit_on_error=False)
    def check_database(self) -> None:
        """SQLite's quick_check; a damaged file is kept from further writes."""
        from cadre_tui.store import backup, health

        if self.database.read_only:
            return
        try:
            problems = health.quick_check(self.database.path)
        except Exception as exc:  # noqa: BLE001 - an unreadable file is a failed check too
            problems = [str(exc)]
        if problems:
            latest = backup.latest_backup(self.database.path)
            self.call_from_thread(self.refuse_writes, problems[0], latest)

    def refuse_writes(self, problem: str, latest) -> None:  # noqa: ANN001 - Path | None
        """Open the file read-only from now on, hide every writing key, and say why."""
        import dataclasses

        self.database = dataclasses.replace(self.database, read_only=True)
        translate_bindings(self, read_only=True)
        for screen in self.screen_stack:
            translate_bindings(screen, read_only=True)
            screen.refresh_bindings()
        if latest is not None:
            text = t("app.damaged", problem=problem, backup=str(latest))
        else:
            text = t("app.damaged_no_backup", problem=problem)
        self.notify(text, severity="error", timeout=60)

    def action_help(self) -> None:
        from cadre_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            from cadre_tui.ui.palette import TranslatedCommandPalette

            self.push_screen(TranslatedCommandPalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every screen, and every binding of the current screen, from the palette."""
        for mode in self.MODES:
            yield SystemCommand(
                t(f"palette.{mode}"),
                t(f"palette.{mode}_help"),
                lambda mode=mode: self.switch_mode(mode),
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
        extra = getattr(screen, "palette_commands", None)
        if extra is not None:
            yield from extra()
        yield SystemCommand(t("palette.theme"), t("palette.theme_help"), self.action_change_theme)


def _screen(module: str, name: str) -> Screen:
    import importlib

    return getattr(importlib.import_module(f"cadre_tui.ui.screens.{module}"), name)()


def _runner(node, action: str):  # noqa: ANN001 - a DOMNode
    async def run() -> None:
        await node.run_action(action)

    return run
