"""The demo's current recommendation round, from ``db/demo/round.toml``.

Built after the batches, through the store's per-intent functions (meeting
dates, nominations, the one exception with its reason, approvals, a return),
so the audit log reads as if coordinators had done it, and every unit state
of the board is on show.
"""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from typing import Any

from cadre_tui.domain.eligibility import blocking_failures
from cadre_tui.domain.round import Quota, RecommendationRound
from cadre_tui.errors import CadreError
from cadre_tui.resources import data_dir
from cadre_tui.services.demo.definition import DEMO_RULES
from cadre_tui.store import cadres, units
from cadre_tui.store import recommendations as store
from cadre_tui.store.sqlite import sqlite3

CANDIDATES = 400
"""Cadres of a unit looked at when choosing its nominees: plenty, cheap at a million."""


def load_round_definition() -> dict[str, Any]:
    path = data_dir("db") / "demo" / "round.toml"
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CadreError("store.demo.definition_invalid", file=str(path), reason=repr(exc)) from exc


def _deadline(text: str, year: int) -> dt.date:
    month, day = (int(part) for part in text.split("-"))
    return dt.date(year, month, day)


def round_judged_on(today: dt.date) -> dt.date:
    """The day the demo's round judges eligibility: its deadline in ``today``'s year."""
    return _deadline(str(load_round_definition()["round"]["deadline"]), today.year)


class RoundBuilder:
    """Fills one round unit by unit; every choice comes from one seeded Random."""

    def __init__(
        self, conn: sqlite3.Connection, spec: dict[str, Any], seed: int, today: dt.date
    ) -> None:
        self.conn = conn
        self.spec = spec
        self.settings = spec["round"]
        self.rng = random.Random(f"{seed}:round")
        self.today = today
        self.rules = DEMO_RULES
        self.round: RecommendationRound = store.create_round(
            conn,
            today.year,
            deadline=_deadline(str(self.settings["deadline"]), today.year),
            quota=Quota(*self.settings["quota"]),
        )

    def _day_before(self, low_high: list[int]) -> dt.date:
        low, high = low_high
        day = self.today - dt.timedelta(days=self.rng.randint(low, high))
        return max(day, dt.date(self.today.year, 1, 1))

    def candidates(self, unit_id: int) -> tuple[list[int], list[int]]:
        """The unit's (eligible, ineligible) cadre ids on the round's date, shuffled."""
        found = cadres.list_cadres(self.conn, sending_unit_id=unit_id, limit=CANDIDATES)
        judged = store.judge_cadres(
            self.conn, [c.id for c in found], self.round.judged_on, self.rules
        )
        eligible = [cid for cid, (_, results) in judged.items() if not blocking_failures(results)]
        ineligible = [
            cid
            for cid, (_, results) in judged.items()
            if [r.rule for r in blocking_failures(results)] == [self.spec["ineligible"]["rule"]]
        ]
        eligible.sort()
        ineligible.sort()
        self.rng.shuffle(eligible)
        self.rng.shuffle(ineligible)
        return eligible, ineligible

    def submit(self, unit_id: int, count: int, exception: int | None = None) -> None:
        """The unit's committee meets, then ``count`` eligible cadres are put forward
        (plus ``exception``, who fails a rule, with the definition's reason)."""
        eligible, _ = self.candidates(unit_id)
        chosen = eligible[:count]
        if not chosen and exception is None:
            return
        met = self._day_before(self.settings["meeting_days_before"])
        low, high = self.settings["submitted_days_after"]
        sent = min(self.today, met + dt.timedelta(days=self.rng.randint(low, high)))
        store.record_meeting(self.conn, self.round.id, unit_id, met)
        at = f"{sent.isoformat()}T02:00:00+00:00"
        if chosen:
            store.nominate(self.conn, self.round.id, chosen, today=sent, rules=self.rules, at=at)
        if exception is not None:
            store.nominate(
                self.conn,
                self.round.id,
                [exception],
                today=sent,
                rules=self.rules,
                exception_reason=self.spec["ineligible"]["reason"],
                at=at,
            )

    def decide(self, special: set[int], returned_unit: int) -> None:
        """Approve a share of the plain units' nominations; return one with a note."""
        share = float(self.settings["approved_share"])
        returned = store.list_recommendations(self.conn, self.round.id, returned_unit)
        if returned:
            at = f"{self.today.isoformat()}T03:00:00+00:00"
            store.return_nomination(
                self.conn, returned[-1].id, self.spec["returned"]["note"], at=at
            )
        for rec in store.list_recommendations(self.conn, self.round.id):
            if rec.sending_unit_id in special or not rec.stands:
                continue
            if self.rng.random() < share:
                store.approve(
                    self.conn, rec.id, note=self.settings["approval_note"], rules=self.rules
                )


def build_round(conn: sqlite3.Connection, seed: int, today: dt.date) -> RecommendationRound:
    """The current round for the year of ``today``, in progress (see round.toml)."""
    spec = load_round_definition()
    by_code = {u.code: u.id for u in units.list_sending_units(conn)}
    try:
        late = {by_code[code] for code in spec["round"]["late"]}
        over, under, odd, back = (
            by_code[spec[name]["unit"]]
            for name in ("over_quota", "under_quota", "ineligible", "returned")
        )
    except KeyError as exc:
        raise CadreError(
            "store.demo.definition_invalid", file="round.toml", reason=f"unknown unit {exc}"
        ) from exc
    builder = RoundBuilder(conn, spec, seed, today)
    store.set_unit_quota(conn, builder.round.id, under, Quota(*spec["under_quota"]["quota"]))
    two_share = float(spec["round"]["two_share"])
    for unit_id in by_code.values():
        if unit_id in late:
            continue
        if unit_id == over:
            builder.submit(unit_id, int(spec["over_quota"]["nominees"]))
        elif unit_id == under:
            builder.submit(unit_id, int(spec["under_quota"]["nominees"]))
        elif unit_id == odd:
            _, ineligible = builder.candidates(unit_id)
            builder.submit(unit_id, 1, ineligible[0] if ineligible else None)
        else:
            two = unit_id == back or builder.rng.random() < two_share
            builder.submit(unit_id, 2 if two else 1)
    builder.decide({over, under, odd}, back)
    return builder.round
