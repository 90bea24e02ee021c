"""A recommendation round as a sheet: the board's units, problems first, one row
per nominee (a unit with none gets one row), so Excel's filter finds a unit's
nominees or every ineligible one. Leaders' phones masked unless ``unmasked``."""

from __future__ import annotations

import datetime as dt

from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.domain.identity import mask_phone
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services import round_board
from cadre_tui.services.exports.table import Column, Kind, Sheet
from cadre_tui.services.round_board import NomineeLine, RoundBoard, UnitLine
from cadre_tui.store import recommendations
from cadre_tui.store.sqlite import sqlite3


def find_board(
    conn: sqlite3.Connection,
    year: int | None,
    today: dt.date,
    rules: EligibilityRules | None = None,
) -> RoundBoard:
    """The round of ``year`` (default: this year's, else the latest) as of ``today``,
    its nominees judged by ``rules`` (the config's; the seed's defaults when None)."""
    found = (
        round_board.current_round(conn, today)
        if year is None
        else recommendations.get_round(conn, year)
    )
    if found is None:
        raise CadreError("round.no_round", year=year or today.year)
    return round_board.board(conn, found, today=today, rules=rules)


def columns() -> tuple[Column, ...]:
    return (
        Column(t("exports.round.state")),
        Column(t("exports.round.unit_code")),
        Column(t("exports.round.unit")),
        Column(t("exports.round.quota")),
        Column(t("exports.round.standing"), Kind.INT),
        Column(t("exports.round.meeting_date"), Kind.DATE),
        Column(t("exports.round.submitted_on"), Kind.DATE),
        Column(t("exports.round.leader")),
        Column(t("exports.round.leader_phone")),
        Column(t("exports.round.nominee")),
        Column(t("exports.round.age"), Kind.INT),
        Column(t("exports.round.category")),
        Column(t("exports.round.nomination")),
        Column(t("exports.round.eligible")),
        Column(t("exports.round.reasons")),
        Column(t("exports.round.exception_reason")),
        Column(t("exports.round.note")),
    )


def _unit_cells(unit: UnitLine, unmasked: bool) -> list[object]:
    phone = (
        unit.leader_phone if unmasked or not unit.leader_phone else mask_phone(unit.leader_phone)
    )
    return [
        unit.state.label(),
        unit.code,
        unit.name,
        str(unit.quota),
        unit.standing,
        unit.meeting_date,
        unit.submitted_on,
        unit.leader_in_charge,
        phone,
    ]


def _nominee_cells(line: NomineeLine, board: RoundBoard) -> list[object]:
    reasons = t("round.list_separator").join(r.reason(board.rules) for r in line.failures)
    return [
        line.name,
        line.age,
        line.category.label(),
        line.state.label(),
        t("exports.yes") if line.eligible else t("exports.no"),
        reasons,
        line.exception_reason,
        line.note,
    ]


def round_sheet(board: RoundBoard, *, unmasked: bool = False) -> Sheet:
    rows: list[list[object]] = []
    for unit in board.units:
        cells = _unit_cells(unit, unmasked)
        if not unit.nominees:
            rows.append(cells + [None] * 8)
        for line in unit.nominees:
            rows.append(cells + _nominee_cells(line, board))
    return Sheet(t("exports.round.title", year=board.round.year), columns(), rows)
