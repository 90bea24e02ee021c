"""The batch form (number, name, purpose, dates, whether leaders may go, the
receiving units) and the working-group form (unit, mode, liaison, branch
secretary, leaders in charge, office), on the shared record form."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static
from textual.widgets.selection_list import Selection

from cadre_tui.domain.enums import ManagementMode
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services import batch_forms
from cadre_tui.ui.screens.record_form import FieldSpec, RecordFormScreen
from cadre_tui.ui.widgets.tick_list import TickList


class BatchFormScreen(RecordFormScreen):
    FIELDS = (
        FieldSpec("number", "batch_form.number", required=True),
        FieldSpec("name", "batch_form.name", required=True),
        FieldSpec("purpose", "batch_form.purpose"),
        FieldSpec(
            "start_date",
            "batch_form.start_date",
            required=True,
            placeholder="form.placeholder.date",
        ),
        FieldSpec("planned_end", "batch_form.planned_end", placeholder="form.placeholder.date"),
        FieldSpec("allow_leaders", "batch_form.allow_leaders", choice=True),
    )

    def __init__(self, database, batch_id: int | None = None) -> None:  # noqa: ANN001
        super().__init__(database)
        self.batch_id = batch_id

    def title_text(self) -> str:
        if self.data.batch is None:
            return t("batch_form.title_new")
        return t("batch_form.title_edit", number=self.data.batch.number)

    def first_field(self) -> str:
        """A new batch's number is filled in already: start at its name."""
        return "name" if self.batch_id is None else "number"

    def read(self, conn) -> batch_forms.BatchFormData:  # noqa: ANN001
        return batch_forms.load_batch_form(conn, self.batch_id)

    def start_values(self) -> dict[str, Any]:
        return batch_forms.batch_values(self.data)

    def choices(self, name: str) -> list[tuple[str, Any]]:
        return [(t("batch.yes"), True), (t("batch.no"), False)]

    def extra(self) -> ComposeResult:
        yield Static(t("batch_form.units"), classes="form-section")
        yield TickList[int](id="form-units")

    def on_record_form_screen_loaded(self, message: RecordFormScreen.Loaded) -> None:
        super().on_record_form_screen_loaded(message)
        ticks = self.query_one("#form-units", TickList)
        for unit in self.data.receiving_units:
            label = f"{unit.name} · {unit.default_mode.label()}"
            ticks.add_option(Selection(label, unit.id, unit.id in self.data.chosen_units))

    def check(self, values: dict[str, Any]) -> dict[str, CadreError]:
        return batch_forms.check_batch_form(values)

    def write(self, conn, values: dict[str, Any]) -> tuple[int, str]:  # noqa: ANN001
        units = list(self.query_one("#form-units", TickList).selected)
        batch = batch_forms.save_batch(conn, self.batch_id, values, units)
        return batch.id, batch.name


class GroupFormScreen(RecordFormScreen):
    FIELDS = (
        FieldSpec("name", "group_form.name", required=True),
        FieldSpec("receiving_unit_id", "group_form.unit", choice=True, required=True),
        FieldSpec("mode", "group_form.mode", choice=True, required=True),
        FieldSpec("liaison_officer_id", "group_form.liaison", choice=True),
        FieldSpec("branch_secretary", "group_form.branch_secretary"),
        FieldSpec("sending_leader_in_charge", "group_form.sending_leader"),
        FieldSpec("receiving_leader_in_charge", "group_form.receiving_leader"),
        FieldSpec("office", "group_form.office"),
    )

    def __init__(
        self,
        database,  # noqa: ANN001
        batch_id: int,
        group_id: int | None = None,
        unit_id: int | None = None,
    ) -> None:
        super().__init__(database)
        self.batch_id = batch_id
        self.group_id = group_id
        self.unit_id = unit_id

    def title_text(self) -> str:
        if self.data.group is None:
            return t("group_form.title_new", batch=self.data.batch.name)
        return t("group_form.title_edit", name=self.data.group.name)

    def read(self, conn) -> batch_forms.GroupFormData:  # noqa: ANN001
        return batch_forms.load_group_form(conn, self.batch_id, self.group_id, self.unit_id)

    def start_values(self) -> dict[str, Any]:
        return batch_forms.group_values(self.data)

    def fixed(self) -> frozenset[str]:
        return batch_forms.GROUP_FIXED if self.data.group is not None else frozenset()

    def choices(self, name: str) -> list[tuple[str, Any]]:
        if name == "receiving_unit_id":
            return [(u.name, u.id) for u in self.data.receiving_units]
        if name == "mode":
            return [(m.label(), m) for m in ManagementMode]
        return [(f"{o.name} {o.post}".strip(), o.id) for o in self.data.officers]

    def check(self, values: dict[str, Any]) -> dict[str, CadreError]:
        return batch_forms.check_group_form(values)

    def write(self, conn, values: dict[str, Any]) -> tuple[int, str]:  # noqa: ANN001
        group = batch_forms.save_group(conn, self.batch_id, self.data.group, values)
        return group.id, group.name
