"""``cadre-tui status``: each batch's cadres and metric totals, per receiving unit and mode."""

from __future__ import annotations

import json

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.domain.enums import METRIC_CODES
from cadre_tui.domain.quantities import format_figure
from cadre_tui.i18n import t
from cadre_tui.services import reports


@click.command(cls=TranslatedCommand, help="cli.help.status")
@option("--batch", "batch_number", type=int, default=None, help="cli.help.batch")
@option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    help="cli.help.format",
)
@subcommand_options
def status(settings: Settings, batch_number: int | None, fmt: str) -> None:
    """Each batch's cadres and metric totals, per receiving unit and mode."""
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    database = open_store(settings)
    try:
        conn = database.connect()
        try:
            programme = reports.programme_status(conn, batch_number)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    if batch_number is not None and not programme.batches:
        fail(t("cli.no_such_batch", number=batch_number))
    if fmt == "json":
        click.echo(json.dumps(reports.status_json(programme), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(markdown(programme))
    else:
        print_tables(programme)


def _headers() -> list[str]:
    return [t("status.unit"), t("status.mode"), t("status.groups"), t("status.cadres")] + [
        t(f"metric_short.{code}") for code in METRIC_CODES
    ]


def _rows(batch: reports.BatchStatus) -> list[list[str]]:
    rows = [
        [u.name, u.mode.label(), str(u.groups), str(u.cadres)]
        + [format_figure(u.totals[code]) for code in METRIC_CODES]
        for u in batch.units
    ]
    rows.append(
        [t("status.batch_total"), "", str(sum(u.groups for u in batch.units)), str(batch.cadres)]
        + [format_figure(batch.totals[code]) for code in METRIC_CODES]
    )
    return rows


def _title(batch: reports.BatchStatus) -> str:
    return t(
        "status.batch_title",
        number=batch.number,
        name=batch.name,
        state=batch.state.label(),
        cadres=batch.cadres,
    )


def markdown(programme: reports.ProgrammeStatus) -> str:
    lines: list[str] = []
    for batch in programme.batches:
        lines += [f"## {_title(batch)}", ""]
        headers = _headers()
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("|" + "|".join(["---"] * 2 + ["---:"] * (len(headers) - 2)) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in _rows(batch)]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def print_tables(programme: reports.ProgrammeStatus) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not programme.batches:
        console.print(t("status.no_batches"))
        return
    for batch in programme.batches:
        table = Table(title=_title(batch), title_justify="left", show_lines=False)
        for index, header in enumerate(_headers()):
            table.add_column(header, justify="left" if index < 2 else "right", no_wrap=index < 2)
        rows = _rows(batch)
        for row in rows[:-1]:
            table.add_row(*row)
        table.add_section()
        table.add_row(*rows[-1], style="bold")
        console.print(table)
