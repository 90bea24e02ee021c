"""A small keyboard form over one record, checked field by field as the user
leaves it; nothing is written until every field is right, and a store refusal
keeps everything typed. Subclasses say which fields, how to load, check and save
(the checking and saving live in services, never here).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, Select, Static

from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.store.connection import database_error
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.widgets.form_field import FormField, FormSelect, field_of

FORM_CSS = Path(__file__).resolve().parent.parent / "styles" / "form.tcss"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    """Catalog key of the label."""
    choice: bool = False
    required: bool = False
    placeholder: str = ""


class RecordFormScreen(TranslatedBindings, ModalScreen[int | None]):
    """Dismissed with the saved record's id, or None when cancelled."""

    CSS_PATH = str(FORM_CSS)
    AUTO_FOCUS = ""
    FIELDS: tuple[FieldSpec, ...] = ()

    BINDINGS = [
        Binding("ctrl+s", "save", "form.key_save", id="record_form.save"),
        Binding("escape", "cancel", "form.key_cancel", id="record_form.cancel"),
        Binding("f1", "app.help", "key.help", id="record_form.help"),
    ]

    class Loaded(Message):
        def __init__(self, data: Any) -> None:
            super().__init__()
            self.data = data

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Saved(Message):
        def __init__(self, record_id: int, name: str) -> None:
            super().__init__()
            self.record_id = record_id
            self.name = name

    def __init__(self, database) -> None:  # noqa: ANN001 - store.database.Database
        super().__init__(classes="cadre-form")
        self.database = database
        self.data: Any = None
        self.loaded = False
        self.saving = False
        self._touched: set[str] = set()
        self._initial: dict[str, Any] = {}
        self._discard_armed = False

    # -- what subclasses provide ----------------------------------------------------------

    def title_text(self) -> str:
        raise NotImplementedError

    def read(self, conn) -> Any:  # noqa: ANN001
        raise NotImplementedError

    def start_values(self) -> dict[str, Any]:
        raise NotImplementedError

    def choices(self, name: str) -> list[tuple[str, Any]]:
        return []

    def check(self, values: dict[str, Any]) -> dict[str, CadreError]:
        raise NotImplementedError

    def write(self, conn, values: dict[str, Any]) -> tuple[int, str]:  # noqa: ANN001
        """Save; returns (id, name) of the record saved."""
        raise NotImplementedError

    def first_field(self) -> str:
        """Where the cursor starts: the first field that can be edited."""
        return next(s.name for s in self.FIELDS if s.name not in self.fixed())

    def extra(self) -> ComposeResult:
        """Widgets below the fields (a list of receiving units ...)."""
        yield from ()

    def fixed(self) -> frozenset[str]:
        """Fields shown but not editable (e.g. a group's mode once formed)."""
        return frozenset()

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form-frame"):
            yield Static(t("form.loading"), id="form-title")
            with VerticalScroll(id="form-body", disabled=True):
                for spec in self.FIELDS:
                    yield FormField(
                        spec.name, t(spec.label), self._control(spec), required=spec.required
                    )
                yield from self.extra()
            yield Static(t("form.loading"), id="form-status", markup=False)
            yield Footer()

    def _control(self, spec: FieldSpec) -> Input | FormSelect:
        ident = f"input-{spec.name}"
        if not spec.choice:
            placeholder = t(spec.placeholder) if spec.placeholder else ""
            return Input(placeholder=placeholder, compact=True, id=ident, select_on_focus=False)
        return FormSelect([], prompt=t("form.prompt_choose"), compact=True, id=ident)

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def values(self) -> dict[str, Any]:
        return {spec.name: self.field(spec.name).value for spec in self.FIELDS}

    # -- loading --------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.watch(self, "focused", self._focus_moved, init=False)
        self._load()

    @work(thread=True, exclusive=True, group="record-form-load")
    def _load(self) -> None:
        try:
            conn = self.database.connect()
            try:
                data = self.read(conn)
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(self.Failed(exc.message()))
        else:
            self.post_message(self.Loaded(data))

    def on_record_form_screen_loaded(self, message: Loaded) -> None:
        self.data = message.data
        for spec in self.FIELDS:
            if spec.choice:
                control = self.field(spec.name).control
                assert isinstance(control, FormSelect)
                control.set_options(self.choices(spec.name))
        for name, value in self.start_values().items():
            self.field(name).set_value(value)
        for name in self.fixed():
            self.field(name).control.disabled = True
        self._initial = self.values()
        self.loaded = True
        self.query_one("#form-title", Static).update(self.title_text())
        self.query_one("#form-body").disabled = False
        self._status(t("form.hint"))
        self.field(self.first_field()).focus_control()

    def on_record_form_screen_failed(self, message: Failed) -> None:
        self.saving = False
        self._status(t("form.save_failed", reason=message.text), "-error")

    # -- checking -------------------------------------------------------------------------

    def _focus_moved(self, old: Widget | None, new: Widget | None) -> None:
        left, entered = field_of(old), field_of(new)
        if left is not None and left is not entered and self.loaded and not self.saving:
            self._touched.add(left.field)
            self._refresh_errors()

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        if self.loaded and self._discard_armed:
            self._discard_armed = False
            self._status(t("form.hint"))

    @on(Input.Submitted)
    def _next_on_enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _refresh_errors(self) -> dict[str, CadreError]:
        values = self.values()
        errors = self.check(values)
        for spec in self.FIELDS:
            error = errors.get(spec.name)
            shown = spec.name in self._touched
            self.field(spec.name).show_error(error.message() if error and shown else None)
        return errors

    # -- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if not self.loaded or self.saving:
            return
        self._touched.update(spec.name for spec in self.FIELDS)
        errors = self._refresh_errors()
        if errors:
            target = self.field(next(iter(errors)))
            target.focus_control()
            self.query_one("#form-body", VerticalScroll).scroll_to_widget(target, animate=False)
            self._status(t("form.invalid", count=len(errors)), "-error")
            return
        self.saving = True
        self._status(t("form.saving"))
        self._save(self.values())

    @work(thread=True, exclusive=True, group="record-form-save")
    def _save(self, values: dict[str, Any]) -> None:
        try:
            conn = self.database.connect()
            try:
                record_id, name = self.write(conn, values)
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(self.Failed(exc.message()))
        except Exception as exc:  # noqa: BLE001 - shown in the status line, form kept
            self.post_message(self.Failed(database_error(exc, self.database.path).message()))
        else:
            self.post_message(self.Saved(record_id, name))

    def on_record_form_screen_saved(self, message: Saved) -> None:
        self.app.notify(t("form.saved_record", name=message.name))
        self.dismiss(message.record_id)

    def action_cancel(self) -> None:
        if self.saving:
            return
        if self.loaded and self.values() != self._initial and not self._discard_armed:
            self._discard_armed = True
            self._status(t("form.confirm_discard"), "-warning")
            return
        self.dismiss(None)

    def _status(self, text: str, severity: str = "") -> None:
        status = self.query_one("#form-status", Static)
        status.update(Text(text))
        status.set_classes(severity)
