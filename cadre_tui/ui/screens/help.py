"""The help screen: every binding of the screen it was opened from, plus the
movement keys every list shares."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from cadre_tui.i18n import t
from cadre_tui.paths import config_file
from cadre_tui.ui.bindings import TranslatedBindings


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    """Lists the keys of the screen underneath, so nothing has to be remembered."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "key.close", id="help.close"),
    ]

    def __init__(self, origin: Screen) -> None:
        super().__init__(id="help")
        self.origin = origin

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Text(t("help.title"), style="bold"), id="help-title")
            yield Static(self._keys_table(), id="help-keys")
            yield Static(t("help.palette"), id="help-palette")
            yield Static(t("help.config", path=str(config_file())), id="help-config", markup=False)

    def _keys_table(self) -> Table:
        table = Table(box=None, show_header=True, expand=True, pad_edge=False)
        table.add_column(t("help.key"), no_wrap=True, style="bold")
        table.add_column(t("help.action"))
        rows: dict[str, tuple[list[str], str]] = {}
        for node, binding, enabled, _tooltip in self.origin.active_bindings.values():
            if not binding.description or binding.id is None:
                continue
            label = binding.description
            if not enabled:
                label = f"{label} ({t('help.unavailable')})"
            keys, _ = rows.setdefault(binding.id or f"{node.id}.{binding.action}", ([], label))
            keys.append(self.app.get_key_display(binding))
        for keys, label in rows.values():
            table.add_row(" / ".join(keys), label)
        table.add_row(t("help.navigation_keys"), t("help.navigation"))
        table.add_row(t("help.focus_keys"), t("help.focus"))
        return table

    def action_dismiss(self) -> None:
        self.dismiss(None)
