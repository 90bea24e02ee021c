"""Field figures at scale: 20,000 cadres in placements and 5,000,000 ledger lines.

Builds (once, in the bench cache) a copy of the 100,000-cadre demo grown by one
active batch of 20,000 cadres in 1,000 working groups of 20 across twelve
receiving units (four per management mode), with batch, unit and group
targets (and cadre targets in a tenth of the groups), and --sizes ledger
lines written by ``figures.insert_figure_entries``: each cadre reports on
six days in seven, five metrics a day (about 50 days at full size), 3% have
gone quiet 3 to 20 days ago, and one line in 200 is a correction. One group
has 30 members, for the entry grid. Then, each in fresh processes:

- dashboard_open: the app started in-process (imports done first) until the
  dashboard has painted its figures (CADRE_TUI_EXIT_AFTER_PAINT), 80×24;
- dashboard_open_empty_db: the same on an empty database: Textual's own floor;
- dashboard_process: the same as a whole ``cadre-tui`` process (as startup.py);
- group_rollup: ``children`` of a group node and ``group_members`` by a metric
  (what the group progress screen reads), a different group each run;
- programme, batches, units, modes, not_reporting: the service calls behind the
  dashboard's progress, drill-down and not-reporting list, for reference;
- status_process, status_text_narrow, status_not_reporting: whole ``cadre-tui
  status`` processes;
- grid_save: ``figure_entry.save_grid`` of the 30-member group's grid (five
  metrics a row, a different day each run, on a scratch copy of the database),
  when that function exists.

Every measured process finds its bytecode cached (under the bench cache), as
an installed wheel's would be, whatever PYTHONDONTWRITEBYTECODE says.

Targets (issue 6): dashboard <= 300 ms, group roll-up <= 50 ms, status whole
process <= 0.8 s, grid save <= 50 ms. No baseline: ratio is empty.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import (
    cache_dir,
    demo_database,
    parse_args,
    report,
    run_process,
    run_to_paint,
    summarise,
)

POOL = 100_000
CADRES = 20_000
GROUP_SIZE = 20
GRID_ROWS = 30
UNITS_PER_MODE = 4
REPORTING_SHARE = 0.86
"""Days a cadre reports, of the days they work (rest days, meetings, training)."""
QUIET_DAYS = (3, 20)
"""Gone quiet: the last report this many days ago (3% of cadres)."""
LINES_PER_CADRE = 250
CHUNK = 250_000
SEED = 6
METRICS = (
    "measured_households",
    "measured_area",
    "signed_households",
    "demolished_households",
    "demolished_area",
)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def sizes_for(entries: int) -> int:
    """Cadres for a ledger of ``entries`` lines: 250 lines each, at most 20,000."""
    return max(GROUP_SIZE, min(CADRES, entries // LINES_PER_CADRE))


def build(entries: int) -> tuple[Path, dt.date]:
    """The benchmark programme, built once; returns its path and the day it was built for."""
    from cadre_tui.store.migrate import migration_names

    cadres = sizes_for(entries)
    schema = migration_names()[-1][:4]  # a newer schema builds anew
    path = cache_dir() / f"figures-{cadres}-{entries}-{schema}.db"
    stamp = path.with_suffix(".json")
    if path.exists() and stamp.exists():
        return path, dt.date.fromisoformat(json.loads(stamp.read_text())["today"])
    today = dt.date.today()
    building = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    log(f"building {path.name}: copying the {POOL:,}-cadre demo")
    shutil.copyfile(demo_database(POOL), building)
    from cadre_tui.store.database import open_database

    conn = open_database(building).connect()  # applies any newer migration to the copy
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        conn.execute("PRAGMA temp_store=MEMORY")
        placed = _batch(conn, cadres, today - dt.timedelta(days=_span(entries, cadres) - 1))
        log(f"  {len(placed):,} cadres placed ({time.perf_counter() - started:.0f} s)")
        _ledger(conn, placed, entries, today, started)
        conn.execute("PRAGMA optimize=0x10002")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    building.rename(path)
    stamp.write_text(json.dumps({"today": today.isoformat()}))
    log(f"built in {time.perf_counter() - started:.0f} s")
    return path, today


def _days_each(entries: int, cadres: int) -> int:
    """Reporting days per cadre so that five metrics a day reach ``entries`` lines."""
    return max(1, -(-entries // (cadres * len(METRICS))))


def _span(entries: int, cadres: int) -> int:
    """Days since the batch started: a working stretch and room to go quiet."""
    return round(_days_each(entries, cadres) / REPORTING_SHARE) + QUIET_DAYS[1] + 1


def _batch(conn, cadres: int, start: dt.date) -> list[tuple[int, int, int, int | None, tuple]]:  # noqa: ANN001
    """The big active batch; returns (placement, cadre, group, village, projects) per cadre."""
    from cadre_tui.domain.enums import LineSide, ManagementMode, PlacementRole
    from cadre_tui.store import batches, figures, units, working_groups
    from cadre_tui.store.connection import transaction
    from cadre_tui.store.placements import insert_placement

    rng = random.Random(SEED)
    (number,) = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM batches").fetchone()
    free = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM cadres WHERE status != 'archived' AND id NOT IN"
            " (SELECT cadre_id FROM placements WHERE end_date IS NULL) ORDER BY id"
        )
    ][: cadres + GRID_ROWS - GROUP_SIZE]
    groups_wanted = max(1, cadres // GROUP_SIZE)
    modes = list(ManagementMode)
    unit_count = min(UNITS_PER_MODE * len(modes), groups_wanted)
    per_unit = [len(range(n, groups_wanted, unit_count)) for n in range(unit_count)]
    with transaction(conn):
        made = []
        for n in range(unit_count):
            mode = modes[n % len(modes)]
            unit = units.create_receiving_unit(
                conn, code=f"BM{n:02d}", name=f"基准镇{n + 1:02d}", default_mode=mode
            )
            places: list = []
            if mode == ManagementMode.STATIONED_VILLAGE:
                places = [units.add_village(conn, unit.id, f"基准村{k:03d}") for k in range(60)]
            elif mode == ManagementMode.BLOCK_AND_LINE:
                places = [units.add_field_team(conn, unit.id, f"片区{k:02d}") for k in range(12)]
            else:
                places = [
                    units.add_project(conn, unit.id, f"基准项目{k:04d}")
                    for k in range(per_unit[n] * GROUP_SIZE)
                ]
            made.append((unit, mode, places))
        batch = batches.create_batch(
            conn,
            number=number,
            name=f"第{number}批基准干部",
            start_date=start,
            allow_leaders=True,
            receiving_unit_ids=[unit.id for unit, _, _ in made],
        )
        placed = []
        target_rows = []
        for index in range(groups_wanted):
            unit, mode, places = made[index % unit_count]
            group = working_groups.create_working_group(
                conn, batch_id=batch.id, receiving_unit_id=unit.id, name=f"基准组{index + 1:04d}"
            )
            members = free[index * GROUP_SIZE : (index + 1) * GROUP_SIZE]
            if index == 0:  # one group of GRID_ROWS, for the entry grid
                members += free[groups_wanted * GROUP_SIZE :][: GRID_ROWS - GROUP_SIZE]
            for position, cadre_id in enumerate(members):
                shape: dict = {}
                if mode == ManagementMode.STATIONED_VILLAGE:
                    shape["village_id"] = places[(index * 7 + position) % len(places)].id
                elif mode == ManagementMode.BLOCK_AND_LINE:
                    if position < 4:
                        shape["line_side"] = LineSide.LINE
                    else:
                        shape["line_side"] = LineSide.BLOCK
                        shape["field_team_id"] = places[(index + position) % len(places)].id
                else:
                    shape["project_ids"] = [places.pop().id]
                placement = insert_placement(
                    conn,
                    group,
                    cadre_id,
                    start,
                    role=PlacementRole.LEADER if position == 0 else PlacementRole.MEMBER,
                    **shape,
                )
                placed.append(
                    (
                        placement.id,
                        cadre_id,
                        group.id,
                        placement.village_id,
                        placement.project_ids,
                    )
                )
                if index % 10 == 0:
                    target_rows += [
                        (batch.id, "cadre", cadre_id, code, _goal(code, 1, rng)) for code in METRICS
                    ]
            target_rows += [
                (batch.id, "group", group.id, code, _goal(code, len(members), rng))
                for code in METRICS
            ]
        for n, (unit, _, _) in enumerate(made):
            target_rows += [
                (
                    batch.id,
                    "receiving_unit",
                    unit.id,
                    code,
                    _goal(code, per_unit[n] * GROUP_SIZE, rng),
                )
                for code in METRICS
            ]
        target_rows += [
            (batch.id, "batch", batch.id, code, _goal(code, len(placed), rng)) for code in METRICS
        ]
        figures.insert_targets(conn, target_rows)
    batches.start_batch(conn, batch.id)
    return placed


def _goal(code: str, cadres: int, rng: random.Random) -> float:
    """Targets of the right size for that many cadres, give or take a fifth."""
    per_cadre = {"measured_area": 5_000.0, "demolished_area": 3_000.0}.get(code, 12.0)
    return float(round(per_cadre * cadres * rng.uniform(0.8, 1.2)))


def _ledger(conn, placed: list, entries: int, today: dt.date, started: float) -> None:  # noqa: ANN001
    """``entries`` lines, day by day as they would arrive, in chunks of CHUNK."""
    from cadre_tui.store import figures

    rng = random.Random(SEED + 1)
    days_each = _days_each(entries, len(placed))
    span = _span(entries, len(placed))
    window = span - QUIET_DAYS[1] - 1
    first = today - dt.timedelta(days=span - 1)
    plan: dict[int, list[int]] = {}
    for index in range(len(placed)):
        quiet = rng.random() < 0.03
        last = span - 1 - (rng.randint(*QUIET_DAYS) if quiet else 0)
        picked = sorted(rng.sample(range(last + 1 - window, last + 1), min(days_each, window)))
        for day in picked:
            plan.setdefault(day, []).append(index)
    written = 0

    def rows():  # noqa: ANN202
        nonlocal written
        for day in sorted(plan):
            on = (first + dt.timedelta(days=day)).isoformat()
            at = f"{on}T18:00:00+00:00"
            for index in plan[day]:
                placement_id, cadre_id, _, village_id, projects = placed[index]
                project_id = projects[0] if projects else None
                for code in METRICS:
                    if written >= entries:
                        return
                    if code.endswith("area"):
                        value = round(rng.uniform(50, 400), 1)
                    else:
                        value = float(rng.randint(0, 3))
                    if rng.random() < 0.005:
                        value = -1.0  # a correction's difference
                    written += 1
                    yield (
                        placement_id,
                        cadre_id,
                        on,
                        code,
                        value,
                        village_id,
                        project_id,
                        "bench",
                        at,
                    )

    source = rows()
    while written < entries:
        before = written
        chunk = []
        for row in source:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                break
        if not chunk:
            break
        figures.insert_figure_entries(conn, chunk)
        log(f"  {written:,} / {entries:,} lines ({time.perf_counter() - started:.0f} s)")
        if written == before:
            break


# -- measuring -------------------------------------------------------------------------------


def child_services(db: Path, runs: int, today: dt.date) -> dict:
    from cadre_tui.services import field_status as fs
    from cadre_tui.store.database import open_database

    database = open_database(db, read_only=True)
    conn = database.connect()
    rng = random.Random(SEED + 2)
    timings: dict[str, list[float]] = {}

    def timed(op: str, call):  # noqa: ANN001, ANN202
        begun = time.perf_counter()
        result = call()
        timings.setdefault(op, []).append(time.perf_counter() - begun)
        return result

    try:
        big = conn.execute("SELECT MAX(id) FROM batches").fetchone()[0]
        group_ids = [
            r[0] for r in conn.execute("SELECT id FROM working_groups WHERE batch_id = ?", (big,))
        ]
        for run in range(runs + 1):
            programme = timed("programme", lambda: fs.programme_progress(conn, today))
            batches = timed("batches", lambda p=programme: fs.children(conn, p, today))
            node = next(b for b in batches if b.id == big)
            timed("units", lambda n=node: fs.children(conn, n, today))
            timed("modes", lambda: fs.by_mode(conn, big, today))
            silent = timed("not_reporting", lambda: fs.not_reporting(conn, today))
            group_id = rng.choice(group_ids)
            group = fs.group_progress(conn, group_id, today)

            def rollup(g=group) -> None:
                fs.children(conn, g, today)
                fs.group_members(conn, g.id, today, "signed_households")

            timed("group_rollup", rollup)
            if run == 0:
                timings = {}
                log(f"  not reporting: {len(silent):,}; group {group.name}: {group.cadres} cadres")
    finally:
        conn.close()
    return timings


def child_grid(db: Path, runs: int, today: dt.date) -> dict:
    """Save the 30-row group's grid through figure_entry.save_grid (issue 6's entry
    screen), on a scratch copy of the database, a different day each run."""
    try:
        from cadre_tui.services.figure_entry import GridRefused, save_grid
    except ImportError:
        return {}
    from cadre_tui.store.connection import connect

    conn = connect(db)
    timings = []
    try:
        group_id, placement_ids = _grid_group(conn)
        rng = random.Random(SEED + 3)
        for run in range(runs + 1):
            day = today - dt.timedelta(days=run)
            cells = {
                (pid, code): str(rng.randint(200, 400) if code.endswith("area") else 1)
                for pid in placement_ids
                for code in METRICS
            }
            begun = time.perf_counter()
            try:
                save_grid(conn, group_id, day, cells, today=today, confirm_warnings=True)
            except GridRefused as exc:
                raise SystemExit(f"grid refused: {exc.message()}") from exc
            timings.append(time.perf_counter() - begun)
    finally:
        conn.close()
    return {"grid_save": timings[1:]}


def _grid_group(conn) -> tuple[int, list[int]]:  # noqa: ANN001
    """The big batch's group with GRID_ROWS active members."""
    row = conn.execute(
        "SELECT p.group_id FROM placements p JOIN working_groups g ON g.id = p.group_id"
        " WHERE g.batch_id = (SELECT MAX(id) FROM batches) AND p.end_date IS NULL"
        " GROUP BY p.group_id HAVING COUNT(*) = ? LIMIT 1",
        (GRID_ROWS,),
    ).fetchone()
    if row is None:
        raise SystemExit(f"no group of {GRID_ROWS} in the benchmark database")
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM placements WHERE group_id = ? AND end_date IS NULL", (row[0],)
        )
    ]
    return row[0], ids


