"""``cadre-tui log``: the audit log read back, newest first: who changed what and
when, in words. ``--entity cadre:12`` or ``group:3`` gives that cadre's or working
group's whole history (their placements, nominations and figures included).
Only reads, so it works on a ``--read-only`` database."""

from __future__ import annotations

import datetime as dt
import json

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.i18n import t
from cadre_tui.services.history import HistoryLine

SUBJECTS = {"cadre": "cadre", "working_group": "group"}
"""Kinds whose ``KIND:ID`` means the whole history, not only the record's own rows."""
SUMMARY_CELLS = 90
"""A change summary longer than this is cut (a new cadre's record has ~18 fields)."""


@click.command(cls=TranslatedCommand, help="cli.help.log")
@option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="cli.help.log_since",
)
@option("--actor", default=None, metavar="NAME", help="cli.help.log_actor")
@option("--entity", default=None, metavar="KIND[:ID]", help="cli.help.log_entity")
@option("--limit", type=click.IntRange(min=1), default=50, help="cli.help.log_limit")
@option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", help="cli.help.format"
)
@subcommand_options
def log_command(
    settings: Settings,
    since: dt.datetime | None,
    actor: str | None,
    entity: str | None,
    limit: int,
    fmt: str,
) -> None:
    """The audit log, newest first (help text: cli.help.log)."""
    from cadre_tui.errors import CadreError
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    kind, entity_id = _parse_entity(entity)
    day = since.date() if since else None
    database = open_store(settings)
    try:
        conn = database.connect()
        try:
            lines = _read(conn, kind, entity_id, day, actor, limit)
        finally:
            conn.close()
    except CadreError as exc:
        fail(exc.message())
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    if fmt == "json":
        data = [line.as_json() for line in lines]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif not lines:
        click.echo(t("history.log_empty"))
    else:
        print_table(lines)


def _parse_entity(entity: str | None) -> tuple[str | None, int | None]:
    """``cadre``, ``group:3`` … as the log's entity name and an optional id."""
    if not entity:
        return None, None
    from cadre_tui.store.audit_queries import entity_name

    kind, colon, number = entity.strip().partition(":")
    if colon and not number.strip().isdigit():
        fail(t("history.log_bad_entity_id", value=entity))
    return entity_name(kind.strip().lower()), int(number) if colon else None


def _read(conn, kind, entity_id, day, actor, limit) -> list[HistoryLine]:  # noqa: ANN001
    from cadre_tui.services import history
    from cadre_tui.store import audit_queries

    if kind in SUBJECTS and entity_id is not None:
        subject = SUBJECTS[kind]
        lines = history.subject_history(conn, subject, entity_id, limit, since=day, actor=actor)
        if not lines and not audit_queries.names_for(conn, [(kind, entity_id)]):
            fail(t(f"history.log_no_{subject}", id=entity_id))
        return lines
    if kind is not None and not audit_queries.is_known_entity(conn, kind):
        kinds = ", ".join(sorted({"group", *audit_queries.ENTITIES} - {"working_group"}))
        fail(t("history.log_unknown_entity", entity=kind, kinds=kinds))
    return history.log_lines(
        conn, since=day, actor=actor, entity=kind, entity_id=entity_id, limit=limit
    )


def print_table(lines: list[HistoryLine]) -> None:
    """Every string goes in as ``Text``: a note with brackets is never read as markup.
    The change column takes what the others leave of the terminal's width."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    console.print(Text(t("history.log_title", count=len(lines)), style="bold"))
    table = Table()
    headers = ("col_number", "col_at", "col_actor", "col_what", "col_subject", "col_change")
    for index, header in enumerate(headers):
        table.add_column(
            Text(t(f"history.{header}")),
            no_wrap=index < 2,
            overflow="fold",
            ratio=3 if index == 5 else None,
        )
    for line in lines:
        table.add_row(
            Text(str(line.id)),
            Text(line.at),
            Text(line.actor),
            Text(line.phrase),
            Text(line.subject),
            Text(line.summary(SUMMARY_CELLS)),
        )
    console.print(table)
