"""``cadre-tui record``: one day's figure from the options, or a leader's daily
sheet (``--csv``), checked exactly as the entry grid checks them and written in
one transaction per run; prints each entry written. Warnings (running totals
out of order, which late records cause) are written only with ``--yes``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t


@click.command(cls=TranslatedCommand, help="cli.help.record")
@option("--cadre", default=None, help="cli.help.record_cadre")
@option("--date", "day", default=None, help="cli.help.record_date")
@option("--metric", default=None, help="cli.help.record_metric")
@option("--value", default=None, help="cli.help.record_value")
@option("--place", default=None, help="cli.help.record_place")
@option(
    "--csv",
    "sheet",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="cli.help.record_csv",
)
@option("--yes", is_flag=True, help="cli.help.record_yes")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@subcommand_options
def record_command(
    settings: Settings,
    cadre: str | None,
    day: str | None,
    metric: str | None,
    value: str | None,
    place: str | None,
    sheet: Path | None,
    yes: bool,
    today: dt.datetime | None,
) -> None:
    """Record figures (help text: cli.help.record)."""
    from cadre_tui.services.figure_sheet import SheetLine, read_sheet
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    if settings.read_only:
        fail(t("error.read_only"))
    single = {"cadre": cadre, "date": day, "metric": metric, "value": value}
    if sheet is not None:
        if any(v is not None for v in (*single.values(), place)):
            fail(t("figures.record.csv_or_options"))
        try:
            lines = read_sheet(sheet.read_bytes())
        except OSError as exc:
            fail(t("figures.record.cannot_read", path=str(sheet), reason=exc.strerror))
        except CadreError as exc:
            fail(t("figures.record.sheet_refused", path=str(sheet), reason=exc.message()))
    else:
        missing = [f"--{name}" for name, given in single.items() if given is None]
        if missing:
            fail(t("figures.record.options_missing", options=" ".join(missing)))
        lines = [SheetLine(0, cadre, day, metric, value, place or "")]
    database = open_store(settings)
    try:
        conn = database.connect()
        try:
            _record(conn, lines, today.date() if today else dt.date.today(), yes)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    except CadreError as exc:
        fail(exc.message())


def _record(conn, lines, today: dt.date, yes: bool) -> None:  # noqa: ANN001 - lazy types
    """Refuse with every problem named, line by line, or write and say what."""
    from cadre_tui.services.sheet_record import record_lines

    verdict = record_lines(conn, lines, today=today, confirm_warnings=yes)
    if verdict.problems:
        for problem in verdict.problems:
            click.echo(problem.text, err=True)
        if verdict.errors:
            fail(t("figures.record.refused", count=verdict.errors))
        fail(t("figures.record.confirm", count=verdict.warnings))
    for text in verdict.written:
        click.echo(text)
    if verdict.written:
        click.echo(t("figures.record.summary", written=verdict.new, corrected=verdict.corrected))
    else:
        click.echo(t("figures.record.nothing"))
