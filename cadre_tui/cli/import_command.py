"""``cadre-tui import FILE``: a unit's roster (.xlsx, .csv, .lrmx, a folder or .zip
of .lrmx) checked row by row, then written in one transaction, or not at all.

Exit status: 0 every row was good, 3 some rows were rejected (nothing written,
or with ``--only-valid`` exactly the valid rows), 1 the file itself could not
be imported. Rejected rows go to a file beside the input with their reasons.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t

EXIT_REJECTED = 3
PROGRESS_FROM = 2000
"""Rows from which a progress bar is worth drawing."""


@click.command(cls=TranslatedCommand, help="cli.help.import")
@click.argument("file", type=click.Path(path_type=Path))
@option("--dry-run", is_flag=True, help="cli.help.import_dry_run")
@option("--only-valid", is_flag=True, help="cli.help.import_only_valid")
@option("--create-units", is_flag=True, help="cli.help.import_create_units")
@option("--unit", "unit", default=None, metavar="NAME", help="cli.help.import_unit")
@option("--category", "category", default=None, metavar="CATEGORY", help="cli.help.import_category")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@subcommand_options
def import_command(
    settings: Settings,
    file: Path,
    dry_run: bool,
    only_valid: bool,
    create_units: bool,
    unit: str | None,
    category: str | None,
    today: dt.datetime | None,
) -> None:
    """Import cadres (help text: cli.help.import)."""
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    if settings.read_only and not dry_run:
        fail(t("error.read_only"))
    database = open_store(settings)
    try:
        conn = database.connect()
        try:
            defaults = {"sending_unit": unit, "category": category}
            code = _import(conn, file, dry_run, only_valid, create_units, today, defaults)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    if code:
        sys.exit(code)


def _import(  # noqa: PLR0913 - the command's options, passed on
    conn,  # noqa: ANN001
    file: Path,
    dry_run: bool,
    only_valid: bool,
    create_units: bool,
    today,  # noqa: ANN001
    defaults: dict[str, str | None],
) -> int:
    from cadre_tui.services.roster_import import apply_import, plan_import, write_rejected

    try:
        with _progress(t("roster_import.cli.checking")) as progress:
            plan = plan_import(
                conn,
                file,
                create_units=create_units,
                progress=progress,
                today=today.date() if today else None,
                defaults=defaults,
            )
    except CadreError as exc:
        fail(exc.message())
    _report(plan)
    if not create_units and _names_unknown_units(plan):
        click.echo(t("roster_import.cli.create_units_hint"))
    if dry_run:
        click.echo(t("roster_import.cli.dry_run"))
        return EXIT_REJECTED if plan.rejected else 0
    if plan.rejected and not only_valid:
        _rejected_file(plan, write_rejected)
        click.echo(t("roster_import.cli.nothing_written", count=plan.rejected))
        return EXIT_REJECTED
    if plan.new or plan.updated:
        try:
            with _progress(t("roster_import.cli.writing")) as progress:
                result = apply_import(conn, plan, only_valid=only_valid, progress=progress)
        except CadreError as exc:
            fail(exc.message())
        click.echo(
            t(
                "roster_import.cli.written",
                new=result.new,
                updated=result.updated,
                units=result.units_created,
            )
        )
    elif not plan.rejected:
        click.echo(t("roster_import.cli.nothing_to_write"))
    if plan.rejected:
        _rejected_file(plan, write_rejected)
        return EXIT_REJECTED
    return 0


def _names_unknown_units(plan) -> bool:  # noqa: ANN001 - roster_import.ImportPlan
    """Whether a row was refused for a sending unit the programme lacks (the reason is
    already words, so it is recognised by the sentence's text after the unit's name)."""
    tail = t("roster_import.cell.unknown_unit", unit="\0").split("\0")[-1]
    return any(tail in reason for row in plan.rejected_rows() for reason in row.reasons)


def _report(plan) -> None:  # noqa: ANN001 - roster_import.ImportPlan
    """Unknown columns and new units first, then each rejected row, then the counts."""
    separator = t("roster_import.list_separator")
    if plan.unknown_columns:
        click.echo(
            t("roster_import.cli.unknown_columns", columns=separator.join(plan.unknown_columns))
        )
    if plan.new_units:
        click.echo(t("roster_import.cli.new_units", units=separator.join(plan.new_units)))
    if plan.month_only_dates:
        click.echo(t("roster_import.cli.month_only", count=plan.month_only_dates))
    reason_separator = t("roster_import.reason_separator")
    for row in plan.rejected_rows():
        click.echo(
            t(
                "roster_import.cli.rejected_row",
                line=row.line,
                name=row.name or "—",
                id=row.id_number_masked or "—",
                reasons=reason_separator.join(row.reasons),
            )
        )
    click.echo(
        t(
            "roster_import.cli.counts",
            new=plan.new,
            updated=plan.updated,
            unchanged=plan.unchanged,
            rejected=plan.rejected,
        )
    )


def _rejected_file(plan, write_rejected: Callable) -> None:  # noqa: ANN001 - ImportPlan
    try:
        path = write_rejected(plan)
    except (CadreError, OSError) as exc:
        message = exc.message() if isinstance(exc, CadreError) else str(exc)
        click.echo(t("roster_import.cli.rejected_file_failed", reason=message), err=True)
        return
    if path is not None:
        click.echo(t("roster_import.cli.rejected_file", path=str(path)))


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr once there are enough rows to wait for, and
    only on a terminal; otherwise the callback does nothing."""
    state: dict[str, object] = {}

    def update(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            if total < PROGRESS_FROM or "off" in state:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            console = Console(stderr=True)
            if not console.is_terminal:
                state["off"] = True
                return
            bar = Progress(
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
            )
            bar.start()
            state["bar"] = bar
            state["task"] = bar.add_task(label, total=total)
        bar.update(state["task"], completed=done, total=total)  # type: ignore[union-attr]

    try:
        yield update
    finally:
        bar = state.get("bar")
        if bar is not None:
            bar.stop()  # type: ignore[union-attr]
