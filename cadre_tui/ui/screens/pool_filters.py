"""The pool's structured filters in one keyboard dialog: status, category, party
status, sending units, age range and "eligible only"; they combine with the
search text."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, SelectionList, Static

from cadre_tui.domain.enums import CadreCategory, CadreStatus, PartyStatus
from cadre_tui.domain.pool_query import PoolFilter
from cadre_tui.i18n import t
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.widgets.tick_list import TickList


class UnitsLoaded(Message):
    def __init__(self, units: list[tuple[int, str]]) -> None:
        super().__init__()
        self.units = units


class PoolFiltersScreen(TranslatedBindings, ModalScreen[PoolFilter | None]):
    BINDINGS = [
        Binding("ctrl+s", "apply", "filters.key_apply", id="filters.apply"),
        Binding("ctrl+r", "clear", "filters.key_clear", id="filters.clear"),
        Binding("escape", "cancel", "filters.key_cancel", id="filters.cancel"),
    ]

    def __init__(self, current: PoolFilter) -> None:
        super().__init__(id="pool-filters-dialog")
        self.current = current

    def compose(self) -> ComposeResult:
        flt = self.current
        with VerticalScroll(id="filters-body"):
            yield Static(t("filters.title"), classes="dialog-question")
            with Horizontal(id="filters-lists"):
                yield _choices("filters.status", "f-status", CadreStatus, flt.statuses)
                yield _choices("filters.category", "f-category", CadreCategory, flt.categories)
                yield _choices("filters.party", "f-party", PartyStatus, flt.party_statuses)
            yield Label(t("filters.units"))
            yield TickList[int](id="f-units")
            with Horizontal(id="filters-age"):
                yield Label(t("filters.age"))
                yield Input(_number(flt.age_min), id="f-age-min", restrict=r"\d{0,2}")
                yield Label("–")
                yield Input(_number(flt.age_max), id="f-age-max", restrict=r"\d{0,2}")
                yield Checkbox(t("filters.eligible"), flt.eligible_only, id="f-eligible")
            yield Static(t("filters.hint"), classes="dialog-hint")
            yield Static("", id="filters-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#f-status", SelectionList).focus()
        self.load_units()

    @work(thread=True, exclusive=True, group="filters-units")
    def load_units(self) -> None:
        from cadre_tui.store import pool

        conn = self.app.database.connect()  # type: ignore[attr-defined]
        try:
            units = pool.unit_choices(conn)
        finally:
            conn.close()
        self.post_message(UnitsLoaded(units))

    @on(UnitsLoaded)
    def _units(self, message: UnitsLoaded) -> None:
        chosen = self.current.sending_unit_ids
        self.query_one("#f-units", SelectionList).add_options(
            [(name, unit_id, unit_id in chosen) for unit_id, name in message.units]
        )

    def chosen(self) -> PoolFilter | None:
        low = self.query_one("#f-age-min", Input).value
        high = self.query_one("#f-age-max", Input).value
        age_min, age_max = (int(low) if low else None), (int(high) if high else None)
        if age_min is not None and age_max is not None and age_min > age_max:
            self.query_one("#filters-error", Static).update(t("filters.age_order"))
            return None
        return PoolFilter(
            text=self.current.text,
            statuses=frozenset(
                CadreStatus(v) for v in self.query_one("#f-status", SelectionList).selected
            ),
            categories=frozenset(
                CadreCategory(v) for v in self.query_one("#f-category", SelectionList).selected
            ),
            party_statuses=frozenset(
                PartyStatus(v) for v in self.query_one("#f-party", SelectionList).selected
            ),
            sending_unit_ids=frozenset(self.query_one("#f-units", SelectionList).selected),
            age_min=age_min,
            age_max=age_max,
            eligible_only=self.query_one("#f-eligible", Checkbox).value,
        )

    def action_apply(self) -> None:
        flt = self.chosen()
        if flt is not None:
            self.dismiss(flt)

    def action_clear(self) -> None:
        self.dismiss(PoolFilter(text=self.current.text))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _choices(title_key: str, ident: str, enum: type, chosen: frozenset) -> Vertical:
    selection = TickList[str](
        *[(member.label(), member.value, member in chosen) for member in enum], id=ident
    )
    selection.border_title = t(title_key)
    return Vertical(selection, classes="filters-list")
