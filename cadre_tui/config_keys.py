"""Keys as people write them in the config file (``Esc``, ``^f``, ``/``, ``pgdn``)
turned into the names Textual gives them (``escape``, ``ctrl+f``, ``slash``), or
refused when no terminal key produces them. No Textual here: its names are
followed from the Unicode names it derives them from."""

from __future__ import annotations

import string
import unicodedata
from functools import cache

MODIFIERS = ("ctrl", "alt", "shift", "meta", "super", "hyper")
"""Textual's modifier names, in the order Textual writes them into a key."""
_MOVEMENT = ("escape", "enter", "tab", "backspace", "delete", "insert", "home", "end", "space")
_ARROWS = ("pageup", "pagedown", "up", "down", "left", "right")
NAMED_KEYS = frozenset((*_MOVEMENT, *_ARROWS, *(f"f{number}" for number in range(1, 25))))
KEY_ALIASES = {
    "esc": "escape",
    "return": "enter",
    "del": "delete",
    "ins": "insert",
    "pgup": "pageup",
    "pgdn": "pagedown",
}
_TEXTUAL_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def normalize_key(text: str) -> str | None:
    """A key list as Textual writes it (``"ctrl+f"``, ``"question_mark,f1"``), or None
    when some key in it is not one Textual can produce."""
    keys = [_normalize_one(part) for part in text.split(",")]
    return None if not keys or None in keys else ",".join(keys)  # type: ignore[arg-type]


def _normalize_one(text: str) -> str | None:
    token = text.strip()
    if len(token) == 2 and token[0] == "^":
        token = f"ctrl+{token[1]}"
    if len(token) == 1:
        return _character_key(token)
    *modifiers, base = token.split("+")
    modifiers = [modifier.strip().lower() for modifier in modifiers]
    if any(m not in MODIFIERS for m in modifiers) or len(set(modifiers)) != len(modifiers):
        return None
    base = base.strip()
    if len(base) == 1:
        name = _character_key(base)
        name = name.lower() if name and modifiers else name
    else:
        name = KEY_ALIASES.get(base.lower(), base.lower())
        if name not in NAMED_KEYS and name not in _symbol_names():
            return None
    if name is None:
        return None
    ordered = [m for m in MODIFIERS if m in modifiers]
    return "+".join([*ordered, name])


def _character_key(character: str) -> str | None:
    """Textual's name for the key that types ``character`` (``?`` → ``question_mark``)."""
    if character.isalnum():
        return character
    if not character.isprintable() and character != " ":
        return None
    name = unicodedata.name(character, "").lower().replace("-", "_").replace(" ", "_")
    return _TEXTUAL_NAME_REPLACEMENTS.get(name, name) or None


@cache
def _symbol_names() -> frozenset[str]:
    return frozenset(name for c in string.punctuation if (name := _character_key(c)))
