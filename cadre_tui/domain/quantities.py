"""How figures are written: households as whole numbers, areas in m²."""

from __future__ import annotations

AREA_METRICS = frozenset({"measured_area", "demolished_area"})


def format_figure(value: float) -> str:
    """Thousands separators; decimals only when the figure has them."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def percent_of(value: float, target: float | None) -> float | None:
    if not target:
        return None
    return 100.0 * value / target
