"""Recording a set of figure lines (a leader's daily sheet, or one figure from
the command line) with one verdict: every problem named by its line, or the
figures written in one transaction. ``cadre-tui record`` and the entry screen's
sheet import both use it, so they refuse and warn alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cadre_tui.i18n import has, t
from cadre_tui.services.figure_inputs import FiguresRefused, check_figures, save_figures
from cadre_tui.services.figure_sheet import LineProblem, ResolvedLine, SheetLine, resolve_lines
from cadre_tui.store.sqlite import sqlite3


@dataclass(frozen=True)
class SheetProblem:
    line: int
    """The sheet's line (0: the command-line options)."""
    text: str
    """Translated, naming the line, the cadre and the day."""
    warning: bool = False


@dataclass(frozen=True)
class SheetVerdict:
    """Problems in line order; ``written`` holds one text per entry written."""

    problems: tuple[SheetProblem, ...] = ()
    written: tuple[str, ...] = ()
    new: int = 0
    corrected: int = 0

    @property
    def errors(self) -> int:
        return sum(not p.warning for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.warning for p in self.problems)


def record_lines(
    conn: sqlite3.Connection,
    lines: Sequence[SheetLine],
    *,
    today: dt.date,
    confirm_warnings: bool = False,
) -> SheetVerdict:
    """Check every line and write them all in one transaction, or write nothing
    and say why (an unconfirmed warning also stops the write)."""
    from cadre_tui.store.figures import list_metrics

    resolved, unread = resolve_lines(conn, list(lines))
    figures = [r.figure for r in resolved]
    try:
        if unread:
            raise FiguresRefused(check_figures(conn, figures, today=today)[0])
        written = save_figures(conn, figures, today=today, confirm_warnings=confirm_warnings)
    except FiguresRefused as exc:
        said = [SheetProblem(p.line, unread_text(p)) for p in unread]
        for problem in exc.problems:
            line = resolved[problem.index]
            text = where(line, problem.message)
            if problem.warning:
                text = t("figures.record.warning", msg=text)
            said.append(SheetProblem(line.line.line, text, problem.warning))
        return SheetVerdict(tuple(sorted(said, key=lambda p: p.line)))
    metrics = {m.code: m for m in list_metrics(conn)}
    texts = tuple(
        written_text(resolved[plan.index], plan, entry, metrics[plan.metric_code])
        for plan, entry in written
    )
    corrected = sum(entry.before is not None for _, entry in written)
    return SheetVerdict(written=texts, new=len(written) - corrected, corrected=corrected)


def unread_text(problem: LineProblem) -> str:
    if problem.line:
        field = t(f"figures.field.{problem.field}")
        return t("figures.record.at_line", line=problem.line, field=field, msg=problem.message)
    return t("figures.record.at_option", option=f"--{problem.field}", msg=problem.message)


def where(line: ResolvedLine, message: str) -> str:
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


def written_text(line, plan, entry, metric) -> str:  # noqa: ANN001 - services' records
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
