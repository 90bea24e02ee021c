"""Figures as people type them, judged by :mod:`cadre_tui.domain.figure_rules` and
written to the ledger: the core under the entry grid (:mod:`figure_entry`) and
``cadre-tui record``, so both refuse and warn alike.

A figure sets the day's value for a placement and metric: a new entry where
there is none, a correction by the difference where there is one, nothing when
it already reads so. Checking and writing happen in one ``BEGIN IMMEDIATE``
transaction, so two people saving the same day cannot both add an entry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from cadre_tui.domain.enums import BatchState, ManagementMode
from cadre_tui.domain.figure_rules import (
    FigureProblem,
    FigureRules,
    FigureTextError,
    check_areas,
    check_cumulative,
    check_day,
    normalise_figure_text,
    parse_figure,
)
from cadre_tui.domain.model import Metric, Placement
from cadre_tui.domain.quantities import format_figure
from cadre_tui.errors import CadreError
from cadre_tui.i18n import current_language, t
from cadre_tui.store import figure_ledger
from cadre_tui.store.batches import get_batch
from cadre_tui.store.connection import transaction
from cadre_tui.store.figure_ledger import DayFigure, Place, Written
from cadre_tui.store.figures import default_place, list_metrics
from cadre_tui.store.placements import get_placement
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.working_groups import get_working_group

_NAMED_PARAMS = ("metric", "other")
_NUMBER_PARAMS = ("value", "limit", "bound", "households")


@dataclass(frozen=True)
class FigureInput:
    """One figure as typed for a placement, a day and a metric. ``project_id``
    names one of the cadre's owned projects; None: where the day's figures
    already are, else the placement's own place (the first owned project)."""

    placement_id: int
    day: dt.date
    metric_code: str
    text: str
    project_id: int | None = None


@dataclass(frozen=True)
class InputProblem:
    """Why input ``index`` is refused or needs confirming, in words."""

    index: int
    placement_id: int
    metric_code: str | None
    message: str
    warning: bool


@dataclass(frozen=True)
class PlannedFigure:
    """A figure that differs from what the ledger holds: ``before`` None means a
    new entry, a number a correction from it."""

    index: int
    placement_id: int
    cadre_id: int
    day: dt.date
    metric_code: str
    place: Place
    value: float
    before: float | None


class FiguresRefused(CadreError):
    """Nothing was written: errors, or warnings nobody confirmed."""

    def __init__(self, problems: list[InputProblem]) -> None:
        errors = sum(not p.warning for p in problems)
        super().__init__("figures.refused", errors=errors, warnings=len(problems) - errors)
        self.problems = problems


def metric_name(metric: Metric) -> str:
    return metric.name_zh if current_language() == "zh" else metric.name_en


def describe(problem: FigureProblem, metrics: dict[str, Metric]) -> str:
    """The problem in words: metric codes as the programme names them, numbers
    with thousands separators."""
    params = dict(problem.params)
    for name in _NAMED_PARAMS:
        if name in params and params[name] in metrics:
            params[name] = metric_name(metrics[params[name]])
    for name in _NUMBER_PARAMS:
        if isinstance(params.get(name), int | float):
            params[name] = format_figure(params[name])
    return t(problem.key, **params)


class _Placements:
    """Placements, their groups' modes and their batches, each read once."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._placements: dict[int, Placement] = {}
        self._groups: dict[int, tuple[ManagementMode, int, bool]] = {}

    def placement(self, placement_id: int) -> Placement:
        if placement_id not in self._placements:
            self._placements[placement_id] = get_placement(self.conn, placement_id)
        return self._placements[placement_id]

    def group(self, placement: Placement) -> tuple[ManagementMode, int, bool]:
        """(mode, batch id, batch closed) of the placement's group."""
        if placement.group_id not in self._groups:
            group = get_working_group(self.conn, placement.group_id)
            closed = get_batch(self.conn, group.batch_id).state == BatchState.CLOSED
            self._groups[placement.group_id] = (group.mode, group.batch_id, closed)
        return self._groups[placement.group_id]


