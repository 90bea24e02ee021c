"""``cadre-tui groups``: a batch's working groups for the field office wall, each
with mode, leaders, liaison, branch secretary, members in their places and its
open problems."""

from __future__ import annotations

import json

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.i18n import t
from cadre_tui.services import groups_report
from cadre_tui.services.batch_view import BatchView, GroupView, batch_view, list_batches


@click.command(cls=TranslatedCommand, help="cli.help.groups")
@option("--batch", "batch_number", type=int, default=None, help="cli.help.groups_batch")
@option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    help="cli.help.format",
)
@subcommand_options
def groups_command(settings: Settings, batch_number: int | None, fmt: str) -> None:
    """Each group of one batch (the active one by default), problems in words."""
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    database = open_store(settings)
    try:
        conn = database.connect()
        try:
            batch = groups_report.pick_batch(list_batches(conn), batch_number)
            view = batch_view(conn, batch.id) if batch else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    if batch_number is not None and view is None:
        fail(t("cli.no_such_batch", number=batch_number))
    if fmt == "json":
        data = groups_report.groups_json(view)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif view is None:
        click.echo(t("groups.no_batches"))
    elif fmt == "markdown":
        click.echo(groups_report.markdown(view), nl=False)
    else:
        print_groups(view)


def print_groups(view: BatchView) -> None:
    """Every string goes in as ``Text``: a name with brackets is never read as markup."""
    from rich.console import Console
    from rich.text import Text

    console = Console()
    console.print(Text(groups_report.batch_title(view), style="bold"))
    if not view.groups:
        console.print(Text(t("groups.no_groups")))
        return
    for group in view.groups:
        console.print()
        _print_group(console, group)
    if any(m.party_pending for g in view.groups for m in g.members):
        console.print()
        console.print(Text(t("groups.pending_legend")))


def _print_group(console, group: GroupView) -> None:  # noqa: ANN001 - a rich Console
    """Title, a two-pair-a-line grid of facts, the members table, then the problems:
    within 80 columns with Chinese names (rich wraps long values inside their cell)."""
    from rich.table import Table
    from rich.text import Text

    console.print(Text(groups_report.group_title(group), style="bold"))
    facts = Table.grid(padding=(0, 1))
    for index in range(4):
        facts.add_column(no_wrap=index % 2 == 0, style="dim" if index % 2 == 0 else None)
    pairs = groups_report.header_pairs(group)
    for start in range(0, len(pairs), 2):
        row = [cell for pair in pairs[start : start + 2] for cell in pair]
        facts.add_row(*(Text(cell) for cell in row))
    console.print(facts)
    if group.members:
        table = Table()
        for index, header in enumerate(groups_report.member_headers()):
            table.add_column(Text(header), no_wrap=index < 2, overflow="fold")
        for row in groups_report.member_rows(group, project_lines=True):
            table.add_row(*(Text(cell) for cell in row))
        console.print(table)
    else:
        console.print(Text(t("groups.no_members")))
    for line in groups_report.problem_lines(group):
        console.print(Text(line))
