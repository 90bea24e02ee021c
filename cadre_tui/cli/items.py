"""``cadre-tui items``: the logistics board across every working group, overdue
first, for the weekly coordination round (``--overdue`` for the chase list)."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t

if TYPE_CHECKING:  # the services load only when the command runs
    from cadre_tui.services.coordination import ItemLine, ItemsBoard

COLUMN_RATIOS = (0, 0, 0, 2, -1, 4, 2)
"""Shares of the width for standing, due, batch, group, category, item and owner
(0: as wide as its content, never wrapped; -1: as wide as the longest word of the
category labels, wrapped between words)."""


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
        click.echo(json.dumps(board_json(board), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(board_markdown(board), nl=False)
    else:
        print_board(board)


def print_board(board: ItemsBoard) -> None:
    """Every cell goes in as ``Text`` (a description with brackets is never markup);
    overdue lines in bold red, settled ones dim; long cells wrap within 80 columns.
    Items of one batch only leave the batch column out (the title names the batch)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from cadre_tui.services import coordination

    numbers = {line.row.batch_number for line in board.lines}
    keep = [index for index in range(len(COLUMN_RATIOS)) if index != 2 or len(numbers) > 1]
    title = coordination.board_title(board)
    if len(numbers) == 1 and board.filters.batch_number is None:
        title = f"{title} {coordination.batch_text(numbers.pop())}"
    console = Console()
    console.print(Text(title, style="bold"))
    console.print(Text(coordination.counts_text(board.counts())))
    if not board.lines:
        console.print(Text(t("coordination.none")))
        return
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    headers = coordination.headers()
    for header, ratio in ((headers[i], COLUMN_RATIOS[i]) for i in keep):
        if ratio < 0:
            table.add_column(Text(header), width=_label_width(), overflow="fold")
        elif ratio:
            table.add_column(Text(header), ratio=ratio, overflow="fold")
        else:
            table.add_column(Text(header), no_wrap=True)
    for line in board.lines:
        style = "bold red" if line.overdue else ("dim" if not line.row.item.is_open else None)
        cells = coordination.cells(line, narrow=True)
        table.add_row(*(Text(cells[i]) for i in keep), style=style)
    console.print(table)


def _label_width() -> int:
    from rich.cells import cell_len

    from cadre_tui.domain.coordination import LogisticsCategory

    words = [word for c in LogisticsCategory for word in c.label().split()]
    return max(cell_len(word) for word in words)


def item_json(line: ItemLine) -> dict[str, Any]:
    """Raw fields beside their words; keys are stable for scripts."""
    row, item = line.row, line.row.item
    return {
        "id": item.id,
        "batch_number": row.batch_number,
        "receiving_unit_id": row.receiving_unit_id,
        "receiving_unit": row.receiving_unit_name,
        "group_id": item.group_id,
        "group": row.group_name,
        "category": item.category.value,
        "category_label": line.category,
        "description": item.description,
        "raised_by": item.raised_by,
        "raised_on": item.raised_on.isoformat(),
        "owner": item.owner,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "state": item.state.value,
        "state_label": line.state,
        "overdue": row.overdue,
        "days_overdue": row.days_overdue,
        "age_days": row.age_days,
        "standing": line.standing,
        "resolution": item.resolution,
        "resolved_on": item.resolved_on.isoformat() if item.resolved_on else None,
        "meeting_id": item.meeting_id,
        "row_version": item.row_version,
    }


def board_json(board: ItemsBoard) -> dict[str, Any]:
    filters = board.filters
    return {
        "today": board.today.isoformat(),
        "filters": {
            "batch_number": filters.batch_number,
            "receiving_unit": filters.unit_name,
            "categories": [c.value for c in filters.categories],
            "states": [s.value for s in filters.states],
            "overdue_only": filters.overdue_only,
        },
        "counts": board.counts(),
        "items": [item_json(line) for line in board.lines],
    }


def board_markdown(board: ItemsBoard) -> str:
    from cadre_tui.services import coordination

    lines = [
        f"## {coordination.board_title(board)}",
        "",
        coordination.counts_text(board.counts()),
        "",
    ]
    if not board.lines:
        return "\n".join([*lines, t("coordination.none"), ""])
    titles = coordination.headers()
    lines.append("| " + " | ".join(titles) + " |")
    lines.append("|" + "|".join(["---"] * len(titles)) + "|")
    for line in board.lines:
        row = [cell.replace("|", "\\|").replace("\n", " ") for cell in coordination.cells(line)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join([*lines, ""])
