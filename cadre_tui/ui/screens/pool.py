"""The cadre pool (拟选派干部数据库): browse, find while typing, filter, select.

Every query runs in a thread worker; a newer keystroke supersedes an older
query (exclusive worker group plus a sequence number), so typing never waits.
The count of matches is a separate query and may arrive a moment later.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from cadre_tui.domain.pool_query import PoolFilter, PoolOrder, PoolSort, SearchKind
from cadre_tui.errors import CadreError
from cadre_tui.i18n import current_language, t
from cadre_tui.store import pool
from cadre_tui.store.connection import database_error
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.ui import clock
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.live import LiveScreen
from cadre_tui.ui.screens.pool_actions import PoolActions
from cadre_tui.ui.screens.pool_messages import (
    CountLoaded,
    DetailLoaded,
    PageLoaded,
    QueryFailed,
)
from cadre_tui.ui.widgets.pool_columns import POOL_COLUMNS
from cadre_tui.ui.widgets.pool_grid import PoolGrid

PAGE_SIZE = 60

SETTLE_SECONDS = 0.12
"""The count and the detail panel wait this long for the keys to settle."""

SORT_KEYS = [
    (str(index), sort)
    for index, sort in enumerate(
        [
            PoolSort.NAME,
            PoolSort.GENDER,
            PoolSort.AGE,
            PoolSort.UNIT,
            PoolSort.POST,
            PoolSort.CATEGORY,
            PoolSort.PARTY,
            PoolSort.STATUS,
            PoolSort.GROUP,
        ],
        start=1,
    )
]


class PoolScreen(PoolActions, LiveScreen, TranslatedBindings, Screen[None]):
    BINDINGS = [
        Binding("slash", "focus_search", "pool.key_search", id="pool.search"),
        Binding("f", "filters", "pool.key_filter", id="pool.filter"),
        Binding("enter", "detail", "pool.key_detail", id="pool.detail"),
        Binding("a", "add", "pool.key_add", id="pool.add"),
        Binding("e", "edit", "pool.key_edit", show=False, id="pool.edit"),
        Binding("x", "archive", "pool.key_archive", show=False, id="pool.archive"),
        Binding("v", "reveal", "pool.key_reveal", show=False, id="pool.reveal"),
        Binding("h", "history", "history.key_open", show=False, id="pool.history"),
        Binding("ctrl+a", "select_all", "pool.key_select_all", show=False, id="pool.select_all"),
        Binding("c", "clear_marks", "pool.key_clear", show=False, id="pool.clear"),
        Binding("t", "change_status", "pool.key_status", show=False, id="pool.status"),
        Binding("n", "nominate", "pool.key_nominate", show=False, id="pool.nominate"),
        Binding("o", "export", "pool.key_export", show=False, id="pool.export"),
        Binding("i", "import", "pool.key_import", show=False, id="pool.import"),
        Binding("ctrl+s", "save_filter", "pool.key_save_filter", show=False, id="pool.save_filter"),
        Binding("escape", "reset", "pool.key_reset", show=False, id="pool.reset"),
        *(
            Binding(
                key,
                f"sort('{sort.value}')",
                f"pool.sort_{sort.value}",
                show=False,
                id=f"pool.sort_{sort.value}",
            )
            for key, sort in SORT_KEYS
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id="pool")
        self.filter = PoolFilter()
        self.order = PoolOrder(by_pinyin=current_language() == "zh")
        self.total: int | None = None
        self.revealed: int | None = None
        self.saved_filters: list[tuple[str, PoolFilter]] = []
        self._seq = 0
        self._counted = False
        self._detail_timer: Timer | None = None
        self._live: dict[str, sqlite3.Connection] = {}
        self._live_lock = threading.Lock()
        self._stay: tuple[int | None, int] | None = None
        """The cadre under the cursor and its line on screen, kept across a live refresh."""

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    @property
    def grid(self) -> PoolGrid:
        return self.query_one(PoolGrid)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="pool-bar"):
            yield Input(
                placeholder=t("pool.search_placeholder"), id="pool-search", restrict=r"[^/]*"
            )
            yield Static("", id="pool-count")
        yield Static("", id="pool-filters")
        yield PoolGrid(POOL_COLUMNS, id="pool-grid")
        yield Static("", id="pool-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = t("pool.title")
        self.grid.order = self.order
        self.grid.focus()
        self.refresh_query()
        self.load_saved_filters()

    def palette_commands(self):  # noqa: ANN201 - Iterable[SystemCommand]
        """Saved filters, recalled from the command palette by name."""
        from textual.app import SystemCommand

        for name, flt in self.saved_filters:
            yield SystemCommand(
                t("pool.palette_filter", name=name),
                t("pool.palette_filter_help"),
                lambda flt=flt: self.apply_filter(flt),
            )

    # --- queries -----------------------------------------------------------------

    def refresh_query(self) -> None:
        """Run the current filter and order from the top; the count follows the page."""
        self._seq += 1
        self._stay = None
        self.total = None
        self._show_count()
        self._show_filters()
        kind = self.filter.kind
        if kind in (SearchKind.TOO_SHORT, SearchKind.UNSUPPORTED):
            self.grid.empty_text = t(f"pool.search_{kind.value}")
        else:
            self.grid.empty_text = t("pool.no_match")
        self._interrupt("page", "count", "more-after", "more-before")
        self.load_page(self._seq, "replace", None, self.filter, self.order)
        self._counted = False

    def refresh_live(self) -> None:
        """Someone wrote: read the rows on screen again, the cursor staying on its cadre."""
        grid = self.grid
        if not grid.rows or (grid.top == 0 and not grid.more_before):
            anchor = None
        else:
            anchor = grid.rows[max(0, grid.top - 1)].key
        self._seq += 1
        self._stay = (grid.current.id if grid.current else None, grid.cursor - grid.top)
        self._interrupt("page", "count", "more-after", "more-before")
        self.load_page(self._seq, "stay" if anchor else "replace", anchor, self.filter, self.order)
        self.load_count(self._seq, self.filter)

    @contextlib.contextmanager
    def _connection(self, slot: str) -> Iterator[sqlite3.Connection]:
        """A connection for this worker's thread, registered so a newer query can
        interrupt it (sqlite3_interrupt is safe from another thread)."""
        conn = self.database.connect()
        with self._live_lock:
            self._live[slot] = conn
        try:
            yield conn
        finally:
            with self._live_lock:
                if self._live.get(slot) is conn:
                    del self._live[slot]
            conn.close()

    def _interrupt(self, *slots: str) -> None:
        with self._live_lock:
            for slot in slots:
                conn = self._live.get(slot)
                if conn is not None:
                    conn.interrupt()

    @work(thread=True, exclusive=True, group="pool-page")
    def load_page(
        self, seq: int, mode: str, key: tuple | None, flt: PoolFilter, order: PoolOrder
    ) -> None:
        self._fetch(seq, mode, key, flt, order, "page")

    def _fetch(
        self, seq: int, mode: str, key: tuple | None, flt: PoolFilter, order: PoolOrder, slot: str
    ) -> None:
        """One page (first, last, or beyond ``key``) read in the calling worker thread."""
        try:
            with self._connection(slot) as conn:
                page = pool.page(
                    conn,
                    flt,
                    order,
                    today=clock.today(),
                    rules=self.rules,
                    after=key if mode in ("after", "stay") else None,
                    before=key if mode == "before" else None,
                    from_end=mode == "end",
                    limit=PAGE_SIZE,
                )
        except sqlite3.OperationalError as exc:
            if "interrupt" not in str(exc):
                self.post_message(QueryFailed(database_error(exc, self.database.path).message()))
            return
        except CadreError as exc:
            self.post_message(QueryFailed(exc.message()))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(PageLoaded(seq, mode, page))

    def _count_if_current(self, seq: int) -> None:
        if seq == self._seq:
            self.load_count(seq, self.filter)

    @work(thread=True, exclusive=True, group="pool-count")
    def load_count(self, seq: int, flt: PoolFilter) -> None:
        try:
            with self._connection("count") as conn:
                total = pool.count(conn, flt, today=clock.today(), rules=self.rules)
        except sqlite3.OperationalError:
            return  # interrupted by a newer query; its own count follows
        if not get_current_worker().is_cancelled:
            self.post_message(CountLoaded(seq, total))

    @work(thread=True, exclusive=True, group="pool-detail")
    def load_detail(self, cadre_id: int) -> None:
        from cadre_tui.services import cadre_profile

        conn = self.database.connect()
        try:
            summary = cadre_profile.summary(conn, cadre_id, clock.today(), self.rules)
        finally:
            conn.close()
        if not get_current_worker().is_cancelled:
            self.post_message(DetailLoaded(summary))

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.seq != self._seq:
            return
        if message.mode == "stay" or (message.mode == "replace" and self._stay is not None):
            keep_id, offset = self._stay or (None, 0)
            self._stay = None
            self.grid.show_page_at(
                message.page, keep_id, offset, more_before=message.mode == "stay"
            )
        elif message.mode == "replace":
            self.grid.show_page(message.page)
            if not self._counted:
                # Counted a moment after the page is on screen, and only if no
                # newer keystroke came: a burst of typing pays for one count.
                self._counted = True
                self.set_timer(SETTLE_SECONDS, lambda seq=message.seq: self._count_if_current(seq))
            self.call_after_refresh(self.app.data_painted)  # type: ignore[attr-defined]
        elif message.mode == "end":
            base = None if self.total is None else self.total - len(message.page.rows)
            self.grid.show_page(message.page, at_end=True, base_index=base)
        else:
            self.grid.extend_page(message.mode, message.page)
        self._show_count()

    def on_count_loaded(self, message: CountLoaded) -> None:
        if message.seq != self._seq:
            return
        self.total = message.total
        if self.grid.base_index is None and not self.grid.more_after:
            self.grid.base_index = self.total - len(self.grid.rows)
        self._show_count()

    def on_query_failed(self, message: QueryFailed) -> None:
        self.notify(message.text, severity="error")

    @on(PoolGrid.NeedRows)
    def _more_rows(self, message: PoolGrid.NeedRows) -> None:
        self.load_more(self._seq, message.direction, message.key)

    @work(thread=True, group="pool-more")
    def load_more(self, seq: int, direction: str, key: tuple) -> None:
        self._fetch(seq, direction, key, self.filter, self.order, f"more-{direction}")

    @on(PoolGrid.Jump)
    def _jump(self, message: PoolGrid.Jump) -> None:
        mode = "replace" if message.where == "start" else "end"
        self.load_page(self._seq, mode, None, self.filter, self.order)

    @on(PoolGrid.Highlighted)
    def _highlighted(self, message: PoolGrid.Highlighted) -> None:
        self._show_count()  # "row N" follows the cursor
        if message.row is None:
            self.query_one("#pool-detail", Static).update("", layout=False)
            return
        if self.revealed != message.row.id:
            self.revealed = None
        if self._detail_timer is not None:
            self._detail_timer.stop()
        cadre_id = message.row.id
        self._detail_timer = self.set_timer(SETTLE_SECONDS, lambda: self.load_detail(cadre_id))

    @on(PoolGrid.MarksChanged)
    def _marks_changed(self) -> None:
        self._show_count()

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        from cadre_tui.ui.widgets.cadre_summary import summary_text

        current = self.grid.current
        if current is None or current.id != message.summary.cadre.id:
            return
        revealed = self.revealed == current.id
        self.query_one("#pool-detail", Static).update(
            summary_text(message.summary, revealed), layout=False
        )

    # --- search box --------------------------------------------------------------

    @on(Input.Changed, "#pool-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.filter = _with_text(self.filter, event.value)
        self.refresh_query()

    @on(Input.Submitted, "#pool-search")
    def _search_submitted(self) -> None:
        self.grid.focus()

    def action_focus_search(self) -> None:
        self.query_one("#pool-search", Input).focus()

    def action_reset(self) -> None:
        """Escape: leave the search box; a second escape clears search and filters."""
        search = self.query_one("#pool-search", Input)
        if search.has_focus:
            self.grid.focus()
        elif not self.filter.is_empty():
            self.filter = PoolFilter()
            search.value = ""
            self.refresh_query()

    # --- order -------------------------------------------------------------------

    def action_sort(self, sort: str) -> None:
        self.order = self.order.toggled(PoolSort(sort))
        self.grid.order = self.order
        self.refresh_query()

    # --- status line -------------------------------------------------------------

    def _show_count(self) -> None:
        grid = self.grid
        parts = []
        if self.total is None:
            parts.append(t("pool.counting"))
        else:
            parts.append(t("pool.count", count=f"{self.total:,}"))
        if grid.position is not None and grid.rows:
            parts.append(t("pool.position", row=f"{grid.position + 1:,}"))
        if grid.marked:
            parts.append(t("pool.marked", count=f"{len(grid.marked):,}"))
        self.query_one("#pool-count", Static).update("  ".join(parts), layout=False)

    def _show_filters(self) -> None:
        from cadre_tui.ui.widgets.pool_columns import describe_filter

        self.query_one("#pool-filters", Static).update(describe_filter(self.filter), layout=False)


def _with_text(flt: PoolFilter, text: str) -> PoolFilter:
    from dataclasses import replace

    return replace(flt, text=text)
