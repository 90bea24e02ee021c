"""A coordinator process for the stress tests: it writes through the store's own functions.

Run as a script (``python store_writer.py MODE ...``), never imported by name, so
the child finds ``cadre_tui`` wherever it is installed rather than in the test folder.

Modes:

``batch DB WORKER UNIT_ID COUNT``
    print ``ready``, wait for a line on stdin, make COUNT writes (on a new
    connection every 50, as the UI's thread workers each open their own),
    checkpoint on leaving as the app does, and print one JSON line: how many
    writes succeeded, every error that reached the caller, whether the
    checkpoint got through.
``forkserver DB UNIT_ID``
    a warm process that forks one ``loop`` writer per ``fork CYCLE`` line
    (answering ``pid N``) and reaps it on ``reap N`` (answering ``reaped N``), so
    fifty killed writers do not pay fifty interpreter start-ups.

A ``loop`` writer writes until it is killed, printing ``begin KIND`` before each
write and ``ack KIND KEY`` only once the store function has returned (committed).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender
from cadre_tui.domain.identity import make_id_number
from cadre_tui.domain.model import NewCadre
from cadre_tui.domain.pool_query import PoolFilter
from cadre_tui.store import cadres, saved_filters, units
from cadre_tui.store.connection import checkpoint
from cadre_tui.store.database import Database, open_database

RECONNECT_EVERY = 50
STATUSES = (CadreStatus.RECOMMENDED, CadreStatus.SECONDED, CadreStatus.ARCHIVED)


def new_cadre(region: int, serial: int, unit_id: int) -> NewCadre:
    """A valid cadre whose ID number is unique for (region, serial), serial < 500,000."""
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=serial // 500)
    return NewCadre(
        name="张伟" if serial % 2 else "欧阳明辉",
        gender=Gender.MALE,
        birth_date=birth,
        id_number=make_id_number(f"{region:06d}", birth, (serial % 500) * 2 + 1, "M"),
        sending_unit_id=unit_id,
        category=CadreCategory.RESERVE_CADRE,
    )


class Writer:
    """One coordinator's writes, cycling through cadre creation, filters and status moves.

    Every write changes something and is one transaction with one audit row.
    """

    def __init__(self, database: Database, region: int, unit_id: int, tag: str) -> None:
        self.database = database
        self.conn = database.connect()
        self.region, self.unit_id, self.tag = region, unit_id, tag
        self.serial = 0
        self.made: list[int] = []

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = self.database.connect()

    def write(self, step: int) -> tuple[str, str]:
        """Make write number ``step``; returns its kind and a key that finds it."""
        kind = ("cadre", "cadre", "filter", "status")[step % 4]
        if kind == "cadre":
            record = new_cadre(self.region, self.serial, self.unit_id)
            cadre = cadres.create_cadre(self.conn, record)
            self.serial += 1
            self.made.append(cadre.id)
            return kind, cadre.id_number
        if kind == "filter":
            name = f"{self.tag}-{step}"
            saved_filters.save_filter(self.conn, name, PoolFilter(text=name))
            return kind, name
        cadre_id = self.made[-1]
        cadre = cadres.get_cadre(self.conn, cadre_id)
        target = next(s for s in STATUSES[step % 3 :] + STATUSES if s != cadre.status)
        moved = cadres.set_cadre_status(self.conn, cadre_id, target)
        return kind, f"{cadre_id}:{moved.row_version}"


def batch(path: str, worker: int, unit_id: int, count: int) -> None:
    writer = Writer(Database(path), 320400 + worker, unit_id, f"w{worker}")
    print("ready", flush=True)
    sys.stdin.readline()
    done, errors, slowest = 0, [], 0.0
    for step in range(count):
        started = time.perf_counter()
        try:
            if step and step % RECONNECT_EVERY == 0:
                writer.reconnect()
            writer.write(step)
            done += 1
            slowest = max(slowest, time.perf_counter() - started)
        except Exception as exc:  # every error that reaches the caller is reported
            errors.append(f"{type(exc).__name__}: {exc} ({exc.__cause__!r})")
    try:
        checkpointed = checkpoint(writer.conn)
    except Exception as exc:
        checkpointed = False
        errors.append(f"checkpoint: {type(exc).__name__}: {exc}")
    writer.conn.close()
    report = {
        "writes": done,
        "errors": errors,
        "checkpointed": checkpointed,
        "slowest_ms": round(slowest * 1000, 1),
    }
    print(json.dumps(report), flush=True)


def say(line: str) -> None:
    """One write(2) per line: a pipe keeps lines under PIPE_BUF whole and in order."""
    os.write(1, (line + "\n").encode())


def loop(path: str, unit_id: int, cycle: int) -> None:
    writer = Writer(Database(path), 110000 + cycle, unit_id, f"c{cycle}")
    say("ready")
    step = 0
    while True:
        say(f"begin {('cadre', 'cadre', 'filter', 'status')[step % 4]}")
        kind, key = writer.write(step)
        say(f"ack {kind} {key}")
        step += 1


def warm_up() -> None:
    """One write of each kind on a scratch file, so the forked writers inherit every lazy
    import (pypinyin takes ~0.3 s) and write from their first millisecond."""
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(Path(folder) / "scratch.db")
        conn = database.connect()
        unit_id = units.create_sending_unit(conn, code="S", name="scratch").id
        conn.close()
        writer = Writer(database, 990000, unit_id, "scratch")
        for step in range(4):
            writer.write(step)
        writer.conn.close()


def forkserver(path: str, unit_id: int) -> None:
    warm_up()
    commands: dict[str, Callable[[int], None]] = {}

    def fork(cycle: int) -> None:
        pid = os.fork()
        if pid == 0:
            try:
                loop(path, unit_id, cycle)
            finally:
                os._exit(1)
        say(f"pid {pid}")

    def reap(pid: int) -> None:
        _, status = os.waitpid(pid, 0)
        say(f"reaped {pid} {status}")

    commands.update(fork=fork, reap=reap)
    for line in sys.stdin:
        name, argument = line.split()
        commands[name](int(argument))


def main(argv: list[str]) -> None:
    mode, path, *rest = argv
    if mode == "batch":
        worker, unit_id, count = map(int, rest)
        batch(path, worker, unit_id, count)
    elif mode == "forkserver":
        forkserver(path, int(rest[0]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
