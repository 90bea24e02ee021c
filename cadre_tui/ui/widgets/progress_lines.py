"""Progress drawn in characters, readable in 16 colours and monochrome: a bar
against target (█ done, ░ to go, · when there is no target) and a weekly
sparkline (▁ to █), each with its figures beside it in words."""

from __future__ import annotations

from rich.text import Text

from cadre_tui.domain.quantities import format_total

SPARKS = "▁▂▃▄▅▆▇█"


def bar(percent: float | None, width: int) -> Text:
    if percent is None:
        return Text("·" * width, style="dim")
    filled = min(width, max(0, round(width * percent / 100)))
    return Text("█" * filled, style="bold") + Text("░" * (width - filled), style="dim")


def sparkline(values: tuple[float, ...] | list[float]) -> str:
    """One character per week, scaled to the busiest week (blank weeks are ▁)."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(
        SPARKS[min(len(SPARKS) - 1, int(v / top * (len(SPARKS) - 1) + 0.5))] for v in values
    )


def against_target(total: float, target: float | None, percent: float | None) -> str:
    if target is None or percent is None:
        return format_total(total)
    return f"{format_total(total)}/{format_total(target)} {percent:.0f}%"
