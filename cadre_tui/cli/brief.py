"""``cadre-tui brief``: the batch's briefing (工作简报) paragraph for the leaders,
figures written as official Chinese writing writes them (3720多户, 157万多平方米)."""

from __future__ import annotations

import datetime as dt

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.i18n import t


@click.command(cls=TranslatedCommand, help="cli.help.brief")
@option("--batch", "batch_number", type=int, default=None, help="cli.help.brief_batch")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@subcommand_options
def brief_command(settings: Settings, batch_number: int | None, today: dt.datetime | None) -> None:
    """Print the batch's briefing paragraph in the chosen language."""
    from cadre_tui.services import brief
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    if batch_number is None:
        fail(t("brief.batch_missing"))
    day = today.date() if today else dt.date.today()
    database = open_store(settings)
    try:
        conn = database.connect()
        try:
            text = brief.batch_paragraph(conn, batch_number, day, settings.lang)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    if text is None:
        fail(t("cli.no_such_batch", number=batch_number))
    click.echo(text)
