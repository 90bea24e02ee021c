"""Closing a batch: every member's evaluation (考核) at a glance, missing ones
first, so the coordinator sees what still stops the close."""

from __future__ import annotations

from dataclasses import dataclass

from cadre_tui.domain.enums import EvaluationGrade
from cadre_tui.store import evaluations, group_shapes
from cadre_tui.store.sqlite import sqlite3


@dataclass(frozen=True)
class EvaluationLine:
    placement_id: int
    name: str
    group: str
    grade: EvaluationGrade | None
    comment: str = ""
    recommended_for_promotion: bool = False


def closing_sheet(conn: sqlite3.Connection, batch_id: int) -> list[EvaluationLine]:
    """The batch's active members with their evaluation; the unevaluated first."""
    from cadre_tui.store import working_groups

    names = {g.id: g.name for g in working_groups.list_working_groups(conn, batch_id)}
    done = {e.placement_id: e for e in evaluations.list_evaluations(conn, batch_id)}
    lines = []
    for row in group_shapes.batch_members(conn, batch_id):
        evaluation = done.get(row.place.placement_id)
        lines.append(
            EvaluationLine(
                placement_id=row.place.placement_id,
                name=row.place.name,
                group=names[row.group_id],
                grade=evaluation.grade if evaluation else None,
                comment=evaluation.comment if evaluation else "",
                recommended_for_promotion=bool(evaluation and evaluation.recommended_for_promotion),
            )
        )
    return sorted(lines, key=lambda line: line.grade is not None)
