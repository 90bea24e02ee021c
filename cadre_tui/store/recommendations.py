"""The yearly recommendation round (党委(党组)会议推荐): nominating, approving,
returning and withdrawing, plus the round and unit functions of
:mod:`~cadre_tui.store.rounds` and the reads of
:mod:`~cadre_tui.store.round_nominees`, so callers need one module.

Every write is one ``BEGIN IMMEDIATE`` transaction with one audit row. A cadre
who fails an eligibility rule on the round's date is nominated (or approved)
only with a written reason, kept on the nomination and in the audit log;
without one nothing is written. A standing nomination marks an available
cadre ``recommended``; returning or withdrawing it gives them back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from cadre_tui.domain.eligibility import EligibilityRules, RuleResult, blocking_failures
from cadre_tui.domain.enums import RecommendationState
from cadre_tui.domain.round import Recommendation, RecommendationRound
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.store import audit
from cadre_tui.store.connection import transaction
from cadre_tui.store.round_nominees import (
    NomineeRow,
    approved_nominees,
    failing_reasons,
    get_recommendation,
    judge_cadres,
    list_recommendations,
    nominee_rows,
    recommendation_from_row,
)
from cadre_tui.store.rounds import (
    create_round,
    data_version,
    ensure_unit_part,
    get_round,
    get_round_by_id,
    insert_recommendations,
    insert_round_units,
    list_rounds,
    record_meeting,
    set_unit_quota,
    unit_part,
    unit_parts,
    update_round,
)
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.units import get_sending_unit

__all__ = [
    "NomineeRow",
    "approve",
    "approved_nominees",
    "create_round",
    "data_version",
    "get_recommendation",
    "get_round",
    "get_round_by_id",
    "insert_recommendations",
    "insert_round_units",
    "failing_reasons",
    "judge_cadres",
    "list_recommendations",
    "list_rounds",
    "nominate",
    "nominate_in_year",
    "nominee_rows",
    "record_meeting",
    "return_nomination",
    "set_unit_quota",
    "unit_part",
    "unit_parts",
    "update_round",
    "withdraw",
]

RETURNED = RecommendationState.RETURNED


def _written(text: str) -> str:
    """A reason or note as typed, trimmed; no NFKC, which would turn "，" into ","."""
    return text.strip()


def _refuse_ineligible(
    ineligible: list[tuple[sqlite3.Row, list[RuleResult]]], rules: EligibilityRules
) -> None:
    """Say who fails which rule, and that a written reason is what is missing."""
    row, results = ineligible[0]
    reason = t("round.reason_separator").join(r.reason(rules) for r in blocking_failures(results))
    if len(ineligible) == 1:
        raise CadreError("round.error.reason_required", name=row["name"], reason=reason)
    raise CadreError(
        "round.error.reason_required_many",
        name=row["name"],
        reason=reason,
        count=len(ineligible),
    )


# -- nominations ----------------------------------------------------------------------


def nominate(
    conn: sqlite3.Connection,
    round_id: int,
    cadre_ids: Iterable[int],
    *,
    today: dt.date | None = None,
    rules: EligibilityRules | None = None,
    exception_reason: str = "",
    sending_unit_id: int | None = None,
    skip_nominated: bool = False,
    at: str | None = None,
) -> list[Recommendation]:
    """Record each cadre as recommended by their own sending unit; all or nothing.

    A cadre failing a rule on the round's date needs ``exception_reason``
    (kept on the nomination and audited). ``sending_unit_id`` refuses cadres
    of other units; ``skip_nominated`` passes over standing nominations
    instead of refusing them (a bulk add from the pool).
    """
    ids = list(dict.fromkeys(cadre_ids))
    reason = _written(exception_reason)
    rules = rules or EligibilityRules()
    day = today or dt.date.today()
    stamp = at or audit.utc_now()
    if not ids:
        raise CadreError("round.error.no_cadres")
    with transaction(conn):
        round_ = get_round_by_id(conn, round_id)
        judged = judge_cadres(conn, ids, round_.judged_on, rules)
        for cadre_id in ids:
            if cadre_id not in judged:
                raise CadreError("store.cadre.not_found", id=cadre_id)
            row = judged[cadre_id][0]
            if sending_unit_id is not None and row["cadre_unit_id"] != sending_unit_id:
                raise CadreError(
                    "round.error.other_unit",
                    name=row["name"],
                    unit=get_sending_unit(conn, row["cadre_unit_id"]).name,
                )
        existing = _existing(conn, round_id, ids)
        standing = [cid for cid in ids if cid in existing and existing[cid].stands]
        if standing and not skip_nominated:
            row = judged[standing[0]][0]
            raise CadreError(
                "round.error.already_nominated",
                name=row["name"],
                state=existing[standing[0]].state.label(),
            )
        ids = [cid for cid in ids if cid not in standing]
        if not ids:
            return []
        ineligible = [judged[cid] for cid in ids if blocking_failures(judged[cid][1])]
        if ineligible and not reason:
            _refuse_ineligible(ineligible, rules)
        written = [
            _write_nomination(conn, round_, judged[cid], existing.get(cid), reason, day, stamp)
            for cid in ids
        ]
        _mark_recommended(conn, ids, stamp)
        audit.record(
            conn,
            "nominate",
            "recommendation",
            written[0].id if len(written) == 1 else None,
            None,
            {
                "year": round_.year,
                "nominations": [
                    {
                        "id": rec.id,
                        "cadre_id": rec.cadre_id,
                        "sending_unit_id": rec.sending_unit_id,
                        "exception_reason": rec.exception_reason,
                    }
                    for rec in written
                ],
                "skipped": standing,
            },
        )
    return written


def nominate_in_year(
    conn: sqlite3.Connection,
    year: int,
    cadre_ids: Iterable[int],
    *,
    today: dt.date | None = None,
    rules: EligibilityRules | None = None,
    exception_reason: str = "",
) -> list[Recommendation]:
    """The pool's bulk "add to this year's round": each cadre under their own unit,
    standing nominations passed over, ineligible ones only with a reason."""
    round_ = get_round(conn, year)
    if round_ is None:
        raise CadreError("round.no_round", year=year)
    return nominate(
        conn,
        round_.id,
        cadre_ids,
        today=today,
        rules=rules,
        exception_reason=exception_reason,
        skip_nominated=True,
    )


def _existing(
    conn: sqlite3.Connection, round_id: int, cadre_ids: list[int]
) -> dict[int, Recommendation]:
    found: dict[int, Recommendation] = {}
    for start in range(0, len(cadre_ids), 500):
        chunk = cadre_ids[start : start + 500]
        for row in conn.execute(
            "SELECT * FROM recommendations WHERE round_id = ?"
            f" AND cadre_id IN ({', '.join('?' * len(chunk))})",
            (round_id, *chunk),
        ):
            found[row["cadre_id"]] = recommendation_from_row(row)
    return found


def _write_nomination(
    conn: sqlite3.Connection,
    round_: RecommendationRound,
    judged: tuple[sqlite3.Row, list[RuleResult]],
    returned: Recommendation | None,
    reason: str,
    today: dt.date,
    stamp: str,
) -> Recommendation:
    """Insert one nomination, or put a returned one forward again."""
    row, results = judged
    unit_id = row["cadre_unit_id"]
    ensure_unit_part(conn, round_.id, unit_id)
    conn.execute(
        "UPDATE round_units SET submitted_on = ?"
        " WHERE round_id = ? AND sending_unit_id = ? AND submitted_on IS NULL",
        (today.isoformat(), round_.id, unit_id),
    )
    (meeting,) = conn.execute(
        "SELECT meeting_date FROM round_units WHERE round_id = ? AND sending_unit_id = ?",
        (round_.id, unit_id),
    ).fetchone()
    kept_reason = reason if blocking_failures(results) else ""
    if returned is not None:
        conn.execute(
            "UPDATE recommendations SET state = 'nominated', sending_unit_id = ?, note = '',"
            " exception_reason = ?, meeting_date = ?, created_at = ? WHERE id = ?",
            (unit_id, kept_reason, meeting, stamp, returned.id),
        )
        return get_recommendation(conn, returned.id)
    cursor = conn.execute(
        "INSERT INTO recommendations (round_id, sending_unit_id, cadre_id, meeting_date,"
        " exception_reason, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (round_.id, unit_id, row["cadre_key"], meeting, kept_reason, stamp),
    )
    return get_recommendation(conn, int(cursor.lastrowid))


def _mark_recommended(conn: sqlite3.Connection, cadre_ids: list[int], stamp: str) -> None:
    conn.executemany(
        "UPDATE cadres SET status = 'recommended', updated_at = ?, row_version = row_version + 1"
        " WHERE id = ? AND status = 'available'",
        [(stamp, cadre_id) for cadre_id in cadre_ids],
    )


def _release(conn: sqlite3.Connection, cadre_id: int, stamp: str) -> None:
    """Back to available once no nomination of any round stands for the cadre."""
    conn.execute(
        "UPDATE cadres SET status = 'available', updated_at = ?, row_version = row_version + 1"
        " WHERE id = ? AND status = 'recommended' AND NOT EXISTS ("
        "   SELECT 1 FROM recommendations WHERE cadre_id = ? AND state != 'returned')",
        (stamp, cadre_id, cadre_id),
    )


def approve(
    conn: sqlite3.Connection,
    recommendation_id: int,
    *,
    note: str = "",
    exception_reason: str = "",
    rules: EligibilityRules | None = None,
) -> Recommendation:
    """Accept a nomination: the cadre is offered first when the next batch is formed.

    A cadre who fails a rule on the round's date needs a written reason, either
    given when nominated or given now.
    """
    rules = rules or EligibilityRules()
    with transaction(conn):
        before = get_recommendation(conn, recommendation_id)
        if before.state is RETURNED:
            raise CadreError("round.error.was_returned")
        round_ = get_round_by_id(conn, before.round_id)
        judged = judge_cadres(conn, [before.cadre_id], round_.judged_on, rules)[before.cadre_id]
        reason = _written(exception_reason) or before.exception_reason
        if blocking_failures(judged[1]) and not reason:
            _refuse_ineligible([judged], rules)
        conn.execute(
            "UPDATE recommendations SET state = 'approved', note = ?, exception_reason = ?"
            " WHERE id = ?",
            (_written(note), reason, recommendation_id),
        )
        after = get_recommendation(conn, recommendation_id)
        audit.record(
            conn, "approve", "recommendation", recommendation_id, _view(before), _view(after)
        )
    return after


def return_nomination(
    conn: sqlite3.Connection, recommendation_id: int, note: str, *, at: str | None = None
) -> Recommendation:
    """Send a nomination back to its unit, saying why (the note is required)."""
    text = _written(note)
    if not text:
        raise CadreError("round.error.note_required")
    with transaction(conn):
        before = get_recommendation(conn, recommendation_id)
        conn.execute(
            "UPDATE recommendations SET state = 'returned', note = ? WHERE id = ?",
            (text, recommendation_id),
        )
        _release(conn, before.cadre_id, at or audit.utc_now())
        after = get_recommendation(conn, recommendation_id)
        audit.record(
            conn, "return", "recommendation", recommendation_id, _view(before), _view(after)
        )
    return after


def withdraw(conn: sqlite3.Connection, recommendation_id: int, *, at: str | None = None) -> None:
    """The unit takes a nomination back (entered by mistake, or the cadre is needed)."""
    with transaction(conn):
        before = get_recommendation(conn, recommendation_id)
        conn.execute("DELETE FROM recommendations WHERE id = ?", (recommendation_id,))
        _release(conn, before.cadre_id, at or audit.utc_now())
        audit.record(conn, "withdraw", "recommendation", recommendation_id, _view(before), None)


def _view(rec: Recommendation) -> dict[str, Any]:
    return {
        "cadre_id": rec.cadre_id,
        "sending_unit_id": rec.sending_unit_id,
        "state": rec.state,
        "note": rec.note,
        "exception_reason": rec.exception_reason,
    }
