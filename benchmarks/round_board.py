"""The recommendation round's board on a pool of 1,000,000 cadres with 2,000 sending units.

Builds (once, in the bench cache) a copy of the demo programme of the given
pool size, grown to 2,000 sending units through the store's bulk functions,
with this year's round: most units met and nominated one to three cadres
(some approved, some returned), about 15% are late. Then, in a fresh process
(so its peak RSS is its own), for --runs repetitions:

- board_service: connect, find the current round, read and judge the whole
  board (what the screen's worker and ``cadre-tui round`` do);
- board_first_paint: push a new board screen at 80×24 until its units are
  painted (compose, worker, message, render), the board having been read
  ahead as the app does a second after start-up (F4 at any time after that);
- board_first_paint_cold: the same with nothing read ahead (F4 in the first
  second, or the first open after a write by anyone): the whole board judged;
- board_reopen: F4 back to the board from the dashboard until it is painted
  (the screen is kept; its check that nothing was written since follows in
  a worker);
- board_refresh: r on the board until it is read again and painted (what
  follows any write);
- empty_screen_floor: the same screen with no data (header, a line, an empty
  list, footer): what Textual itself costs here, for comparison.

Target (issue 4): the board opens in <= 100 ms. No baseline: ratio is empty.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import cache_dir, demo_database, parse_args, report, summarise

import cadre_tui.ui  # noqa: F401 - before Textual, as in the app: it sets the frame rate

UNITS = 2_000
LATE_SHARE = 0.15
SEED = 4


def board_database(size: int, today: dt.date) -> Path:
    """The demo of ``size`` cadres grown to :data:`UNITS` units with a full round."""
    path = cache_dir() / f"round-{size}-{UNITS}-{today.year}.db"
    if path.exists():
        return path
    building = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(demo_database(size), building)
    from cadre_tui.domain.round import Quota
    from cadre_tui.store import recommendations, units
    from cadre_tui.store.database import open_database

    conn = open_database(building).connect()
    try:
        have = units.list_sending_units(conn)
        units.insert_sending_units(
            conn,
            (
                {"code": f"B{n:04d}", "name": f"基准单位{n:04d}", "leader_in_charge": f"负责人{n}"}
                for n in range(1, UNITS - len(have) + 1)
            ),
        )
        round_ = recommendations.get_round(conn, today.year) or recommendations.create_round(
            conn, today.year
        )
        heard = {p.id for p in recommendations.unit_parts(conn, round_.id) if p.submitted_on}
        taken = {r.cadre_id for r in recommendations.list_recommendations(conn, round_.id)}
        rng = random.Random(SEED)
        (top,) = conn.execute("SELECT max(id) FROM cadres").fetchone()
        parts, nominations = [], []
        for unit in units.list_sending_units(conn):
            if unit.id in heard or rng.random() < LATE_SHARE:
                continue
            met = today - dt.timedelta(days=rng.randint(3, 40))
            quota = Quota(2, 3) if rng.random() < 0.05 else None
            parts.append(
                {
                    "sending_unit_id": unit.id,
                    "meeting_date": met,
                    "submitted_on": met,
                    "quota_min": quota.low if quota else None,
                    "quota_max": quota.high if quota else None,
                }
            )
            for _ in range(rng.choice((1, 1, 2, 2, 2, 3))):
                if len(taken) >= top:
                    break
                cadre = rng.randint(1, top)
                while cadre in taken:
                    cadre = rng.randint(1, top)
                taken.add(cadre)
                state = rng.choice(("nominated", "nominated", "approved", "returned"))
                note = "材料不全" if state == "returned" else ""
                nominations.append((unit.id, cadre, state, note, "", met))
        recommendations.insert_round_units(conn, round_.id, parts)
        recommendations.insert_recommendations(conn, round_.id, nominations)
        conn.execute("PRAGMA optimize")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    building.rename(path)
    return path


def time_service(db: Path, runs: int, today: dt.date) -> list[float]:
    from cadre_tui.services import round_board
    from cadre_tui.store.database import open_database

    database = open_database(db, read_only=True)
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        conn = database.connect()
        try:
            board = round_board.board(conn, round_board.current_round(conn, today), today=today)
        finally:
            conn.close()
        times.append(time.perf_counter() - started)
        assert len(board.units) == UNITS, len(board.units)
    return times[1:]


def bench_app(db: Path):  # noqa: ANN201 - a CadreApp
    """The app with a board that says when it has painted its units (the time a
    coordinator waits after F4), and an empty screen for the floor."""
    from textual.screen import Screen
    from textual.widgets import Footer, Header, Static

    from cadre_tui.store.database import open_database
    from cadre_tui.ui import app as app_module
    from cadre_tui.ui.screens.round_board import RoundBoardScreen
    from cadre_tui.ui.widgets.round_units import RoundUnitList

    styles = Path(app_module.__file__).parent / "styles"

    class TimedBoard(RoundBoardScreen):
        CSS_PATH = str(styles / "round.tcss")
        painted: asyncio.Event | None = None

        def on_board_loaded(self, message) -> None:  # noqa: ANN001
            super().on_board_loaded(message)
            if self.painted is not None:
                self.call_after_refresh(self.painted.set)

    class EmptyScreen(Screen):
        """The floor: a header, a line, an empty focusable list and the footer, so
        the footer is rebuilt on focus as on the board."""

        def compose(self):  # noqa: ANN202
            yield Header()
            yield Static(".")
            yield RoundUnitList()
            yield Footer()

    class BenchApp(app_module.CadreApp):
        CSS_PATH = str(styles / "app.tcss")
        MODES = {**app_module.CadreApp.MODES, "round": TimedBoard}

    return BenchApp(open_database(db, read_only=True)), TimedBoard, EmptyScreen


async def time_screens(db: Path, runs: int) -> dict[str, list[float]]:
    from cadre_tui import i18n

    i18n.set_language("zh")
    app, board_class, empty_class = bench_app(db)
    from cadre_tui.services import round_board

    timings: dict[str, list[float]] = {"empty_screen_floor": [], "board_first_paint": []}
    timings["board_first_paint_cold"] = []
    timings["board_reopen"] = []
    timings["board_refresh"] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(runs + 1):
            screen = empty_class()
            started = time.perf_counter()
            await app.push_screen(screen)
            painted = asyncio.Event()
            screen.call_after_refresh(painted.set)
            await painted.wait()
            timings["empty_screen_floor"].append(time.perf_counter() - started)
            await app.pop_screen()
            for kind in ("board_first_paint", "board_first_paint_cold"):
                if kind.endswith("cold"):
                    round_board.forget_kept_board()
                board = board_class()
                board.painted = asyncio.Event()
                started = time.perf_counter()
                await app.push_screen(board)
                await board.painted.wait()
                timings[kind].append(time.perf_counter() - started)
                assert len(board.units.units) == UNITS
                await app.pop_screen()
        await app.switch_mode("round")
        await app.workers.wait_for_complete()
        await pilot.pause()
        board = app.screen
        for _ in range(runs + 1):
            await app.switch_mode("dashboard")
            await app.workers.wait_for_complete()
            await pilot.pause()
            started = time.perf_counter()
            await app.switch_mode("round")
            painted = asyncio.Event()
            app.screen.call_after_refresh(painted.set)
            await painted.wait()
            timings["board_reopen"].append(time.perf_counter() - started)
            await pilot.pause()  # the resume handler's check that nothing was written
            await app.workers.wait_for_complete()
        for _ in range(runs + 1):
            board.painted = asyncio.Event()
            started = time.perf_counter()
            await pilot.press("r")
            await board.painted.wait()
            timings["board_refresh"].append(time.perf_counter() - started)
            await pilot.pause()
    return {op: values[1:] for op, values in timings.items()}


def child(db: Path, runs: int, today: dt.date) -> None:
    timings = {
        "board_service": time_service(db, runs, today),
        **asyncio.run(time_screens(db, runs)),
    }
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"timings": timings, "peak_rss_mb": peak}))


def main() -> None:
    today = dt.date.today()
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), int(sys.argv[3]), today)
        return
    args = parse_args(__doc__.splitlines()[0], default_sizes=[1_000_000])
    rows = []
    for size in args.sizes:
        db = board_database(size, today)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(db), str(args.runs)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        data = json.loads(out.strip().splitlines()[-1])
        for op, values in data["timings"].items():
            rows.append(summarise("round", op, size, values, [data["peak_rss_mb"]]))
    report(rows, args.json)


if __name__ == "__main__":
    main()
