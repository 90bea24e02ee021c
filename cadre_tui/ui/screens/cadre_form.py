"""The cadre form: add a cadre to the pool or edit one, checked field by field.

Each field is checked as the user leaves it, so a wrong ID number or date is
caught while the paper record is still in hand; nothing is written until the
whole form is valid, and a store refusal (someone else's edit, a duplicate)
keeps everything typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, Select, Static

from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.model import Cadre, NewCadre, SendingUnit
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.cadre_records import (
    CHOICE_FIELDS,
    FIELDS,
    REQUIRED,
    CadreFormData,
    IdHolder,
    build_record,
    check_form,
    filled_from_id,
    find_id_holder,
    form_values,
    id_facts,
    load_form_data,
    save_cadre,
    tidied,
)
from cadre_tui.store.connection import database_error
from cadre_tui.store.database import Database
from cadre_tui.ui import clock
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.widgets.form_field import FormField, FormSelect, field_of

FORM_CSS = Path(__file__).resolve().parent.parent / "styles" / "form.tcss"
"""Loaded with the screen (absolute, so a subclass elsewhere still finds it)."""

_PLACEHOLDERS = {
    "birth_date": "form.placeholder.date",
    "party_joined_on": "form.placeholder.date",
    "work_started_on": "form.placeholder.date",
    "id_number": "form.placeholder.id_number",
    "phone": "form.placeholder.phone",
}
_CHOICES: dict[str, type[Gender | PartyStatus | CadreCategory]] = {
    "gender": Gender,
    "party_status": PartyStatus,
    "category": CadreCategory,
}


class CadreFormScreen(TranslatedBindings, ModalScreen[int | None]):
    """Add (``cadre_id=None``) or edit a cadre; dismisses with the saved cadre's id,
    or None when cancelled."""

    CSS_PATH = str(FORM_CSS)
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("ctrl+s", "save", "form.key_save", id="form.save"),
        Binding("escape", "cancel", "form.key_cancel", id="form.cancel"),
        Binding("ctrl+r", "reload", "form.key_reload", id="form.reload"),
        Binding("f1", "app.help", "key.help", id="form.help"),
    ]
    """A modal screen hides the app's bindings, so help is offered here again (F1
    only: ? is typed into fields)."""

    @dataclass
    class Loaded(Message):
        """The cadre and the sending units, read off the UI thread."""

        data: CadreFormData

    @dataclass
    class LoadFailed(Message):
        text: str

    @dataclass
    class IdLookedUp(Message):
        """Who else holds ``id_number`` (None: nobody)."""

        id_number: str
        holder: IdHolder | None

    @dataclass
    class Saved(Message):
        cadre: Cadre

    @dataclass
    class SaveFailed(Message):
        """The store refused; ``field`` names the field to blame when there is one."""

        text: str
        field: str | None = None
        conflict: bool = False
        """Someone else saved the record meanwhile: offer to reload it."""

    def __init__(self, database: Database, cadre_id: int | None = None) -> None:
        super().__init__(classes="cadre-form")
        self.database = database
        self.cadre_id = cadre_id
        self.cadre: Cadre | None = None
        self.units: tuple[SendingUnit, ...] = ()
        self.loaded = False
        self.saving = False
        self._initial: dict[str, object] = {}
        self._touched: set[str] = set()
        self._holders: dict[str, IdHolder | None] = {}
        self._discard_armed = False
        self.conflict = False
        self._remaining: int | None = None
        """Fields still wrong since a refused save (None: not counting)."""

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form-frame"):
            yield Static(self._title(), id="form-title")
            with VerticalScroll(id="form-body", disabled=True):
                for field in FIELDS:
                    label = t(f"form.label.{field}")
                    yield FormField(field, label, self._control(field), required=field in REQUIRED)
            yield Static(t("form.loading"), id="form-status", markup=False)
            yield Footer()

    def _title(self) -> str:
        if self.cadre_id is None:
            return t("form.title_add")
        if self.cadre is None:
            return t("form.title_edit_loading")
        return t("form.title_edit", name=self.cadre.name)

    def _control(self, field: str) -> Input | FormSelect:
        ident = f"input-{field}"
        if field not in CHOICE_FIELDS:
            placeholder = t(_PLACEHOLDERS[field]) if field in _PLACEHOLDERS else ""
            return Input(placeholder=placeholder, compact=True, id=ident, select_on_focus=False)
        options: list[tuple[str, object]] = []
        if field in _CHOICES:
            options = [(member.label(), member) for member in _CHOICES[field]]
        return FormSelect(
            options,
            prompt=t("form.prompt_choose"),
            allow_blank=field != "party_status",
            compact=True,
            id=ident,
        )

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def values(self) -> dict[str, object]:
        """What the form holds now: text as typed, choices as codes (None if unchosen)."""
        return {name: self.field(name).value for name in FIELDS}

    @property
    def dirty(self) -> bool:
        return self.loaded and self.values() != self._initial

    # -- loading ------------------------------------------------------------------

    def on_mount(self) -> None:
        self.watch(self, "focused", self._focus_moved, init=False)
        self._load()

    @work(thread=True, exclusive=True, group="cadre-form-load")
    def _load(self) -> None:
        """Read the cadre and the sending units with this thread's own connection."""
        try:
            conn = self.database.connect()
            try:
                data = load_form_data(conn, self.cadre_id)
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(self.LoadFailed(exc.message()))
        except Exception as exc:  # noqa: BLE001 - a read failure is shown, not raised
            self.post_message(self.LoadFailed(database_error(exc, self.database.path).message()))
        else:
            self.post_message(self.Loaded(data))

    def on_cadre_form_screen_loaded(self, message: Loaded) -> None:
        self.cadre, self.units = message.data.cadre, message.data.units
        choices = self.field("sending_unit_id").control
        assert isinstance(choices, FormSelect)
        choices.set_options([(unit.name, unit.id) for unit in self.units])
        for name, value in form_values(self.cadre).items():
            self.field(name).set_value(value)
        self._initial = self.values()
        self.loaded = True
        self.query_one("#form-title", Static).update(self._title())
        self.query_one("#form-body").disabled = False
        self._status(t("form.hint"))
        self._refresh_errors()
        self.field(FIELDS[0]).focus_control()

    def on_cadre_form_screen_load_failed(self, message: LoadFailed) -> None:
        self._status(t("form.load_failed", reason=message.text), "-error")

    # -- checking as the user leaves a field ------------------------------------------

    def _focus_moved(self, old: Widget | None, new: Widget | None) -> None:
        left, entered = field_of(old), field_of(new)
        if left is not None and left is not entered and self.loaded and not self.saving:
            self._leave(left.field)

    def _leave(self, name: str) -> None:
        self._touched.add(name)
        value = self.field(name).value
        if isinstance(value, str) and tidied(name, value) != value:
            self.field(name).set_value(tidied(name, value))
        if name == "id_number":
            for other, value in filled_from_id(self.values()).items():
                self.field(other).set_value(value)
                self._touched.add(other)
            self._look_up_id()
        self._refresh_errors()

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | Select.Changed) -> None:
        owner = field_of(event.control)
        if owner is None or not self.loaded:
            return
        if self._discard_armed:
            self._discard_armed = False
            self._idle_status()
        if isinstance(event, Select.Changed):
            if event.value is not Select.NULL:
                self._touched.add(owner.field)
            self._refresh_errors()
        elif owner.error is not None:
            self._refresh_errors(only_clear=owner.field)

    @on(Input.Submitted)
    def _next_on_enter(self, event: Input.Submitted) -> None:
        """Enter in a text field moves on, as in the paper form's order."""
        event.stop()
        self.focus_next()

    def _refresh_errors(self, only_clear: str | None = None) -> dict[str, CadreError]:
        """Check the whole form and show the messages of fields the user has been
        through (or that hold something); ``only_clear`` lets a field being typed
        in lose its message as soon as it is right, without nagging mid-word."""
        values = self.values()
        errors = check_form(values, clock.today(), self._current_holder(values))
        for name in FIELDS if only_clear is None else (only_clear,):
            error = errors.get(name)
            if only_clear is not None and error is not None:
                continue
            shown = name in self._touched or _has_value(values[name])
            self.field(name).show_error(error.message() if error and shown else None)
        if self._remaining is not None:
            self._count_remaining()
        return errors

    def _idle_status(self) -> None:
        if self._remaining is not None:
            self._count_remaining()
        else:
            self._status(t("form.hint"))

    def _count_remaining(self) -> None:
        """After a refused save, keep the status line's count true as fields are fixed."""
        remaining = sum(self.field(name).error is not None for name in FIELDS)
        if remaining == self._remaining:
            return
        self._remaining = remaining or None
        if remaining:
            self._status(t("form.remaining", count=remaining), "-error")
        else:
            self._status(t("form.hint"))

    def _current_holder(self, values: dict[str, object]) -> IdHolder | None:
        identity = id_facts(values)
        return self._holders.get(identity.value) if identity is not None else None

    def _look_up_id(self) -> None:
        identity = id_facts(self.values())
        if identity is not None and identity.value not in self._holders:
            self._find_holder(identity.value)

    @work(thread=True, exclusive=True, group="cadre-form-id")
    def _find_holder(self, id_number: str) -> None:
        """Ask the pool who else holds this ID number, off the UI thread."""
        try:
            conn = self.database.connect()
            try:
                holder = find_id_holder(conn, id_number, self.cadre_id)
            finally:
                conn.close()
        except Exception:  # noqa: BLE001 - the save checks again and reports the failure
            return
        self.post_message(self.IdLookedUp(id_number, holder))

    def on_cadre_form_screen_id_looked_up(self, message: IdLookedUp) -> None:
        self._holders[message.id_number] = message.holder
        self._touched.add("id_number")
        self._refresh_errors()

    # -- saving and leaving -------------------------------------------------------------

    def action_save(self) -> None:
        if not self.loaded or self.saving:
            return
        self._touched.update(FIELDS)
        errors = self._refresh_errors()
        if errors:
            self._point_at(next(iter(errors)), len(errors))
            return
        status = self.cadre.status if self.cadre is not None else CadreStatus.AVAILABLE
        self.saving = True
        self._status(t("form.saving"))
        self._save(build_record(self.values(), status))

    @work(thread=True, exclusive=True, group="cadre-form-save")
    def _save(self, record: NewCadre) -> None:
        """Check the ID number is free, then write in one store transaction."""
        version = self.cadre.row_version if self.cadre is not None else 0
        try:
            conn = self.database.connect()
            try:
                holder = find_id_holder(conn, record.id_number, self.cadre_id)
                if holder is not None:
                    self.post_message(self.IdLookedUp(record.id_number, holder))
                    self.post_message(self.SaveFailed("", field="id_number"))
                    return
                cadre = save_cadre(conn, self.cadre_id, record, version, loaded=self.cadre)
            finally:
                conn.close()
        except CadreError as exc:
            conflict = exc.key == "form.changed_elsewhere"
            self.post_message(self.SaveFailed(exc.message(), conflict=conflict))
        except Exception as exc:  # noqa: BLE001 - shown in the status line, form kept
            self.post_message(self.SaveFailed(database_error(exc, self.database.path).message()))
        else:
            self.post_message(self.Saved(cadre))

    def on_cadre_form_screen_save_failed(self, message: SaveFailed) -> None:
        self.saving = False
        if message.conflict:
            self.conflict = True
            self.refresh_bindings()
            self._status(f"{message.text}\n{t('form.conflict_hint')}", "-error")
        elif message.field is not None:
            errors = self._refresh_errors()
            self._point_at(message.field, max(1, len(errors)))
        else:
            self._status(t("form.save_failed", reason=message.text), "-error")

    def on_cadre_form_screen_saved(self, message: Saved) -> None:
        key = "form.saved_new" if self.cadre_id is None else "form.saved_edit"
        self.app.notify(t(key, name=message.cadre.name))
        self.dismiss(message.cadre.id)

    def _point_at(self, name: str, count: int) -> None:
        """Put the cursor on the field to fix and say how many need fixing."""
        target = self.field(name)
        target.focus_control()
        self.query_one("#form-body", VerticalScroll).scroll_to_widget(target, animate=False)
        self._status(t("form.invalid", count=count), "-error")
        self._remaining = count

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Reloading is offered only after a save refused for someone else's edit."""
        if action == "reload":
            return self.conflict
        return True

    def action_reload(self) -> None:
        """Read the record as it now stands; the edits typed here are dropped."""
        if not self.conflict or self.saving:
            return
        self.conflict = False
        self.loaded = False
        self._discard_armed = False
        self.refresh_bindings()
        self._status(t("form.loading"))
        self._load()

    def action_cancel(self) -> None:
        """Close; with unsaved changes the first Escape only warns."""
        if self.saving:
            return
        if self.dirty and not self._discard_armed:
            self._discard_armed = True
            self._status(t("form.confirm_discard"), "-warning")
            return
        self.dismiss(None)

    def _status(self, text: str, severity: str = "") -> None:
        status = self.query_one("#form-status", Static)
        status.update(Text(text))
        status.set_classes(severity)


def _has_value(value: object) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))
