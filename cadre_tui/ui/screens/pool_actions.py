"""What a coordinator does to cadres from the pool screen: add, edit, archive,
reveal, select and act on the selection, save filters. Kept apart from the
screen's browsing so each file stays about one thing."""

from __future__ import annotations

from dataclasses import replace

from textual import work

from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.domain.enums import CadreStatus
from cadre_tui.domain.pool_query import PoolFilter
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.ui import clock
from cadre_tui.ui.screens.dialogs import ChoiceScreen, ConfirmScreen, PromptScreen
from cadre_tui.ui.screens.pool_messages import ActionDone, SavedFiltersLoaded


class PoolActions:
    """Mixin for PoolScreen: every action that writes runs in a thread worker."""

    @property
    def rules(self) -> EligibilityRules:
        """The config's eligibility values, which the app keeps for every screen."""
        return self.app.eligibility_rules  # type: ignore[attr-defined]

    # --- one cadre ---------------------------------------------------------------

    def action_add(self) -> None:
        from cadre_tui.ui.screens.cadre_form import CadreFormScreen

        self.app.push_screen(CadreFormScreen(self.database), self._after_form)

    def action_edit(self) -> None:
        from cadre_tui.ui.screens.cadre_form import CadreFormScreen

        row = self.grid.current
        if row is not None:
            self.app.push_screen(CadreFormScreen(self.database, row.id), self._after_form)

    def _after_form(self, cadre_id: int | None) -> None:
        if cadre_id is not None:
            self.notify(t("pool.saved"))
            self.refresh_query()

    def action_detail(self) -> None:
        from cadre_tui.ui.screens.cadre_detail import CadreDetailScreen

        row = self.grid.current
        if row is not None:
            self.app.push_screen(CadreDetailScreen(row.id))

    def action_archive(self) -> None:
        row = self.grid.current
        if row is None:
            return
        if row.status is CadreStatus.ARCHIVED:
            self.notify(t("pool.already_archived", name=row.name))
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write_status([row.id], CadreStatus.ARCHIVED)

        self.app.push_screen(ConfirmScreen(t("pool.confirm_archive", name=row.name)), confirmed)

    def action_reveal(self) -> None:
        row = self.grid.current
        if row is not None:
            self.write_reveal(row.id)

    @work(thread=True, group="pool-write")
    def write_reveal(self, cadre_id: int) -> None:
        from cadre_tui.store import cadre_history

        conn = self.database.connect()
        try:
            cadre_history.record_reveal(conn, cadre_id, ("id_number", "phone"))
        except CadreError as exc:
            self.post_message(ActionDone(exc.message(), reload=False, error=True))
            return
        finally:
            conn.close()
        self.app.call_from_thread(self._revealed, cadre_id)

    def _revealed(self, cadre_id: int) -> None:
        self.revealed = cadre_id
        self.load_detail(cadre_id)

    # --- the selection -----------------------------------------------------------

    def action_select_all(self) -> None:
        self.load_all_ids(self.filter)

    @work(thread=True, exclusive=True, group="pool-select")
    def load_all_ids(self, flt: PoolFilter) -> None:
        from cadre_tui.store import pool

        conn = self.database.connect()
        try:
            ids = pool.matching_ids(conn, flt, today=clock.today(), rules=self.rules)
        finally:
            conn.close()
        self.app.call_from_thread(self.grid.mark, ids)

    def action_clear_marks(self) -> None:
        self.grid.clear_marks()

    def _targets(self) -> list[int]:
        """The selection, or the highlighted cadre when nothing is selected."""
        if self.grid.marked:
            return sorted(self.grid.marked)
        return [self.grid.current.id] if self.grid.current else []

    def action_change_status(self) -> None:
        ids = self._targets()
        if not ids:
            return
        options = [(s.value, s.label()) for s in CadreStatus]

        def chosen(value: str | None) -> None:
            if value:
                self.write_status(ids, CadreStatus(value))

        question = t("pool.choose_status", count=len(ids))
        self.app.push_screen(ChoiceScreen(question, options), chosen)

    @work(thread=True, group="pool-write")
    def write_status(self, ids: list[int], status: CadreStatus) -> None:
        from cadre_tui.store import cadres

        conn = self.database.connect()
        try:
            changed = cadres.set_cadres_status(conn, ids, status)
        except CadreError as exc:
            self.post_message(ActionDone(exc.message(), reload=False, error=True))
            return
        finally:
            conn.close()
        self.post_message(
            ActionDone(t("pool.status_changed", count=changed, status=status.label()))
        )

    def action_nominate(self) -> None:
        """Add the selection to this year's recommendation round, each under their own unit."""
        ids = self._targets()
        if ids:
            self.write_nominations(ids, "")

    @work(thread=True, group="pool-write")
    def write_nominations(self, ids: list[int], reason: str) -> None:
        from cadre_tui.services.round_board import current_round
        from cadre_tui.store import recommendations

        conn = self.database.connect()
        try:
            round_ = current_round(conn, clock.today())
            if round_ is None:
                raise CadreError("round.no_round", year=clock.today().year)
            year = round_.year
            written = recommendations.nominate_in_year(
                conn, year, ids, rules=self.rules, exception_reason=reason
            )
        except CadreError as exc:
            if exc.key.startswith("round.error.reason_required"):
                self.app.call_from_thread(self._ask_reason, ids, exc.message())
                return
            self.post_message(ActionDone(exc.message(), reload=False, error=True))
            return
        finally:
            conn.close()
        skipped = len(ids) - len(written)
        self.post_message(
            ActionDone(t("pool.nominated", count=len(written), year=year, skipped=skipped))
        )

    def _ask_reason(self, ids: list[int], problem: str) -> None:
        """An ineligible nominee needs a written reason, which the store audits."""

        def given(reason: str | None) -> None:
            if reason:
                self.write_nominations(ids, reason)

        check = lambda text: None if text else t("pool.reason_needed")  # noqa: E731
        self.app.push_screen(
            PromptScreen(problem + "\n" + t("pool.reason_prompt"), check=check), given
        )

    def action_export(self) -> None:
        ids = self._targets()
        if ids:
            self.write_export(ids)

    @work(thread=True, group="pool-write")
    def write_export(self, ids: list[int]) -> None:
        from cadre_tui.services import pool_export

        conn = self.database.connect()
        try:
            path = pool_export.export_cadres_csv(conn, ids)
        except (CadreError, OSError) as exc:
            text = exc.message() if isinstance(exc, CadreError) else str(exc)
            self.post_message(ActionDone(text, reload=False, error=True))
            return
        finally:
            conn.close()
        self.post_message(
            ActionDone(t("pool.exported", count=len(ids), path=str(path)), reload=False)
        )

    def action_history(self) -> None:
        """Every change to the highlighted cadre, from the audit log."""
        from cadre_tui.ui.screens.history import HistoryScreen

        row = self.grid.current  # type: ignore[attr-defined]
        if row is not None:
            self.app.push_screen(HistoryScreen("cadre", row.id, row.name))  # type: ignore[attr-defined]

    def on_action_done(self, message: ActionDone) -> None:
        self.notify(message.text, severity="error" if message.error else "information")
        if message.reload:
            self.refresh_query()

    # --- saved filters -----------------------------------------------------------

    def action_save_filter(self) -> None:
        def named(name: str | None) -> None:
            if name:
                self.write_saved_filter(name, self.filter)

        self.app.push_screen(PromptScreen(t("pool.filter_name")), named)

    @work(thread=True, group="pool-write")
    def write_saved_filter(self, name: str, flt: PoolFilter) -> None:
        from cadre_tui.store import saved_filters

        conn = self.database.connect()
        try:
            saved_filters.save_filter(conn, name, flt)
        except CadreError as exc:
            self.post_message(ActionDone(exc.message(), reload=False, error=True))
            return
        finally:
            conn.close()
        self.post_message(ActionDone(t("pool.filter_saved", name=name), reload=False))
        self.load_saved_filters()

    @work(thread=True, exclusive=True, group="pool-saved")
    def load_saved_filters(self) -> None:
        from cadre_tui.store import saved_filters

        conn = self.database.connect()
        try:
            filters = saved_filters.list_saved_filters(conn)
        finally:
            conn.close()
        self.post_message(SavedFiltersLoaded(filters))

    def on_saved_filters_loaded(self, message: SavedFiltersLoaded) -> None:
        self.saved_filters = message.filters

    def apply_filter(self, flt: PoolFilter) -> None:
        """Used by the filter dialog and by saved filters recalled from the palette."""
        from textual.widgets import Input

        self.filter = flt
        search = self.query_one("#pool-search", Input)
        with search.prevent(Input.Changed):
            search.value = flt.text
        self.refresh_query()

    def action_filters(self) -> None:
        from cadre_tui.ui.screens.pool_filters import PoolFiltersScreen

        def chosen(flt: PoolFilter | None) -> None:
            if flt is not None:
                self.apply_filter(replace(flt, text=self.filter.text))

        self.app.push_screen(PoolFiltersScreen(self.filter), chosen)

    def action_import(self) -> None:
        """A unit's roster (.xlsx, .csv, .lrmx, a folder or .zip of .lrmx): checked
        and previewed before anything is written."""
        from pathlib import Path

        def check(value: str) -> str | None:
            path = Path(value).expanduser()
            return None if path.exists() else t("import_ui.no_such_file", path=value)

        def chosen(value: str | None) -> None:
            if not value:
                return
            from cadre_tui.ui.screens.import_preview import ImportPreviewScreen

            def done(written: int | None) -> None:
                if written:
                    self.refresh_query()

            self.app.push_screen(ImportPreviewScreen(Path(value).expanduser()), done)

        start = str(Path.cwd()) + "/"
        self.app.push_screen(PromptScreen(t("import_ui.ask_file"), start, check=check), chosen)
