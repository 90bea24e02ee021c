"""Entering one group's figures for one day: a row per member, a column per
metric, the place taken from each placement. Ctrl+S checks every cell and
writes all rows in one transaction; a problem is shown at its cell, a warning
(records arrive late) asks to be confirmed first. A changed value of a day
already recorded is written as a correction, so the ledger keeps both.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from cadre_tui.errors import CadreError
from cadre_tui.i18n import current_language, has, t
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.screens import batch_actions
from cadre_tui.ui.screens.dialogs import ConfirmScreen
from cadre_tui.ui.screens.entry_sheet import DailySheetImport
from cadre_tui.ui.widgets.figure_grid import FigureCell, FigureGrid


class GridLoaded(Message):
    def __init__(self, grid) -> None:  # noqa: ANN001 - services.figure_entry.EntryGrid
        super().__init__()
        self.grid = grid


class GridChecked(Message):
    def __init__(self, problems: list, saving: bool) -> None:
        super().__init__()
        self.problems = problems
        self.saving = saving


class GridWritten(Message):
    def __init__(self, text: str, error: bool = False, problems: list | None = None) -> None:
        super().__init__()
        self.text = text
        self.error = error
        self.problems = problems or []


class FigureEntryScreen(DailySheetImport, TranslatedBindings, Screen[int]):
    """Dismissed with the number of entries written while it was open."""

    CSS_PATH = "../styles/figures.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "entry.key_save", id="entry.save"),
        Binding(
            "left_square_bracket",
            "day(-1)",
            "entry.key_previous_day",
            priority=True,  # before the cell: cells take digits only
            id="entry.previous",
        ),
        Binding(
            "right_square_bracket",
            "day(1)",
            "entry.key_next_day",
            priority=True,
            id="entry.next",
        ),
        Binding(
            "i", "import_sheet", "entry.key_import", show=False, priority=True, id="entry.import"
        ),
        Binding("escape", "back", "entry.key_back", id="entry.back"),
        Binding("f1", "app.help", "key.help", show=False, id="entry.help"),
    ]

    def __init__(self, group_id: int, day: dt.date | None = None) -> None:
        super().__init__()
        self.group_id = group_id
        self.day = day or batch_actions.today()
        self.grid = None
        self.problems: dict[tuple[int, str | None], object] = {}
        self.written = 0
        self._discard_armed: dict | None = None

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    @property
    def table(self) -> FigureGrid:
        return self.query_one(FigureGrid)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("entry.loading"), id="entry-title")
        yield FigureGrid(id="entry-grid")
        yield Static("", id="entry-message")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = t("entry.title")
        self.load()

    # --- reading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="entry-load")
    def load(self) -> None:
        from cadre_tui.services import figure_entry

        try:
            conn = self.database.connect()
            try:
                grid = figure_entry.load_grid(conn, self.group_id, self.day)
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(GridWritten(exc.message(), error=True))
            return
        self.post_message(GridLoaded(grid))

    def on_grid_loaded(self, message: GridLoaded) -> None:
        grid = self.grid = message.grid
        self.problems = {}
        self._discard_armed = None
        header = [_metric_title(m) for m in grid.metrics]
        rows = [
            (row.name, row.place, [row.values.get(m.code) for m in grid.metrics], row.reportable)
            for row in grid.rows
        ]
        self.table.fill(header, rows)
        weekday = t(f"entry.weekday.{grid.day.isoweekday()}")
        self.query_one("#entry-title", Static).update(
            Text(
                t("entry.heading", group=grid.group.name, day=grid.day.isoformat(), weekday=weekday)
            )
        )
        self._say(t("entry.hint") if grid.rows else t("entry.no_members"))
        self.call_after_refresh(self._focus_first)

    def _focus_first(self) -> None:
        for cells in self.table.cells:
            for cell in cells:
                if not cell.disabled:
                    cell.focus()
                    return

    # --- what was typed ------------------------------------------------------------------

    def cells(self) -> dict[tuple[int, str], str]:
        """Every changed cell as typed: (placement, metric) → text."""
        if self.grid is None:
            return {}
        typed: dict[tuple[int, str], str] = {}
        for row, cells in zip(self.grid.rows, self.table.cells, strict=True):
            for metric, cell in zip(self.grid.metrics, cells, strict=True):
                if cell.changed:
                    typed[(row.placement_id, metric.code)] = cell.value
        return typed

    @property
    def dirty(self) -> bool:
        return bool(self.cells())

    @on(Input.Changed, ".figure-cell")
    def _typed(self, event: Input.Changed) -> None:
        cell = event.input
        assert isinstance(cell, FigureCell)
        cell.set_class(cell.changed, "-changed")

    @on(Input.Blurred, ".figure-cell")
    def _left(self) -> None:
        if self.grid is not None and self.cells():
            self.check(saving=False)

    def on_descendant_focus(self) -> None:
        self._show_focused_problem()

    def _show_focused_problem(self) -> None:
        cell = self.focused
        if not isinstance(cell, FigureCell) or self.grid is None:
            return
        row = self.grid.rows[cell.row]
        problem = self.problems.get((row.placement_id, self.grid.metrics[cell.column].code))
        problem = problem or self.problems.get((row.placement_id, None))
        if problem is not None:
            self._say(self._problem_line(problem), "-warning" if problem.warning else "-error")
        else:
            self._say(t("entry.hint"))

    def _problem_line(self, problem) -> str:  # noqa: ANN001 - CellProblem
        """The problem in words after its mark: ✗ stops the save, ! asks to confirm."""
        names = {row.placement_id: row.name for row in self.grid.rows} if self.grid else {}
        mark = "!" if problem.warning else "✗"
        colon = t("punctuation.colon")
        return f"{mark} {names.get(problem.placement_id, '')}{colon}{problem.message}"

    # --- checking and saving -------------------------------------------------------------

    @work(thread=True, exclusive=True, group="entry-check")
    def check(self, saving: bool) -> None:
        from cadre_tui.services import figure_entry

        cells = self.cells()
        try:
            conn = self.database.connect()
            try:
                problems = figure_entry.check_grid(
                    conn, self.group_id, self.day, cells, today=batch_actions.today()
                )
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(GridWritten(exc.message(), error=True))
            return
        self.post_message(GridChecked(problems, saving))

    def on_grid_checked(self, message: GridChecked) -> None:
        self._mark(message.problems)
        if not message.saving:
            return
        errors = [p for p in message.problems if not p.warning]
        warnings = [p for p in message.problems if p.warning]
        if errors:
            self._focus_problem(errors[0])
            first = self._problem_line(errors[0])
            self._say(t("entry.refused", count=len(errors)) + "\n" + first, "-error")
            return
        if warnings:
            lines = [self._problem_line(p) for p in warnings[:6]]
            question = t("entry.confirm_warnings", count=len(warnings)) + "\n" + "\n".join(lines)

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.write(confirm=True)

            self.app.push_screen(ConfirmScreen(question), confirmed)
            return
        self.write(confirm=False)

    def _mark(self, problems: list) -> None:
        self.problems = {(p.placement_id, p.metric_code): p for p in problems}
        if self.grid is None:
            return
        for row, cells in zip(self.grid.rows, self.table.cells, strict=True):
            whole = self.problems.get((row.placement_id, None))
            for metric, cell in zip(self.grid.metrics, cells, strict=True):
                problem = self.problems.get((row.placement_id, metric.code)) or (
                    whole if cell.changed else None
                )
                cell.set_class(problem is not None and not problem.warning, "-invalid")
                cell.set_class(problem is not None and problem.warning, "-warning")
        self._show_focused_problem()

    def _focus_problem(self, problem) -> None:  # noqa: ANN001 - CellProblem
        for index, row in enumerate(self.grid.rows):
            if row.placement_id != problem.placement_id:
                continue
            codes = [m.code for m in self.grid.metrics]
            column = codes.index(problem.metric_code) if problem.metric_code in codes else 0
            cell = self.table.cell(index, column)
            if cell is not None:
                cell.focus()
            return

    def action_save(self) -> None:
        if self.grid is None:
            return
        if not self.cells():
            self._say(t("entry.nothing_changed"))
            return
        self._say(t("entry.checking"))
        self.check(saving=True)

    @work(thread=True, exclusive=True, group="entry-write")
    def write(self, confirm: bool) -> None:
        from cadre_tui.services import figure_entry

        cells = self.cells()
        try:
            conn = self.database.connect()
            try:
                saved = figure_entry.save_grid(
                    conn,
                    self.group_id,
                    self.day,
                    cells,
                    today=batch_actions.today(),
                    confirm_warnings=confirm,
                    loaded=self.grid,
                )
            finally:
                conn.close()
        except figure_entry.GridRefused as exc:
            self.post_message(GridWritten(exc.message(), error=True, problems=exc.problems))
            return
        except CadreError as exc:
            self.post_message(GridWritten(exc.message(), error=True))
            return
        self.written += saved.written + saved.corrected
        text = t("entry.saved", written=saved.written, corrected=saved.corrected)
        self.post_message(GridWritten(text))

    def on_grid_written(self, message: GridWritten) -> None:
        if message.error:
            if message.problems:
                self._mark(message.problems)
            self._say(message.text, "-error")
            self.notify(message.text, severity="error", timeout=8)
            return
        self.notify(message.text)
        self.load()

    # --- days and leaving ----------------------------------------------------------------

    def action_day(self, delta: int) -> None:
        if self.dirty and self._discard_armed != self.cells():
            self._discard_armed = self.cells()
            self._say(t("entry.confirm_discard"), "-warning")
            return
        self.day += dt.timedelta(days=delta)
        self.load()

    def action_back(self) -> None:
        if self.dirty and self._discard_armed != self.cells():
            self._discard_armed = self.cells()
            self._say(t("entry.confirm_discard"), "-warning")
            return
        self.dismiss(self.written)

    def _say(self, text: str, severity: str = "") -> None:
        line = self.query_one("#entry-message", Static)
        line.update(Text(text))
        line.set_classes(severity)


def _metric_title(metric) -> str:  # noqa: ANN001 - domain.model.Metric
    """The short name that fits a cell (丈量户数, Meas. m²); a configured metric
    without one shows its own name."""
    key = f"metric_short.{metric.code}"
    if has(key):
        return t(key)
    return metric.name_zh if current_language() == "zh" else metric.name_en
