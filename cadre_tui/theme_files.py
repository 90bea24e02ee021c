"""Theme files: the built-in ones in ``themes/`` and the user's own beside the config file.

Each file is TOML: ``name``, ``dark``, the colours of a Textual theme and an optional
``[variables]`` table. A file that cannot be used becomes a ``ConfigProblem`` (which
file, what is wrong, the expected form) and is left out; the others still load. A user
file may not take a built-in theme's name, so the four built-in themes are always
there as shipped. No Textual here: ``config --show`` and the tests read themes cheaply,
and every colour accepted is one Textual parses (tests check it).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cadre_tui.config import ConfigProblem, Source
from cadre_tui.i18n import t

DEFAULT_THEME = "cadre-dark"
SIXTEEN_COLOUR_THEME = "cadre-ansi"
"""Used when the terminal has only 16 colours and no theme was chosen."""
BUILT_IN = ("cadre-dark", "cadre-light", "cadre-ansi", "cadre-high-contrast")
FOLDER = "themes"
"""The user's theme files: ``themes/*.toml`` beside the config file."""

COLOURS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
REQUIRED = ("name", "dark", "primary")
"""Textual works out every other colour from these when a file leaves it out."""
KNOWN = (*REQUIRED, "ansi", *COLOURS[1:], "variables")

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_HEX = re.compile(r"^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$")
ANSI_NAMES = frozenset(
    {"ansi_default"}
    | {
        f"ansi_{bright}{hue}"
        for bright in ("", "bright_")
        for hue in ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
    }
)
NAMED = frozenset(
    [
        "black",
        "white",
        "red",
        "green",
        "blue",
        "yellow",
        "cyan",
        "magenta",
        "gray",
        "grey",
        "silver",
        "maroon",
        "olive",
        "lime",
        "aqua",
        "teal",
        "navy",
        "fuchsia",
        "purple",
        "orange",
        "transparent",
    ]
)
"""CSS colour names Textual knows; enough for hand-written themes."""
TEXT_STYLES = frozenset(
    ["none", "bold", "dim", "italic", "underline", "reverse", "strike", "blink"]
)

_SHADES = ("", "-darken-1", "-darken-2", "-darken-3", "-lighten-1", "-lighten-2", "-lighten-3")
VARIABLES = frozenset(
    [
        f"{base}{shade}"
        for base in (*COLOURS, "primary-background", "secondary-background")
        for shade in _SHADES
    ]
    + [f"{base}-muted" for base in ("primary", "secondary", "accent", "warning", "error")]
    + ["success-muted", "foreground-disabled"]
    + [f"text-{kind}" for kind in ("muted", "disabled", "primary", "accent", "warning")]
    + ["text", "text-error", "text-success", "text-secondary", "foreground-muted"]
    + ["border", "border-blurred", "surface-active", "ansi-background", "ansi-foreground"]
    + [f"block-cursor-{p}" for p in ("foreground", "background", "text-style")]
    + [f"block-cursor-blurred-{p}" for p in ("foreground", "background", "text-style")]
    + ["block-hover-background"]
    + [f"input-cursor-{p}" for p in ("foreground", "background", "text-style")]
    + [
        f"{kind}-selection-{p}"
        for kind in ("input", "screen")
        for p in ("foreground", "background")
    ]
    + ["scrollbar", "scrollbar-hover", "scrollbar-active", "scrollbar-background"]
    + ["scrollbar-background-hover", "scrollbar-background-active", "scrollbar-corner-color"]
    + [f"footer-{p}" for p in ("foreground", "background", "key-foreground", "key-background")]
    + ["footer-description-foreground", "footer-description-background", "footer-item-background"]
    + ["link-color", "link-background", "link-style"]
    + ["link-color-hover", "link-background-hover", "link-style-hover"]
    + ["button-foreground", "button-color-foreground", "button-focus-text-style"]
)
"""The theme variables a file may set: names Textual generates for every theme."""


@dataclass(frozen=True)
class ThemeDefinition:
    """One good theme file, ready to become a ``textual.theme.Theme(**as_kwargs())``."""

    name: str
    dark: bool
    colours: dict[str, str]
    variables: dict[str, str] = field(default_factory=dict)
    ansi: bool = False
    path: Path | None = None
    built_in: bool = False

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dark": self.dark,
            "ansi": self.ansi,
            "variables": dict(self.variables),
            **self.colours,
        }


@dataclass(frozen=True)
class Themes:
    """Every usable theme, built-in first, and what was wrong with the other files."""

    themes: tuple[ThemeDefinition, ...]
    problems: tuple[ConfigProblem, ...] = ()

    @property
    def names(self) -> list[str]:
        return [theme.name for theme in self.themes]

    def get(self, name: str) -> ThemeDefinition | None:
        return next((theme for theme in self.themes if theme.name == name), None)