class _Found:
    """The problems found so far, in words, each tied to the input it concerns."""

    def __init__(self, inputs: Sequence[FigureInput], metrics: dict[str, Metric]) -> None:
        self.inputs = inputs
        self.metrics = metrics
        self.problems: list[InputProblem] = []

    def add(self, index: int, problem: FigureProblem | str, code: str | None = None) -> None:
        warning = False
        if isinstance(problem, FigureProblem):
            code, warning = problem.metric_code, problem.warning
            problem = describe(problem, self.metrics)
        placement_id = self.inputs[index].placement_id
        self.problems.append(InputProblem(index, placement_id, code, problem, warning))


def check_figures(
    conn: sqlite3.Connection,
    inputs: Sequence[FigureInput],
    *,
    today: dt.date,
    rules: FigureRules | None = None,
) -> tuple[list[InputProblem], list[PlannedFigure]]:
    """Every problem of the inputs (blank texts are left as they are) and the
    figures that would be written if there were none."""
    rules = rules or FigureRules()
    metrics = {m.code: m for m in list_metrics(conn)}
    known = _Placements(conn)
    found = _Found(inputs, metrics)

    parsed: dict[int, float] = {}
    day_checked: dict[tuple[int, dt.date], bool] = {}
    for index, item in enumerate(inputs):
        if not normalise_figure_text(item.text):
            continue
        key = (item.placement_id, item.day)
        if key not in day_checked:
            day_checked[key] = _day_fits(index, item, known, today, found)
        metric = metrics.get(item.metric_code)
        if metric is None:
            found.add(index, t("store.figure.metric_unknown", metric=item.metric_code))
            continue
        try:
            value = parse_figure(item.text, is_area=metric.is_area, rules=rules)
        except FigureTextError as exc:
            text = item.text.strip()
            found.add(index, t(exc.key, metric=metric_name(metric), text=text), metric.code)
            continue
        if day_checked[key] and value is not None:
            parsed[index] = value
    planned = _plan(conn, inputs, parsed, known, found)
    _check_days(conn, planned, known, rules, found)
    return found.problems, planned


def _day_fits(
    index: int, item: FigureInput, known: _Placements, today: dt.date, found: _Found
) -> bool:
    try:
        placement = known.placement(item.placement_id)
    except CadreError as exc:
        found.add(index, exc.message())
        return False
    _, _, closed = known.group(placement)
    wrong = check_day(item.day, today=today, start=placement.start_date, end=placement.end_date)
    if closed:
        wrong.append(FigureProblem("figures.batch_closed", {"date": item.day.isoformat()}))
    for problem in wrong:
        found.add(index, problem)
    return not wrong


def _plan(
    conn: sqlite3.Connection,
    inputs: Sequence[FigureInput],
    parsed: dict[int, float],
    known: _Placements,
    found: _Found,
) -> list[PlannedFigure]:
    """Where each figure goes and what it replaces; the ones that change something."""
    by_day: dict[dt.date, set[int]] = defaultdict(set)
    for index in parsed:
        by_day[inputs[index].day].add(inputs[index].placement_id)
    held: dict[tuple[int, dt.date, str], list[DayFigure]] = defaultdict(list)
    places: dict[tuple[int, dt.date], set[Place]] = defaultdict(set)
    for day, placement_ids in by_day.items():
        for figure in figure_ledger.day_figures(conn, placement_ids, day):
            held[(figure.placement_id, day, figure.metric_code)].append(figure)
            places[(figure.placement_id, day)].add(figure.place)
    planned, seen = [], set()
    for index, value in parsed.items():
        item = inputs[index]
        placement = known.placement(item.placement_id)
        there = held[(item.placement_id, item.day, item.metric_code)]
        try:
            mode = known.group(placement)[0]
            place = _place(item, placement, mode, there, places[(item.placement_id, item.day)])
        except CadreError as exc:
            found.add(index, exc.message(), item.metric_code)
            continue
        key = (item.placement_id, item.day, item.metric_code, place)
        if key in seen:
            found.add(index, t("figures.duplicate"), item.metric_code)
            continue
        seen.add(key)
        before = next((f.value for f in there if f.place == place), None)
        if value == (before or 0.0):
            continue
        planned.append(
            PlannedFigure(
                index,
                item.placement_id,
                placement.cadre_id,
                item.day,
                item.metric_code,
                place,
                value,
                before,
            )
        )
    return planned


