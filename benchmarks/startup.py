"""Start-up to the first painted dashboard, whole process, headless.

Runs ``python -m cadre_tui --db DEMO`` with CADRE_TUI_EXIT_AFTER_PAINT set, so
the app quits as soon as the dashboard has painted the figures it read in its
worker. startup_to_dashboard is the launch to that frame (what a user waits);
startup_process_whole adds the interpreter's shutdown. Median of --runs.
Target (issue 2): <= 0.6 s on a 2-core machine. No baseline: ratio is empty.
"""

from __future__ import annotations

import os
import sys

from _common import demo_database, parse_args, report, run_to_paint, summarise


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_sizes=[520])
    rows = []
    for size in args.sizes:
        db = demo_database(size)
        env = dict(os.environ, CADRE_TUI_EXIT_AFTER_PAINT="1", LANG="zh_CN.UTF-8")
        argv = [sys.executable, "-m", "cadre_tui", "--db", str(db)]
        run_to_paint(argv, env)  # warm the OS file cache once
        times, wholes, rss = [], [], []
        for _ in range(args.runs):
            painted, whole, peak = run_to_paint(argv, env)
            times.append(painted)
            wholes.append(whole)
            rss.append(peak)
        rows.append(summarise("startup", "startup_to_dashboard", size, times, rss))
        rows.append(summarise("startup", "startup_process_whole", size, wholes, rss))
    report(rows, args.json)


if __name__ == "__main__":
    main()
