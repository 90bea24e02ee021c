"""Reading a round's nominations with what the eligibility rules need of each
cadre, judged on the round's date (see :mod:`cadre_tui.domain.round`).

The facts come from one query per chunk of cadres: each placement look-up is
an index probe, so judging the nominees of 2,000 units stays in milliseconds
on a pool of a million.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from cadre_tui.domain.eligibility import (
    CadreFacts,
    EligibilityRules,
    RuleResult,
    age_on,
    blocking_failures,
    judge,
)
from cadre_tui.domain.enums import CadreCategory, CadreStatus, RecommendationState
from cadre_tui.domain.model import Cadre
from cadre_tui.domain.round import Recommendation
from cadre_tui.errors import CadreError
from cadre_tui.store.cadres import cadres_by_id
from cadre_tui.store.rounds import rows_in_one_step
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.values import day_from


def recommendation_from_row(row: sqlite3.Row) -> Recommendation:
    return Recommendation(
        id=row["id"],
        round_id=row["round_id"],
        sending_unit_id=row["sending_unit_id"],
        cadre_id=row["cadre_id"],
        state=RecommendationState(row["state"]),
        created_at=row["created_at"],
        meeting_date=day_from(row["meeting_date"]),
        note=row["note"],
        exception_reason=row["exception_reason"],
    )


_FACT_COLUMNS = """
c.id AS cadre_key, c.name, c.sending_unit_id AS cadre_unit_id, c.birth_date, c.category,
c.status, c.grassroots_experience,
EXISTS (SELECT 1 FROM placements p WHERE p.cadre_id = c.id AND p.end_date IS NULL) AS placed,
(SELECT max(p.end_date) FROM placements p WHERE p.cadre_id = c.id) AS last_ended
"""
"""What the rules need of a cadre ``c``: each placement look-up is one index probe."""


def _facts(row: sqlite3.Row, on: dt.date) -> CadreFacts:
    return CadreFacts(
        category=CadreCategory(row["category"]),
        status=CadreStatus(row["status"]),
        age=age_on(dt.date.fromisoformat(row["birth_date"]), on),
        in_active_placement=bool(row["placed"]),
        last_secondment_ended=day_from(row["last_ended"]),
        grassroots_experience=row["grassroots_experience"],
    )


def judge_cadres(
    conn: sqlite3.Connection, cadre_ids: Sequence[int], on: dt.date, rules: EligibilityRules
) -> dict[int, tuple[sqlite3.Row, list[RuleResult]]]:
    """Each cadre's row (name, unit) and every rule's verdict on ``on``; unknown ids left out."""
    found: dict[int, tuple[sqlite3.Row, list[RuleResult]]] = {}
    wanted = list(dict.fromkeys(cadre_ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        sql = f"SELECT {_FACT_COLUMNS} FROM cadres c WHERE c.id IN ({', '.join('?' * len(chunk))})"
        for row in conn.execute(sql, chunk):
            found[row["cadre_key"]] = (row, judge(_facts(row, on), on, rules))
    return found


def get_recommendation(conn: sqlite3.Connection, recommendation_id: int) -> Recommendation:
    row = conn.execute(
        "SELECT * FROM recommendations WHERE id = ?", (recommendation_id,)
    ).fetchone()
    if row is None:
        raise CadreError("round.error.nomination_not_found", id=recommendation_id)
    return recommendation_from_row(row)


def list_recommendations(
    conn: sqlite3.Connection, round_id: int, sending_unit_id: int | None = None
) -> list[Recommendation]:
    sql, params = "SELECT * FROM recommendations WHERE round_id = ?", [round_id]
    if sending_unit_id is not None:
        sql += " AND sending_unit_id = ?"
        params.append(sending_unit_id)
    return [recommendation_from_row(r) for r in conn.execute(sql + " ORDER BY id", params)]


class NomineeRow(NamedTuple):
    """One nomination and its cadre as stored: the board judges thousands of these,
    so they stay plain values until a line is drawn."""

    id: int
    sending_unit_id: int
    cadre_id: int
    state: str
    note: str
    exception_reason: str
    name: str
    birth_date: str
    category: str
    status: str
    grassroots_experience: str
    placed: int
    last_ended: str | None
    name_pinyin: str | None

    def verdict(self, on: dt.date, rules: EligibilityRules) -> Verdict:
        """The cadre's age and every rule's verdict on ``on``."""
        age = age_on(dt.date.fromisoformat(self.birth_date), on)
        case = (self.category, self.status, age, self.placed, self.last_ended)
        return age, *_judged(*case, self.grassroots_experience, on, rules)


Verdict = tuple[int, tuple[RuleResult, ...], bool]
"""(age, every rule's result, eligible)."""


CATEGORIES = {c.value: c for c in CadreCategory}
_STATUSES = {s.value: s for s in CadreStatus}


@lru_cache(maxsize=4096)
def _judged(
    category: str,
    status: str,
    age: int,
    placed: int,
    last_ended: str | None,
    grassroots: str,
    on: dt.date,
    rules: EligibilityRules,
) -> tuple[tuple[RuleResult, ...], bool]:
    """The rules run once per distinct case: most nominees share category, age and
    history, so judging the nominees of 2,000 units takes a few hundred runs."""
    facts = CadreFacts(
        category=CATEGORIES[category],
        status=_STATUSES[status],
        age=age,
        in_active_placement=bool(placed),
        last_secondment_ended=day_from(last_ended),
        grassroots_experience=grassroots,
    )
    results = tuple(judge(facts, on, rules))
    return results, not blocking_failures(list(results))


_NOMINEE_COLUMNS = """
rec.id, rec.sending_unit_id, rec.cadre_id, rec.state, rec.note, rec.exception_reason,
c.name, c.birth_date, c.category, c.status, c.grassroots_experience,
EXISTS (SELECT 1 FROM placements p WHERE p.cadre_id = c.id AND p.end_date IS NULL),
(SELECT max(p.end_date) FROM placements p WHERE p.cadre_id = c.id),
c.name_pinyin
"""
_NOMINEE_FROM = (
    "FROM recommendations rec JOIN cadres c ON c.id = rec.cadre_id WHERE rec.round_id = ?"
)


def nominee_rows(
    conn: sqlite3.Connection, round_id: int, sending_unit_id: int | None = None
) -> list[NomineeRow]:
    """The round's nominations (of one unit, or all) with their cadres, by name (pinyin,
    so 张 sorts under Z), read in one step (see ``rounds.rows_in_one_step``)."""
    rest, params = _NOMINEE_FROM, [round_id]
    if sending_unit_id is not None:
        rest += " AND rec.sending_unit_id = ?"
        params.append(sending_unit_id)
    rows = rows_in_one_step(conn, _NOMINEE_COLUMNS, rest, "rec.id", params)
    rows.sort(key=_by_name)
    return [NomineeRow._make(row) for row in rows]


def _by_name(row: list[Any]) -> tuple[str, str, int]:
    """Chinese names by their stored pinyin (安娜, 李明, 张伟), others by their letters.

    Sorted here, not in SQL: ordering inside ``json_group_array`` doubled the query
    (14 → 32 ms for the 3,134 nominations of 2,000 units)."""
    return (row[-1] or "", row[6], row[0])


def approved_nominees(conn: sqlite3.Connection, year: int) -> list[Cadre]:
    """The cadres approved in ``year``'s round, by sending unit and name (pinyin): what
    batch formation offers first. Their eligibility is judged again there."""
    rows = conn.execute(
        "SELECT rec.cadre_id FROM recommendations rec"
        " JOIN recommendation_rounds r ON r.id = rec.round_id"
        " JOIN sending_units s ON s.id = rec.sending_unit_id"
        " JOIN cadres c ON c.id = rec.cadre_id"
        " WHERE r.year = ? AND rec.state = 'approved'"
        " ORDER BY s.code, c.name_pinyin, c.name, rec.id",
        (year,),
    ).fetchall()
    ids = [row[0] for row in rows]
    found = cadres_by_id(conn, ids)
    return [found[i] for i in ids if i in found]


def approved_among(conn: sqlite3.Connection, cadre_ids: Sequence[int]) -> set[int]:
    """Those of ``cadre_ids`` with an approved nomination in any round: batch
    formation offers them first."""
    found: set[int] = set()
    wanted = list(dict.fromkeys(cadre_ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = conn.execute(
            "SELECT cadre_id FROM recommendations WHERE state = 'approved'"
            f" AND cadre_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        found.update(row[0] for row in rows)
    return found


def failing_reasons(
    conn: sqlite3.Connection, cadre_ids: Sequence[int], on: dt.date, rules: EligibilityRules
) -> dict[int, list[str]]:
    """The rules each cadre fails on ``on``, in words, blocking ones only; cadres
    who pass are left out. The nominate and member-picker dialogs show these."""
    found: dict[int, list[str]] = {}
    for cadre_id, (_, results) in judge_cadres(conn, cadre_ids, on, rules).items():
        failed = blocking_failures(results)
        if failed:
            found[cadre_id] = [result.reason(rules) for result in failed]
    return found
