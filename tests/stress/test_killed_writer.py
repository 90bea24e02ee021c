"""Issue 8: a coordinator killed mid-write loses nothing it acknowledged and leaves no half-write.

A warm fork server (store_writer.py) starts each writer, so fifty kills cost
milliseconds each. The writer prints ``ack`` only after the store function has
returned; the test kills it with SIGKILL at a random moment, reopens the file as
the next coordinator would and checks it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cadre_tui.store.database import Database

pytestmark = [
    pytest.mark.stress,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="SIGKILL and fork are POSIX"),
]

KILLS = 50


class Acknowledged:
    """What the killed writers said had committed, by kind."""

    def __init__(self) -> None:
        self.cadres: set[str] = set()
        self.filters: set[str] = set()
        self.versions: dict[int, int] = {}
        self.count = 0

    def hear(self, words: list[str]) -> None:
        """Note an ``ack KIND KEY`` line; other lines say nothing committed."""
        if words[0] != "ack":
            return
        kind, key = words[1:]
        self.count += 1
        if kind == "cadre":
            self.cadres.add(key)
        elif kind == "filter":
            self.filters.add(key)
        else:
            cadre_id, version = map(int, key.split(":"))
            self.versions[cadre_id] = max(version, self.versions.get(cadre_id, 0))

    def missing(self, path: Path) -> list[str]:
        conn = Database(path).connect()
        try:
            stored = {row[0] for row in conn.execute("SELECT id_number FROM cadres")}
            filters = {row[0] for row in conn.execute("SELECT name FROM saved_filters")}
            versions = dict(conn.execute("SELECT id, row_version FROM cadres").fetchall())
        finally:
            conn.close()
        lost = [f"cadre {key}" for key in sorted(self.cadres - stored)]
        lost += [f"filter {key}" for key in sorted(self.filters - filters)]
        lost += [
            f"status move to version {version} of cadre {cadre_id}"
            for cadre_id, version in self.versions.items()
            if versions.get(cadre_id, 0) < version
        ]
        return lost


class ForkServer:
    def __init__(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def line(self) -> list[str]:
        assert self.proc.stdout is not None
        text = self.proc.stdout.readline()
        if not text:
            assert self.proc.stderr is not None
            pytest.fail(f"the fork server died: {self.proc.stderr.read()}")
        return text.split()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate(timeout=10)


def test_a_writer_killed_50_times_mid_write_loses_no_acknowledged_write(
    db_path: Path, programme: Callable, writer: Callable, check_store: Callable
) -> None:
    (unit_id,) = programme(1)
    server = ForkServer(writer("forkserver", db_path, unit_id))
    rng = random.Random(8)
    acked = Acknowledged()
    mid_write = 0
    try:
        for cycle in range(KILLS):
            server.send(f"fork {cycle}")
            pid, ready = None, False
            while pid is None or not ready:  # the child may speak before the server does
                words = server.line()
                if words[0] == "pid":
                    pid = int(words[1])
                ready = ready or words == ["ready"]
                acked.hear(words)
            time.sleep(rng.uniform(0.0, 0.03))
            os.kill(pid, signal.SIGKILL)
            server.send(f"reap {pid}")
            last = words[0]
            while (words := server.line())[0] != "reaped":
                last = words[0]
                acked.hear(words)
            assert os.WIFSIGNALED(int(words[2])), "the writer must have died of the kill"
            mid_write += last == "begin"
            check_store(db_path)  # integrity_check ok, every row with its audit row
            assert acked.missing(db_path) == [], f"after kill {cycle + 1}"
    finally:
        server.close()
    print(f"{KILLS} kills, {mid_write} mid-write, {acked.count} acknowledged writes")
    assert acked.count > KILLS
    assert mid_write >= KILLS // 2, "most kills must land inside a write"
