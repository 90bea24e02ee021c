"""The entry grid: one working group, one day, a row per member and a column per
metric, checked and saved the way ``cadre-tui record`` is (:mod:`figure_inputs`).

A cell shows the day's effective figure (entries plus their corrections, at
whatever place they were recorded). Typing a different figure writes a new
entry, or a correction when the day already has one; the whole grid is one
transaction. A project-based cadre's new figure goes to the project the day's
other figures are at, else to the first project they own; a day whose figure is
split over several projects is refused in the grid (``record --place`` corrects
each).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from cadre_tui.domain.enums import BatchState, LineSide, ManagementMode, PlacementRole
from cadre_tui.domain.figure_rules import FigureRules
from cadre_tui.domain.model import Metric, WorkingGroup
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.figure_inputs import (
    FigureInput,
    FiguresRefused,
    InputProblem,
    check_figures,
    save_figures,
)
from cadre_tui.store import figure_ledger
from cadre_tui.store.batches import get_batch
from cadre_tui.store.connection import transaction
from cadre_tui.store.figure_ledger import DayMember
from cadre_tui.store.figures import list_metrics
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.working_groups import get_working_group


@dataclass(frozen=True)
class GridRow:
    placement_id: int
    cadre_id: int
    name: str
    role: PlacementRole
    place: str
    """The village / line office or team / project names, in words."""
    values: dict[str, float | None]
    """Metric code → the day's effective figure (None: nothing recorded)."""
    reportable: bool
    """False when the day is outside the placement or the batch is closed."""


@dataclass(frozen=True)
class EntryGrid:
    group: WorkingGroup
    day: dt.date
    metrics: tuple[Metric, ...]
    rows: tuple[GridRow, ...]
    """The members on that day and the group's active members, leader first."""


@dataclass(frozen=True)
class CellProblem:
    placement_id: int
    metric_code: str | None
    """None: a problem of the whole row (its day, its batch)."""
    message: str
    warning: bool
    """True: needs confirming; False: blocks the save."""


@dataclass(frozen=True)
class GridSaved:
    written: int
    """New entries."""
    corrected: int
    """Correction entries."""


class GridRefused(CadreError):
    """Nothing was saved; ``problems`` says which cells and why."""

    def __init__(self, problems: list[CellProblem]) -> None:
        errors = sum(not p.warning for p in problems)
        super().__init__("figures.grid_refused", errors=errors, warnings=len(problems) - errors)
        self.problems = problems


Cells = dict[tuple[int, str], str]
"""(placement id, metric code) → the text as typed ("" leaves the cell as it is)."""


def place_text(member: DayMember, mode: ManagementMode) -> str:
    """Where the member works, in the words of the group's mode."""
    placement = member.placement
    if mode is ManagementMode.STATIONED_VILLAGE:
        return member.village or t("batch.unplaced")
    if mode is ManagementMode.BLOCK_AND_LINE:
        if placement.line_side is LineSide.LINE:
            return t("batch.line_office")
        return member.field_team or t("batch.unplaced")
    return t("store.name_separator").join(member.projects) or t("batch.unplaced")


def load_grid(conn: sqlite3.Connection, group_id: int, day: dt.date) -> EntryGrid:
    """The group's grid for ``day`` with the figures already recorded."""
    group = get_working_group(conn, group_id)
    closed = get_batch(conn, group.batch_id).state == BatchState.CLOSED
    metrics = tuple(list_metrics(conn))
    members = figure_ledger.members_on(conn, group_id, day)
    values = _day_values(conn, [m.placement.id for m in members], day)
    rows = []
    for member in members:
        placement = member.placement
        inside = placement.start_date <= day and (
            placement.end_date is None or day <= placement.end_date
        )
        rows.append(
            GridRow(
                placement_id=placement.id,
                cadre_id=placement.cadre_id,
                name=member.name,
                role=placement.role,
                place=place_text(member, group.mode),
                values={m.code: values[placement.id].get(m.code) for m in metrics},
                reportable=inside and not closed,
            )
        )
    return EntryGrid(group, day, metrics, tuple(rows))


