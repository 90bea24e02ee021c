"""Changing one top-level setting in the user's config file, keeping everything else.

Used to remember the theme picked in the app. Only the one line ``key = ...`` before
the first ``[table]`` is replaced (or a new line is put at the top); comments, tables
and other settings stay byte for byte. The result is read back before it is written:
an edit that would change anything else is refused instead of saved.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

_TABLE = re.compile(r"^\s*\[")


class ConfigEditError(Exception):
    """The file could not be changed; the message says why, in the user's language."""


def set_top_level(path: Path, key: str, value: str) -> None:
    """Write ``key = "value"`` into the file at ``path`` (created when missing)."""
    from cadre_tui.i18n import t

    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigEditError(getattr(exc, "strerror", None) or str(exc)) from None
    try:
        before = tomllib.loads(old)
    except tomllib.TOMLDecodeError:
        raise ConfigEditError(t("themes.broken_config")) from None
    new = edited(old, key, value)
    after = tomllib.loads(new)
    if after.get(key) != value or _without(after, key) != _without(before, key):
        raise ConfigEditError(t("themes.broken_config"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(new, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise ConfigEditError(exc.strerror or str(exc)) from None


def edited(text: str, key: str, value: str) -> str:
    """``text`` with the top-level ``key`` set to the string ``value``."""
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    setting = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    lines = text.splitlines(keepends=True)
    for number, current in enumerate(lines):
        if _TABLE.match(current):
            break
        if setting.match(current):
            ending = current[len(current.rstrip("\r\n")) :] or "\n"
            lines[number] = line + ending
            return "".join(lines)
    newline = "\r\n" if "\r\n" in text else "\n"
    return line + newline + text


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in data.items() if name != key}
