"""Where the user's files live: platformdirs' per-user folders, overridable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "cadre-tui"
DB_ENV = "CADRE_TUI_DB"
READ_ONLY_ENV = "CADRE_TUI_READ_ONLY"
"""Set to 1 (or true/yes/on) in a field reviewer's profile: every run is read-only."""
LANG_ENV = "CADRE_TUI_LANG"
THEME_ENV = "CADRE_TUI_THEME"
CONFIG_ENV = "CADRE_TUI_CONFIG"
"""Another config file than ``config.toml`` in the per-user config folder."""


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def config_file(environ: Mapping[str, str] | None = None) -> Path:
    """``CADRE_TUI_CONFIG`` when set, else ``config.toml`` in the per-user config folder."""
    value = (os.environ if environ is None else environ).get(CONFIG_ENV, "").strip()
    return Path(value).expanduser() if value else config_dir() / "config.toml"


def default_database() -> Path:
    return data_dir() / "cadre.db"


def demo_database() -> Path:
    """The demo programme's own file: ``--demo`` never touches the user's database."""
    return data_dir() / "demo.db"
