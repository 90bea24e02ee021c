"""``cadre-tui status``: each batch's cadres and metric totals, per receiving unit and mode."""

from __future__ import annotations

import json

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.domain.enums import METRIC_CODES
from cadre_tui.domain.quantities import format_total
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


def _columns(batch: reports.BatchStatus) -> list[tuple[str, str]]:
    """One column per receiving unit and mode, then the batch total: (name, mode)."""
    return [(u.name, t(f"mode_short.{u.mode.value}")) for u in batch.units] + [
        (t("status.batch_total"), "")
    ]


def _rows(batch: reports.BatchStatus) -> list[list[str]]:
    """Metrics down the side, units across: fits 80 columns with three units."""
    rows = [
        [t("status.groups")]
        + [str(u.groups) for u in batch.units]
        + [str(sum(u.groups for u in batch.units))],
        [t("status.cadres")] + [str(u.cadres) for u in batch.units] + [str(batch.cadres)],
    ]
    for code in METRIC_CODES:
        rows.append(
            [t(f"metric_short.{code}")]
            + [format_total(u.totals[code]) for u in batch.units]
            + [format_total(batch.totals[code])]
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
    if not programme.batches:
        return t("status.no_batches") + "\n"
    for batch in programme.batches:
        lines += [f"## {_title(batch)}", ""]
        headers = [t("status.item")] + [
            f"{name}（{mode}）" if mode else name for name, mode in _columns(batch)
        ]
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("|---|" + "|".join(["---:"] * (len(headers) - 1)) + "|")
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
        table = Table(title=_title(batch), title_justify="left")
        table.add_column(t("status.item"), no_wrap=True)
        for name, mode in _columns(batch):
            table.add_column(f"{name}\n{mode}" if mode else name, justify="right", no_wrap=True)
        for index, row in enumerate(_rows(batch)):
            table.add_row(*row, end_section=index == 1)
        console.print(table)
