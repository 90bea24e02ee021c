"""Bindings are declared with catalog keys (any key) as descriptions and translated per
instance, so the footer, help and palette follow the language chosen at start.

On a database opened read-only the bindings that write are dropped from every
screen, so the footer, the help screen and the palette never offer them."""

from __future__ import annotations

import dataclasses

from textual.binding import Binding
from textual.dom import DOMNode

from cadre_tui.i18n import has, t

EDIT_BINDING_IDS = frozenset(
    {
        "app.undo",
        "batch.add",
        "batch.close",
        "batch.edit",
        "batch.end",
        "batch.figures",
        "batch.mode",
        "batch.move",
        "batch.new_batch",
        "batch.new_group",
        "batch.party",
        "batch.place",
        "batch.role",
        "batch.start",
        "batch.villages",
        "coord.edit",
        "coord.mentor",
        "coord.new",
        "coord.state",
        "detail.reveal",
        "entry.import",
        "entry.save",
        "form.save",
        "import_ui.import",
        "pool.add",
        "pool.archive",
        "pool.edit",
        "pool.import",
        "pool.nominate",
        "pool.reveal",
        "pool.save_filter",
        "pool.status",
        "progress.figures",
        "progress.target",
        "record_form.save",
        "round.create",
        "round_unit.approve",
        "round_unit.meeting",
        "round_unit.nominate",
        "round_unit.quota",
        "round_unit.return",
        "round_unit.withdraw",
    }
)
"""Bindings that write (showing unmasked data writes its audit row, so it counts)."""


def translate_bindings(node: DOMNode, read_only: bool | None = None) -> None:
    """Replace catalog keys in ``node``'s binding descriptions with their text, and
    drop the writing ones when the app's database is read-only."""
    if read_only is None:
        read_only = _app_is_read_only()
    table = node._bindings.key_to_bindings
    for key, bindings in list(table.items()):
        kept = [
            _translated(binding)
            for binding in bindings
            if not (read_only and binding.id in EDIT_BINDING_IDS)
        ]
        if kept:
            table[key] = kept
        else:
            del table[key]


def _app_is_read_only() -> bool:
    from textual._context import active_app

    try:
        app = active_app.get()
    except LookupError:
        return False
    database = getattr(app, "database", None)
    return bool(getattr(database, "read_only", False))


def _translated(binding: Binding) -> Binding:
    if not has(binding.description):
        return binding
    return dataclasses.replace(binding, description=t(binding.description))


class TranslatedBindings:
    """Mixin for App and Screen subclasses: translate bindings right after init."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        translate_bindings(self)  # type: ignore[arg-type]
