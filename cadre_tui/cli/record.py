"""``cadre-tui record``: one day's figure from the options, or a leader's daily
sheet (``--csv``), checked exactly as the entry grid checks them and written in
one transaction per run; prints each entry written. Warnings (running totals
out of order, which late records cause) are written only with ``--yes``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.errors import CadreError
from cadre_tui.i18n import has, t


@click.command(cls=TranslatedCommand, help="cli.help.record")
@option("--cadre", default=None, help="cli.help.record_cadre")
@option("--date", "day", default=None, help="cli.help.record_date")
@option("--metric", default=None, help="cli.help.record_metric")
@option("--value", default=None, help="cli.help.record_value")
@option("--place", default=None, help="cli.help.record_place")
@option(
    "--csv",
    "sheet",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="cli.help.record_csv",
)
@option("--yes", is_flag=True, help="cli.help.record_yes")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@subcommand_options
def record_command(
    settings: Settings,
    cadre: str | None,
    day: str | None,
    metric: str | None,
    value: str | None,
    place: str | None,
    sheet: Path | None,
    yes: bool,
    today: dt.datetime | None,
) -> None:
    """Record figures (help text: cli.help.record)."""
    from cadre_tui.services.figure_sheet import SheetLine, read_sheet
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    single = {"cadre": cadre, "date": day, "metric": metric, "value": value}
    if sheet is not None:
        if any(v is not None for v in (*single.values(), place)):
            fail(t("figures.record.csv_or_options"))
        try:
            lines = read_sheet(sheet.read_bytes())
        except OSError as exc:
            fail(t("figures.record.cannot_read", path=str(sheet), reason=exc.strerror))
        except CadreError as exc:
            fail(t("figures.record.sheet_refused", path=str(sheet), reason=exc.message()))
    else:
        missing = [f"--{name}" for name, given in single.items() if given is None]
        if missing:
            fail(t("figures.record.options_missing", options=" ".join(missing)))
        lines = [SheetLine(0, cadre, day, metric, value, place or "")]
    database = open_store(settings)
    try:
        conn = database.connect()
        try:
            _record(conn, lines, today.date() if today else dt.date.today(), yes)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    except CadreError as exc:
        fail(exc.message())


def _record(conn, lines, today: dt.date, yes: bool) -> None:  # noqa: ANN001 - lazy types
    """Refuse with every problem named, line by line, or write and say what."""
    from cadre_tui.services.figure_inputs import FiguresRefused, check_figures, save_figures
    from cadre_tui.services.figure_sheet import resolve_lines
    from cadre_tui.store.figures import list_metrics

    resolved, unread = resolve_lines(conn, lines)
    figures = [r.figure for r in resolved]
    try:
        if unread:
            raise FiguresRefused(check_figures(conn, figures, today=today)[0])
        written = save_figures(conn, figures, today=today, confirm_warnings=yes)
    except FiguresRefused as exc:
        said = [(p.line, _unread(p)) for p in unread]
        for problem in exc.problems:
            text = _where(resolved[problem.index], problem.message)
            if problem.warning:
                text = t("figures.record.warning", msg=text)
            said.append((resolved[problem.index].line.line, text))
        for _, text in sorted(said, key=lambda pair: pair[0]):
            click.echo(text, err=True)
        errors = len(unread) + sum(not p.warning for p in exc.problems)
        if errors:
            fail(t("figures.record.refused", count=errors))
        fail(t("figures.record.confirm", count=len(exc.problems)))
    metrics = {m.code: m for m in list_metrics(conn)}
    for plan, entry in written:
        click.echo(_written_line(resolved[plan.index], plan, entry, metrics[plan.metric_code]))
    corrected = sum(entry.before is not None for _, entry in written)
    if written:
        click.echo(
            t("figures.record.summary", written=len(written) - corrected, corrected=corrected)
        )
    else:
        click.echo(t("figures.record.nothing"))


def _unread(problem) -> str:  # noqa: ANN001 - figure_sheet.LineProblem
    if problem.line:
        field = t(f"figures.field.{problem.field}")
        return t("figures.record.at_line", line=problem.line, field=field, msg=problem.message)
    return t("figures.record.at_option", option=f"--{problem.field}", msg=problem.message)


def _where(line, message: str) -> str:  # noqa: ANN001 - figure_sheet.ResolvedLine
    day = line.figure.day.isoformat()
    if line.line.line:
        return t(
            "figures.record.at_figure", line=line.line.line, name=line.name, date=day, msg=message
        )
    return t("figures.record.at_single", name=line.name, date=day, msg=message)


def _amount(value: float, unit: str) -> str:
    from cadre_tui.domain.quantities import format_figure

    key = f"figures.unit.{unit}"
    return t(key, value=format_figure(value)) if has(key) else format_figure(value)


def _written_line(line, plan, entry, metric) -> str:  # noqa: ANN001 - services' records
    from cadre_tui.services.figure_inputs import metric_name
    from cadre_tui.services.figure_sheet import place_label

    fields = {
        "name": line.name,
        "date": plan.day.isoformat(),
        "metric": metric_name(metric),
        "value": _amount(plan.value, metric.unit),
        "place": place_label(line.member, line.mode, plan.place) or "—",
        "id": entry.entry.id,
    }
    if entry.before is None:
        return t("figures.record.written_new", **fields)
    before = _amount(entry.before, metric.unit)
    return t("figures.record.written_correction", before=before, **fields)