def _place(
    item: FigureInput,
    placement: Placement,
    mode: ManagementMode,
    there: list[DayFigure],
    day_places: set[Place],
) -> Place:
    """The named project; else where the day's figure of this metric is; else where
    the day's other figures are; else the placement's own place (first project)."""
    if item.project_id is not None:
        if item.project_id not in placement.project_ids:
            raise CadreError("store.figure.place_not_placement")
        return None, item.project_id
    if len(there) > 1:
        raise CadreError("figures.split_places", count=len(there))
    if there:
        return there[0].place
    if len(day_places) == 1:
        return next(iter(day_places))
    return default_place(mode, placement)


def _check_days(
    conn: sqlite3.Connection,
    planned: list[PlannedFigure],
    known: _Placements,
    rules: FigureRules,
    found: _Found,
) -> None:
    """Areas per household on each changed day, then each cadre's running totals."""
    days: dict[tuple[int, dt.date], list[PlannedFigure]] = defaultdict(list)
    for plan in planned:
        days[(plan.placement_id, plan.day)].append(plan)
    for (placement_id, day), plans in days.items():
        totals: dict[str, float] = defaultdict(float)
        for figure in figure_ledger.day_figures(conn, [placement_id], day):
            totals[figure.metric_code] += figure.value
        for plan in plans:
            totals[plan.metric_code] += plan.value - (plan.before or 0.0)
        changed = {plan.metric_code for plan in plans}
        for problem in check_areas(totals, changed, rules):
            found.add(_index_for(plans, problem.metric_code), problem)
    cadres: dict[int, list[PlannedFigure]] = defaultdict(list)
    for plan in planned:
        cadres[plan.cadre_id].append(plan)
    asked: dict[tuple[dt.date, int], list[int]] = defaultdict(list)
    for cadre_id, plans in cadres.items():
        batch_id = known.group(known.placement(plans[0].placement_id))[1]
        asked[(min(plan.day for plan in plans), batch_id)].append(cadre_id)
    for (first, batch_id), cadre_ids in asked.items():
        totals = figure_ledger.cumulative_totals(conn, cadre_ids, first, batch_id=batch_id)
        after = figure_ledger.daily_totals_after(conn, cadre_ids, first, batch_id=batch_id)
        for cadre_id in cadre_ids:
            plans = cadres[cadre_id]
            through = dict(totals.get(cadre_id, {}))
            later = {day: dict(amounts) for day, amounts in after.get(cadre_id, [])}
            for plan in plans:
                change = plan.value - (plan.before or 0.0)
                target = through if plan.day == first else later.setdefault(plan.day, {})
                target[plan.metric_code] = target.get(plan.metric_code, 0.0) + change
            changed = {plan.metric_code for plan in plans}
            steps = sorted(later.items())
            for problem in check_cumulative(first, through, steps, changed, rules):
                found.add(_index_for(plans, problem.metric_code), problem)


def _index_for(plans: list[PlannedFigure], code: str | None) -> int:
    return next((p.index for p in plans if p.metric_code == code), plans[0].index)


def save_figures(
    conn: sqlite3.Connection,
    inputs: Sequence[FigureInput],
    *,
    today: dt.date,
    confirm_warnings: bool = False,
    entered_by: str | None = None,
    rules: FigureRules | None = None,
) -> list[tuple[PlannedFigure, Written]]:
    """Check and write in one transaction: every changed figure, or nothing
    (FiguresRefused) when any is refused or a warning is not confirmed."""
    with transaction(conn):
        problems, planned = check_figures(conn, inputs, today=today, rules=rules)
        if any(not p.warning for p in problems) or (problems and not confirm_warnings):
            raise FiguresRefused(problems)
        written = []
        for plan in planned:
            entry = figure_ledger.set_day_figure(
                conn,
                placement_id=plan.placement_id,
                cadre_id=plan.cadre_id,
                day=plan.day,
                metric_code=plan.metric_code,
                place=plan.place,
                value=plan.value,
                entered_by=entered_by,
            )
            if entry is not None:
                written.append((plan, entry))
        return written
