"""``cadre-tui round``: the recommendation round's board, for the weekly reminder
to late departments (``--late``: only the units yet to submit, with their
leader in charge; phones masked)."""

from __future__ import annotations

import datetime as dt
import json

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.domain.identity import mask_phone
from cadre_tui.i18n import t
from cadre_tui.services import round_board
from cadre_tui.services.round_board import (
    RoundBoard,
    UnitLine,
    counts_text,
    deadline_text,
    nominee_text,
    nominees_text,
)


@click.command(cls=TranslatedCommand, help="cli.help.round")
@option("--year", type=int, default=None, help="cli.help.round_year")
@option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    help="cli.help.format",
)
@option("--late", is_flag=True, help="cli.help.round_late")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@subcommand_options
def round_command(
    settings: Settings, year: int | None, fmt: str, late: bool, today: dt.datetime | None
) -> None:
    """The round's board: every sending unit, problems first."""
    from cadre_tui.store import recommendations
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    day = today.date() if today else dt.date.today()
    database = open_store(settings)
    try:
        conn = database.connect()
        try:
            if year is None:
                found = round_board.current_round(conn, day)
            else:
                found = recommendations.get_round(conn, year)
            board = (
                round_board.board(conn, found, today=day, rules=settings.rules) if found else None
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    if board is None:
        fail(t("round.no_round", year=year or day.year))
    if fmt == "json":
        data = round_board.board_json(board, late_only=late)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(markdown(board, late))
    else:
        print_table(board, late)


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def _rows(board: RoundBoard, late: bool, short: bool = False) -> tuple[list[str], list[list[str]]]:
    """Column titles and cells; ``short`` marks nominees with ✓ / ✗ to fit 80 columns."""
    if late:
        headers = [t("round.col_unit"), t("round.col_leader"), t("round.col_phone")]
        rows = [
            [u.name, u.leader_in_charge or "—", mask_phone(u.leader_phone) or "—"]
            for u in board.late()
        ]
        return headers, rows
    headers = [
        t("round.col_state"),
        t("round.col_unit"),
        t("round.col_count_short" if short else "round.col_count"),
        t("round.col_meeting"),
        t("round.col_nominees"),
    ]
    rows = [
        [
            u.state.label(),
            u.name,
            t("round.count_of_quota", count=u.standing, quota=str(u.quota)),
            _date(u.meeting_date),
            _names(u, short),
        ]
        for u in board.units
    ]
    return headers, rows


def _names(unit: UnitLine, short: bool) -> str:
    """One nominee a line in the terminal's table (names never split), a list elsewhere."""
    if not unit.nominees:
        return "—"
    if short:
        return "\n".join(nominee_text(n, short=True) for n in unit.nominees)
    return nominees_text(unit)


def markdown(board: RoundBoard, late: bool) -> str:
    headers, rows = _rows(board, late)
    lines = [f"## {deadline_text(board)}", "", counts_text(board), ""]
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "|".join(["---"] * len(headers)) + "|")
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    if late and not rows:
        lines += ["", t("round.none_late")]
    return "\n".join(lines) + "\n"


def print_table(board: RoundBoard, late: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    headers, rows = _rows(board, late, short=True)
    console.print(deadline_text(board), style="bold")
    console.print(counts_text(board))
    if not late:
        console.print(t("round.legend"))
    table = Table()
    for index, header in enumerate(headers):
        table.add_column(header, no_wrap=index < len(headers) - 1, overflow="fold")
    for row in rows:
        table.add_row(*row)
    if rows:
        console.print(table)
    elif late:
        console.print(t("round.none_late"))
