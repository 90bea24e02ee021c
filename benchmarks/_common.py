"""Shared by the benchmark scripts: sizes, timing statistics, the output table,
and the cache folder where large synthetic databases are built once."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("CADRE_TUI_BENCH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "cadre-tui-bench"
    )
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def parse_args(
    description: str, default_sizes: list[int], default_runs: int = 10
) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--sizes", default=",".join(map(str, default_sizes)), help="comma-separated pool sizes"
    )
    parser.add_argument("--runs", type=int, default=default_runs, help="repetitions per operation")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args()
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s]
    return args


def demo_database(cadres: int) -> Path:
    """A demo programme with ``cadres`` in the pool, built once and reused."""
    path = cache_dir() / f"demo-{cadres}.db"
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "cadre_tui", "demo", "--db", str(path), "--cadres", str(cadres)],
            check=True,
        )
    return path


def run_to_paint(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Launch to the first painted frame of data (s), the whole process (s), peak RSS (MB).

    The app writes the wall clock to CADRE_TUI_PAINT_STAMP once its first screen has
    painted its data and, with CADRE_TUI_EXIT_AFTER_PAINT, then quits: what a user
    waits for is that frame, not the interpreter's shutdown after it (~60-90 ms).
    """
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        stamp = Path(folder) / "painted"
        env = dict(env, CADRE_TUI_EXIT_AFTER_PAINT="1", CADRE_TUI_PAINT_STAMP=str(stamp))
        launched = time.time_ns()
        whole, peak = run_process(argv, env)
        painted = int(stamp.read_text(encoding="ascii"))
    return (painted - launched) / 1e9, whole, peak


def run_process(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{argv} failed ({proc.returncode}): {err}")
    return elapsed, usage.ru_maxrss / 1024


def summarise(
    bench: str,
    op: str,
    size: int,
    seconds: list[float],
    rss_mb: list[float],
    baseline_ms: float | None = None,
) -> dict:
    ms = sorted(s * 1000 for s in seconds)
    median = statistics.median(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return {
        "bench": bench,
        "op": op,
        "size": size,
        "median_ms": round(median, 1),
        "p95_ms": round(p95, 1),
        "peak_rss_mb": round(max(rss_mb), 1) if rss_mb else None,
        "baseline_ratio": round(median / baseline_ms, 2) if baseline_ms else None,
    }


def report(rows: list[dict], as_json: bool) -> None:
    if as_json:
        for row in rows:
            print(json.dumps(row))
        return
    header = (
        f"{'operation':<28}{'size':>10}{'median ms':>12}{'p95 ms':>10}"
        f"{'peak RSS MB':>13}{'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio = "" if r["baseline_ratio"] is None else f"{r['baseline_ratio']:.2f}"
        rss = "" if r["peak_rss_mb"] is None else f"{r['peak_rss_mb']:.1f}"
        print(
            f"{r['op']:<28}{r['size']:>10}{r['median_ms']:>12.1f}{r['p95_ms']:>10.1f}"
            f"{rss:>13}{ratio:>8}"
        )
