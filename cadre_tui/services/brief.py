"""The briefing (工作简报) paragraph for one batch, in the seed's own style:
"第一批63名抽调干部……配合基层干部丈量各类房屋3720多户，丈量面积157万多平方米，
签约2400余户，拆除1720多户". Read-only: built from the roll-ups that
``cadre-tui status`` shows, figures written by ``domain.official_numbers``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cadre_tui.domain.enums import METRIC_CODES, BatchState, ManagementMode
from cadre_tui.domain.official_numbers import (
    Span,
    chinese_numeral,
    en_figure,
    span_between,
    zh_figure,
)
from cadre_tui.i18n import current_language, t
from cadre_tui.services import reports
from cadre_tui.store import rollups
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.values import day_from

SPRINT_MONTHS = 3
"""A closed batch that took under three months was a sprint: the briefing says
"仅用一个多月时间，就……" as the seed does of its 25-cadre second batch."""


@dataclass(frozen=True)
class BatchFacts:
    """What the paragraph says of one batch, read from the database."""

    number: int
    state: BatchState
    cadres: int
    start: dt.date
    closed_on: dt.date | None
    placements: list[tuple[str, ManagementMode]]
    totals: dict[str, float]


def batch_facts(conn: sqlite3.Connection, number: int) -> BatchFacts | None:
    """The batch's count, dates, receiving units with their modes, and totals; None if unknown."""
    rows = rollups.batches(conn, number)
    statuses = reports.batch_statuses(conn, number)
    if not rows or not statuses:
        return None
    row, status = rows[0], statuses[0]
    return BatchFacts(
        number=status.number,
        state=status.state,
        cadres=status.cadres,
        start=day_from(status.start_date) or dt.date.min,
        closed_on=day_from(row["closed_on"]),
        placements=[(unit.name, unit.mode) for unit in status.units if unit.cadres],
        totals=status.totals,
    )


def batch_paragraph(
    conn: sqlite3.Connection, number: int, today: dt.date, lang: str | None = None
) -> str | None:
    """The briefing paragraph for batch ``number`` as of ``today``; None if there is no
    such batch. The one call the dashboard and ``cadre-tui brief`` need."""
    facts = batch_facts(conn, number)
    return None if facts is None else paragraph(facts, today, lang)


def paragraph(facts: BatchFacts, today: dt.date, lang: str | None = None) -> str:
    """The paragraph for ``facts``: active batches "截至<today>", closed ones with their span."""
    lang = lang or current_language()
    batch = t("brief.batch", lang=lang, number=_count(facts.number, lang, ordinal=True))
    if facts.state is BatchState.PLANNING:
        return t("brief.planning", lang=lang, batch=batch, cadres=facts.cadres)
    parts = {
        "batch": batch,
        "cadres": facts.cadres,
        "placement": _placement(facts.placements, lang),
    }
    figures = _figures(facts.totals, lang)
    if facts.state is BatchState.ACTIVE or facts.closed_on is None:
        date = _date(today, lang)
        if not figures:
            return t("brief.active_empty", lang=lang, date=date, **parts)
        return t("brief.active", lang=lang, date=date, figures=figures, **parts)
    span = span_between(facts.start, max(facts.start, facts.closed_on) + dt.timedelta(days=1))
    words = span_text(span, lang)
    if not figures:
        return t("brief.closed_empty", lang=lang, span=words, **parts)
    key = "brief.closed_sprint" if span.months < SPRINT_MONTHS else "brief.closed"
    return t(key, lang=lang, span=words, figures=figures, **parts)


def figure_text(value: float, lang: str) -> str:
    """One figure in the briefing's rounding: "3720多" / "more than 3,720"."""
    return zh_figure(value) if lang == "zh" else en_figure(value)


def span_text(span: Span, lang: str) -> str:
    """ "五个多月", "一个月", "20天", "一年多" / "more than 5 months", "a month", "20 days"."""
    if span.months >= 12:
        years, more = span.years, bool(span.months % 12 or span.days)
        if years == 1:
            return t("brief.span.one_year_more" if more else "brief.span.one_year", lang=lang)
        key = "brief.span.years_more" if more else "brief.span.years"
        return t(key, lang=lang, count=_count(years, lang))
    if span.months:
        more = bool(span.days)
        if span.months == 1:
            return t("brief.span.one_month_more" if more else "brief.span.one_month", lang=lang)
        key = "brief.span.months_more" if more else "brief.span.months"
        return t(key, lang=lang, count=_count(span.months, lang))
    if span.days == 1:
        return t("brief.span.one_day", lang=lang)
    return t("brief.span.days", lang=lang, count=span.days)


def _count(n: int, lang: str, *, ordinal: bool = False) -> str:
    """Chinese numerals for ordinals and spans in Chinese (第一批, 两个多月), digits in English."""
    if lang != "zh":
        return str(n)
    return chinese_numeral(n, counting=not ordinal) if n < 10**12 else str(n)


def _date(day: dt.date, lang: str) -> str:
    month = t(f"brief.month.{day.month}", lang=lang)
    return t("brief.date", lang=lang, year=day.year, month=month, day=day.day)


def _join(items: list[str], lang: str, *, clauses: bool = False) -> str:
    """ "A、B和C" / "A, B and C"; clauses: "A，B，C" / "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    sep = t("brief.join.clause_sep" if clauses else "brief.join.sep", lang=lang)
    last = t("brief.join.clause_last" if clauses else "brief.join.last", lang=lang)
    return sep.join(items[:-1]) + last + items[-1]


def _placement(placements: list[tuple[str, ManagementMode]], lang: str) -> str:
    """Where the cadres went and under which modes: "分赴A、B和C，分别实行X、Y和Z模式"."""
    if not placements:
        return ""
    units = [name for name, _ in placements]
    modes = [t(f"brief.mode.{mode.value}", lang=lang) for _, mode in placements]
    if len(set(units)) < len(units):
        pairs = [
            t("brief.placement.pair", lang=lang, unit=unit, mode=mode)
            for unit, mode in zip(units, modes, strict=True)
        ]
        return t("brief.placement.mixed", lang=lang, units=_join(pairs, lang))
    if len(units) == 1:
        return t("brief.placement.one", lang=lang, units=units[0], modes=modes[0])
    if len(set(modes)) == 1:
        return t("brief.placement.same", lang=lang, units=_join(units, lang), modes=modes[0])
    return t("brief.placement.each", lang=lang, units=_join(units, lang), modes=_join(modes, lang))


def _figures(totals: dict[str, float], lang: str) -> str:
    """The non-zero metrics in the seed's order, joined as one run of clauses."""
    clauses = []
    for code in METRIC_CODES:
        value = totals.get(code, 0.0)
        if value <= 0:
            continue
        key = f"brief.figure.{code}"
        if code == "measured_area" and totals.get("measured_households", 0.0) > 0:
            key = "brief.figure.measured_area_of_households"
        clauses.append(t(key, lang=lang, value=figure_text(value, lang)))
    return _join(clauses, lang, clauses=True)
