"""The dashboard: the programme at a glance (batches, receiving units and modes,
cadres placed, metric totals against targets), readable at 80×24."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from cadre_tui.domain.enums import METRIC_CODES, BatchState
from cadre_tui.domain.quantities import format_total, percent_of
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services import reports
from cadre_tui.services.reports import BatchStatus, ProgrammeStatus
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.messages import LoadFailed, ProgrammeLoaded

BAR_WIDTH = 20


class DashboardScreen(TranslatedBindings, Screen[None]):
    """First screen: reads the roll-ups in a thread worker and paints them."""

    BINDINGS = [
        Binding("r", "refresh", "key.refresh", id="dashboard.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__(id="dashboard")
        self.status: ProgrammeStatus | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dashboard-body"):
            yield Static(t("dashboard.loading"), id="summary")
            yield Static(t("dashboard.batches"), classes="section-title")
            yield DataTable(id="batches", cursor_type="row", zebra_stripes=False)
            yield Static(t("dashboard.units"), classes="section-title")
            yield DataTable(id="units", cursor_type="row")
            yield Static("", id="progress")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.load()

    def action_refresh(self) -> None:
        self.load()

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
        if getattr(self.app, "exit_after_paint", False):
            self.call_after_refresh(self.app.exit)

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