def _day_values(
    conn: sqlite3.Connection, placement_ids: list[int], day: dt.date
) -> dict[int, dict[str, float]]:
    """Placement → metric → the day's effective figure, summed over its places."""
    values: dict[int, dict[str, float]] = defaultdict(dict)
    for figure in figure_ledger.day_figures(conn, placement_ids, day):
        held = values[figure.placement_id]
        held[figure.metric_code] = round(held.get(figure.metric_code, 0.0) + figure.value, 1)
    return values


def changed_meanwhile(
    conn: sqlite3.Connection, loaded: EntryGrid, cells: Cells
) -> list[CellProblem]:
    """The typed cells whose figure someone else changed since the grid was read:
    saving would overwrite their figure, so each is refused with who and what."""
    shown = {
        (row.placement_id, code): value for row in loaded.rows for code, value in row.values.items()
    }
    typed = [key for key, text in cells.items() if text.strip() and key in shown]
    if not typed:
        return []
    now = _day_values(conn, sorted({placement for placement, _ in typed}), loaded.day)
    problems = []
    for placement_id, code in typed:
        current = now.get(placement_id, {}).get(code)
        if current == shown[(placement_id, code)]:
            continue
        who = figure_ledger.last_entered_by(conn, placement_id, code, loaded.day) or "?"
        message = t(
            "entry.changed_meanwhile",
            who=who,
            before=_figure_text(shown[(placement_id, code)]),
            after=_figure_text(current),
        )
        problems.append(CellProblem(placement_id, code, message, False))
    return problems


def _figure_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}".removesuffix(".0")


def _inputs(
    conn: sqlite3.Connection, group_id: int, day: dt.date, cells: Cells
) -> tuple[list[FigureInput], list[CellProblem]]:
    """The typed cells of the group's rows as figures; cells of anyone else refused."""
    get_working_group(conn, group_id)
    rows = {m.placement.id for m in figure_ledger.members_on(conn, group_id, day)}
    inputs, strangers = [], []
    for (placement_id, code), text in cells.items():
        if placement_id in rows:
            inputs.append(FigureInput(placement_id, day, code, text))
        elif text.strip():
            strangers.append(CellProblem(placement_id, None, t("figures.not_in_group"), False))
    return inputs, list(dict.fromkeys(strangers))


def _cell_problems(problems: list[InputProblem]) -> list[CellProblem]:
    found = [CellProblem(p.placement_id, p.metric_code, p.message, p.warning) for p in problems]
    return list(dict.fromkeys(found))


def check_grid(
    conn: sqlite3.Connection,
    group_id: int,
    day: dt.date,
    cells: Cells,
    *,
    today: dt.date,
    rules: FigureRules | None = None,
) -> list[CellProblem]:
    """What saving these cells would refuse (``warning`` False) or ask to confirm."""
    inputs, strangers = _inputs(conn, group_id, day, cells)
    problems, _ = check_figures(conn, inputs, today=today, rules=rules)
    return strangers + _cell_problems(problems)


def save_grid(
    conn: sqlite3.Connection,
    group_id: int,
    day: dt.date,
    cells: Cells,
    *,
    today: dt.date,
    confirm_warnings: bool = False,
    entered_by: str | None = None,
    rules: FigureRules | None = None,
    loaded: EntryGrid | None = None,
) -> GridSaved:
    """Write every changed cell in one transaction, or nothing (GridRefused) when a
    cell is refused, a warning is not confirmed, or (given ``loaded``, the grid as
    it was read) someone else changed a typed cell's figure meanwhile."""
    with transaction(conn):
        if loaded is not None:
            overwritten = changed_meanwhile(conn, loaded, cells)
            if overwritten:
                raise GridRefused(overwritten)
        inputs, strangers = _inputs(conn, group_id, day, cells)
        if strangers:
            problems, _ = check_figures(conn, inputs, today=today, rules=rules)
            raise GridRefused(strangers + _cell_problems(problems))
        try:
            written = save_figures(
                conn,
                inputs,
                today=today,
                confirm_warnings=confirm_warnings,
                entered_by=entered_by,
                rules=rules,
            )
        except FiguresRefused as exc:
            raise GridRefused(_cell_problems(exc.problems)) from exc
    corrected = sum(entry.before is not None for _, entry in written)
    return GridSaved(written=len(written) - corrected, corrected=corrected)
