"""The dashboard: the programme at a glance (batches, receiving units and modes,
cadres placed, metric totals against targets), readable at 80×24."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from cadre_tui.domain.enums import METRIC_CODES, BatchState
from cadre_tui.domain.quantities import format_total, percent_of
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services import reports
from cadre_tui.services.reports import BatchStatus, ProgrammeStatus
from cadre_tui.store.connection import database_error
from cadre_tui.ui import clock
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.live import LiveScreen
from cadre_tui.ui.messages import LoadFailed, ProgrammeLoaded

BAR_WIDTH = 20
SILENT_SHOWN = 8
SILENT_DAYS = 3
"""Days without a figure before a cadre is listed as not reporting (the issue's default)."""
"""Not-reporting cadres listed on the dashboard; the rest are counted."""


def today() -> dt.date:
    """The day the dashboard reports as of (tests replace it)."""
    return clock.today()


@dataclass(frozen=True)
class FieldView:
    """What the dashboard shows beside the roll-ups: each active batch's progress
    with its receiving units, who has stopped reporting, and the briefing."""

    batches: tuple = ()
    """(Progress of an active batch, its units' Progress list) pairs."""
    silent: tuple = ()
    paragraphs: tuple[str, ...] = ()
    overdue: int = 0
    """Logistics items past their due day, still open (F6 lists them)."""


class FieldLoaded(Message):
    def __init__(self, view: FieldView) -> None:
        super().__init__()
        self.view = view


class DashboardScreen(LiveScreen, TranslatedBindings, Screen[None]):
    """First screen: reads the roll-ups in a thread worker and paints them."""

    AUTO_FOCUS = "#batches"
    """The cursor starts on the batches: Enter opens one; PgUp/PgDn scroll the page."""

    BINDINGS = [
        Binding("r", "refresh", "key.refresh", id="dashboard.refresh"),
        Binding("p", "programme", "dashboard.key_programme", id="dashboard.programme"),
        Binding(
            "pagedown",
            "page(1)",
            "dashboard.key_page",
            show=False,
            priority=True,
            id="dashboard.page_down",
        ),
        Binding(
            "pageup",
            "page(-1)",
            "dashboard.key_page",
            show=False,
            priority=True,
            id="dashboard.page_up",
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id="dashboard")
        self.status: ProgrammeStatus | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dashboard-body"):
            yield Static(t("dashboard.loading"), id="summary")
            yield Static(t("dashboard.batches"), classes="section-title", id="batches-title")
            yield DataTable(id="batches", cursor_type="row", zebra_stripes=False)
            yield Static(t("dashboard.units"), classes="section-title")
            units = DataTable(id="units", cursor_type="row")
            units.can_focus = False  # read only: Tab and Enter stay with the batches
            yield units
            yield Static("", id="progress")
            yield Static("", id="silent")
            yield Static("", id="brief")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.load()

    def refresh_live(self) -> None:
        """Someone wrote: read the figures again."""
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_page(self, direction: int) -> None:
        """PgDn / PgUp scroll the whole dashboard, whichever table has the cursor."""
        body = self.query_one("#dashboard-body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)

    def action_programme(self) -> None:
        """The whole programme's progress, drilled down with Enter."""
        self.open_progress(None)

    @on(DataTable.RowSelected, "#batches")
    def _batch_chosen(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key and key.isdigit():
            self.open_progress(int(key))

    @work(thread=True, exclusive=True, group="dashboard-open")
    def open_progress(self, batch_number: int | None) -> None:
        """Read the level to open off the UI thread, then show it."""
        from cadre_tui.services import field_status
        from cadre_tui.store import rollups

        conn = self.app.database.connect()  # type: ignore[attr-defined]
        try:
            if batch_number is None:
                node = field_status.programme_progress(conn, today())
            else:
                (row,) = rollups.batches(conn, batch_number)
                node = field_status.batch_progress(conn, row["id"], today())
        finally:
            conn.close()
        self.app.call_from_thread(self._show_progress, node)

    def _show_progress(self, node) -> None:  # noqa: ANN001 - field_status.Progress
        from cadre_tui.ui.screens.progress import ProgressScreen

        self.app.push_screen(ProgressScreen(node))

    @work(thread=True, exclusive=True, group="dashboard-field")
    def load_field(self) -> None:
        """Progress by unit with weekly trends, the silent, the briefing: after the
        roll-ups are on screen, so the first paint does not wait for them."""
        from cadre_tui.services import brief, field_status
        from cadre_tui.store import logistics, rollups

        day = today()
        conn = self.app.database.connect()  # type: ignore[attr-defined]
        try:
            shown = self.status.batches if self.status else []
            active = [b for b in shown if b.state is BatchState.ACTIVE]
            pairs = []
            for batch in active:
                (row,) = rollups.batches(conn, batch.number)
                node = field_status.batch_progress(conn, row["id"], day)
                pairs.append((node, tuple(field_status.children(conn, node, day))))
            silent = tuple(field_status.not_reporting(conn, day, SILENT_DAYS))
            numbers = [b.number for b in shown]
            paragraphs = tuple(
                text for n in numbers if (text := brief.batch_paragraph(conn, n, day))
            )
            overdue = logistics.overdue_count(conn, day)
        except CadreError as exc:
            self.post_message(LoadFailed(exc.message()))
            return
        except Exception as exc:  # noqa: BLE001 - a read failure is shown, not raised
            self.post_message(LoadFailed(database_error(exc, self.app.database.path).message()))  # type: ignore[attr-defined]
            return
        finally:
            conn.close()
        self.post_message(FieldLoaded(FieldView(tuple(pairs), silent, paragraphs, overdue)))

    def on_field_loaded(self, message: FieldLoaded) -> None:
        view = message.view
        title = Text(t("dashboard.batches"))
        if view.overdue:  # beside a title, not a line of its own: the page fits 80x24
            title.append(t("dashboard.overdue_items", count=view.overdue), style="bold")
        self.query_one("#batches-title", Static).update(title)
        if view.batches:
            self.query_one("#progress", Static).update(_field_progress(view))
        self.query_one("#silent", Static).update(_silent(view.silent))
        brief_text = Text(t("dashboard.brief_title") + "\n", style="bold")
        for paragraph in view.paragraphs:
            brief_text.append(paragraph + "\n")
        self.query_one("#brief", Static).update(brief_text if view.paragraphs else "")

    @work(thread=True, exclusive=True, group="dashboard")
    def load(self) -> None:
        """Read the programme off the UI thread, with a connection made for this thread."""
        database = self.app.database  # type: ignore[attr-defined]
        try:
            conn = database.connect()
            try:
                status = reports.programme_status(conn)
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(LoadFailed(exc.message()))
            return
        except Exception as exc:  # noqa: BLE001 - a read failure is shown, not raised
            self.post_message(
                LoadFailed(t("error.db_unreadable", path=str(database.path), reason=str(exc)))
            )
            return
        self.post_message(ProgrammeLoaded(status))

    def on_programme_loaded(self, message: ProgrammeLoaded) -> None:
        self.status = message.status
        self.sub_title = message.status.name
        self.query_one("#summary", Static).update(self._summary(message.status))
        self._fill_batches(message.status)
        self._fill_units(message.status)
        self.query_one("#progress", Static).update(self._progress(message.status))
        self.call_after_refresh(self.app.data_painted)  # type: ignore[attr-defined]
        if not self.app.exit_after_paint:  # type: ignore[attr-defined]
            self.load_field()

    def on_load_failed(self, message: LoadFailed) -> None:
        self.query_one("#summary", Static).update(Text(message.text, style="bold"))
        self.notify(message.text, severity="error", timeout=8)

    def _summary(self, status: ProgrammeStatus) -> Text:
        placed = sum(b.cadres for b in status.batches)
        active = sum(b.active_cadres for b in status.batches)
        return Text(
            t(
                "dashboard.summary",
                pool=status.pool_size,
                batches=len(status.batches),
                placed=placed,
                active=active,
            )
        )

    def _fill_batches(self, status: ProgrammeStatus) -> None:
        table = self.query_one("#batches", DataTable)
        table.clear(columns=True)
        table.add_column(t("dashboard.col_batch"), key="batch")
        table.add_column(t("dashboard.col_state"), key="state")
        table.add_column(t("dashboard.col_cadres"), key="cadres")
        for code in METRIC_CODES:
            table.add_column(t(f"metric_short.{code}"), key=code)
        for batch in status.batches:
            table.add_row(
                t("dashboard.batch_label", number=batch.number),
                batch.state.label(),
                Text(str(batch.cadres), justify="right"),
                *(Text(format_total(batch.totals[c]), justify="right") for c in METRIC_CODES),
                key=str(batch.number),
            )
        if len(status.batches) > 1:
            totals = status.totals()
            table.add_row(
                Text(t("status.batch_total"), style="bold"),
                "",
                Text(str(sum(b.cadres for b in status.batches)), justify="right", style="bold"),
                *(
                    Text(format_total(totals[c]), justify="right", style="bold")
                    for c in METRIC_CODES
                ),
                key="total",
            )

    def _fill_units(self, status: ProgrammeStatus) -> None:
        table = self.query_one("#units", DataTable)
        table.clear(columns=True)
        table.add_column(t("status.unit"), key="unit")
        table.add_column(t("status.mode"), key="mode")
        table.add_column(t("dashboard.col_batches"), key="batches")
        table.add_column(t("status.groups"), key="groups")
        table.add_column(t("dashboard.col_cadres"), key="cadres")
        table.add_column(t("dashboard.col_active"), key="active")
        merged: dict[tuple[str, str], list] = {}
        for batch in status.batches:
            for unit in batch.units:
                row = merged.setdefault((unit.code, unit.mode.value), [unit, set(), 0, 0, 0])
                row[1].add(batch.number)
                row[2] += unit.groups
                row[3] += unit.cadres
                row[4] += unit.active_cadres
        for (code, mode), (unit, numbers, groups, cadres, active) in merged.items():
            table.add_row(
                unit.name,
                unit.mode.label(),
                t("dashboard.list_separator").join(str(n) for n in sorted(numbers)),
                Text(str(groups), justify="right"),
                Text(str(cadres), justify="right"),
                Text(str(active), justify="right"),
                key=f"{code}:{mode}",
            )

    def _progress(self, status: ProgrammeStatus) -> Table | Text:
        current = [b for b in status.batches if b.state is BatchState.ACTIVE]
        if not current:
            return Text(t("dashboard.no_active_batch"))
        table = Table(
            box=None,
            show_header=False,
            pad_edge=False,
            expand=False,
            title=t("dashboard.progress_title"),
            title_justify="left",
            title_style="bold",
        )
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        for batch in current:
            for code in METRIC_CODES:
                table.add_row(*_progress_row(batch, code))
        return table


def _progress_row(batch: BatchStatus, code: str) -> tuple[str, Text, str]:
    """A metric against its target: label, a bar drawn in characters, and the figures."""
    value = batch.totals[code]
    target = batch.targets.get(code)
    share = percent_of(value, target)
    label = t("dashboard.progress_label", number=batch.number, metric=t(f"metric_short.{code}"))
    if share is None:
        return label, Text("·" * BAR_WIDTH, style="dim"), format_total(value)
    filled = min(BAR_WIDTH, round(BAR_WIDTH * share / 100))
    bar = Text("█" * filled, style="bold") + Text("░" * (BAR_WIDTH - filled), style="dim")
    figures = f"{format_total(value)} / {format_total(target or 0)}  {share:.0f}%"
    return label, bar, figures


def _field_progress(view: FieldView) -> Group:
    """Each active batch, then its receiving units: a bar against target per
    metric with the figures and the weekly trend (▁…█, oldest week first)."""
    from cadre_tui.ui.widgets.progress_lines import against_target, bar, sparkline

    parts = [Text(t("dashboard.progress_title"), style="bold")]
    for node, units in view.batches:
        parts.append(Text(node.name, style="bold"))
        table = Table(box=None, show_header=False, pad_edge=False, expand=False)
        for justify in ("left", "left", "right", "left"):
            table.add_column(justify=justify, no_wrap=True)
        for metric in node.metrics:
            table.add_row(
                t(f"metric_short.{metric.code}"),
                bar(metric.percent, BAR_WIDTH - 6),
                against_target(metric.total, metric.target, metric.percent),
                sparkline(metric.weekly),
            )
        parts.append(table)
        for unit in units:
            line = Text(f"  {unit.name} ", style="bold")
            cells = []
            for metric in unit.metrics[:1] + unit.metrics[2:4]:
                share = f"{metric.percent:.0f}%" if metric.percent is not None else "—"
                cells.append(f"{t(f'metric_short.{metric.code}')} {share}")
            line.append("  ".join(cells))
            parts.append(line)
    return Group(*parts)


def _silent(silent: tuple) -> Text:
    """Cadres in active placements with no figure for days, and their leader."""
    if not silent:
        return Text(t("dashboard.all_reporting"))
    title = t("dashboard.silent_title", count=len(silent), days=SILENT_DAYS)
    text = Text(title + "\n", style="bold")
    for cadre in silent[:SILENT_SHOWN]:
        last = cadre.last_entry.isoformat() if cadre.last_entry else t("dashboard.never")
        text.append(
            "⚠ "
            + t(
                "dashboard.silent_line",
                name=cadre.name,
                days=cadre.days,
                group=cadre.group,
                leader=cadre.leader or "—",
                last=last,
            )
            + "\n"
        )
    if len(silent) > SILENT_SHOWN:
        text.append(t("dashboard.silent_more", count=len(silent) - SILENT_SHOWN) + "\n")
    return text
