"""The ``cadre-tui`` command: opens the app, or runs a subcommand that prints with rich.

Heavy modules (textual, rich tables, the demo generator) are imported inside
the command that needs them, so ``cadre-tui status`` never pays for Textual.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from cadre_tui import __version__, i18n
from cadre_tui.cli.common import Settings, open_store, resolve_group_database, set_language
from cadre_tui.cli.demo import demo
from cadre_tui.cli.status import status


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Database file (default: per-user data folder; env CADRE_TUI_DB).",
)
@click.option("--demo", is_flag=True, help="Use the demo programme's own database.")
@click.option(
    "--lang",
    type=click.Choice(i18n.LANGUAGES),
    default=None,
    is_eager=True,
    callback=set_language,
    help="Interface language (default: from the locale).",
)
@click.option("--read-only", is_flag=True, help="Open the database read-only.")
@click.option(
    "--allow-old-sqlite",
    is_flag=True,
    help="Run on an SQLite older than 3.51.3 (risk of WAL corruption).",
)
@click.version_option(__version__, "--version", prog_name="cadre-tui")
@click.pass_context
def main(
    ctx: click.Context,
    db_path: Path | None,
    demo: bool,
    lang: str | None,
    read_only: bool,
    allow_old_sqlite: bool,
) -> None:
    """cadre-tui: the cadre secondment programme at the keyboard."""
    ctx.obj = Settings(
        db=resolve_group_database(db_path, demo),
        demo=demo,
        read_only=read_only,
        allow_old_sqlite=allow_old_sqlite,
        lang=i18n.current_language(),
    )
    if ctx.invoked_subcommand is None:
        run_app(ctx.obj)


def run_app(settings: Settings) -> None:
    database = open_store(settings, create=not settings.read_only)
    from cadre_tui.ui.app import EXIT_AFTER_PAINT_ENV, CadreApp

    CadreApp(database).run(headless=bool(os.environ.get(EXIT_AFTER_PAINT_ENV)))


main.add_command(status)
main.add_command(demo)
