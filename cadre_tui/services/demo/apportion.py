"""Integer arithmetic that makes the demo's totals exact by construction.

A batch total is split across cadres, and each cadre's total across days, as
whole numbers (households, or tenths of m²) that add up to the total exactly;
cumulative curves keep signed ≤ measured and demolished ≤ signed every day.
"""

from __future__ import annotations

from collections.abc import Sequence


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Whole shares of ``total`` proportional to ``weights`` (largest remainder)."""
    if total < 0:
        raise ValueError("cannot apportion a negative total")
    weight_sum = float(sum(weights))
    if not weights or weight_sum <= 0:
        raise ValueError("apportioning needs positive weights")
    exact = [total * w / weight_sum for w in weights]
    shares = [int(x) for x in exact]
    short = total - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[:short]:
        shares[i] += 1
    return shares


def apportion_capped(total: int, weights: Sequence[float], caps: Sequence[int]) -> list[int]:
    """Like :func:`apportion`, but no share exceeds its cap (``sum(caps) >= total``).

    Whatever a capped item cannot take is re-apportioned among the others.
    """
    if sum(caps) < total:
        raise ValueError("the caps cannot hold the total")
    shares = [0] * len(weights)
    open_items = [i for i, cap in enumerate(caps) if cap > 0]
    remaining = total
    while remaining > 0:
        usable = [i for i in open_items if weights[i] > 0] or open_items
        part = apportion(remaining, [max(weights[i], 1e-9) for i in usable])
        remaining = 0
        for i, extra in zip(usable, part, strict=True):
            room = caps[i] - shares[i]
            taken = min(room, extra)
            shares[i] += taken
            remaining += extra - taken
        open_items = [i for i in open_items if shares[i] < caps[i]]
    return shares


def cumulative(total: int, day_weights: Sequence[int], lag: float = 1.0) -> list[int]:
    """Running totals that reach ``total`` on the last day, following the weights.

    ``lag`` > 1 bends the curve later (work that follows other work, as
    signing follows measuring): the fraction done by day d is F(d) ** lag.
    """
    weight_sum = sum(day_weights)
    running = 0
    curve: list[int] = []
    for weight in day_weights:
        running += weight
        if lag == 1.0:
            curve.append(total * running // weight_sum)
        else:
            curve.append(int(total * (running / weight_sum) ** lag))
    if curve:
        curve[-1] = total
    return curve


def capped_by(curve: list[int], ceiling: Sequence[int]) -> list[int]:
    """The curve held under another one day by day (signed never ahead of measured)."""
    return [min(value, cap) for value, cap in zip(curve, ceiling, strict=True)]


def daily(curve: Sequence[int]) -> list[int]:
    """Day-by-day amounts of a running total."""
    previous = 0
    amounts: list[int] = []
    for value in curve:
        amounts.append(value - previous)
        previous = value
    return amounts
