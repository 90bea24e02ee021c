"""考核: the end-of-secondment assessment of each member; a batch closes only
when every member has one. Every write is one transaction with an audit row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from cadre_tui.domain.enums import EvaluationGrade
from cadre_tui.domain.model import Evaluation
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3


def record_evaluation(
    conn: sqlite3.Connection,
    placement_id: int,
    *,
    grade: EvaluationGrade,
    evaluated_on: dt.date,
    evaluated_by: str,
    comment: str = "",
    recommended_for_promotion: bool = False,
) -> Evaluation:
    """The end-of-secondment assessment (考核), one per placement; a second one replaces it."""
    grade = EvaluationGrade(grade)
    with transaction(conn):
        placement = conn.execute(
            "SELECT p.cadre_id, p.start_date, b.state, b.number FROM placements p"
            " JOIN working_groups g ON g.id = p.group_id JOIN batches b ON b.id = g.batch_id"
            " WHERE p.id = ?",
            (placement_id,),
        ).fetchone()
        if placement is None:
            raise CadreError("store.placement.not_found", id=placement_id)
        if placement["state"] == "closed":
            raise CadreError("store.batch.closed", number=placement["number"])
        if evaluated_on.isoformat() < placement["start_date"]:
            raise CadreError("store.evaluation.before_start", date=placement["start_date"])
        before = conn.execute(
            "SELECT grade, comment FROM evaluations WHERE placement_id = ?", (placement_id,)
        ).fetchone()
        conn.execute(
            "INSERT INTO evaluations (placement_id, cadre_id, grade, comment,"
            " recommended_for_promotion, evaluated_on, evaluated_by) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (placement_id) DO UPDATE SET grade = excluded.grade,"
            " comment = excluded.comment,"
            " recommended_for_promotion = excluded.recommended_for_promotion,"
            " evaluated_on = excluded.evaluated_on, evaluated_by = excluded.evaluated_by",
            (
                placement_id,
                placement["cadre_id"],
                grade.value,
                comment.strip(),
                int(recommended_for_promotion),
                evaluated_on.isoformat(),
                evaluated_by.strip(),
            ),
        )
        evaluation = get_evaluation(conn, placement_id)
        audit.record(
            conn,
            "evaluate",
            "placement",
            placement_id,
            dict(before) if before else None,
            asdict(evaluation),
        )
        return evaluation


def get_evaluation(conn: sqlite3.Connection, placement_id: int) -> Evaluation:
    row = conn.execute(
        "SELECT * FROM evaluations WHERE placement_id = ?", (placement_id,)
    ).fetchone()
    if row is None:
        raise CadreError("store.evaluation.not_found", id=placement_id)
    return _evaluation(row)


def _evaluation(row: sqlite3.Row) -> Evaluation:
    return Evaluation(
        id=row["id"],
        placement_id=row["placement_id"],
        cadre_id=row["cadre_id"],
        grade=EvaluationGrade(row["grade"]),
        evaluated_on=dt.date.fromisoformat(row["evaluated_on"]),
        evaluated_by=row["evaluated_by"],
        comment=row["comment"],
        recommended_for_promotion=bool(row["recommended_for_promotion"]),
    )


def list_evaluations(conn: sqlite3.Connection, batch_id: int) -> list[Evaluation]:
    return [
        _evaluation(row)
        for row in conn.execute(
            "SELECT e.* FROM evaluations e JOIN placements p ON p.id = e.placement_id"
            " JOIN working_groups g ON g.id = p.group_id WHERE g.batch_id = ? ORDER BY e.id",
            (batch_id,),
        )
    ]