def child_dashboard(db: Path) -> dict:
    """One in-process start of the app until the dashboard has painted its figures."""
    os.environ["CADRE_TUI_EXIT_AFTER_PAINT"] = "1"
    import cadre_tui.ui  # noqa: F401 - before Textual, as in the app: it sets the frame rate
    from cadre_tui import i18n
    from cadre_tui.store.database import open_database
    from cadre_tui.ui.app import CadreApp
    from cadre_tui.ui.screens import dashboard  # noqa: F401 - imported before timing

    i18n.set_language("zh")
    database = open_database(db, read_only=True)
    app = CadreApp(database)
    begun = time.perf_counter()
    app.run(headless=True, size=(80, 24))
    return {"dashboard_open": [time.perf_counter() - begun]}


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "--child":
        kind, db, runs, today = sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
        day = dt.date.fromisoformat(today)
        timings = {
            "services": lambda: child_services(db, runs, day),
            "grid": lambda: child_grid(db, runs, day),
            "dashboard": lambda: child_dashboard(db),
        }[kind]()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"timings": timings, "peak_rss_mb": peak}))
        return
    args = parse_args(__doc__.splitlines()[0], default_sizes=[5_000_000])
    rows = []
    for size in args.sizes:
        db, today = build(size)
        rows += measure(db, today.isoformat(), size, args.runs)
    report(rows, args.json)


