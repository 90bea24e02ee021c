"""The config file's ``[eligibility]`` values judge cadres everywhere the seed's rules do:
with ``max_age = 30`` a 32-year-old of the demo leaves the pool's "eligible only"
filter, fails the age rule in words that say 30, and needs a written reason to be
nominated or placed. The screens and commands hand these functions the config's rules
(tests/ui and tests/cli check that path); here, that the rules decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadre_tui.config import load_config
from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.domain.pool_query import PoolFilter, PoolOrder
from cadre_tui.errors import CadreError
from cadre_tui.services import cadre_profile
from cadre_tui.store import pool, recommendations
from cadre_tui.store.database import open_database
from cadre_tui.store.placements import placement_failures
from cadre_tui.store.sqlite import sqlite3

ON = dt.date(2026, 12, 31)
"""The demo round's deadline: the day its nominations are judged."""

SEED = EligibilityRules()


@pytest.fixture
def rules(tmp_path: Path) -> EligibilityRules:
    path = tmp_path / "config.toml"
    path.write_text("[eligibility]\nmax_age = 30\n", encoding="utf-8")
    config = load_config(path, {})
    assert config.problems == ()
    return config.eligibility_rules()


@pytest.fixture
def demo(demo_copy: Path) -> Iterator[sqlite3.Connection]:
    conn = open_database(demo_copy).connect()
    try:
        yield conn
    finally:
        conn.close()


def thirty_two(conn: sqlite3.Connection, *, unnominated: bool = False) -> int:
    """A cadre aged 32 on ``ON`` whom the seed's rules find eligible."""
    aged = PoolFilter(age_min=32, age_max=32, eligible_only=True)
    found = pool.matching_ids(conn, aged, today=ON, rules=SEED)
    if unnominated:
        named = {row[0] for row in conn.execute("SELECT cadre_id FROM recommendations")}
        found = [cadre_id for cadre_id in found if cadre_id not in named]
    assert found
    return found[0]


def test_the_eligible_only_filter_leaves_out_who_is_over_the_configured_age(
    demo: sqlite3.Connection, rules: EligibilityRules
) -> None:
    cadre_id = thirty_two(demo)
    eligible = PoolFilter(eligible_only=True)
    seed_ids = pool.matching_ids(demo, eligible, today=ON, rules=SEED)
    ids = pool.matching_ids(demo, eligible, today=ON, rules=rules)
    assert cadre_id in seed_ids and cadre_id not in ids
    assert set(ids) < set(seed_ids)
    assert pool.count(demo, eligible, today=ON, rules=rules) == len(ids)
    older = PoolFilter(eligible_only=True, age_min=31)
    assert pool.page(demo, older, PoolOrder(), today=ON, rules=SEED).rows
    assert pool.page(demo, older, PoolOrder(), today=ON, rules=rules).rows == []


def test_the_record_fails_the_age_rule_in_words_that_say_the_configured_age(
    demo: sqlite3.Connection, rules: EligibilityRules
) -> None:
    cadre_id = thirty_two(demo)
    assert cadre_profile.summary(demo, cadre_id, ON, SEED).eligible
    profile = cadre_profile.profile(demo, cadre_id, ON, rules)
    summary = profile.summary
    assert not summary.eligible and summary.rules_config.max_age == 30
    (failed,) = [r for r in summary.rules if not r.passed]
    assert failed.rule == "age" and failed.reason(rules, lang="en") == "Older than 30"
    assert failed.reason(rules, lang="zh") == "年龄超过 30 岁"


def test_a_nominee_over_the_configured_age_needs_a_written_reason(
    demo: sqlite3.Connection, rules: EligibilityRules
) -> None:
    cadre_id = thirty_two(demo, unnominated=True)
    round_ = recommendations.get_round(demo, 2026)
    assert round_ is not None and round_.judged_on == ON
    with pytest.raises(CadreError) as refused:
        recommendations.nominate(demo, round_.id, [cadre_id], rules=rules)
    assert refused.value.key == "round.error.reason_required"
    assert "Older than 30" in refused.value.message()
    (written,) = recommendations.nominate(
        demo, round_.id, [cadre_id], rules=rules, exception_reason="党委研究同意"
    )
    assert written.exception_reason == "党委研究同意"


def test_placing_a_cadre_over_the_configured_age_names_the_age(
    demo: sqlite3.Connection, rules: EligibilityRules
) -> None:
    cadre_id = thirty_two(demo)
    assert placement_failures(demo, cadre_id, ON, False, SEED) == ""
    assert placement_failures(demo, cadre_id, ON, False, rules) == "Older than 30"
    assert placement_failures(demo, cadre_id, ON, True, rules) == "Older than 30"
