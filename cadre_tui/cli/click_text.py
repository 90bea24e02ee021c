"""Click's own words (usage errors, the version line) from our catalogs.

Click marks its messages with ``gettext`` (``from gettext import gettext as _`` in
each module), looked up when a message is made, so replacing each module's ``_`` and
``ngettext`` with a lookup in the ``click.*`` catalog keys translates them into the
language chosen by then. Messages not listed here stay in click's English, and so
do type names such as ``FILE`` or ``integer``, which are option syntax.
"""

from __future__ import annotations

import importlib

from cadre_tui.i18n import t

MESSAGES = {
    "Error: {message}": "click.error",
    "Try '{command} {option}' for help.": "click.try_help",
    "Invalid value: {message}": "click.invalid_value",
    "Invalid value for {param_hint}: {message}": "click.invalid_value_for",
    "Missing argument": "click.missing_argument",
    "Missing option": "click.missing_option",
    "Missing parameter": "click.missing_parameter",
    "Missing {param_type}": "click.missing_type",
    "Missing parameter: {param_name}": "click.missing_parameter_name",
    "No such option {name!r}.": "click.no_such_option",
    "No such command {name!r}.": "click.no_such_command",
    "Missing command.": "click.missing_command",
    "Aborted!": "click.aborted",
    "Option {name!r} does not take a value.": "click.no_value",
    "Option {name!r} requires an argument.": "click.requires_argument",
    "Option {name!r} requires {nargs} arguments.": "click.requires_arguments",
    "Got unexpected extra argument ({args})": "click.extra_argument",
    "Got unexpected extra arguments ({args})": "click.extra_arguments",
    "Did you mean {possibility}?": "click.did_you_mean",
    "(Did you mean one of: {possibilities}?)": "click.did_you_mean_one_of",
    "{value!r} is not one of {choices}.": "click.not_one_of",
    "{value!r} is not {choice}.": "click.not_choice",
    "{value!r} is not a valid {number_type}.": "click.not_a_number",
    "{value} is not in the range {range}.": "click.not_in_range",
    "{name} {filename!r} does not exist.": "click.does_not_exist",
    "{name} {filename!r} is a file.": "click.is_a_file",
    "{name} {filename!r} is a directory.": "click.is_a_directory",
    "{name} {filename!r} is not readable.": "click.not_readable",
    "{name} {filename!r} is not writable.": "click.not_writable",
    "default: {default}": "click.default",
    "env var: {var}": "click.env_var",
    "required": "click.required",
    "Options": "click.options",
    "Commands": "click.commands",
    "Usage:": "click.usage",
    "Show this message and exit.": "click.help_option",
    "Show the version and exit.": "click.version_option",
}
"""Click's message (its gettext msgid) → our catalog key, which keeps click's placeholders."""

_MODULES = ("core", "exceptions", "parser", "types", "formatting", "decorators", "termui")


def gettext(message: str) -> str:
    key = MESSAGES.get(message)
    return t(key) if key else message


def ngettext(singular: str, plural: str, count: int) -> str:
    return gettext(singular if count == 1 else plural)


def install() -> None:
    """Point click's message lookups at the catalogs (idempotent)."""
    for name in _MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
