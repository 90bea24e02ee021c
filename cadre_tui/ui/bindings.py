"""Bindings are declared with catalog keys (any key) as descriptions and translated per
instance, so the footer, help and palette follow the language chosen at start.

On a database opened read-only the bindings that write are dropped from every
screen, so the footer, the help screen and the palette never offer them.

The user's ``[keys]`` table (binding id → keys) is applied by Textual's own keymap
(``App.set_keymap``), which rewrites the bindings of every node in the chain, so the
footer, help and palette show the new keys; here the ids are checked against those
the app declares."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import NamedTuple

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from cadre_tui.config import ConfigProblem, Source
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


class DeclaredBinding(NamedTuple):
    id: str
    keys: tuple[str, ...]
    description: str
    """The catalog key, as written in ``BINDINGS``."""


def declared_bindings() -> dict[str, DeclaredBinding]:
    """Every binding with an id that some screen, widget or the app declares, by id.

    Imports every screen and widget module (about half a second), so the app calls
    it from a thread after the first paint, and only when there is a keymap."""
    import importlib
    import pkgutil

    from cadre_tui.ui import app, screens, widgets  # noqa: F401 - app declares bindings too

    for package in (screens, widgets):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    found: dict[str, DeclaredBinding] = {}
    seen: set[type] = set()
    todo: list[type] = [DOMNode]
    while todo:
        cls = todo.pop()
        todo.extend(sub for sub in cls.__subclasses__() if sub not in seen)
        seen.update(cls.__subclasses__())
        if not cls.__module__.startswith("cadre_tui.") or "BINDINGS" not in cls.__dict__:
            continue
        for bindings in BindingsMap(cls.__dict__["BINDINGS"]).key_to_bindings.values():
            for binding in bindings:
                if binding.id is None:
                    continue
                known = found.get(binding.id)
                keys = known.keys if known else ()
                if binding.key not in keys:
                    keys = (*keys, binding.key)
                found[binding.id] = DeclaredBinding(binding.id, keys, binding.description)
    return found


def unknown_binding_problems(
    keymap: Mapping[str, str], source: Source | None = None
) -> list[ConfigProblem]:
    """One problem per binding id in ``keymap`` that nothing declares, with a near id."""
    import difflib

    known = declared_bindings()
    problems = []
    for binding_id, keys in keymap.items():
        if binding_id in known:
            continue
        near = difflib.get_close_matches(binding_id, list(known), n=1)
        problems.append(
            ConfigProblem(
                f"keys.{binding_id}",
                "config.expect.binding_near" if near else "config.expect.binding_known",
                f'"{keys}"',
                source,
                (("near", near[0]),) if near else (),
            )
        )
    return problems
