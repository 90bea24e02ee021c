"""The app's themes: ours from ``themes/`` and the user's theme files, and no others.

The palette's theme command lists them; the one picked is written into the config file
(``theme = "name"``) so the next start uses it. With only 16 colours and no theme
chosen, the app starts in ``cadre-ansi``.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from textual.command import CommandPalette
from textual.theme import BUILTIN_THEMES, Theme, ThemeProvider

from cadre_tui import theme_files
from cadre_tui.config import ConfigProblem, Source
from cadre_tui.i18n import has, t

SIXTEEN_COLOUR_SYSTEMS = ("standard", "windows")
"""Rich's names for terminals with 16 colours."""


def sixteen_colours(color_system: str | None, term: str) -> bool:
    """True for a terminal with only the 16 ANSI colours (the Linux console among them)."""
    return color_system in SIXTEEN_COLOUR_SYSTEMS or term == "linux"


class ThemeChooser(ThemeProvider):
    """The palette's theme list: picking one also remembers it."""

    @property
    def commands(self):  # noqa: ANN201 - list of (name, callback), as ThemeProvider's
        app = self.app
        return [
            (theme_label(name), partial(app.choose_theme, name))
            for name in sorted(app.available_themes)
        ]


def theme_label(name: str) -> str:
    """A built-in theme in words beside its name (the name goes in the config file)."""
    key = f"themes.label.{name}"
    return f"{t(key)}  {name}" if has(key) else name


class ThemedApp:
    """Mixed into ``CadreApp`` (an ``App``): registering, choosing and remembering themes."""

    config_path: Path
    theme_source: Source | None

    def setup_themes(
        self, chosen: str | None, config_path: Path, source: Source | None = None
    ) -> list[ConfigProblem]:
        """Register every good theme file, use ``chosen`` (or the default) and return
        the problems: broken theme files, and a chosen theme nobody defines."""
        self.config_path = config_path
        self.theme_source = source
        found = theme_files.load_themes(theme_files.user_folder(config_path))
        problems = list(found.problems)
        for definition in found.themes:
            self.register_theme(Theme(**definition.as_kwargs()))
        names = found.names
        if theme_files.DEFAULT_THEME not in names:  # the shipped files are missing
            return problems
        default = theme_files.DEFAULT_THEME
        if sixteen_colours(self.console.color_system, os.environ.get("TERM", "")):
            default = (
                theme_files.SIXTEEN_COLOUR_THEME
                if theme_files.SIXTEEN_COLOUR_THEME in names
                else default
            )
        self.theme = chosen if chosen in names else default
        for name in BUILTIN_THEMES:
            if name not in names:
                self.unregister_theme(name)
        if chosen and chosen not in names:
            problems.append(theme_files.unknown_theme(chosen, names, source))
        return problems

    def search_themes(self) -> None:
        """The palette's theme list, ours only (Textual's own would list its own themes)."""
        self.push_screen(
            CommandPalette(providers=[ThemeChooser], placeholder=t("themes.placeholder"))
        )

    def choose_theme(self, name: str) -> None:
        """Use the theme now and write it into the config file for the next start."""
        from cadre_tui.config_edit import ConfigEditError, set_top_level

        self.theme = name
        path = str(self.config_path)
        try:
            set_top_level(self.config_path, "theme", name)
        except ConfigEditError as exc:
            self.notify(
                t("themes.not_saved", name=name, path=path, reason=str(exc)),
                severity="warning",
                markup=False,
            )
            return
        source = self.theme_source
        if source is not None and source.kind in ("env", "option"):
            text = t("themes.overridden", name=name, path=path, source=source.describe())
        else:
            text = t("themes.chosen", name=name, path=path)
        self.notify(text, markup=False)
