"""``cadre-tui status``: each batch's cadres and metric totals, per receiving unit and
mode; or one receiving unit (``--unit``) or working group (``--group``) against its
targets; or who has stopped reporting (``--not-reporting``). ``--format text`` and
``markdown`` are for pasting into a chat, ``--narrow`` keeps them to 40 columns.

The options are read here; how each format is printed is in
:mod:`cadre_tui.cli.status_render`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.status_render import View, is_chat, write
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services import reports
from cadre_tui.services import status_lookups as lookups

FORMATS = ["table", "json", "markdown", "text"]


@click.command(cls=TranslatedCommand, help="cli.help.status")
@option("--batch", "batch_number", type=int, default=None, help="cli.help.batch")
@option("--unit", default=None, metavar="CODE|NAME", help="cli.help.status_unit")
@option("--group", default=None, metavar="ID|NAME", help="cli.help.status_group")
@option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="cli.help.status_since",
)
@option("--not-reporting", "not_reporting", is_flag=True, help="cli.help.status_not_reporting")
@option("--days", type=click.IntRange(min=0), default=3, help="cli.help.status_days")
@option("--format", "fmt", type=click.Choice(FORMATS), default="table", help="cli.help.format")
@option("--narrow", is_flag=True, help="cli.help.status_narrow")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@subcommand_options
def status(
    settings: Settings,
    batch_number: int | None,
    unit: str | None,
    group: str | None,
    since: dt.datetime | None,
    not_reporting: bool,
    days: int,
    fmt: str,
    narrow: bool,
    today: dt.datetime | None,
) -> None:
    """Each batch's cadres and metric totals, per receiving unit and mode."""
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    if unit is not None and group is not None:
        fail(t("field_status.unit_and_group"))
    view = View(
        today=today.date() if today else dt.date.today(),
        since=since.date() if since else None,
        days=days,
    )
    database = open_store(settings)
    try:
        conn = database.connect()
        try:
            read(conn, view, batch_number, unit, group, not_reporting, fmt, narrow)
        finally:
            conn.close()
    except CadreError as exc:
        fail(exc.message())
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    if view.programme is not None and batch_number is not None and not view.programme.batches:
        fail(t("cli.no_such_batch", number=batch_number))
    write(view, fmt, narrow)


def read(
    conn: Any,
    view: View,
    batch_number: int | None,
    unit: str | None,
    group: str | None,
    not_reporting: bool,
    fmt: str,
    narrow: bool,
) -> None:
    """Fill ``view`` with what the options ask for, in one connection."""
    from cadre_tui.services import field_status as fs

    batch_id = lookups.batch_id_of(conn, batch_number) if batch_number is not None else None
    unit_id = lookups.find_unit(conn, unit) if unit is not None else None
    group_id = lookups.find_group(conn, group, batch_id) if group is not None else None
    day, since = view.today, view.since
    if not_reporting:
        view.silent = fs.not_reporting(
            conn, day, view.days, batch_id, unit_id=unit_id, group_id=group_id
        )
    elif group_id is not None:
        node = fs.group_progress(conn, group_id, day, since=since)
        view.group = (lookups.group_context(conn, group_id), node, fs.children(conn, node, day))
    elif unit_id is not None:
        batches = lookups.batch_rows(conn)
        for found in lookups.unit_batches(conn, unit_id, batch_id):
            node = fs.unit_progress(conn, found, unit_id, day, since=since)
            groups = fs.children(conn, node, day, since=since)
            view.units.append((batches[found], node, groups))
        if not view.units and batch_id is not None:
            raise CadreError("field_status.unit_not_in_batch", id=unit)
        if not view.units:
            raise CadreError("field_status.unit_in_no_batch", unit=unit)
    else:
        view.programme = reports.programme_status(conn, batch_number, since=since)
        if fmt == "json":
            return
        for found, row in lookups.batch_rows(conn).items():
            if batch_id is not None and found != batch_id:
                continue
            if is_chat(fmt, narrow):
                view.batch_progress[row["number"]] = fs.batch_progress(
                    conn, found, day, since=since
                )
            if row["state"] == "active":
                view.silent_counts[row["number"]] = len(
                    fs.not_reporting(conn, day, view.days, found)
                )
