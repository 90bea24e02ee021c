"""The demo's daily work figures and targets.

Each batch's totals are drawn inside the definition's ranges, split across
cadres (signed ≤ measured, demolished ≤ signed, per cadre) and then across
days along cumulative curves, in whole households and tenths of m², so the
ledger sums to the chosen totals exactly.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from cadre_tui.services.demo.apportion import apportion, apportion_capped, capped_by, cumulative
from cadre_tui.services.demo.definition import BatchPlan

AREAS = ("measured_area", "demolished_area")
REST_SHARE = 0.14
"""Days a cadre does not report (rest days, meetings, training)."""


@dataclass(frozen=True)
class PlacedCadre:
    """What the figure generator needs to know of one placement."""

    placement_id: int
    cadre_id: int
    group_id: int
    unit_id: int
    village_id: int | None
    project_ids: tuple[int, ...]
    login: str
    leader_login: str


@dataclass
class BatchFigures:
    """Ledger rows for one batch and the actual totals per scope (for targets)."""

    rows: list[tuple]
    totals: dict[tuple[str, int], dict[str, float]]
    silent: dict[int, dt.date]


def _totals(plan: BatchPlan, rng: random.Random) -> dict[str, int]:
    """Batch totals inside the ranges: households whole, areas in tenths of m²."""
    chosen: dict[str, int] = {}
    for code, (low, high) in plan.figures.items():
        if code in AREAS:
            chosen[code] = rng.randint(low * 10 + 10, high * 10 - 10)
        else:
            chosen[code] = rng.randint(low, high)
    return chosen


def _day_weights(rng: random.Random, days: int, last: int) -> list[int]:
    """How much a cadre works each day; nothing after ``last``, always something on
    the first and the last day worked (a batch's span reads from its entries)."""
    weights = [0 if rng.random() < REST_SHARE else rng.randint(4, 16) for _ in range(days)]
    weights[0] = weights[0] or rng.randint(4, 16)
    weights[last] = weights[last] or rng.randint(4, 16)
    for day in range(last + 1, days):
        weights[day] = 0
    return weights


def _per_cadre(total: dict[str, int], capacity: Sequence[float], rng: random.Random) -> list[dict]:
    """Split the batch totals across cadres, keeping each cadre's figures consistent."""
    n = len(capacity)
    area = [rng.uniform(300.0, 540.0) for _ in range(n)]
    measured = apportion(total["measured_households"], capacity)
    signed = apportion_capped(
        total["signed_households"], [m * rng.uniform(0.85, 1.15) for m in measured], measured
    )
    demolished = apportion_capped(
        total["demolished_households"], [s * rng.uniform(0.85, 1.15) for s in signed], signed
    )
    measured_area = apportion(
        total["measured_area"], [m * a for m, a in zip(measured, area, strict=True)]
    )
    demolished_area = apportion_capped(
        total["demolished_area"],
        [d * a * rng.uniform(0.9, 1.1) for d, a in zip(demolished, area, strict=True)],
        measured_area,
    )
    return [
        {
            "measured_households": measured[i],
            "measured_area": measured_area[i],
            "signed_households": signed[i],
            "demolished_households": demolished[i],
            "demolished_area": demolished_area[i],
        }
        for i in range(n)
    ]


def _curves(own: dict[str, int], weights: list[int]) -> dict[str, list[int]]:
    """Running totals per metric: signing lags measuring, demolition lags signing;
    measuring advances every day worked, demolished area with the houses pulled down."""
    measured = cumulative(own["measured_households"], weights)
    signed = capped_by(cumulative(own["signed_households"], weights, 1.5), measured)
    demolished = capped_by(cumulative(own["demolished_households"], weights, 2.2), signed)
    measured_area = cumulative(own["measured_area"], weights)
    houses = own["demolished_households"]
    demolished_area = [
        own["demolished_area"] * done // houses if houses else 0 for done in demolished
    ]
    return {
        "measured_households": measured,
        "measured_area": measured_area,
        "signed_households": signed,
        "demolished_households": demolished,
        "demolished_area": capped_by(demolished_area, measured_area),
    }


def batch_figures(
    plan: BatchPlan,
    placed: list[PlacedCadre],
    days: list[dt.date],
    rng: random.Random,
    *,
    leader_share: float = 0.3,
) -> BatchFigures:
    """Every cadre's daily entries for the batch; a few cadres of an active batch
    (``plan.silent_cadres``) stop reporting some days before the last day."""
    last = len(days) - 1
    silent: dict[int, dt.date] = {}
    ends = {p.placement_id: last for p in placed}
    if plan.silent_cadres:
        low, high = plan.silent_days
        chosen = rng.sample(placed, min(plan.silent_cadres, len(placed)))
        spans = rng.sample(range(low, high + 1), min(len(chosen), high - low + 1))
        for number, person in enumerate(chosen):
            quiet = spans[number % len(spans)]
            ends[person.placement_id] = max(0, last + 1 - quiet)
            silent[person.cadre_id] = days[ends[person.placement_id]]
    weights = [_day_weights(rng, len(days), ends[p.placement_id]) for p in placed]
    capacity = [rng.uniform(0.6, 1.4) * sum(w) for w in weights]
    shares = _per_cadre(_totals(plan, rng), capacity, rng)
    rows: list[tuple] = []
    totals: dict[tuple[str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for person, own, day_weights in zip(placed, shares, weights, strict=True):
        curves = _curves(own, day_weights)
        previous = dict.fromkeys(curves, 0)
        for index, day in enumerate(days):
            if not day_weights[index]:
                continue
            project = (
                person.project_ids[index % len(person.project_ids)] if person.project_ids else None
            )
            by = person.leader_login if rng.random() < leader_share else person.login
            at = f"{day.isoformat()}T{rng.randint(9, 13):02d}:{rng.randint(0, 59):02d}:00+00:00"
            for code, curve in curves.items():
                amount = curve[index] - previous[code]
                previous[code] = curve[index]
                if amount <= 0:
                    continue
                value = amount / 10 if code in AREAS else float(amount)
                rows.append(
                    (
                        person.placement_id,
                        person.cadre_id,
                        day.isoformat(),
                        code,
                        value,
                        person.village_id,
                        project,
                        by,
                        at,
                    )
                )
                for scope in (
                    ("batch", 0),
                    ("receiving_unit", person.unit_id),
                    ("group", person.group_id),
                ):
                    totals[scope][code] += amount
    rows.sort(key=lambda row: (row[2], row[0]))
    return BatchFigures(rows, {k: dict(v) for k, v in totals.items()}, silent)


def targets(
    batch_id: int,
    figures: BatchFigures,
    factor: tuple[float, float],
    rng: random.Random,
    scopes: Sequence[str],
) -> list[tuple]:
    """Target rows near the actual totals: households to the ten, areas to 1,000 m²."""
    low, high = factor
    rows: list[tuple] = []
    for (scope, scope_id), metrics in sorted(figures.totals.items()):
        if scope not in scopes:
            continue
        for code, amount in sorted(metrics.items()):
            actual = amount / 10 if code in AREAS else amount
            step = 1000 if code in AREAS else 10
            value = max(step, round(actual * rng.uniform(low, high) / step) * step)
            rows.append((batch_id, scope, batch_id if scope == "batch" else scope_id, code, value))
    return rows
