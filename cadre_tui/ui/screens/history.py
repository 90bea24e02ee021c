"""The history of one cadre or one working group, read from the audit log: when,
who, what and the change, newest first. Enter shows the whole change (every field
before and after); Escape closes. Open it with::

    app.push_screen(HistoryScreen("cadre", cadre.id, cadre.name))
    app.push_screen(HistoryScreen("group", group.id, group.name))
"""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.history import HistoryLine, detail_text, fit
from cadre_tui.ui.bindings import TranslatedBindings

HistoryKind = Literal["cadre", "group"]

LIMIT = 500
"""The newest changes shown; a subject with more says "the latest 500"."""

TIME_CELLS, ACTOR_CELLS, WHAT_CELLS = 16, 8, 18
MIN_CHANGE_CELLS = 12
COLUMNS = ("col_at", "col_actor", "col_what", "col_change")


class HistoryTable(TranslatedBindings, DataTable):
    """The rows, with Enter named in the footer (DataTable's own Enter is unnamed)."""

    BINDINGS = [Binding("enter", "select_cursor", "history.key_detail", id="history.detail")]


class HistoryScreen(TranslatedBindings, ModalScreen[None]):
    """``kind`` is ``"cadre"`` or ``"group"``, ``subject_id`` its id and ``title``
    its name as the heading shows it."""

    DEFAULT_CSS = """
    HistoryScreen {
        align: center middle;
    }
    #history-body {
        width: 100%;
        max-width: 120;
        height: 100%;
        border: round $accent;
        background: $surface;
    }
    #history-title, #history-status {
        padding: 0 1;
    }
    #history-title {
        text-style: bold;
    }
    #history-status {
        color: $text-muted;
    }
    #history-table {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "history.key_close", id="history.close"),
        Binding("f1", "app.help", "key.help", id="history.help"),
    ]

    def __init__(self, kind: HistoryKind, subject_id: int, title: str) -> None:
        if kind not in ("cadre", "group"):
            raise ValueError(f"history of {kind!r}: expected 'cadre' or 'group'")
        super().__init__(classes="dialog")
        self.kind: HistoryKind = kind
        self.subject_id = subject_id
        self.subject_title = title
        self.lines: list[HistoryLine] = []
        self.loaded = False

    @property
    def table(self) -> DataTable:
        return self.query_one("#history-table", DataTable)

    def compose(self) -> ComposeResult:
        heading = t(f"history.title_{self.kind}", name=self.subject_title)
        with Vertical(id="history-body"):
            yield Static(Text(heading), id="history-title")
            yield Static(t("history.loading"), id="history-status")
            yield HistoryTable(id="history-table", cursor_type="row", zebra_stripes=False)
        yield Footer()

    def on_mount(self) -> None:
        self.table.focus()
        self.load()

    def on_data_changed(self) -> None:
        """Someone committed (the app's live watcher): read the history again."""
        self.load()

    @work(thread=True, exclusive=True, group="history-load")
    def load(self) -> None:
        from cadre_tui.services.history import subject_history
        from cadre_tui.store.sqlite import sqlite3

        try:
            conn = self.app.database.connect()  # type: ignore[attr-defined]
            try:
                lines = subject_history(conn, self.kind, self.subject_id, LIMIT)
            finally:
                conn.close()
        except (CadreError, sqlite3.DatabaseError) as exc:
            reason = exc.message() if isinstance(exc, CadreError) else str(exc)
            self.app.call_from_thread(self._failed, reason)
            return
        self.app.call_from_thread(self._show, lines)

    def _failed(self, reason: str) -> None:
        self.query_one("#history-status", Static).update(t("history.load_failed", reason=reason))

    def _show(self, lines: list[HistoryLine]) -> None:
        keep = self.current().id if self.current() else None
        self.lines = lines
        self.loaded = True
        status = self.query_one("#history-status", Static)
        if not lines:
            status.update(t("history.empty"))
        elif len(lines) >= LIMIT:
            status.update(t("history.count_more", count=len(lines)))
        else:
            status.update(t("history.count", count=len(lines)))
        self._fill(keep)

    def on_resize(self) -> None:
        if self.loaded:
            self._fill(self.current().id if self.current() else None)

    def _fill(self, keep: int | None = None) -> None:
        """Columns sized to the table's width, every cell cut to its column in
        terminal cells, so Chinese text never pushes a row past the edge."""
        table = self.table
        change_cells = max(
            MIN_CHANGE_CELLS, table.size.width - 1 - (TIME_CELLS + ACTOR_CELLS + WHAT_CELLS + 8)
        )
        table.clear(columns=True)
        widths = (TIME_CELLS, ACTOR_CELLS, WHAT_CELLS, change_cells)
        for name, width in zip(COLUMNS, widths, strict=True):
            table.add_column(fit(t(f"history.{name}"), width), width=width)
        for line in self.lines:
            table.add_row(
                line.at,
                fit(line.actor, ACTOR_CELLS),
                fit(line.phrase, WHAT_CELLS),
                fit(self._change(line), change_cells),
                key=str(line.id),
            )
        ids = [line.id for line in self.lines]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))

    def _change(self, line: HistoryLine) -> str:
        """In a group's history, whose change it is comes first (rows about the
        group itself excepted); a cadre's history is all about the one cadre."""
        summary = line.summary()
        if self.kind == "group" and line.row.entity != "working_group" and line.subject:
            return t("history.row_about", name=line.subject, change=summary)
        return summary

    def current(self) -> HistoryLine | None:
        if not self.lines or not self.is_mounted:
            return None
        row = self.table.cursor_row
        return self.lines[row] if 0 <= row < len(self.lines) else None

    @on(DataTable.RowSelected, "#history-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_detail()

    def action_detail(self) -> None:
        line = self.current()
        if line is not None:
            self.app.push_screen(HistoryDetailScreen(line))

    def action_close(self) -> None:
        self.dismiss(None)


class HistoryDetailScreen(TranslatedBindings, ModalScreen[None]):
    """One change in full: every field before and after; Escape goes back."""

    DEFAULT_CSS = """
    HistoryDetailScreen {
        align: center middle;
    }
    #history-detail-body {
        width: 100%;
        max-width: 100;
        height: auto;
        max-height: 100%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    #history-detail-heading {
        text-style: bold;
    }
    #history-detail-hint {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape,enter", "back", "history.key_back", id="history.detail_back"),
    ]

    def __init__(self, line: HistoryLine) -> None:
        super().__init__(classes="dialog")
        self.line = line

    def compose(self) -> ComposeResult:
        heading, *rest = detail_text(self.line)
        with VerticalScroll(id="history-detail-body"):
            yield Static(Text(heading), id="history-detail-heading")
            yield Static(Text("\n".join(rest)), id="history-detail-fields")
            yield Static(t("history.detail_hint"), id="history-detail-hint")

    def on_mount(self) -> None:
        self.query_one("#history-detail-body").focus()

    def action_back(self) -> None:
        self.dismiss(None)
