"""Issue 8: four coordinators writing one file at once lose nothing and see no lock error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cadre_tui.store.connection import BUSY_TIMEOUT_MS, connect

pytestmark = pytest.mark.stress

WORKERS, EACH = 4, 2000


def test_four_processes_2000_writes_each_all_present_and_no_lock_error(
    db_path: Path, programme: Callable, coordinators, check_store: Callable
) -> None:
    unit_ids = programme(WORKERS)
    conn = connect(db_path)
    audit_before = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    conn.close()

    coordinators.start(db_path, unit_ids, EACH)
    reports = coordinators.reports()

    assert [report["errors"] for report in reports] == [[]] * WORKERS
    assert [report["writes"] for report in reports] == [EACH] * WORKERS
    # Nowhere near the busy timeout at which a write would have failed (with SQLite's
    # own busy handler single writes here waited up to 3 s).
    assert max(report["slowest_ms"] for report in reports) < BUSY_TIMEOUT_MS / 2
    check_store(db_path)
    conn = connect(db_path)
    try:
        audit_rows = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        assert audit_rows - audit_before == WORKERS * EACH
        cadres_per_unit = dict(
            conn.execute("SELECT sending_unit_id, count(*) FROM cadres GROUP BY 1").fetchall()
        )
        assert cadres_per_unit == dict.fromkeys(unit_ids, EACH // 2)
        filters = [row[0] for row in conn.execute("SELECT name FROM saved_filters")]
        assert sorted(filters) == sorted(
            f"w{worker}-{step}" for worker in range(WORKERS) for step in range(2, EACH, 4)
        )
        moves = dict(
            conn.execute(
                "SELECT c.sending_unit_id, count(*) FROM audit_log a"
                " JOIN cadres c ON c.id = a.entity_id"
                " WHERE a.entity = 'cadre' AND a.action = 'set_status' GROUP BY 1"
            ).fetchall()
        )
        assert moves == dict.fromkeys(unit_ids, EACH // 4)
    finally:
        conn.close()
