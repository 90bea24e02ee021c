"""The pool screen at 100,000 and 1,000,000 cadres, driven headless.

For each size: start-up to the first painted pool (launch of a whole process to
the frame that shows the first page, median of --runs; startup_process_whole
adds the interpreter's shutdown after it), then in one process the real screen:
page-down to painted frame, and keystroke to painted result for 1-character,
2-character and 3+-character Chinese queries, pinyin initials and ID tails
(20 each), and a sort change.
Baseline (issue 3): a plain Textual DataTable loading every row at 100,000,
start-up and page-down; ratios are ours over the baseline's.
Targets at 1,000,000: start-up <= 0.5 s, keystroke median <= 25 ms and
p95 <= 50 ms, page-down <= 20 ms, peak RSS <= 60 MB.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import sys
import time
from pathlib import Path

from _common import demo_database, parse_args, report, run_process, run_to_paint, summarise

import cadre_tui.ui  # noqa: F401 - before Textual, as in the app: it sets the frame rate

HERE = Path(__file__).resolve().parent
QUERIES = 20


def startup(db: Path, runs: int) -> tuple[list[float], list[float], list[float]]:
    """Launch to the painted first page (and the whole process, shutdown included)."""
    env = dict(os.environ, LANG="zh_CN.UTF-8")
    argv = [sys.executable, "-m", "cadre_tui", "--db", str(db), "--screen", "pool"]
    run_to_paint(argv, env)
    times, wholes, rss = [], [], []
    for _ in range(runs):
        painted, whole, peak = run_to_paint(argv, env)
        times.append(painted)
        wholes.append(whole)
        rss.append(peak)
    return times, wholes, rss


def sample_queries(db: Path) -> dict[str, list[str]]:
    from cadre_tui.store.connection import connect

    conn = connect(db, read_only=True)
    rng = random.Random(7)
    try:
        (top,) = conn.execute("SELECT max(id) FROM cadres").fetchone()
        picks = [rng.randint(1, top) for _ in range(QUERIES * 3)]
        rows = [
            conn.execute(
                "SELECT name, name_initials, id_number FROM cadres WHERE id >= ?"
                " AND status != 'archived' LIMIT 1",
                (p,),
            ).fetchone()
            for p in picks
        ]
    finally:
        conn.close()
    rows = [r for r in rows if r is not None]
    three = [r[0] for r in rows if len(r[0]) >= 3][:QUERIES]
    return {
        "keystroke_1char": [r[0][0] for r in rows[:QUERIES]],
        "keystroke_2char": [r[0][:2] for r in rows[:QUERIES]],
        "keystroke_3char": three or [r[0] for r in rows[:QUERIES]],
        "keystroke_initials": [r[1][:2] for r in rows[:QUERIES]],
        "keystroke_id_tail": [r[2][-6:] for r in rows[:QUERIES]],
    }


async def drive(db: Path) -> dict[str, list[float]]:
    """Drive the real screen; each figure runs from the key press to the moment
    the screen has repainted with the result (a callback after the refresh)."""
    from textual.widgets import Input

    from cadre_tui import i18n
    from cadre_tui.store.database import open_database
    from cadre_tui.ui.app import CadreApp
    from cadre_tui.ui.screens.pool import PoolScreen
    from cadre_tui.ui.widgets.pool_grid import PoolGrid

    i18n.set_language("zh")
    queries = sample_queries(db)
    painted: list[asyncio.Future] = []

    def mark_painted(node) -> None:  # noqa: ANN001
        def done() -> None:
            if painted and not painted[-1].done():
                painted[-1].set_result(time.perf_counter())

        node.call_after_refresh(done)

    original_loaded = PoolScreen.on_page_loaded
    original_page = PoolGrid.action_page

    def on_page_loaded(self, message) -> None:  # noqa: ANN001
        original_loaded(self, message)
        if message.mode == "replace" and message.seq == self._seq:
            mark_painted(self)

    def action_page(self, direction: int) -> None:
        original_page(self, direction)
        mark_painted(self)

    PoolScreen.on_page_loaded = on_page_loaded
    PoolGrid.action_page = action_page

    app = CadreApp(open_database(db, read_only=True), start="pool")
    timings: dict[str, list[float]] = {}

    async def settle(pilot) -> None:  # noqa: ANN001
        await app.workers.wait_for_complete()
        await pilot.pause()

    async def timed(pilot, key: str) -> float:  # noqa: ANN001
        painted.append(asyncio.get_running_loop().create_future())
        started = time.perf_counter()
        await pilot.press(key)
        finished = await asyncio.wait_for(painted[-1], timeout=10)
        await settle(pilot)
        return finished - started

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        search = screen.query_one("#pool-search", Input)
        timings["page_down"] = [await timed(pilot, "pagedown") for _ in range(QUERIES)]
        for op, texts in queries.items():
            values = []
            for text in texts:
                search.focus()
                await pilot.pause()
                search.value = text[:-1]  # after focus, which selects the old text
                search.cursor_position = len(search.value)
                await pilot.pause(0.3)
                await settle(pilot)
                values.append(await timed(pilot, text[-1]))
                assert search.value == text
                assert screen.grid.rows, f"no rows for a query taken from the pool: {text}"
            timings[op] = values
        search.value = ""
        await settle(pilot)
        screen.grid.focus()
        timings["sort_change"] = [await timed(pilot, key) for key in ["3", "3", "4", "1"] * 5]
    return timings


def baseline(db: Path, runs: int) -> tuple[list[float], list[float], list[float]]:
    """Whole-process start-up and page-down of a DataTable holding every row."""
    env = dict(os.environ, CADRE_TUI_BASELINE_DB=str(db))
    argv = [sys.executable, str(HERE / "_datatable_baseline.py")]
    times, rss, downs = [], [], []
    for _ in range(runs):
        elapsed, peak = run_process(argv, env)
        times.append(elapsed)
        rss.append(peak)
        downs.append(float((Path(db).parent / "baseline-pagedown.txt").read_text()))
    return times, rss, downs


def drive_in_child(db: Path) -> tuple[dict[str, list[float]], float]:
    """Run the screen in a fresh process so its peak RSS is the screen's alone."""
    import json
    import subprocess

    done = subprocess.run(
        [sys.executable, __file__, "--drive", str(db)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"driving the screen failed:\n{done.stderr[-3000:]}")
    out = done.stdout
    data = json.loads(out.strip().splitlines()[-1])
    return data["timings"], data["peak_rss_mb"]


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--drive":
        import json

        timings = asyncio.run(drive(Path(sys.argv[2])))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"timings": timings, "peak_rss_mb": peak}))
        return
    args = parse_args(__doc__.splitlines()[0], default_sizes=[100_000, 1_000_000])
    rows = []
    base_start = base_down = None
    if 100_000 in args.sizes:
        db = demo_database(100_000)
        b_times, b_rss, b_downs = baseline(db, max(1, min(args.runs, 3)))
        rows.append(summarise("pool", "baseline_datatable_startup", 100_000, b_times, b_rss))
        rows.append(summarise("pool", "baseline_datatable_page_down", 100_000, b_downs, []))
        base_start, base_down = rows[-2]["median_ms"], rows[-1]["median_ms"]
    for size in args.sizes:
        db = demo_database(size)
        times, wholes, rss = startup(db, args.runs)
        rows.append(summarise("pool", "startup_to_pool", size, times, rss, base_start))
        rows.append(summarise("pool", "startup_process_whole", size, wholes, rss))
        timings, peak_mb = drive_in_child(db)
        peak = [peak_mb]
        for op, values in timings.items():
            ratio = base_down if op == "page_down" else None
            rows.append(summarise("pool", op, size, values, peak, ratio))
    report(rows, args.json)


if __name__ == "__main__":
    main()
