"""The coordination screen's forms, on the shared record form: a logistics item,
its state, a meeting (with one follow-up that becomes an item), a training
session, a mentor. Checks and saves are in :mod:`cadre_tui.services.coordination_forms`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cadre_tui.domain.coordination import (
    MEETING_KINDS,
    LogisticsCategory,
    LogisticsState,
    TrainingKind,
)
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services import coordination_forms as forms
from cadre_tui.ui.screens.record_form import FieldSpec, RecordFormScreen

DATE_HINT = "form.placeholder.date"


class ItemFormScreen(RecordFormScreen):
    FIELDS = (
        FieldSpec("group_id", "coord.field.group", choice=True, required=True),
        FieldSpec("category", "coord.field.category", choice=True, required=True),
        FieldSpec("description", "coord.field.description", required=True),
        FieldSpec("raised_by", "coord.field.raised_by"),
        FieldSpec("raised_on", "coord.field.raised_on", required=True, placeholder=DATE_HINT),
        FieldSpec("owner", "coord.field.owner"),
        FieldSpec("due_on", "coord.field.due_on", placeholder=DATE_HINT),
    )

    def __init__(self, database, item_id: int | None, today: dt.date) -> None:  # noqa: ANN001
        super().__init__(database)
        self.item_id = item_id
        self.today = today

    def title_text(self) -> str:
        return t("coord.title_item_new" if self.data.item is None else "coord.title_item_edit")

    def read(self, conn) -> forms.ItemFormData:  # noqa: ANN001
        return forms.load_item_form(conn, self.item_id)

    def start_values(self) -> dict[str, Any]:
        return forms.item_values(self.data, self.today)

    def fixed(self) -> frozenset[str]:
        return frozenset({"group_id", "raised_by", "raised_on"}) if self.data.item else frozenset()

    def choices(self, name: str) -> list[tuple[str, Any]]:
        if name == "group_id":
            groups = [(g.label, g.id) for g in self.data.groups]
            item = self.data.item
            if item is not None and item.group_id not in {g.id for g in self.data.groups}:
                groups.append((str(item.group_id), item.group_id))
            return groups
        return [(c.label(), c) for c in LogisticsCategory]

    def check(self, values: dict[str, Any]) -> dict[str, CadreError]:
        return forms.check_item(values)

    def write(self, conn, values: dict[str, Any]) -> tuple[int, str]:  # noqa: ANN001
        return forms.save_item(conn, self.data, values), values["description"]


class ItemStateScreen(RecordFormScreen):
    FIELDS = (
        FieldSpec("state", "coord.field.state", choice=True, required=True),
        FieldSpec("resolution", "coord.field.resolution"),
        FieldSpec("on", "coord.field.on", required=True, placeholder=DATE_HINT),
    )

    def __init__(self, database, item_id: int, today: dt.date) -> None:  # noqa: ANN001
        super().__init__(database)
        self.item_id = item_id
        self.today = today

    def title_text(self) -> str:
        return t("coord.title_state", item=self.data.item.description)

    def read(self, conn) -> forms.ItemFormData:  # noqa: ANN001
        return forms.load_item_form(conn, self.item_id)

    def start_values(self) -> dict[str, Any]:
        item = self.data.item
        return {"state": item.state, "resolution": item.resolution, "on": self.today.isoformat()}

    def choices(self, name: str) -> list[tuple[str, Any]]:
        return [(s.label(), s) for s in LogisticsState]

    def check(self, values: dict[str, Any]) -> dict[str, CadreError]:
        return forms.check_state(values)

    def write(self, conn, values: dict[str, Any]) -> tuple[int, str]:  # noqa: ANN001
        return forms.save_state(conn, self.data.item, values), self.data.item.description


class _GroupEventForm(RecordFormScreen):
    """A meeting or a training session: held on a day, attended by one open group."""

    def __init__(self, database, today: dt.date) -> None:  # noqa: ANN001
        super().__init__(database)
        self.today = today

    def read(self, conn) -> tuple[forms.GroupChoice, ...]:  # noqa: ANN001
        return forms.open_groups(conn)

    def start_values(self) -> dict[str, Any]:
        return {"held_on": self.today.isoformat(), "kind": None, "group_id": None}


class MeetingFormScreen(_GroupEventForm):
    FIELDS = (
        FieldSpec("held_on", "coord.field.held_on", required=True, placeholder=DATE_HINT),
        FieldSpec("kind", "coord.field.meeting_kind", choice=True, required=True),
        FieldSpec("place", "coord.field.place", required=True),
        FieldSpec("group_id", "coord.field.attending", choice=True, required=True),
        FieldSpec("notes", "coord.field.notes"),
        FieldSpec("decisions", "coord.field.decisions"),
        FieldSpec("follow_up", "coord.field.follow_up"),
        FieldSpec("follow_category", "coord.field.category", choice=True),
        FieldSpec("follow_owner", "coord.field.owner"),
        FieldSpec("follow_due", "coord.field.due_on", placeholder=DATE_HINT),
    )

    def title_text(self) -> str:
        return t("coord.title_meeting")

    def choices(self, name: str) -> list[tuple[str, Any]]:
        if name == "group_id":
            return [(g.label, g.id) for g in self.data]
        if name == "kind":
            return [(k.label(), k) for k in MEETING_KINDS]
        return [(c.label(), c) for c in LogisticsCategory]

    def check(self, values: dict[str, Any]) -> dict[str, CadreError]:
        return forms.check_meeting(values)

    def write(self, conn, values: dict[str, Any]) -> tuple[int, str]:  # noqa: ANN001
        return forms.save_meeting(conn, self.data, values), values["place"]


class TrainingFormScreen(_GroupEventForm):
    FIELDS = (
        FieldSpec("held_on", "coord.field.held_on", required=True, placeholder=DATE_HINT),
        FieldSpec("kind", "coord.field.training_kind", choice=True, required=True),
        FieldSpec("title", "coord.field.title", required=True),
        FieldSpec("place", "coord.field.place"),
        FieldSpec("group_id", "coord.field.attending", choice=True, required=True),
    )

    def title_text(self) -> str:
        return t("coord.title_training")

    def choices(self, name: str) -> list[tuple[str, Any]]:
        if name == "group_id":
            return [(g.label, g.id) for g in self.data]
        return [(k.label(), k) for k in TrainingKind]

    def check(self, values: dict[str, Any]) -> dict[str, CadreError]:
        return forms.check_training(values)

    def write(self, conn, values: dict[str, Any]) -> tuple[int, str]:  # noqa: ANN001
        return forms.save_training(conn, self.data, values), values["title"]


class MentorFormScreen(RecordFormScreen):
    FIELDS = (
        FieldSpec("name", "coord.field.mentor_name", required=True),
        FieldSpec("post", "coord.field.mentor_post", required=True),
        FieldSpec("village", "coord.field.mentor_village"),
        FieldSpec("started_on", "coord.field.started_on", required=True, placeholder=DATE_HINT),
    )

    def __init__(self, database, placement_id: int, today: dt.date) -> None:  # noqa: ANN001
        super().__init__(database)
        self.placement_id = placement_id
        self.today = today

    def title_text(self) -> str:
        return t("coord.title_mentor")

    def read(self, conn) -> None:  # noqa: ANN001
        return None

    def start_values(self) -> dict[str, Any]:
        return {"started_on": self.today.isoformat()}

    def check(self, values: dict[str, Any]) -> dict[str, CadreError]:
        return forms.check_mentor(values)

    def write(self, conn, values: dict[str, Any]) -> tuple[int, str]:  # noqa: ANN001
        return forms.save_mentor(conn, self.placement_id, values), values["name"]
