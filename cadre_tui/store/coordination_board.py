"""Joined reads the coordination records share: where a cadre was placed on a day,
which batch a meeting's or training session's attendance belongs to (refusing a
closed batch, whose records are history), and the batch's two flags (a cadre placed
for weeks without training, a member without a mentor; re-exported by
:mod:`cadre_tui.store.training`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from cadre_tui.domain.coordination import (
    TRAINING_DAYS,
    MentorFlag,
    TrainingFlag,
    days_without_training,
    needs_mentor,
    needs_training,
)
from cadre_tui.errors import CadreError
from cadre_tui.store.batches import open_batch
from cadre_tui.store.cadres import get_cadre
from cadre_tui.store.logistics import writable_group
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.values import day_from


@dataclass(frozen=True, slots=True)
class PlacedOn:
    """A cadre's placement on one day: the group and batch they were in."""

    placement_id: int
    group_id: int
    batch_id: int


def placement_on(conn: sqlite3.Connection, cadre_id: int, day: dt.date) -> PlacedOn | None:
    """The placement covering ``day`` (the latest one if two touch it), or None."""
    row = conn.execute(
        "SELECT p.id, p.group_id, g.batch_id FROM placements p"
        " JOIN working_groups g ON g.id = p.group_id"
        " WHERE p.cadre_id = ? AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?)"
        " ORDER BY p.start_date DESC, p.id DESC LIMIT 1",
        (cadre_id, day.isoformat(), day.isoformat()),
    ).fetchone()
    return PlacedOn(row[0], row[1], row[2]) if row else None


def attending_batch(
    conn: sqlite3.Connection,
    held_on: dt.date,
    group_ids: Iterable[int],
    cadre_ids: Iterable[int],
    area: str,
) -> int | None:
    """The one batch the groups and cadres attending belong to (cadres by their
    placement on ``held_on``); refusals are keyed ``store.<area>.*``. A closed batch
    or group refuses, as every write to it does."""
    found: set[int] = set()
    for group_id in group_ids:
        found.add(writable_group(conn, group_id).batch_id)
    for cadre_id in cadre_ids:
        placed = placement_on(conn, cadre_id, held_on)
        if placed is None:
            name = get_cadre(conn, cadre_id).name
            raise CadreError(f"store.{area}.cadre_not_placed", name=name, date=held_on.isoformat())
        open_batch(conn, placed.batch_id)
        found.add(placed.batch_id)
    if len(found) > 1:
        raise CadreError(f"store.{area}.batches_mixed")
    return found.pop() if found else None


# -- flags -----------------------------------------------------------------------------


def training_flags(
    conn: sqlite3.Connection, batch_id: int, today: dt.date, days: int = TRAINING_DAYS
) -> list[TrainingFlag]:
    """Cadres of the batch placed more than ``days`` days on ``today`` with no training
    attended since their placement started; longest without first."""
    placed = conn.execute(
        "SELECT p.id, p.cadre_id, c.name AS cadre_name, g.id AS group_id, g.name AS group_name,"
        " p.start_date, p.end_date FROM placements p JOIN working_groups g ON g.id = p.group_id"
        " JOIN cadres c ON c.id = p.cadre_id WHERE g.batch_id = ? AND p.start_date <= ?"
        " AND (p.end_date IS NULL OR p.end_date >= ?)",
        (batch_id, today.isoformat(), today.isoformat()),
    ).fetchall()
    trained: dict[int, list[dt.date]] = defaultdict(list)
    for cadre_id, held_on in conn.execute(
        "SELECT a.cadre_id, s.held_on FROM training_attendance a"
        " JOIN training_sessions s ON s.id = a.session_id WHERE a.cadre_id IN (SELECT p.cadre_id"
        " FROM placements p JOIN working_groups g ON g.id = p.group_id WHERE g.batch_id = ?)",
        (batch_id,),
    ):
        trained[cadre_id].append(dt.date.fromisoformat(held_on))
    flags = []
    for row in placed:
        start = dt.date.fromisoformat(row["start_date"])
        ended = day_from(row["end_date"])
        days_trained = trained.get(row["cadre_id"], [])
        if needs_training(start, today, days_trained, ended_on=ended, days=days):
            flags.append(
                TrainingFlag(
                    placement_id=row["id"],
                    cadre_id=row["cadre_id"],
                    cadre_name=row["cadre_name"],
                    group_id=row["group_id"],
                    group_name=row["group_name"],
                    placed_on=start,
                    days_without=days_without_training(start, today, days_trained),
                )
            )
    return sorted(flags, key=lambda f: (-f.days_without, f.group_id, f.cadre_name))


def mentor_flags(conn: sqlite3.Connection, batch_id: int) -> list[MentorFlag]:
    """Active members of the batch's working groups who have no mentor, by group."""
    rows = conn.execute(
        "SELECT g.id AS group_id, g.name AS group_name, p.id, p.cadre_id, c.name, p.end_date,"
        " EXISTS (SELECT 1 FROM mentors m WHERE m.placement_id = p.id) AS mentored"
        " FROM placements p JOIN working_groups g ON g.id = p.group_id"
        " JOIN cadres c ON c.id = p.cadre_id"
        " WHERE g.batch_id = ? AND g.state != 'closed' AND p.end_date IS NULL"
        " ORDER BY g.id, c.name_pinyin, p.id",
        (batch_id,),
    )
    return [
        MentorFlag(row["group_id"], row["group_name"], row["id"], row["cadre_id"], row["name"])
        for row in rows
        if needs_mentor(day_from(row["end_date"]), bool(row["mentored"]))
    ]
