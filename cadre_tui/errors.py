"""Errors meant for the user: a catalog key plus parameters, translated when shown."""

from __future__ import annotations

from typing import Any


class CadreError(Exception):
    """An error with a translatable message; the UI and CLI show ``message()``."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self) -> str:
        from cadre_tui.i18n import t

        return t(self.key, **self.params)

    def __str__(self) -> str:
        return self.message()


class ReadOnlyError(CadreError):
    """A write was attempted on a database opened read-only."""

    def __init__(self) -> None:
        super().__init__("error.read_only")
