"""Importing a leader's daily sheet (CSV) from the figure entry screen, through
exactly the check ``cadre-tui record --csv`` makes (services/sheet_record):
every problem named by its line, or every figure written in one transaction."""

from __future__ import annotations

from textual import work

from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.ui.screens import batch_actions
from cadre_tui.ui.screens.dialogs import ConfirmScreen


class DailySheetImport:
    """Mixed into FigureEntryScreen, which provides ``database``, ``load``,
    ``_say`` and ``written``."""

    def action_import_sheet(self) -> None:
        """A leader's CSV sheet (cadre, date, metric, value[, place]), checked exactly
        as ``cadre-tui record --csv`` checks it and written in one transaction."""
        from pathlib import Path

        from cadre_tui.ui.screens.dialogs import PromptScreen

        def check(value: str) -> str | None:
            path = Path(value).expanduser()
            return None if path.is_file() else t("entry.no_such_file", path=value)

        def chosen(value: str | None) -> None:
            if value:
                self.record_sheet(Path(value).expanduser(), confirm=False)

        start = str(Path.cwd()) + "/"
        self.app.push_screen(PromptScreen(t("entry.ask_sheet"), start, check=check), chosen)

    @work(thread=True, exclusive=True, group="entry-sheet")
    def record_sheet(self, path, confirm: bool) -> None:  # noqa: ANN001 - a Path
        from cadre_tui.services.figure_sheet import read_sheet
        from cadre_tui.services.sheet_record import record_lines

        try:
            lines = read_sheet(path.read_bytes())
            conn = self.database.connect()
            try:
                verdict = record_lines(
                    conn, lines, today=batch_actions.today(), confirm_warnings=confirm
                )
            finally:
                conn.close()
        except (CadreError, OSError) as exc:
            text = exc.message() if isinstance(exc, CadreError) else str(exc)
            from cadre_tui.ui.screens.figure_entry import GridWritten

            self.post_message(GridWritten(t("entry.sheet_refused", reason=text), error=True))
            return
        self.app.call_from_thread(self._sheet_done, path, verdict)

    def _sheet_done(self, path, verdict) -> None:  # noqa: ANN001 - Path, SheetVerdict
        if verdict.written:
            self.written += len(verdict.written)
            text = t("entry.sheet_saved", new=verdict.new, corrected=verdict.corrected)
            self.notify(text)
            self.load()
            return
        if not verdict.problems:
            self.notify(t("entry.nothing_changed"))
            return
        shown = "\n".join(p.text for p in verdict.problems[:8])
        more = len(verdict.problems) - 8
        if more > 0:
            shown += "\n" + t("entry.sheet_more", count=more)
        if verdict.errors:
            self._say(t("entry.sheet_errors", count=verdict.errors), "-error")
            question = t("entry.sheet_errors", count=verdict.errors) + "\n" + shown
            self.app.push_screen(ConfirmScreen(question + "\n" + t("entry.sheet_nothing")))
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.record_sheet(path, confirm=True)

        question = t("entry.confirm_warnings", count=verdict.warnings) + "\n" + shown
        self.app.push_screen(ConfirmScreen(question), confirmed)
