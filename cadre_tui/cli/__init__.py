"""The ``cadre-tui`` command: opens the app, or runs a subcommand that prints with rich.

Heavy modules (textual, rich tables, the demo generator) are imported inside
the command that needs them, so ``cadre-tui status`` never pays for Textual.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from cadre_tui import __version__, i18n
from cadre_tui.cli import click_text
from cadre_tui.cli.common import (
    Settings,
    apply_group_options,
    early_language,
    group_config,
    open_store,
    report_problems,
    set_language,
)
from cadre_tui.cli.translated import TranslatedGroup, option

click_text.install()


class MainGroup(TranslatedGroup):
    """The language is settled before any option is parsed, so an eager ``--help``
    (which click may handle before ``--lang``'s callback) and click's usage errors
    speak it too: ``--lang`` anywhere on the line, then the config file, then the locale."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        early_language(ctx, args)
        return super().parse_args(ctx, args)


@click.group(
    cls=MainGroup,
    invoke_without_command=True,
    help="cli.help.main",
    lazy_commands={
        "access": "cadre_tui.cli.access:access_command",
        "backup": "cadre_tui.cli.backup:backup_command",
        "restore": "cadre_tui.cli.backup:restore_command",
        "brief": "cadre_tui.cli.brief:brief_command",
        "config": "cadre_tui.cli.config_command:config_command",
        "demo": "cadre_tui.cli.demo:demo",
        "export": "cadre_tui.cli.export:export_command",
        "groups": "cadre_tui.cli.groups:groups_command",
        "import": "cadre_tui.cli.import_command:import_command",
        "items": "cadre_tui.cli.items:items_command",
        "log": "cadre_tui.cli.log:log_command",
        "record": "cadre_tui.cli.record:record_command",
        "round": "cadre_tui.cli.round:round_command",
        "status": "cadre_tui.cli.status:status",
        "template": "cadre_tui.cli.template:template_command",
    },
    context_settings={"help_option_names": ["-h", "--help"]},
)
@option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="cli.help.db",
)
@option("--demo", is_flag=True, help="cli.help.demo")
@option(
    "--lang",
    type=click.Choice(i18n.LANGUAGES),
    default=None,
    is_eager=True,
    callback=set_language,
    help="cli.help.lang",
)
@option("--read-only", is_flag=True, help="cli.help.read_only")
@option(
    "--screen",
    type=click.Choice(["dashboard", "pool", "round", "batches", "coordination"]),
    default="dashboard",
    help="cli.help.screen",
)
@option("--allow-old-sqlite", is_flag=True, help="cli.help.allow_old_sqlite")
@option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: show_version(ctx, value),
    help="cli.help.version",
)
@click.pass_context
def main(
    ctx: click.Context,
    db_path: Path | None,
    demo: bool,
    lang: str | None,
    read_only: bool,
    screen: str,
    allow_old_sqlite: bool,
) -> None:
    """Open the app, or run a subcommand (help text: cli.help.main)."""
    config = apply_group_options(group_config(ctx), db_path, demo, read_only)
    ctx.obj = Settings(
        db=config.database.value,
        demo=demo,
        read_only=config.read_only.value,
        allow_old_sqlite=allow_old_sqlite,
        lang=i18n.current_language(),
        config=config,
    )
    if ctx.invoked_subcommand is None:
        run_app(ctx.obj, screen)
    elif ctx.invoked_subcommand != "config":  # config --show lists them itself
        report_problems(config)


def show_version(ctx: click.Context, value: bool) -> None:
    """``--version``: one line in the chosen language."""
    if value and not ctx.resilient_parsing:
        click.echo(i18n.t("click.version", prog="cadre-tui", version=__version__))
        ctx.exit()


def run_app(settings: Settings, screen: str = "dashboard") -> None:
    """The app, built by :func:`build_app`, until the user quits."""
    from cadre_tui.ui.app import EXIT_AFTER_PAINT_ENV

    app = build_app(settings, screen)
    app.run(headless=bool(os.environ.get(EXIT_AFTER_PAINT_ENV)))


def build_app(settings: Settings, screen: str = "dashboard"):  # -> ui.app.CadreApp
    """The app on the settings' database, with the config's keys, theme and eligibility
    rules; the config's problems become one notification."""
    database = open_store(settings, create=not settings.read_only)
    from cadre_tui.ui.app import CadreApp

    config = settings.config
    return CadreApp(
        database,
        start=screen,
        keymap=config.keymap if config else None,
        theme=config.theme.value if config else None,
        eligibility_rules=settings.rules,
        problems=config.problems if config else (),
        config_path=config.path if config else None,
        theme_source=config.theme.source if config else None,
    )
