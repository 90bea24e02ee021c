"""Click classes whose help text comes from the catalogs.

Help strings are written as catalog keys (``cli.help.*``) and translated only
when help is printed, after the eager ``--lang`` option has chosen a language.
"""

from __future__ import annotations

from typing import Any

import click

from cadre_tui.i18n import t

KEY_PREFIX = "cli.help."


def _text(value: str | None) -> str | None:
    return t(value) if value and value.startswith(KEY_PREFIX) else value


class TranslatedOption(click.Option):
    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        original = self.help
        self.help = _text(original)
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = original


class _TranslatedHelp:
    """Headings, usage, the help option and the command's own text, translated."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = t("cli.help.help_option")
        return option

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=t("cli.help.usage"))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = _text(self.help)  # type: ignore[attr-defined]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self, limit: int = 45) -> str:
        text = _text(self.help) or ""  # type: ignore[attr-defined]
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [
            record
            for param in self.get_params(ctx)  # type: ignore[attr-defined]
            if (record := param.get_help_record(ctx)) is not None
        ]
        if records:
            with formatter.section(t("cli.help.options")):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class TranslatedCommand(_TranslatedHelp, click.Command):
    pass


class TranslatedGroup(_TranslatedHelp, click.Group):
    """Subcommands are named ``module:attribute`` and imported only when run or
    listed, so opening the app never pays for the reports behind ``status``."""

    def __init__(self, *args: Any, lazy_commands: dict[str, str] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy_commands and name not in self.commands:
            import importlib

            module, _, attribute = self.lazy_commands[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width - 12)))
        if rows:
            with formatter.section(t("cli.help.commands")):
                formatter.write_dl(rows)


def option(*names: str, **kwargs: Any):  # noqa: ANN201 - a click decorator
    """``click.option`` with catalog-key help."""
    return click.option(*names, cls=TranslatedOption, **kwargs)
