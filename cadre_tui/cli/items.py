"""``cadre-tui items``: the logistics board across every working group, overdue
first, for the weekly coordination round (``--overdue`` for the chase list)."""

from __future__ import annotations

import datetime as dt
import json

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t

COLUMN_RATIOS = (0, 0, 0, 2, 0, 4, 2)
"""Shares of the width for standing, due, batch, group, category, item and owner
(0: as wide as its content, never wrapped)."""


@click.command(cls=TranslatedCommand, help="cli.help.items")
@option("--overdue", is_flag=True, help="cli.help.items_overdue")
@option("--batch", "batch_number", type=int, default=None, help="cli.help.items_batch")
@option("--unit", default=None, help="cli.help.items_unit")
@option("--category", "categories", multiple=True, help="cli.help.items_category")
@option("--state", "states", multiple=True, help="cli.help.items_state")
@option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    help="cli.help.format",
)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@subcommand_options
def items_command(
    settings: Settings,
    overdue: bool,
    batch_number: int | None,
    unit: str | None,
    categories: tuple[str, ...],
    states: tuple[str, ...],
    fmt: str,
    today: dt.datetime | None,
) -> None:
    """The board, problems first; a bad filter is one line and exit 1."""
    from cadre_tui.services import coordination
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    day = today.date() if today else dt.date.today()
    database = open_store(settings)
    try:
        conn = database.connect()
        try:
            filters = coordination.resolve_filters(
                conn,
                batch_number=batch_number,
                unit=unit,
                categories=categories,
                states=states,
                overdue_only=overdue,
            )
            board = coordination.items_board(conn, filters, day)
        finally:
            conn.close()
    except CadreError as exc:
        fail(exc.message())
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    if fmt == "json":
        click.echo(json.dumps(coordination.board_json(board), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(coordination.board_markdown(board), nl=False)
    else:
        print_board(board)


def print_board(board) -> None:  # noqa: ANN001 - services.coordination.ItemsBoard
    """Every cell goes in as ``Text`` (a description with brackets is never markup);
    overdue lines in bold red, settled ones dim; long cells wrap within 80 columns."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from cadre_tui.services import coordination

    console = Console()
    console.print(Text(coordination.board_title(board), style="bold"))
    console.print(Text(coordination.counts_text(board.counts())))
    if not board.lines:
        console.print(Text(t("coordination.none")))
        return
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    for header, ratio in zip(coordination.headers(), COLUMN_RATIOS, strict=True):
        if ratio:
            table.add_column(Text(header), ratio=ratio, overflow="fold")
        else:
            table.add_column(Text(header), no_wrap=True)
    for line in board.lines:
        style = "bold red" if line.overdue else ("dim" if not line.row.item.is_open else None)
        table.add_row(*(Text(cell) for cell in coordination.cells(line, narrow=True)), style=style)
    console.print(table)
