"""How figures are written: households as whole numbers, areas in m²."""

from __future__ import annotations

AREA_METRICS = frozenset({"measured_area", "demolished_area"})


def format_figure(value: float) -> str:
    """Thousands separators; decimals only when the figure has them."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def format_total(value: float) -> str:
    """A total for a table cell: whole units (a tenth of a m² is noise at this scale)."""
    return format_figure(round(value))


def percent_of(value: float, target: float | None) -> float | None:
    if not target:
        return None
    return 100.0 * value / target
