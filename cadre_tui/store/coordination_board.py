"""Joined reads the coordination records share: where a cadre was placed on a day,
and which batch a meeting's or training session's attendance belongs to (refusing
a closed batch, whose records are history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from cadre_tui.errors import CadreError
from cadre_tui.store.batches import open_batch
from cadre_tui.store.cadres import get_cadre
from cadre_tui.store.logistics import writable_group
from cadre_tui.store.sqlite import sqlite3


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
