"""``cadre-tui export KIND``: the pool (a filter), a recommendation round, a batch's
group rosters or a progress report as ``.xlsx`` or ``.csv`` for leaders and other
offices; ``lrmx`` writes one cadre's 干部任免审批表.

A group of subcommands, each with its own filters; all take ``--out FILE``
(default: a timestamped file in the exports folder) and ``--format xlsx|csv``
(default: the file's suffix, else xlsx). ID numbers and phones are masked unless
``--unmasked``, which writes an audit row before the file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, TranslatedGroup, option
from cadre_tui.domain.enums import CadreCategory, CadreStatus
from cadre_tui.errors import CadreError, ReadOnlyError
from cadre_tui.i18n import t


@click.group(cls=TranslatedGroup, help="cli.help.export")
def export_command() -> None:
    """Spreadsheets for leaders and other offices (help text: cli.help.export)."""


def file_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--out``, ``--format`` and the tests' hidden ``--today``."""
    func = click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)(
        func
    )
    func = option(
        "--format",
        "fmt",
        type=click.Choice(["xlsx", "csv"]),
        default=None,
        help="cli.help.export_format",
    )(func)
    return option(
        "--out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help="cli.help.export_out",
    )(func)


def unmasked_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return option("--unmasked", is_flag=True, help="cli.help.export_unmasked")(func)


def _day(today: dt.datetime | None) -> dt.date:
    return today.date() if today else dt.date.today()


def write(
    settings: Settings, build: Callable[[Any], Any], out: Path | None, fmt: str | None
) -> None:
    """Read with ``build(conn)`` into an Export, save it, and say where it went."""
    from cadre_tui.services.exports import saving
    from cadre_tui.services.exports.table import file_format
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    try:
        if out is not None:
            file_format(out, fmt)
        database = open_store(settings)
        conn = database.connect()
        try:
            export = build(conn)
            path = saving.save(conn, export, out, fmt)
        finally:
            conn.close()
    except ReadOnlyError:
        fail(t("exports.audit_read_only"))
    except CadreError as exc:
        fail(exc.message())
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    click.echo(t("exports.written", rows=export.rows, path=str(path)))
    if export.audited:
        click.echo(t("exports.audited_note"))
    elif export.personal:
        click.echo(t("exports.masked_note"))


@export_command.command("pool", cls=TranslatedCommand, help="cli.help.export_pool")
@option("--search", default="", metavar="TEXT", help="cli.help.export_search")
@option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([s.value for s in CadreStatus]),
    help="cli.help.export_status",
)
@option(
    "--category",
    "categories",
    multiple=True,
    type=click.Choice([c.value for c in CadreCategory]),
    help="cli.help.export_category",
)
@option("--unit", "unit_texts", multiple=True, metavar="CODE|NAME", help="cli.help.export_unit")
@unmasked_option
@file_options
@subcommand_options
def export_pool(
    settings: Settings,
    search: str,
    statuses: tuple[str, ...],
    categories: tuple[str, ...],
    unit_texts: tuple[str, ...],
    unmasked: bool,
    out: Path | None,
    fmt: str | None,
    today: dt.datetime | None,
) -> None:
    """The cadres a pool filter matches, every field the roster import reads."""
    from cadre_tui.domain.pool_query import PoolFilter
    from cadre_tui.services.exports import pool
    from cadre_tui.services.exports.saving import Export

    def build(conn: Any) -> Export:
        flt = PoolFilter(
            text=search,
            statuses=frozenset(CadreStatus(s) for s in statuses),
            categories=frozenset(CadreCategory(c) for c in categories),
            sending_unit_ids=pool.sending_unit_ids(conn, unit_texts),
        )
        sheet = pool.pool_sheet(conn, flt, today=_day(today), unmasked=unmasked)
        details = {"filter": json.loads(flt.to_json())}
        return Export("pool", [sheet], personal=True, unmasked=unmasked, details=details)

    write(settings, build, out, fmt)


