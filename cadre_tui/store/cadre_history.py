"""A cadre's record over time: secondments (with group, batch, place, figures
and evaluation) and recommendations. Plain rows for the detail screens."""

from __future__ import annotations

from typing import Any

from cadre_tui.store import audit
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3

_SECONDMENTS = """
SELECT p.id AS placement_id, p.role, p.start_date, p.end_date, p.line_side,
       p.party_transferred_on, g.id AS group_id, g.name AS group_name, g.mode,
       b.number AS batch_number, b.name AS batch_name, b.state AS batch_state,
       u.name AS receiving_unit, v.name AS village, ft.name AS field_team,
       (SELECT group_concat(pr.name, '、') FROM placement_projects pp
          JOIN projects pr ON pr.id = pp.project_id WHERE pp.placement_id = p.id) AS projects,
       e.grade, e.comment AS evaluation_comment, e.recommended_for_promotion
FROM placements p
JOIN working_groups g ON g.id = p.group_id
JOIN batches b ON b.id = g.batch_id
JOIN receiving_units u ON u.id = g.receiving_unit_id
LEFT JOIN villages v ON v.id = p.village_id
LEFT JOIN field_teams ft ON ft.id = p.field_team_id
LEFT JOIN evaluations e ON e.placement_id = p.id
WHERE p.cadre_id = ?
ORDER BY p.start_date DESC, p.id DESC
"""


def secondments(conn: sqlite3.Connection, cadre_id: int) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(_SECONDMENTS, (cadre_id,))]


def figure_totals(conn: sqlite3.Connection, cadre_id: int) -> dict[int, dict[str, float]]:
    """``{placement_id: {metric_code: total}}`` for this cadre's placements."""
    result: dict[int, dict[str, float]] = {}
    rows = conn.execute(
        "SELECT placement_id, metric_code, SUM(value) FROM figure_entries"
        " WHERE cadre_id = ? GROUP BY placement_id, metric_code",
        (cadre_id,),
    )
    for placement_id, code, total in rows:
        result.setdefault(placement_id, {})[code] = total
    return result


def corrections(conn: sqlite3.Connection, cadre_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """The cadre's corrected figures, newest first: the day and metric, the value
    first entered, the correction's difference, who corrected it and when. The
    ledger keeps both rows; this shows them side by side."""
    rows = conn.execute(
        "SELECT c.entry_date, c.metric_code, o.value AS entered, c.value AS difference,"
        " o.entered_by AS first_by, c.entered_by AS corrected_by, c.entered_at AS corrected_at"
        " FROM figure_entries c JOIN figure_entries o ON o.id = c.corrects_id"
        " WHERE c.cadre_id = ? ORDER BY c.id DESC LIMIT ?",
        (cadre_id, limit),
    )
    return [dict(row) for row in rows]


def recommendations(conn: sqlite3.Connection, cadre_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT r.year, rec.state, rec.meeting_date, rec.note, s.name AS sending_unit"
        " FROM recommendations rec"
        " JOIN recommendation_rounds r ON r.id = rec.round_id"
        " JOIN sending_units s ON s.id = rec.sending_unit_id"
        " WHERE rec.cadre_id = ? ORDER BY r.year DESC",
        (cadre_id,),
    )
    return [dict(row) for row in rows]


def record_reveal(conn: sqlite3.Connection, cadre_id: int, fields: tuple[str, ...]) -> None:
    """Showing an unmasked ID number or phone is itself recorded in the audit log."""
    with transaction(conn):
        audit.record(conn, "reveal", "cadre", cadre_id, None, {"fields": list(fields)})
