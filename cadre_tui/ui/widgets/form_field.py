"""One labelled form field on a single line, with its message on the line below.

Single-line compact controls let a whole cadre record fit 80×24; ↑/↓ move
between fields (as Tab does) because office staff fill forms top to bottom.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static
from textual.widgets._select import SelectCurrent, SelectOverlay  # no public names

from cadre_tui.ui.bindings import TranslatedBindings


class FormSelectOverlay(TranslatedBindings, SelectOverlay):
    """The open list, whose Escape reads in the user's language in the footer."""

    BINDINGS = [
        Binding("escape", "dismiss", "form.key_close_choices", id="form.close_choices"),
    ]


class FormSelect(TranslatedBindings, Select[Any], inherit_bindings=False):
    """A Select that opens on Enter or Space only, so ↑/↓ keep moving between fields
    instead of springing the list open."""

    BINDINGS = [
        Binding(
            "enter,space",
            "show_overlay",
            "form.key_open_choices",
            id="form.open_choices",
            show=False,
        ),
    ]

    def compose(self) -> ComposeResult:
        """Select's own parts, with the translated overlay in place of Textual's."""
        yield SelectCurrent(self.prompt)
        yield FormSelectOverlay(type_to_search=self._type_to_search).data_bind(
            compact=Select.compact
        )


class FormField(TranslatedBindings, Vertical):
    """A label, the control, and a message line shown only when the value is wrong."""

    BINDINGS = [
        Binding("down", "app.focus_next", "form.key_next_field", id="form.next_field", show=False),
        Binding(
            "up",
            "app.focus_previous",
            "form.key_previous_field",
            id="form.previous_field",
            show=False,
        ),
    ]

    def __init__(
        self, field: str, label: str, control: Input | FormSelect, *, required: bool = False
    ) -> None:
        super().__init__(id=f"field-{field}", classes="form-field")
        self.field = field
        self.label = label
        self.required = required
        self.control = control
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(self._label_text(), classes="form-label")
            yield self.control
        yield Static("", classes="form-error", markup=False)

    def _label_text(self) -> Text:
        text = Text(self.label)
        if self.required:
            text.append(" *", style="bold")
        return text

    @property
    def value(self) -> object:
        """The text typed, or the choice made (None when nothing is chosen)."""
        if isinstance(self.control, Input):
            return self.control.value
        return self.control.selection

    def set_value(self, value: object) -> None:
        if isinstance(self.control, Input):
            self.control.value = "" if value is None else str(value)
            self.control.cursor_position = len(self.control.value)
        elif value is None:
            self.control.clear()
        else:
            self.control.value = value

    def show_error(self, text: str | None) -> None:
        """Show ``text`` under the field (None clears it); the label turns red too."""
        if text == self.error:
            return
        self.error = text
        self.query_one(".form-error", Static).update(text or "")
        self.set_class(text is not None, "-invalid")

    def focus_control(self) -> Widget:
        return self.control.focus()


def field_of(widget: Widget | None) -> FormField | None:
    """The form field a focused widget belongs to (a Select's open list included)."""
    if widget is None:
        return None
    return next((n for n in widget.ancestors_with_self if isinstance(n, FormField)), None)
