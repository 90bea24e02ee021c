"""Setting what a level of the programme should reach: a batch, a receiving unit
within a batch, a working group, a village or project, or one cadre. The
progress screens set the target of the level on screen for one metric."""

from __future__ import annotations

from cadre_tui.domain.figure_rules import FigureTextError, parse_figure
from cadre_tui.domain.model import Target
from cadre_tui.errors import CadreError
from cadre_tui.i18n import current_language
from cadre_tui.store import figures, working_groups
from cadre_tui.store.sqlite import sqlite3

SCOPES = {
    "batch": "batch",
    "unit": "receiving_unit",
    "group": "group",
    "village": "village",
    "project": "project",
    "cadre": "cadre",
}
"""A progress level's kind → the target scope stored for it (programme and mode
totals are sums of their parts and have no target of their own)."""


def can_set(kind: str) -> bool:
    return kind in SCOPES


def set_level_target(
    conn: sqlite3.Connection,
    *,
    kind: str,
    level_id: int | None,
    parent_id: int | None,
    metric_code: str,
    text: str,
) -> Target:
    """Parse ``text`` as the metric's figure and store it as the level's target.
    ``parent_id`` is what a progress node carries: the batch of a unit or group,
    the group of a cadre, village or project."""
    if not can_set(kind) or level_id is None:
        raise CadreError("targets.not_settable")
    metric = next((m for m in figures.list_metrics(conn) if m.code == metric_code), None)
    if metric is None:
        raise CadreError("store.figure.metric_unknown", metric=metric_code)
    try:
        value = parse_figure(text, is_area=metric.is_area)
    except FigureTextError as exc:
        name = metric.name_zh if current_language() == "zh" else metric.name_en
        raise CadreError(exc.key, metric=name, text=exc.text) from exc
    if value is None:
        raise CadreError("targets.value_required")
    if kind == "batch":
        batch_id = level_id
    elif kind in ("unit", "group"):
        if parent_id is None:
            raise CadreError("targets.not_settable")
        batch_id = parent_id
    else:
        if parent_id is None:
            raise CadreError("targets.not_settable")
        batch_id = working_groups.get_working_group(conn, parent_id).batch_id
    return figures.set_target(
        conn,
        batch_id=batch_id,
        scope=SCOPES[kind],
        scope_id=level_id,
        metric_code=metric_code,
        value=value,
    )
