"""What a day's work figure may be: how a typed cell reads, and which figures are
refused (errors) or only questioned (warnings that need confirming).

Pure: the store supplies the totals, the services translate the problems. A
problem is a catalog key with its parameters; metric codes in ``metric`` and
``other`` are for the caller to turn into the programme's metric names.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HOUSEHOLD_SUFFIXES = ("户",)
AREA_SUFFIXES = ("平方米", "平米", "m2")
"""Units people type after a figure (``㎡`` reads as ``m2`` after NFKC)."""

_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-"})
_SLACK = 1e-6
"""Sums of tenths in floating point: differences below this are equal."""


@dataclass(frozen=True)
class FigureRules:
    """The configurable bounds of figure entry.

    ``max_area_per_household``: 3,000 m². The seed's batch 1 measured 1.57 million
    m² over 3,720 households, about 420 m² each; 各类房屋 includes farm buildings
    and family workshops, so a single household may be several times that, but
    seven times the average is where a slipped digit (4,200 for 420) is far likelier
    than a real house. A day that counts no household may still carry up to one
    household's area: a large house is often measured over two days.

    ``area_households``: each area metric and the household metric it is per.
    ``cumulative_order``: (smaller, larger) pairs of which a cadre's running total
    of the first should not pass the second's; records arrive late, so this only
    warns. ``largest_value``: beyond it a figure is a typing accident, not a count.
    """

    max_area_per_household: float = 3000.0
    area_households: tuple[tuple[str, str], ...] = (
        ("measured_area", "measured_households"),
        ("demolished_area", "demolished_households"),
    )
    cumulative_order: tuple[tuple[str, str], ...] = (
        ("signed_households", "measured_households"),
        ("demolished_households", "signed_households"),
    )
    largest_value: float = 100_000_000.0


@dataclass(frozen=True)
class FigureProblem:
    """Why a figure is refused (``warning`` False) or needs confirming (True)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    warning: bool = False
    metric_code: str | None = None


class FigureTextError(ValueError):
    """A cell's text is not a figure; ``key`` is the catalog key saying why."""

    def __init__(self, key: str, text: str) -> None:
        super().__init__(f"{key}: {text}")
        self.key = key
        self.text = text


def normalise_figure_text(raw: str) -> str:
    """NFKC (full-width digits, ``，`` and ``．``) with every space removed."""
    return "".join(unicodedata.normalize("NFKC", raw).split()).translate(_MINUS_SIGNS)


def parse_figure(raw: str, *, is_area: bool, rules: FigureRules | None = None) -> float | None:
    """The figure ``raw`` names, or None when blank (nothing entered).

    Households are whole numbers; areas are kept to a tenth of a m² (rounded half
    up, as people round). Thousands separators must sit every three digits. Raises
    FigureTextError with key ``figures.not_a_number``, ``figures.separator``,
    ``figures.negative``, ``figures.not_whole`` or ``figures.too_large``.
    """
    rules = rules or FigureRules()
    text = normalise_figure_text(raw)
    if not text:
        return None
    for suffix in AREA_SUFFIXES if is_area else HOUSEHOLD_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if "," in text:
        if not _GROUPED.match(text):
            raise FigureTextError("figures.separator", raw)
        text = text.replace(",", "")
    elif not _PLAIN.match(text):
        raise FigureTextError("figures.not_a_number", raw)
    number = Decimal(text)
    if number < 0:
        raise FigureTextError("figures.negative", raw)
    if number > Decimal(str(rules.largest_value)):
        raise FigureTextError("figures.too_large", raw)
    if is_area:
        return float(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    if number != number.to_integral_value():
        raise FigureTextError("figures.not_whole", raw)
    return float(number)


def check_day(
    day: dt.date, *, today: dt.date, start: dt.date, end: dt.date | None
) -> list[FigureProblem]:
    """A figure is for a day that has happened, inside the cadre's placement."""
    date = day.isoformat()
    problems = []
    if day > today:
        problems.append(FigureProblem("figures.date_future", {"date": date, "today": today}))
    if day < start:
        problems.append(
            FigureProblem("figures.date_before_placement", {"date": date, "start": start})
        )
    elif end is not None and day > end:
        problems.append(FigureProblem("figures.date_after_placement", {"date": date, "end": end}))
    return problems


def check_areas(
    values: Mapping[str, float | None], changed: Collection[str], rules: FigureRules | None = None
) -> list[FigureProblem]:
    """Each area of the day within its bound per household of the same day.

    ``values`` are the day's figures as they would stand; only pairs with a
    changed figure are judged, so an old figure never blocks a new one.
    """
    rules = rules or FigureRules()
    problems = []
    for area_code, household_code in rules.area_households:
        if area_code not in changed and household_code not in changed:
            continue
        area = values.get(area_code) or 0.0
        households = values.get(household_code) or 0.0
        bound = max(households, 1.0) * rules.max_area_per_household
        if area > bound:
            problems.append(
                FigureProblem(
                    "figures.area_per_household",
                    {
                        "metric": area_code,
                        "other": household_code,
                        "value": area,
                        "households": households,
                        "limit": rules.max_area_per_household,
                        "bound": bound,
                    },
                    metric_code=area_code if area_code in changed else household_code,
                )
            )
    return problems


def check_cumulative(
    day: dt.date,
    through_day: Mapping[str, float],
    later_days: Sequence[tuple[dt.date, Mapping[str, float]]],
    changed: Collection[str],
    rules: FigureRules | None = None,
) -> list[FigureProblem]:
    """Warn where a cadre's running total of one metric passes the one it follows.

    ``through_day``: the cadre's totals up to and including ``day`` with the new
    figures in; ``later_days``: each later day's own figures, oldest first (a
    change today moves every later running total too). Only pairs with a changed
    metric are judged; the first day each goes wrong is reported.
    """
    rules = rules or FigureRules()
    problems = []
    for smaller, larger in rules.cumulative_order:
        if smaller not in changed and larger not in changed:
            continue
        low, high, on = through_day.get(smaller, 0.0), through_day.get(larger, 0.0), day
        for later, amounts in later_days:
            if low > high + _SLACK:
                break
            low += amounts.get(smaller, 0.0)
            high += amounts.get(larger, 0.0)
            on = later
        if low > high + _SLACK:
            problems.append(
                FigureProblem(
                    "figures.cumulative_order",
                    {
                        "metric": smaller,
                        "other": larger,
                        "value": low,
                        "limit": high,
                        "date": on.isoformat(),
                    },
                    warning=True,
                    metric_code=smaller if smaller in changed else larger,
                )
            )
    return problems
