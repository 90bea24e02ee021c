"""Issue 8: the -wal file stays small while three coordinators write and one reads."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cadre_tui.store import audit, cadres
from cadre_tui.store.connection import checkpoint, connect

pytestmark = pytest.mark.stress

WRITERS, WRITES = 3, 10_000
WAL_LIMIT = 16 * 1024 * 1024


def wal_size(path: Path) -> int:
    try:
        return os.path.getsize(f"{path}-wal")
    except FileNotFoundError:
        return 0


def test_wal_stays_under_16_mb_through_10000_writes_with_a_reader_open(
    db_path: Path, programme: Callable, coordinators, check_store: Callable
) -> None:
    unit_ids = programme(WRITERS)
    reader = connect(db_path)  # the UI's connection: open throughout, reading now and then
    try:
        coordinators.start(db_path, unit_ids, -(-WRITES // WRITERS))
        largest, reads = 0, 0
        while coordinators.running():
            reader.execute("BEGIN")
            cadres.count_cadres(reader)
            audit.entries(reader, limit=20)
            reader.execute("COMMIT")
            reads += 1
            largest = max(largest, wal_size(db_path))
            time.sleep(0.005)
        reports = coordinators.reports()
        assert [report["errors"] for report in reports] == [[]] * WRITERS
        assert sum(report["writes"] for report in reports) >= WRITES
        largest = max(largest, wal_size(db_path))
        assert reads > 100, "the reader must have read throughout"
        print(f"largest -wal {largest / 2**20:.1f} MiB after {reads} reads")
        assert largest < WAL_LIMIT
        # A coordinator leaving checkpoints: the -wal is emptied though the reader stays open.
        assert checkpoint(reader)
        assert wal_size(db_path) == 0
    finally:
        reader.close()
    check_store(db_path)
