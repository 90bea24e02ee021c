"""Live views and undo, for the app and its screens.

The app watches the database file in a thread worker: its own idle connection
asks ``PRAGMA data_version`` every :data:`POLL_SECONDS` (it changes when any
other connection, in any process, commits). On a change it bumps
``data_generation`` and tells the screen on top; a screen underneath catches up
when it is shown again. Each screen refreshes keeping its cursor on the same
record. When someone else wrote, a short notice says who.

Ctrl+Z reverses the user's last change (see :mod:`cadre_tui.store.undo`).
"""

from __future__ import annotations

import threading
import time

from textual import work
from textual.message import Message

from cadre_tui.errors import CadreError
from cadre_tui.i18n import t

POLL_SECONDS = 1.0
"""How often the file is asked whether anyone committed (the issue: within 2 s)."""

NOTICE_EVERY_SECONDS = 10.0
"""At most one "updated by" notice in this time, however busy the office is."""


class DataChanged(Message):
    """Someone committed to the database; ``others`` are the writers who are not us."""

    def __init__(self, generation: int, others: tuple[str, ...]) -> None:
        super().__init__()
        self.generation = generation
        self.others = others


class Undone(Message):
    """The result of a ctrl+z, already in the user's words."""

    def __init__(self, text: str, error: bool) -> None:
        super().__init__()
        self.text = text
        self.error = error


class LiveApp:
    """Mixin for the App: the watcher, the generation counter, and ctrl+z."""

    data_generation = 0
    _stop_watching: threading.Event | None = None
    _last_notice = 0.0

    def start_watching(self) -> None:
        """A plain daemon thread, not a Textual worker: it runs for the app's whole
        life, and waiting for the app's workers to finish must not wait for it."""
        self._stop_watching = threading.Event()
        threading.Thread(
            target=self._watch, args=(self._stop_watching,), name="cadre-live", daemon=True
        ).start()

    def stop_watching(self) -> None:
        if self._stop_watching is not None:
            self._stop_watching.set()

    def _watch(self, stop: threading.Event) -> None:
        from cadre_tui.store import audit, live

        me = audit.current_actor()
        try:
            conn = self.database.connect()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - no watching then; the screens still work
            return
        try:
            version, last_id = live.data_version(conn), live.last_audit_id(conn)
            while not stop.wait(POLL_SECONDS):
                now = live.data_version(conn)
                if now == version:
                    continue
                version = now
                writes = live.writes_since(conn, last_id)
                last_id = writes.last_id
                others = tuple(actor for actor in writes.actors if actor != me)
                if stop.is_set():
                    break
                self.call_from_thread(self._data_changed, others)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a watcher that fails (or outlives the app) just stops
            return
        finally:
            conn.close()

    def _data_changed(self, others: tuple[str, ...]) -> None:
        self.data_generation += 1
        self.screen.post_message(DataChanged(self.data_generation, others))  # type: ignore[attr-defined]
        if others and time.monotonic() - self._last_notice > NOTICE_EVERY_SECONDS:
            self._last_notice = time.monotonic()
            self.notify(  # type: ignore[attr-defined]
                t("live.updated_by", who=t("live.name_separator").join(others)),
                timeout=3,
            )

    # -- undo ---------------------------------------------------------------------

    def action_undo(self) -> None:
        self.run_undo()

    @work(thread=True, exclusive=True, group="undo")
    def run_undo(self) -> None:
        from cadre_tui.store import undo

        try:
            conn = self.database.connect()  # type: ignore[attr-defined]
            try:
                entry = undo.undo_last(conn)
                text = t("undo.done", what=undo.describe(entry), when=entry.local_time)
            finally:
                conn.close()
        except CadreError as exc:
            self.call_from_thread(self._undone, exc.message(), True)  # type: ignore[attr-defined]
            return
        self.call_from_thread(self._undone, text, False)  # type: ignore[attr-defined]

    def _undone(self, text: str, error: bool) -> None:
        self.notify(text, severity="error" if error else "information", timeout=6)  # type: ignore[attr-defined]
        if not error:
            self._data_changed(())


class LiveScreen:
    """Mixin for a screen that shows stored data: ``refresh_live`` reads it again,
    keeping the cursor on the same record, when someone commits."""

    seen_generation: int | None = None

    def refresh_live(self) -> None:
        raise NotImplementedError

    # Handlers by name, not ``@on``: a plain mixin's decorated handlers are not
    # collected, while every class in the MRO with ``on_<message>`` is called.
    def on_data_changed(self, message: DataChanged) -> None:
        self._catch_up(resumed=False)

    def on_screen_resume(self) -> None:
        self._catch_up(resumed=True)

    def _catch_up(self, resumed: bool) -> None:
        generation = getattr(self.app, "data_generation", 0)  # type: ignore[attr-defined]
        if self.seen_generation is None and resumed:
            self.seen_generation = generation  # first shown: it has just read everything
            return
        if generation != self.seen_generation:
            self.seen_generation = generation
            self.refresh_live()
