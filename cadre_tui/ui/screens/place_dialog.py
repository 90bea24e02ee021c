"""Placing a member as the group's mode requires, by keyboard: a village
(stationed by village), the town office or a field team (block-and-line), or
the projects they own (project-based); and the villages a group covers.

Each choice shows who already works there in the batch, so gaps are seen as
the choice is made. The store checks the choice again when it is written.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from cadre_tui.domain.enums import LineSide, ManagementMode
from cadre_tui.domain.model import WorkingGroup
from cadre_tui.i18n import t
from cadre_tui.services.placing import PlaceChoices, PlaceOption
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.widgets.pool_grid import fit
from cadre_tui.ui.widgets.tick_list import TickList

LATER = "later"
LINE = "line"
WIDTH = 52
"""Option text width inside the 60-cell dialog."""


def _holders(option: PlaceOption) -> str:
    if not option.holders:
        return t("place.nobody")
    return t("store.name_separator").join(option.holders[:3]) + (
        "…" if len(option.holders) > 3 else ""
    )


class _ChoicesDialog(TranslatedBindings, ModalScreen):
    """Reads the unit's places in a worker, then lets ``show`` build the list."""

    def __init__(self, group: WorkingGroup, placement_id: int | None = None) -> None:
        super().__init__(classes="dialog")
        self.group = group
        self.placement_id = placement_id

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.read_choices()

    @work(thread=True, exclusive=True, group="place-choices")
    def read_choices(self) -> None:
        from cadre_tui.services.placing import place_choices

        conn = self.database.connect()
        try:
            choices = place_choices(conn, self.group, self.placement_id)
        finally:
            conn.close()
        self.app.call_from_thread(self.show, choices)

    def show(self, choices: PlaceChoices) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)


class PlaceScreen(_ChoicesDialog):
    """Dismissed with the place as keyword arguments for the store (``{}``: place
    later, when ``allow_later``), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "dialog.key_cancel", id="place.cancel"),
        Binding("ctrl+s", "accept_projects", "place.key_accept", id="place.accept"),
    ]

    def __init__(
        self,
        group: WorkingGroup,
        name: str,
        placement_id: int | None,
        *,
        allow_later: bool = False,
    ) -> None:
        super().__init__(group, placement_id)
        self.name_shown = name
        self.allow_later = allow_later

    def compose(self) -> ComposeResult:
        mode = self.group.mode
        with Vertical(classes="dialog-body", id="place-body"):
            yield Static(
                t(f"place.title.{mode.value}", name=self.name_shown, group=self.group.name),
                classes="dialog-question",
            )
            if mode is ManagementMode.PROJECT_BASED:
                yield TickList[int](id="place-projects")
            else:
                yield OptionList(id="place-options")
            yield Static(t(f"place.hint.{mode.value}"), classes="dialog-hint")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "accept_projects":
            return self.group.mode is ManagementMode.PROJECT_BASED
        return True

    def show(self, choices: PlaceChoices) -> None:
        mode = self.group.mode
        if mode is ManagementMode.PROJECT_BASED:
            ticks = self.query_one("#place-projects", TickList)
            for project in choices.projects:
                mine = project.id in choices.current_projects
                taken = bool(project.holders) and not mine
                owner = t("place.owner", name=_holders(project)) if taken else ""
                ticks.add_option(
                    Selection(fit(f"{project.name} {owner}", WIDTH).rstrip(), project.id, mine)
                )
            ticks.focus()
            return
        options = self.query_one("#place-options", OptionList)
        if mode is ManagementMode.STATIONED_VILLAGE:
            for village in choices.villages:
                mark = t("place.covered") if village.covered else ""
                text = f"{fit(village.name, 14)} {fit(mark, 6)} {_holders(village)}"
                options.add_option(Option(fit(text, WIDTH).rstrip(), id=str(village.id)))
        else:
            options.add_option(Option(t("place.line_office"), id=LINE))
            for team in choices.field_teams:
                text = f"{fit(t('place.block', team=team.name), 26)} {_holders(team)}"
                options.add_option(Option(fit(text, WIDTH).rstrip(), id=str(team.id)))
        if self.allow_later:
            options.add_option(Option(t("place.later"), id=LATER))
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#place-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id or ""
        if chosen == LATER:
            self.dismiss({})
        elif self.group.mode is ManagementMode.STATIONED_VILLAGE:
            self.dismiss({"village_id": int(chosen)})
        elif chosen == LINE:
            self.dismiss({"line_side": LineSide.LINE})
        else:
            self.dismiss({"line_side": LineSide.BLOCK, "field_team_id": int(chosen)})

    def action_accept_projects(self) -> None:
        ticks = self.query_one("#place-projects", TickList)
        if not ticks.selected and not self.allow_later:
            self.notify(t("place.pick_a_project"), severity="warning")
            return
        self.dismiss({"project_ids": list(ticks.selected)})


class VillagesScreen(_ChoicesDialog):
    """The villages a stationed-by-village group covers; dismissed with their ids."""

    BINDINGS = [
        Binding("escape", "cancel", "dialog.key_cancel", id="villages.cancel"),
        Binding("ctrl+s", "accept", "place.key_accept", id="villages.accept"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body", id="place-body"):
            yield Static(
                t("place.villages_title", group=self.group.name), classes="dialog-question"
            )
            yield TickList[int](id="place-villages")
            yield Static(t("place.villages_hint"), classes="dialog-hint")

    def show(self, choices: PlaceChoices) -> None:
        ticks = self.query_one("#place-villages", TickList)
        for village in choices.villages:
            text = f"{fit(village.name, 14)} {_holders(village)}"
            ticks.add_option(Selection(fit(text, WIDTH).rstrip(), village.id, village.covered))
        ticks.focus()

    def action_accept(self) -> None:
        self.dismiss(list(self.query_one("#place-villages", TickList).selected))