@export_command.command("round", cls=TranslatedCommand, help="cli.help.export_round")
@option("--year", type=int, default=None, help="cli.help.round_year")
@unmasked_option
@file_options
@subcommand_options
def export_round(
    settings: Settings,
    year: int | None,
    unmasked: bool,
    out: Path | None,
    fmt: str | None,
    today: dt.datetime | None,
) -> None:
    """The round's board: units problems first, one row per nominee."""
    from cadre_tui.services.exports import round as round_export
    from cadre_tui.services.exports.saving import Export

    def build(conn: Any) -> Export:
        board = round_export.find_board(conn, year, _day(today), settings.rules)
        sheet = round_export.round_sheet(board, unmasked=unmasked)
        details = {"year": board.round.year}
        return Export("round", [sheet], personal=True, unmasked=unmasked, details=details)

    write(settings, build, out, fmt)


@export_command.command("groups", cls=TranslatedCommand, help="cli.help.export_groups")
@option("--batch", "batch_number", type=int, default=None, help="cli.help.groups_batch")
@unmasked_option
@file_options
@subcommand_options
def export_groups(
    settings: Settings,
    batch_number: int | None,
    unmasked: bool,
    out: Path | None,
    fmt: str | None,
    today: dt.datetime | None,
) -> None:
    """A batch's rosters: one row per member, with group, mode, role and place."""
    from cadre_tui.services.exports import groups
    from cadre_tui.services.exports.saving import Export

    def build(conn: Any) -> Export:
        view = groups.find_batch_view(conn, batch_number)
        sheet = groups.groups_sheet(conn, view, unmasked=unmasked)
        details = {"batch": view.batch.number}
        return Export("groups", [sheet], personal=True, unmasked=unmasked, details=details)

    write(settings, build, out, fmt)


@export_command.command("progress", cls=TranslatedCommand, help="cli.help.export_progress")
@option("--batch", "batch_number", type=int, default=None, help="cli.help.export_progress_batch")
@option("--unit", default=None, metavar="CODE|NAME", help="cli.help.export_progress_unit")
@option("--group", default=None, metavar="ID|NAME", help="cli.help.export_progress_group")
@option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="cli.help.status_since",
)
@file_options
@subcommand_options
def export_progress(
    settings: Settings,
    batch_number: int | None,
    unit: str | None,
    group: str | None,
    since: dt.datetime | None,
    out: Path | None,
    fmt: str | None,
    today: dt.datetime | None,
) -> None:
    """One level of the roll-up and its children against their targets."""
    from cadre_tui.services.exports import progress
    from cadre_tui.services.exports.saving import Export

    def build(conn: Any) -> Export:
        node, children = progress.find_level(
            conn,
            today=_day(today),
            batch_number=batch_number,
            unit=unit,
            group=group,
            since=since.date() if since else None,
        )
        return Export("progress", [progress.progress_sheet(conn, node, children)], personal=False)

    write(settings, build, out, fmt)


@export_command.command("lrmx", cls=TranslatedCommand, help="cli.help.export_lrmx")
@option("--cadre", "cadre_text", required=True, metavar="ID|NAME", help="cli.help.export_cadre")
@option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="cli.help.export_lrmx_out",
)
@unmasked_option
@subcommand_options
def export_lrmx(settings: Settings, cadre_text: str, out: Path, unmasked: bool) -> None:
    """One cadre's record as an .lrmx file, with the secondment in the résumé."""
    from cadre_tui.services.exports.pool import find_cadre
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.export_audit import record_unmasked_export
    from cadre_tui.store.sqlite import sqlite3

    try:
        from cadre_tui.services.lrmx_export import write_lrmx
    except ModuleNotFoundError as exc:
        if exc.name != "cadre_tui.services.lrmx_export":
            raise
        fail(t("exports.lrmx_unavailable"))
    try:
        database = open_store(settings)
        conn = database.connect()
        try:
            cadre = find_cadre(conn, cadre_text, today=dt.date.today())
            if unmasked:
                where = str(out.expanduser().resolve())
                record_unmasked_export(conn, "lrmx", where, 1, {"cadre": cadre.name}, cadre.id)
            write_lrmx(conn, cadre.id, out, unmasked=unmasked)
        finally:
            conn.close()
    except ReadOnlyError:
        fail(t("exports.audit_read_only"))
    except CadreError as exc:
        fail(exc.message())
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    click.echo(t("exports.written_lrmx", name=cadre.name, path=str(out)))
    click.echo(t("exports.audited_note") if unmasked else t("exports.masked_note"))
