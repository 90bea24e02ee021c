"""A batch's group rosters as a sheet: one row per member with the group's facts
beside it (unit, mode, leader, liaison, branch secretary) and the member's role,
place, sending unit and party transfer. Phones masked unless ``unmasked``."""

from __future__ import annotations

from cadre_tui.domain.identity import mask_phone
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.batch_view import BatchView, GroupView, MemberLine, batch_view
from cadre_tui.services.batch_view import list_batches as newest_first
from cadre_tui.services.exports.table import Column, Kind, Sheet
from cadre_tui.services.groups_report import pick_batch
from cadre_tui.store import cadres
from cadre_tui.store.sqlite import sqlite3


def find_batch_view(conn: sqlite3.Connection, number: int | None) -> BatchView:
    """Batch ``number``; without one the active batch, else the newest."""
    batch = pick_batch(newest_first(conn), number)
    if batch is None:
        if number is None:
            raise CadreError("groups.no_batches")
        raise CadreError("cli.no_such_batch", number=number)
    return batch_view(conn, batch.id)


def columns() -> tuple[Column, ...]:
    return (
        Column(t("exports.groups.receiving_unit")),
        Column(t("exports.groups.group")),
        Column(t("exports.groups.mode")),
        Column(t("exports.groups.leader")),
        Column(t("exports.groups.liaison")),
        Column(t("exports.groups.branch_secretary")),
        Column(t("exports.groups.name")),
        Column(t("exports.groups.role")),
        Column(t("exports.groups.place")),
        Column(t("exports.groups.sending_unit")),
        Column(t("exports.groups.post")),
        Column(t("exports.groups.phone")),
        Column(t("exports.groups.start_date"), Kind.DATE),
        Column(t("exports.groups.end_date"), Kind.DATE),
        Column(t("exports.groups.party_transfer")),
        Column(t("exports.groups.transferred_on"), Kind.DATE),
    )


def _group_cells(group: GroupView) -> list[object]:
    return [
        group.unit.name,
        group.group.name,
        group.group.mode.label(),
        group.leader,
        group.liaison,
        group.group.branch_secretary,
    ]


def _transfer(member: MemberLine) -> str:
    place = member.row.place
    if not place.party_member:
        return ""
    if place.party_transferred:
        return t("exports.groups.transferred")
    return t("exports.groups.pending")


def _member_cells(member: MemberLine, phone: str) -> list[object]:
    row = member.row
    return [
        member.name,
        member.role.label(),
        member.place_text(),
        row.sending_unit,
        row.post,
        phone,
        row.start_date,
        row.end_date,
        _transfer(member),
        row.party_transferred_on,
    ]


def groups_sheet(conn: sqlite3.Connection, view: BatchView, *, unmasked: bool = False) -> Sheet:
    """Group by group as the batch screen lists them, leaders first; a group without
    members still gets its row."""
    ids = [m.cadre_id for g in view.groups for m in g.members]
    phones = {c.id: c.phone for c in cadres.cadres_by_id(conn, ids).values()}

    def phone(cadre_id: int) -> str:
        value = phones.get(cadre_id, "")
        return value if unmasked or not value else mask_phone(value)

    rows: list[list[object]] = []
    for group in view.groups:
        cells = _group_cells(group)
        if not group.members:
            rows.append(cells + [None] * 10)
        rows += [cells + _member_cells(m, phone(m.cadre_id)) for m in group.members]
    return Sheet(t("exports.groups.title", number=view.batch.number), columns(), rows)