class ThemeFileError(Exception):
    """What is wrong with one file: the catalog key of the expected form, and what was there."""

    def __init__(self, what: str, expected: str, got: str = "", **params: str) -> None:
        super().__init__(f"{what}: {expected}")
        self.what = what
        self.expected = expected
        self.got = got
        self.params = params

    def problem(self, path: Path) -> ConfigProblem:
        params = {**self.params, "file": str(path), "what": self.what}
        return ConfigProblem(
            key=self.what,
            expected=self.expected,
            got=self.got,
            source=Source("file", str(path)),
            params=tuple(params.items()),
            template="themes.problem" if self.got else "themes.problem_no_value",
        )


def unknown_theme(name: str, names: list[str], source: Source | None) -> ConfigProblem:
    """The problem for a chosen theme no file defines (the default is used instead)."""
    known = (("names", ", ".join(sorted(names))),)
    return ConfigProblem("theme", "config.expect.theme", f'"{name}"', source, known)


def user_folder(config_path: Path) -> Path:
    """Where the user's theme files go: ``themes/`` beside the config file."""
    return config_path.parent / FOLDER


def built_in_folder() -> Path | None:
    from cadre_tui.resources import data_dir

    try:
        return data_dir(FOLDER)
    except FileNotFoundError:
        return None


def load_themes(user: Path | None = None, built_in: Path | None = None) -> Themes:
    """The built-in themes, then the user's ``*.toml`` files in ``user`` (by file name)."""
    themes: dict[str, ThemeDefinition] = {}
    problems: list[ConfigProblem] = []
    shipped = built_in if built_in is not None else built_in_folder()
    for folder, is_built_in in ((shipped, True), (user, False)):
        for path in _files(folder):
            try:
                theme = read_theme_file(path, built_in=is_built_in)
                if theme.name in themes:
                    raise _taken(theme.name, themes[theme.name])
            except ThemeFileError as error:
                problems.append(error.problem(path))
                continue
            themes[theme.name] = theme
    return Themes(tuple(themes.values()), tuple(problems))


def _files(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    try:
        return sorted(path for path in folder.glob("*.toml") if path.is_file())
    except OSError:
        return []


def _taken(name: str, first: ThemeDefinition) -> ThemeFileError:
    if first.built_in:
        return ThemeFileError("name", "themes.expect.not_built_in", f'"{name}"')
    return ThemeFileError("name", "themes.expect.unique", f'"{name}"', other=str(first.path))


def read_theme_file(path: Path, *, built_in: bool = False) -> ThemeDefinition:
    """One file as a theme, or ``ThemeFileError`` saying what is wrong with it."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError("TOML", "themes.expect.toml", str(exc)) from None
    except UnicodeDecodeError:
        raise ThemeFileError("TOML", "themes.expect.toml", t("config.not_utf8")) from None
    except OSError as exc:
        raise ThemeFileError("TOML", "themes.expect.toml", exc.strerror or str(exc)) from None
    return parse_theme(data, path=path, built_in=built_in)


def parse_theme(
    data: dict[str, Any], *, path: Path | None = None, built_in: bool = False
) -> ThemeDefinition:
    """A theme from a file's TOML table; ``ThemeFileError`` for the first thing wrong."""
    for key in data:
        if key not in KNOWN:
            raise ThemeFileError(key, "themes.expect.known_key", "", known=", ".join(KNOWN))
    for key in REQUIRED:
        if key not in data:
            raise ThemeFileError(key, "themes.expect.required", "", required=", ".join(REQUIRED))
    name = data["name"]
    if not isinstance(name, str) or not NAME.match(name):
        raise ThemeFileError("name", "themes.expect.name", _shown(name))
    for key in ("dark", "ansi"):
        if key in data and not isinstance(data[key], bool):
            raise ThemeFileError(key, "themes.expect.bool", _shown(data[key]))
    colours = {key: _colour(key, data[key]) for key in COLOURS if key in data}
    return ThemeDefinition(
        name=name,
        dark=data["dark"],
        colours=colours,
        variables=_variables(data.get("variables", {})),
        ansi=data.get("ansi", False),
        path=path,
        built_in=built_in,
    )


def _variables(table: Any) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ThemeFileError("variables", "themes.expect.table", _shown(table))
    chosen: dict[str, str] = {}
    for name, value in table.items():
        what = f"variables.{name}"
        if name not in VARIABLES:
            raise ThemeFileError(what, "themes.expect.variable", "")
        if name.endswith("style"):
            words = value.split() if isinstance(value, str) else []
            if not words or any(word not in TEXT_STYLES for word in words):
                styles = ", ".join(sorted(TEXT_STYLES))
                raise ThemeFileError(what, "themes.expect.text_style", _shown(value), styles=styles)
            chosen[name] = " ".join(words)
        else:
            chosen[name] = _colour(what, value)
    return chosen


def _colour(what: str, value: Any) -> str:
    if isinstance(value, str):
        text = value.strip().lower()
        if _HEX.match(text) or text in ANSI_NAMES or text in NAMED:
            return text
    raise ThemeFileError(what, "themes.expect.colour", _shown(value))


def _shown(value: Any) -> str:
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    if isinstance(value, bool):
        text = "true" if value else "false"
    return text if len(text) <= 40 else text[:39] + "…"
