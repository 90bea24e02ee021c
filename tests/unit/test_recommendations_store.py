"""The round's store: one transaction and one audit row per write; an ineligible
nominee without a written reason is refused with a clear message and nothing
is written; approving, returning, withdrawing; the board's states."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, RecommendationState
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.domain.round import Quota, UnitState
from cadre_tui.errors import CadreError
from cadre_tui.services import round_board
from cadre_tui.store import cadres, units
from cadre_tui.store import recommendations as store
from cadre_tui.store.connection import connect
from cadre_tui.store.sqlite import sqlite3

TODAY = dt.date(2026, 11, 27)
ROUND_DATE = dt.date(2026, 12, 31)
WRITTEN = ("recommendations", "round_units", "audit_log")


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    found = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in WRITTEN}
    found["recommended"] = conn.execute(
        "SELECT COUNT(*) FROM cadres WHERE status = 'recommended'"
    ).fetchone()[0]
    return found


def last_audit(conn: sqlite3.Connection) -> sqlite3.Row:
    return conn.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()


def person(unit_id: int, sequence: int, name: str, birth: dt.date, **changes: object) -> NewCadre:
    record = NewCadre(
        name=name,
        gender=Gender.MALE,
        birth_date=birth,
        id_number=make_id_number("320412", birth, sequence, "M"),
        sending_unit_id=unit_id,
        category=CadreCategory.NEW_CIVIL_SERVANT,
    )
    return dataclasses.replace(record, **changes)


@pytest.fixture
def org(conn: sqlite3.Connection) -> SimpleNamespace:
    """Two units; at 区财政局 three young cadres, one just too old, one serving leader."""
    finance = units.create_sending_unit(
        conn, code="D17", name="区财政局", leader_in_charge="王强", leader_phone="13912345678"
    )
    housing = units.create_sending_unit(conn, code="D21", name="区住建局")
    made = {
        key: cadres.create_cadre(conn, person(finance.id, n, name, birth, **extra)).id
        for n, (key, name, birth, extra) in enumerate(
            [
                ("young", "李明", dt.date(1995, 3, 1), {}),
                ("exactly35", "周强", dt.date(1991, 12, 31), {}),
                ("third", "吴刚", dt.date(1996, 6, 6), {}),
                ("too_old", "赵军", dt.date(1990, 12, 31), {}),
                (
                    "leader",
                    "钱进",
                    dt.date(1994, 1, 1),
                    {"category": CadreCategory.SERVING_LEADER},
                ),
            ],
            start=1,
        )
    }
    made["other_unit"] = cadres.create_cadre(
        conn, person(housing.id, 9, "孙立", dt.date(1995, 1, 1))
    ).id
    round_ = store.create_round(conn, 2026)
    return SimpleNamespace(finance=finance, housing=housing, round=round_, **made)


def test_round_defaults_to_31_december_and_one_or_two(conn: sqlite3.Connection) -> None:
    round_ = store.create_round(conn, 2027)
    assert round_.deadline == dt.date(2027, 12, 31)
    assert round_.quota == Quota(1, 2)
    assert round_.judged_on == round_.deadline
    with pytest.raises(CadreError) as exc:
        store.create_round(conn, 2027)
    assert exc.value.key == "round.error.round_exists"
    with pytest.raises(CadreError):
        store.create_round(conn, 2028, deadline=dt.date(2030, 1, 1))
    changed = store.update_round(conn, round_.id, quota=Quota(1, 3))
    assert changed.quota == Quota(1, 3) and store.get_round(conn, 2027) == changed


def test_nominating_an_eligible_cadre(conn: sqlite3.Connection, org: SimpleNamespace) -> None:
    before = counts(conn)
    (rec,) = store.nominate(conn, org.round.id, [org.exactly35], today=TODAY)
    assert rec.state is RecommendationState.NOMINATED and rec.sending_unit_id == org.finance.id
    assert cadres.get_cadre(conn, org.exactly35).status is CadreStatus.RECOMMENDED
    after = counts(conn)
    assert after["recommendations"] == before["recommendations"] + 1
    assert after["audit_log"] == before["audit_log"] + 1
    row = last_audit(conn)
    assert (row["action"], row["entity"], row["entity_id"]) == (
        "nominate",
        "recommendation",
        rec.id,
    )
    (part,) = [p for p in store.unit_parts(conn, org.round.id) if p.id == org.finance.id]
    assert part.submitted_on == TODAY.isoformat()


@pytest.mark.parametrize(
    ("who", "words"),
    [("too_old", "Older than 35"), ("leader", "batch that allows them")],
)
def test_an_ineligible_cadre_without_a_reason_writes_nothing(
    conn: sqlite3.Connection, org: SimpleNamespace, who: str, words: str
) -> None:
    before = counts(conn)
    with pytest.raises(CadreError) as exc:
        store.nominate(conn, org.round.id, [getattr(org, who)], today=TODAY)
    assert exc.value.key == "round.error.reason_required"
    message = exc.value.message()
    assert cadres.get_cadre(conn, getattr(org, who)).name in message
    assert words in message and "written reason" in message and "Nothing was changed" in message
    assert counts(conn) == before
    assert cadres.get_cadre(conn, getattr(org, who)).status is CadreStatus.AVAILABLE


def test_one_ineligible_in_a_bulk_nomination_stops_all(
    conn: sqlite3.Connection, org: SimpleNamespace
) -> None:
    before = counts(conn)
    with pytest.raises(CadreError) as exc:
        store.nominate(conn, org.round.id, [org.young, org.too_old, org.leader], today=TODAY)
    assert exc.value.key == "round.error.reason_required_many"
    assert "2" in exc.value.message()
    assert counts(conn) == before


def test_an_ineligible_cadre_with_a_reason_is_nominated_and_audited(
    conn: sqlite3.Connection, org: SimpleNamespace
) -> None:
    reason = "熟悉拆迁政策，经党组会议研究，建议破格推荐"
    written = store.nominate(
        conn, org.round.id, [org.young, org.too_old], today=TODAY, exception_reason=reason
    )
    by_cadre = {rec.cadre_id: rec for rec in written}
    assert by_cadre[org.too_old].exception_reason == reason
    assert by_cadre[org.young].exception_reason == ""
    assert reason in last_audit(conn)["after_json"]
    board = round_board.board(conn, org.round, today=TODAY)
    (line,) = [u for u in board.units if u.unit_id == org.finance.id]
    assert line.state is UnitState.INELIGIBLE_NOMINEE
    assert board.units[0].unit_id == org.finance.id


def test_other_units_cadres_and_second_nominations_are_refused(
    conn: sqlite3.Connection, org: SimpleNamespace
) -> None:
    with pytest.raises(CadreError) as exc:
        store.nominate(
            conn, org.round.id, [org.other_unit], today=TODAY, sending_unit_id=org.finance.id
        )
    assert exc.value.key == "round.error.other_unit" and "区住建局" in exc.value.message()
    store.nominate(conn, org.round.id, [org.young], today=TODAY)
    before = counts(conn)
    with pytest.raises(CadreError) as exc:
        store.nominate(conn, org.round.id, [org.young, org.third], today=TODAY)
    assert exc.value.key == "round.error.already_nominated"
    assert counts(conn) == before
    added = store.nominate(
        conn, org.round.id, [org.young, org.third], today=TODAY, skip_nominated=True
    )
    assert [rec.cadre_id for rec in added] == [org.third]
    assert store.nominate(conn, org.round.id, [org.young], skip_nominated=True) == []


def test_bulk_add_to_this_years_round(conn: sqlite3.Connection, org: SimpleNamespace) -> None:
    store.nominate(conn, org.round.id, [org.young], today=TODAY)
    added = store.nominate_in_year(conn, 2026, [org.young, org.third, org.other_unit], today=TODAY)
    assert {(r.cadre_id, r.sending_unit_id) for r in added} == {
        (org.third, org.finance.id),
        (org.other_unit, org.housing.id),
    }
    with pytest.raises(CadreError) as exc:
        store.nominate_in_year(conn, 2031, [org.exactly35], today=TODAY)
    assert exc.value.key == "round.no_round"


def test_approve_and_return(conn: sqlite3.Connection, org: SimpleNamespace) -> None:
    first, second = store.nominate(conn, org.round.id, [org.young, org.third], today=TODAY)
    audits = counts(conn)["audit_log"]
    approved = store.approve(conn, first.id, note="符合条件")
    assert approved.state is RecommendationState.APPROVED and approved.note == "符合条件"
    assert counts(conn)["audit_log"] == audits + 1
    with pytest.raises(CadreError) as exc:
        store.return_nomination(conn, second.id, "  ")
    assert exc.value.key == "round.error.note_required"
    returned = store.return_nomination(conn, second.id, "材料不全，请补充")
    assert returned.state is RecommendationState.RETURNED and returned.note == "材料不全，请补充"
    assert cadres.get_cadre(conn, org.third).status is CadreStatus.AVAILABLE
    with pytest.raises(CadreError) as exc:
        store.approve(conn, second.id)
    assert exc.value.key == "round.error.was_returned"
    assert [c.id for c in store.approved_nominees(conn, 2026)] == [org.young]
    assert store.approved_nominees(conn, 2025) == []
    (again,) = store.nominate(conn, org.round.id, [org.third], today=TODAY)
    assert again.id == second.id and again.state is RecommendationState.NOMINATED
    assert again.note == ""


def test_approving_an_ineligible_nominee_needs_a_reason(
    conn: sqlite3.Connection, org: SimpleNamespace
) -> None:
    (rec,) = store.nominate(conn, org.round.id, [org.young], today=TODAY)
    stricter = EligibilityRules(max_age=30)
    before = counts(conn)
    with pytest.raises(CadreError) as exc:
        store.approve(conn, rec.id, rules=stricter)
    assert exc.value.key == "round.error.reason_required" and "30" in exc.value.message()
    assert counts(conn) == before
    assert store.get_recommendation(conn, rec.id).state is RecommendationState.NOMINATED
    done = store.approve(conn, rec.id, rules=stricter, exception_reason="业务骨干")
    assert done.exception_reason == "业务骨干"


def test_withdraw_deletes_and_gives_the_cadre_back(
    conn: sqlite3.Connection, org: SimpleNamespace
) -> None:
    (rec,) = store.nominate(conn, org.round.id, [org.young], today=TODAY)
    store.withdraw(conn, rec.id)
    assert store.list_recommendations(conn, org.round.id) == []
    assert cadres.get_cadre(conn, org.young).status is CadreStatus.AVAILABLE
    assert last_audit(conn)["action"] == "withdraw"
    with pytest.raises(CadreError):
        store.withdraw(conn, rec.id)


def test_meeting_date_and_own_quota(conn: sqlite3.Connection, org: SimpleNamespace) -> None:
    store.nominate(conn, org.round.id, [org.young], today=TODAY)
    store.record_meeting(conn, org.round.id, org.finance.id, dt.date(2026, 11, 20))
    (rec,) = store.list_recommendations(conn, org.round.id, org.finance.id)
    assert rec.meeting_date == dt.date(2026, 11, 20)
    before = counts(conn)
    with pytest.raises(CadreError) as exc:
        store.record_meeting(conn, org.round.id, org.finance.id, dt.date(2025, 12, 30))
    assert exc.value.key == "round.error.meeting_outside"
    assert counts(conn) == before
    store.set_unit_quota(conn, org.round.id, org.finance.id, Quota(2, 3))
    line = round_board.unit_line(conn, org.round, org.finance.id)
    assert line.own_quota and line.quota == Quota(2, 3)
    assert line.state is UnitState.UNDER_QUOTA
    assert line.meeting_date == dt.date(2026, 11, 20)
    store.set_unit_quota(conn, org.round.id, org.finance.id, None)
    line = round_board.unit_line(conn, org.round, org.finance.id)
    assert not line.own_quota and line.state is UnitState.SUBMITTED


def test_board_states_problems_first(conn: sqlite3.Connection, org: SimpleNamespace) -> None:
    board = round_board.board(conn, org.round, today=TODAY)
    assert {u.state for u in board.units} == {UnitState.NOT_SUBMITTED}
    assert board.days_left == 34
    store.nominate(conn, org.round.id, [org.young, org.third, org.exactly35], today=TODAY)
    board = round_board.board(conn, org.round, today=TODAY)
    assert [(u.name, u.state) for u in board.units] == [
        ("区财政局", UnitState.OVER_QUOTA),
        ("区住建局", UnitState.NOT_SUBMITTED),
    ]
    assert [u.name for u in board.late()] == ["区住建局"]
    data = round_board.board_json(board)
    assert data["counts"]["over_quota"] == 1 and data["days_to_deadline"] == 34
    assert data["units"][0]["leader_phone"] == "139****5678"


def test_bulk_inserts_write_one_audit_row_each(
    conn: sqlite3.Connection, org: SimpleNamespace
) -> None:
    before = counts(conn)
    store.insert_round_units(
        conn, org.round.id, [{"sending_unit_id": org.finance.id, "meeting_date": TODAY}]
    )
    store.insert_recommendations(
        conn, org.round.id, [(org.finance.id, org.young, "approved", "", "", TODAY)]
    )
    after = counts(conn)
    assert after["audit_log"] == before["audit_log"] + 2
    assert after["recommendations"] == before["recommendations"] + 1


def test_placed_and_recently_seconded_cadres_on_the_demo(demo_copy: Path) -> None:
    """The facts come from placements: an active one, and one ended within two years."""
    conn = connect(demo_copy)
    try:
        round_ = store.get_round(conn, 2026)
        assert round_ is not None
        placed, ended = (
            conn.execute(
                f"SELECT cadre_id FROM placements WHERE end_date IS {kind} ORDER BY id LIMIT 1"
            ).fetchone()[0]
            for kind in ("NULL", "NOT NULL")
        )
        for cadre_id, words in ((placed, "active working group"), (ended, "last 2 years")):
            with pytest.raises(CadreError) as exc:
                store.nominate(conn, round_.id, [cadre_id], today=TODAY)
            assert words in exc.value.message()
    finally:
        conn.close()


def test_the_kept_board_is_read_once_per_write(
    conn: sqlite3.Connection, org: SimpleNamespace, db_path: Path
) -> None:
    """Read ahead, the board is reused until someone writes; a write, another file or
    the refresh key read it again."""
    round_board.forget_kept_board()
    rules, source = EligibilityRules(), str(db_path)
    round_board.read_board_ahead(conn, today=TODAY, rules=rules, source=source)
    version = store.data_version(conn)
    kept = round_board.kept_board(
        conn, org.round, today=TODAY, rules=rules, version=version, source=source
    )
    again = round_board.kept_board(
        conn, org.round, today=TODAY, rules=rules, version=version, source=source
    )
    assert again is kept and {u.state for u in kept.units} == {UnitState.NOT_SUBMITTED}
    fresh = round_board.kept_board(
        conn, org.round, today=TODAY, rules=rules, version=version, source=source, fresh=True
    )
    assert fresh is not kept
    elsewhere = round_board.kept_board(
        conn, org.round, today=TODAY, rules=rules, version=version, source=source + "-other"
    )
    assert elsewhere is not fresh
    store.nominate(conn, org.round.id, [org.young], today=TODAY)
    moved = store.data_version(conn)
    assert moved != version
    after = round_board.kept_board(
        conn, org.round, today=TODAY, rules=rules, version=moved, source=source
    )
    assert {u.name: u.state for u in after.units}["区财政局"] is UnitState.SUBMITTED
    round_board.forget_kept_board()
