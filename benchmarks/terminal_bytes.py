"""Bytes the app writes to an 80x24 terminal for a scripted 30-keystroke session.

What a slow SSH link carries. Builds the demo (as of a fixed day, pinned for
the app with CADRE_TUI_TODAY) into the cache folder, runs the real
``python -m cadre_tui --db DEMO`` under a pseudo-terminal of 80x24, types
:data:`SESSION` at a typing pace (at least :data:`PACE_SECONDS` apart, and each
key only once the screen has been quiet for :data:`QUIET_SECONDS`), and counts
every byte read from the terminal: start-up (until the first quiet), each
keystroke, the whole session, and 10 s idle on the pool with the search box
focused. "session" is everything from start-up to quit. Terminals:
xterm-256color, and the Linux console (TERM=linux, 16 colours). TEXTUAL_FPS and
TEXTUAL_ANIMATIONS pass through from the environment. Median and p95 of --runs
(default 3: a run takes ~35 s); sizes are demo pool sizes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time
from pathlib import Path

from _common import cache_dir, parse_args

DEMO_DAY = dt.date(2026, 11, 27)
PACE_SECONDS = 0.2
QUIET_SECONDS = 0.25
START_TIMEOUT = 20.0
KEY_TIMEOUT = 5.0
IDLE_SECONDS = 10.0

KEYS = {
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "pagedown": b"\x1b[6~",
    "enter": b"\r",
    "escape": b"\x1b",
    "tab": b"\t",
    "ctrl+q": b"\x11",
}

SESSION = [
    "f3", "/", "z", "h", "a", "n", "g", "enter", "down", "down",
    "pagedown", "up", "enter", "escape", "f4", "down", "enter", "escape",
    "f5", "down", "down", "down", "up", "f2", "pagedown", "down",
    "f3", "down", "f2", "ctrl+q",
]  # fmt: skip
"""30 keys: the pool and a name search, a cadre's detail, the round board and a
unit, the batches tree, the dashboard, and quit."""

TERMINALS = {
    "xterm-256color": {"TERM": "xterm-256color", "COLORTERM": ""},
    "linux": {"TERM": "linux", "COLORTERM": "", "TEXTUAL_COLOR_SYSTEM": "standard"},
}


def demo_database(cadres: int) -> Path:
    """The demo as of :data:`DEMO_DAY`, built once into the cache folder."""
    path = cache_dir() / f"terminal-demo-{cadres}-{DEMO_DAY.isoformat()}.db"
    if not path.exists():
        from cadre_tui.services.demo import build_demo

        build_demo(path, cadres=cadres, today=DEMO_DAY)
    return path


class Terminal:
    """The app in a pseudo-terminal of 80x24; counts what it writes."""

    def __init__(self, db: Path, env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the app
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            argv = [sys.executable, "-m", "cadre_tui", "--db", str(db)]
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self.total = 0

    def read_until_quiet(self, quiet: float, timeout: float) -> int:
        """Bytes read until nothing came for ``quiet`` seconds (or ``timeout`` passed)."""
        got = 0
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([self.fd], [], [], min(quiet, left))
            if not ready:
                if got:
                    break
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # the app has exited
                break
            if not chunk:
                break
            got += len(chunk)
        self.total += got
        return got

    def read_for(self, seconds: float) -> int:
        """Bytes read in exactly ``seconds``."""
        got = 0
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                got += len(chunk)
        self.total += got
        return got

    def press(self, key: str) -> int:
        started = time.monotonic()
        os.write(self.fd, KEYS.get(key, key.encode()))
        got = self.read_until_quiet(QUIET_SECONDS, KEY_TIMEOUT)
        time.sleep(max(0.0, PACE_SECONDS - (time.monotonic() - started)))
        return got

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):  # ctrl+q may have ended it
            os.kill(self.pid, signal.SIGTERM)
        self.read_until_quiet(0.2, 2.0)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def app_env(terminal: str, db: Path) -> dict[str, str]:
    env = dict(os.environ, LANG="zh_CN.UTF-8", LC_ALL="zh_CN.UTF-8", COLUMNS="80", LINES="24")
    env.pop("NO_COLOR", None)
    env.pop("TEXTUAL_COLOR_SYSTEM", None)
    env.update(TERMINALS[terminal])
    env["CADRE_TUI_TODAY"] = DEMO_DAY.isoformat()
    return env


def session(db: Path, terminal: str) -> dict[str, float]:
    """One session: start-up bytes, per-key bytes, total, and idle bytes on the pool."""
    env = app_env(terminal, db)
    term = Terminal(db, env)
    start = term.read_until_quiet(1.0, START_TIMEOUT)
    per_key = [term.press(key) for key in SESSION[:-1]]
    term.press(SESSION[-1])
    session_total = term.total
    term.close()
    # Idle: a fresh app on the pool with the search box focused, after it settles.
    term = Terminal(db, env)
    term.read_until_quiet(1.0, START_TIMEOUT)
    term.press("f3")
    term.press("/")
    term.read_until_quiet(1.0, 5.0)
    idle = term.read_for(IDLE_SECONDS)
    term.close()
    return {
        "startup": start,
        "per_key_median": statistics.median(per_key),
        "per_key_max": max(per_key),
        "session": session_total,
        "idle_10s": idle,
    }


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_sizes=[520], default_runs=3)
    rows = []
    for size in args.sizes:
        db = demo_database(size)
        for terminal in TERMINALS:
            runs = [session(db, terminal) for _ in range(args.runs)]
            for op in ("startup", "per_key_median", "per_key_max", "session", "idle_10s"):
                values = sorted(run[op] for run in runs)
                rows.append(
                    {
                        "bench": "terminal_bytes",
                        "op": op,
                        "size": size,
                        "term": terminal,
                        "median_bytes": round(statistics.median(values)),
                        "p95_bytes": round(
                            values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
                        ),
                        "keys": len(SESSION),
                    }
                )
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    header = f"{'operation':<18}{'terminal':<16}{'size':>6}{'median bytes':>14}{'p95 bytes':>12}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['op']:<18}{r['term']:<16}{r['size']:>6}{r['median_bytes']:>14}{r['p95_bytes']:>12}"
        )


if __name__ == "__main__":
    main()