def bench_env(**extra: str) -> dict[str, str]:
    """The environment of every measured process: bytecode cached (in the bench
    cache, not the source tree) as an installed wheel's would be, even where the
    shell sets PYTHONDONTWRITEBYTECODE; Chinese, as the users run it."""
    env = dict(os.environ, LANG="zh_CN.UTF-8", PYTHONPYCACHEPREFIX=str(cache_dir() / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return {**env, **extra}


def _child(kind: str, db: Path, runs: int, day: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(db), str(runs), day],
        check=True,
        capture_output=True,
        text=True,
        env=bench_env(),
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(db: Path, day: str, size: int, runs: int) -> list[dict]:
    rows = []
    dashboard, rss = [], []
    _child("dashboard", db, 1, day)  # warm the OS file cache
    for _ in range(runs):
        data = _child("dashboard", db, 1, day)
        dashboard += data["timings"]["dashboard_open"]
        rss.append(data["peak_rss_mb"])
    rows.append(summarise("figures", "dashboard_open", size, dashboard, rss))
    empty = cache_dir() / "figures-empty.db"
    if not empty.exists():
        from cadre_tui.store.database import open_database

        open_database(empty)
    floor, rss = [], []
    for _ in range(runs):
        data = _child("dashboard", empty, 1, day)
        floor += data["timings"]["dashboard_open"]
        rss.append(data["peak_rss_mb"])
    rows.append(summarise("figures", "dashboard_open_empty_db", 0, floor, rss))
    env = bench_env(CADRE_TUI_EXIT_AFTER_PAINT="1")
    rows.append(_process("dashboard_process", size, [], env, db, runs))
    data = _child("services", db, runs, day)
    for op in ("group_rollup", "programme", "batches", "units", "modes", "not_reporting"):
        rows.append(summarise("figures", op, size, data["timings"][op], [data["peak_rss_mb"]]))
    env = bench_env()
    status = ["status", "--today", day]
    rows.append(_process("status_process", size, status, env, db, runs))
    narrow = [*status, "--format", "text", "--narrow"]
    rows.append(_process("status_text_narrow", size, narrow, env, db, runs))
    silent = [*status, "--not-reporting"]
    rows.append(_process("status_not_reporting", size, silent, env, db, runs))
    scratch = db.with_name("figures-grid-scratch.db")
    shutil.copyfile(db, scratch)
    try:
        data = _child("grid", scratch, runs, day)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    for op, values in data["timings"].items():
        rows.append(summarise("figures", op, size, values, [data["peak_rss_mb"]]))
    return rows


def _process(op: str, size: int, extra: list[str], env: dict, db: Path, runs: int) -> dict:
    argv = [sys.executable, "-m", "cadre_tui", "--db", str(db), *extra]
    run_process(argv, env)  # warm the OS file cache once
    times, rss = [], []
    for _ in range(runs):
        if env.get("CADRE_TUI_EXIT_AFTER_PAINT"):  # the app: launch to its painted frame
            elapsed, _whole, peak = run_to_paint(argv, env)
        else:
            elapsed, peak = run_process(argv, env)
        times.append(elapsed)
        rss.append(peak)
    return summarise("figures", op, size, times, rss)


if __name__ == "__main__":
    main()
