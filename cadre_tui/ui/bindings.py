"""Bindings are declared with catalog keys (any key) as descriptions and translated per
instance, so the footer, help and palette follow the language chosen at start."""

from __future__ import annotations

import dataclasses

from textual.binding import Binding
from textual.dom import DOMNode

from cadre_tui.i18n import has, t


def translate_bindings(node: DOMNode) -> None:
    """Replace catalog keys in ``node``'s binding descriptions with their text."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [_translated(binding) for binding in bindings]


def _translated(binding: Binding) -> Binding:
    if not has(binding.description):
        return binding
    return dataclasses.replace(binding, description=t(binding.description))


class TranslatedBindings:
    """Mixin for App and Screen subclasses: translate bindings right after init."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        translate_bindings(self)  # type: ignore[arg-type]
