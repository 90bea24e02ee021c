"""Importing a roster from the pool screen: the file is read and every row
checked first (with a progress bar on large files), then the preview lists
each rejected row with its line and reasons and the counts — new, updated,
unchanged, rejected — before anything is written. Ctrl+S imports when every
row is good; with rejected rows it writes nothing unless "valid rows only" is
switched on (v), exactly as ``cadre-tui import --only-valid``. Either way the
rejected rows can be saved beside the file (r) to send back to the unit.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.widgets.pool_grid import fit


class Planned(Message):
    def __init__(self, plan) -> None:  # noqa: ANN001 - roster_import.ImportPlan
        super().__init__()
        self.plan = plan


class Failed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ImportPreviewScreen(TranslatedBindings, ModalScreen[int | None]):
    """Dismissed with the number of cadres written (None: nothing)."""

    CSS_PATH = "../styles/figures.tcss"

    BINDINGS = [
        Binding("ctrl+s", "import", "import_ui.key_import", id="import_ui.import"),
        Binding("v", "toggle_valid_only", "import_ui.key_valid_only", id="import_ui.valid_only"),
        Binding("r", "save_rejected", "import_ui.key_rejected", id="import_ui.rejected"),
        Binding("u", "create_units", "import_ui.key_create_units", id="import_ui.create_units"),
        Binding("escape", "cancel", "import_ui.key_cancel", id="import_ui.cancel"),
        Binding("f1", "app.help", "key.help", show=False, id="import_ui.help"),
    ]

    def __init__(self, path: Path, *, create_units: bool = False) -> None:
        super().__init__(classes="dialog")
        self.path = path
        self.create_units = create_units
        self.plan = None
        self.valid_only = False
        self.busy = True

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(id="import-body"):
            yield Static(t("import_ui.title", file=self.path.name), id="import-title")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static(t("import_ui.reading"), id="import-counts")
            yield OptionList(id="import-rows")
            yield Static("", id="import-status")
        yield Footer()

    def on_mount(self) -> None:
        self.read_plan()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "create_units":
            return (self.plan is not None and not self.busy and not self.create_units) or None
        if action in ("import", "toggle_valid_only", "save_rejected"):
            if self.plan is None or self.busy:
                return None
            if action != "import" and not self.plan.rejected:
                return None
        return True

    # --- checking ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="import-plan")
    def read_plan(self) -> None:
        from cadre_tui.services.roster_import import plan_import

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        try:
            conn = self.database.connect()
            try:
                plan = plan_import(
                    conn, self.path, create_units=self.create_units, progress=progress
                )
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(Failed(exc.message()))
            return
        self.post_message(Planned(plan))

    def _progress(self, done: int, total: int) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)

    def on_planned(self, message: Planned) -> None:
        plan = self.plan = message.plan
        self.busy = False
        self.query_one("#import-progress", ProgressBar).display = False
        counts = t(
            "import_ui.counts",
            new=plan.new,
            updated=plan.updated,
            unchanged=plan.unchanged,
            rejected=plan.rejected,
        )
        if plan.new_units:
            sep = t("store.name_separator")
            counts += "\n" + t("import_ui.new_units", units=sep.join(plan.new_units))
        if plan.unknown_columns:
            sep = t("store.name_separator")
            counts += "\n" + t("import_ui.unknown", columns=sep.join(plan.unknown_columns))
        self.query_one("#import-counts", Static).update(counts)
        rows = self.query_one("#import-rows", OptionList)
        rows.clear_options()
        shown = plan.rejected_rows() or tuple(r for r in plan.rows if r.action != "unchanged")
        for index, row in enumerate(shown[:500]):
            rows.add_option(Option(_row_text(row), id=str(index)))
        if len(shown) > 500:
            rows.add_option(Option(t("import_ui.more", count=len(shown) - 500), disabled=True))
        self._status()
        self.refresh_bindings()
        rows.focus()

    def on_failed(self, message: Failed) -> None:
        self.busy = False
        self.query_one("#import-progress", ProgressBar).display = False
        self.query_one("#import-counts", Static).update(Text(message.text, style="bold"))
        self._status(t("import_ui.file_refused"), error=True)

    def _status(self, text: str | None = None, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        if text is None and self.plan is not None:
            if not self.plan.rejected:
                text = t("import_ui.ready", count=self.plan.new + self.plan.updated)
            elif self.valid_only:
                text = t("import_ui.ready_valid_only", count=self.plan.new + self.plan.updated)
            else:
                text = t("import_ui.blocked", rejected=self.plan.rejected)
                error = True
        status.update(Text(text or "", style="bold" if error else ""))
        status.set_class(error, "-error")

    # --- acting --------------------------------------------------------------------------

    def action_create_units(self) -> None:
        """Check again, creating the sending units the roster names that the pool
        lacks (as ``--create-units``); they are written with the rows."""
        if self.plan is None or self.busy or self.create_units:
            return
        self.create_units = True
        self.busy = True
        self.plan = None
        self.query_one("#import-progress", ProgressBar).display = True
        self.query_one("#import-counts", Static).update(t("import_ui.reading"))
        self.refresh_bindings()
        self.read_plan()

    def action_toggle_valid_only(self) -> None:
        if self.plan is not None and self.plan.rejected:
            self.valid_only = not self.valid_only
            self._status()

    def action_import(self) -> None:
        if self.plan is None or self.busy:
            return
        if self.plan.rejected and not self.valid_only:
            self._status(t("import_ui.blocked", rejected=self.plan.rejected), error=True)
            return
        self.busy = True
        self._status(t("import_ui.writing"))
        self.write()

    @work(thread=True, exclusive=True, group="import-write")
    def write(self) -> None:
        from cadre_tui.services.roster_import import apply_import

        try:
            conn = self.database.connect()
            try:
                result = apply_import(conn, self.plan, only_valid=self.valid_only)
            finally:
                conn.close()
        except CadreError as exc:
            self.busy = False
            self.app.call_from_thread(self._status, exc.message(), True)
            return
        written = result.new + result.updated
        text = t("import_ui.written", new=result.new, updated=result.updated)
        self.app.call_from_thread(self.notify, text)
        self.app.call_from_thread(self.dismiss, written)

    def action_save_rejected(self) -> None:
        if self.plan is None or not self.plan.rejected:
            return
        self.save_rejected()

    @work(thread=True, exclusive=True, group="import-rejected")
    def save_rejected(self) -> None:
        from cadre_tui.services.roster_import import write_rejected

        try:
            path = write_rejected(self.plan)
        except (CadreError, OSError) as exc:
            text = exc.message() if isinstance(exc, CadreError) else str(exc)
            self.app.call_from_thread(self.notify, text, severity="error")
            return
        if path is not None:
            self.app.call_from_thread(self.notify, t("import_ui.rejected_saved", path=str(path)))

    def action_cancel(self) -> None:
        if not self.busy or self.plan is None:
            self.dismiss(None)


def _row_text(row) -> Text:  # noqa: ANN001 - roster_import.PlannedRow
    """Line, name, masked ID, what happens to it, and why not when rejected."""
    mark = {"new": "+", "update": "~", "unchanged": "=", "rejected": "✗"}[row.action]
    text = Text(f"{mark} {fit(row.line, 10)} {fit(row.name, 8)} {fit(row.id_number_masked, 18)} ")
    if row.action == "rejected":
        text.append(t("store.placement.reason_separator").join(row.reasons), style="bold")
    else:
        text.append(t(f"import_ui.action.{row.action}"), style="dim")
    return text
