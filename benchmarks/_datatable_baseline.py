"""Baseline for benchmarks/pool.py: Textual's DataTable holding every row.

Loads all cadres of CADRE_TUI_BASELINE_DB into a DataTable, waits for the
first paint, presses page-down once and writes its time beside the database.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable

DB = Path(os.environ["CADRE_TUI_BASELINE_DB"])


class Baseline(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from cadre_tui.store.connection import connect

        conn = connect(DB, read_only=True)
        rows = conn.execute(
            "SELECT c.name, c.gender, c.birth_date, u.name, c.post, c.category,"
            " c.party_status, c.status FROM cadres c JOIN sending_units u"
            " ON u.id = c.sending_unit_id ORDER BY c.name_pinyin, c.id"
        ).fetchall()
        conn.close()
        table = self.query_one(DataTable)
        table.add_columns("name", "gender", "born", "unit", "post", "category", "party", "status")
        table.add_rows([tuple(r) for r in rows])
        table.focus()


async def main() -> None:
    app = Baseline()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("pagedown")
        await pilot.pause()
        (DB.parent / "baseline-pagedown.txt").write_text(str(time.perf_counter() - started))


asyncio.run(main())
