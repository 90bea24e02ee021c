"""What the batch screen's keys do to a highlighted member: place them by the
group's mode, move them to another group, give a role, record the party
relation's transfer, end the placement. Each asks in a small dialog, then
writes once through the screen's ``write`` (see batch_actions)."""

from __future__ import annotations

import datetime as dt

from cadre_tui.domain.enums import PlacementRole
from cadre_tui.i18n import t
from cadre_tui.ui.screens.dialogs import ChoiceScreen


class MemberActions:
    """Mixed into BatchScreen beside BatchActions, which provides ``write``,
    ``_ask_date`` and ``context``."""

    def action_place(self) -> None:
        _view, _unit, group, member = self.context()  # type: ignore[attr-defined]
        if member is None or group is None:
            return
        from cadre_tui.store import group_changes
        from cadre_tui.ui.screens.place_dialog import PlaceScreen

        def chosen(place: dict | None) -> None:
            if place is None:
                return
            self.write(
                lambda conn: group_changes.set_place(conn, member.placement_id, **place),
                t("batch.placed", name=member.name),
                lambda _: ("member", member.placement_id),
            )

        screen = PlaceScreen(group.group, member.name, member.placement_id)
        self.app.push_screen(screen, chosen)  # type: ignore[attr-defined]

    def action_move(self) -> None:
        view, _unit, group, member = self.context()  # type: ignore[attr-defined]
        if member is None or group is None:
            return
        others = [g for g in view.groups if g.group.id != group.group.id]
        if not others:
            self.notify(t("batch.move_no_other"), severity="warning")  # type: ignore[attr-defined]
            return
        options = [(str(g.group.id), f"{g.group.name} · {g.group.mode.label()}") for g in others]

        def chosen(code: str | None) -> None:
            if code:
                target = next(g for g in others if g.group.id == int(code))
                self._move_to(member, target)

        question = t("batch.ask_move", name=member.name, group=group.group.name)
        self.app.push_screen(ChoiceScreen(question, options), chosen)  # type: ignore[attr-defined]

    def _move_to(self, member, target) -> None:  # noqa: ANN001 - MemberLine, GroupView
        from cadre_tui.store import group_changes
        from cadre_tui.ui.screens.place_dialog import PlaceScreen

        def placed(place: dict | None) -> None:
            if place is None:
                return

            def dated(on: dt.date) -> None:
                self.write(
                    lambda conn: group_changes.move_cadre(
                        conn, member.placement_id, to_group_id=target.group.id, on=on, **place
                    ),
                    t("batch.moved", name=member.name, group=target.group.name),
                    lambda placement: ("member", placement.id),
                )

            self._ask_date(t("batch.ask_move_date", name=member.name), dated)

        screen = PlaceScreen(target.group, member.name, None, allow_later=True)
        self.app.push_screen(screen, placed)  # type: ignore[attr-defined]

    def action_role(self) -> None:
        _view, _unit, group, member = self.context()  # type: ignore[attr-defined]
        if member is None or group is None:
            return
        from cadre_tui.store import group_changes

        options = [(r.value, r.label()) for r in PlacementRole]

        def chosen(code: str | None) -> None:
            if code:
                role = PlacementRole(code)
                self.write(
                    lambda conn: group_changes.set_role(conn, member.placement_id, role),
                    t("batch.role_set", name=member.name, role=role.label()),
                    lambda _: ("member", member.placement_id),
                )

        question = t("batch.ask_role", name=member.name, group=group.group.name)
        self.app.push_screen(ChoiceScreen(question, options), chosen)  # type: ignore[attr-defined]

    def action_party_transfer(self) -> None:
        _view, _unit, group, member = self.context()  # type: ignore[attr-defined]
        if member is None or group is None:
            return
        if not member.row.place.party_member:
            self.notify(t("batch.not_party_member", name=member.name), severity="warning")  # type: ignore[attr-defined]
            return
        from cadre_tui.store import group_changes

        def dated(on: dt.date) -> None:
            self.write(
                lambda conn: group_changes.record_party_transfer(conn, member.placement_id, on),
                t("batch.party_recorded", name=member.name),
                lambda _: ("member", member.placement_id),
            )

        self._ask_date(t("batch.ask_party", name=member.name, group=group.group.name), dated)

    def action_end_placement(self) -> None:
        _view, _unit, group, member = self.context()  # type: ignore[attr-defined]
        if member is None or group is None:
            return
        from cadre_tui.store import placements

        def dated(on: dt.date) -> None:
            self.write(
                lambda conn: placements.end_placement(conn, member.placement_id, on),
                t("batch.ended", name=member.name, group=group.group.name),
                lambda _: ("group", group.group.id),
            )

        self._ask_date(t("batch.ask_end", name=member.name, group=group.group.name), dated)
