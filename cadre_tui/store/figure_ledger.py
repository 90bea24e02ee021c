"""Reading and writing the figure ledger by day, as the entry grid and ``record`` do.

A day's figure for a placement and metric is the sum of its ledger lines (the
entries and their corrections) at one place; setting it to a new value appends
either a new entry or a correction carrying the difference, never an update.
All totals are SQL aggregates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from cadre_tui.domain.identity import normalise_id_number, normalise_text
from cadre_tui.domain.model import FigureEntry, Placement
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.connection import transaction
from cadre_tui.store.figures import (
    FIGURE_ENTRY_COLUMNS,
    get_figure_entry,
    rounded_figure,
)
from cadre_tui.store.placements import get_placement, list_placements
from cadre_tui.store.sqlite import sqlite3

_CHUNK = 500

Place = tuple[int | None, int | None]
"""Where a figure belongs: (village id, project id); (None, None) for block-and-line."""


@dataclass(frozen=True, slots=True)
class DayFigure:
    """A placement's figure for one metric on one day, at one place."""

    placement_id: int
    metric_code: str
    place: Place
    value: float
    entry_id: int
    """The first entry of the day at this place: what a correction refers to."""


@dataclass(frozen=True, slots=True)
class Written:
    """What :func:`set_day_figure` appended: a new entry or a correction."""

    entry: FigureEntry
    before: float | None


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), _CHUNK):
        yield unique[start : start + _CHUNK]


def day_figures(
    conn: sqlite3.Connection, placement_ids: Iterable[int], day: dt.date
) -> list[DayFigure]:
    """The day's effective figures of these placements, one per metric and place."""
    found = []
    for chunk in _chunks(placement_ids):
        rows = conn.execute(
            "SELECT placement_id, metric_code, village_id, project_id, ROUND(SUM(value), 1),"
            " MIN(CASE WHEN corrects_id IS NULL THEN id END) AS first_id FROM figure_entries"
            f" WHERE placement_id IN ({', '.join('?' * len(chunk))}) AND entry_date = ?"
            " GROUP BY placement_id, metric_code, village_id, project_id"
            " ORDER BY placement_id, metric_code, first_id",
            (*chunk, day.isoformat()),
        )
        found += [DayFigure(r[0], r[1], (r[2], r[3]), r[4], r[5]) for r in rows]
    return found


def cumulative_totals(
    conn: sqlite3.Connection, cadre_ids: Iterable[int], day: dt.date, *, batch_id: int
) -> dict[int, dict[str, float]]:
    """Each cadre's totals per metric in the batch up to and including ``day``."""
    totals: dict[int, dict[str, float]] = {}
    for chunk in _chunks(cadre_ids):
        for row in conn.execute(
            "SELECT f.cadre_id, f.metric_code, ROUND(SUM(f.value), 1) FROM figure_entries f"
            " JOIN placements p ON p.id = f.placement_id"
            " JOIN working_groups g ON g.id = p.group_id"
            f" WHERE f.cadre_id IN ({', '.join('?' * len(chunk))}) AND f.entry_date <= ?"
            " AND g.batch_id = ? GROUP BY f.cadre_id, f.metric_code",
            (*chunk, day.isoformat(), batch_id),
        ):
            totals.setdefault(row[0], {})[row[1]] = row[2]
    return totals


def daily_totals_after(
    conn: sqlite3.Connection, cadre_ids: Iterable[int], day: dt.date, *, batch_id: int
) -> dict[int, list[tuple[dt.date, dict[str, float]]]]:
    """Each cadre's own figures per later day in the batch, oldest first: a change
    on ``day`` moves every running total after it."""
    found: dict[int, dict[str, dict[str, float]]] = {}
    for chunk in _chunks(cadre_ids):
        for row in conn.execute(
            "SELECT f.cadre_id, f.entry_date, f.metric_code, ROUND(SUM(f.value), 1)"
            " FROM figure_entries f"
            " JOIN placements p ON p.id = f.placement_id"
            " JOIN working_groups g ON g.id = p.group_id"
            f" WHERE f.cadre_id IN ({', '.join('?' * len(chunk))}) AND f.entry_date > ?"
            " AND g.batch_id = ? GROUP BY f.cadre_id, f.entry_date, f.metric_code"
            " ORDER BY f.cadre_id, f.entry_date",
            (*chunk, day.isoformat(), batch_id),
        ):
            found.setdefault(row[0], {}).setdefault(row[1], {})[row[2]] = row[3]
    return {
        cadre: [(dt.date.fromisoformat(day), amounts) for day, amounts in days.items()]
        for cadre, days in found.items()
    }


def set_day_figure(
    conn: sqlite3.Connection,
    *,
    placement_id: int,
    cadre_id: int,
    day: dt.date,
    metric_code: str,
    place: Place,
    value: float,
    entered_by: str | None = None,
) -> Written | None:
    """Make the day's figure at ``place`` read ``value``: a new entry when there is
    none (a zero is then nothing to record), else a correction of the day's first
    entry by the difference; None when it already reads so. Checks are the
    caller's (the services judge the figure against the rules first)."""
    metric = conn.execute("SELECT is_area FROM metrics WHERE code = ?", (metric_code,)).fetchone()
    if metric is None:
        raise CadreError("store.figure.metric_unknown", metric=metric_code)
    is_area = bool(metric[0])
    amount = rounded_figure(value, is_area)
    if amount < 0:
        raise CadreError("store.figure.value_negative", value=value)
    village_id, project_id = place
    with transaction(conn):
        current = conn.execute(
            "SELECT SUM(value), MIN(CASE WHEN corrects_id IS NULL THEN id END)"
            " FROM figure_entries WHERE placement_id = ? AND metric_code = ? AND entry_date = ?"
            " AND village_id IS ? AND project_id IS ?",
            (placement_id, metric_code, day.isoformat(), village_id, project_id),
        ).fetchone()
        before, original = current
        difference = rounded_figure(amount - (before or 0.0), is_area)
        if difference == 0:
            return None
        entry = _append(
            conn,
            (
                placement_id,
                cadre_id,
                day.isoformat(),
                metric_code,
                difference,
                village_id,
                project_id,
                entered_by or audit.current_actor(),
                audit.utc_now(),
            ),
            corrects_id=original,
        )
        if original is None:
            audit.record(conn, "create", "figure_entry", entry.id, None, asdict(entry))
        else:
            audit.record(
                conn, "correct", "figure_entry", original, {"value": before}, {"value": amount}
            )
        return Written(entry, before if original is not None else None)


def last_entered_by(
    conn: sqlite3.Connection, placement_id: int, metric_code: str, day: dt.date
) -> str | None:
    """Who entered or corrected this day's figure last."""
    row = conn.execute(
        "SELECT entered_by FROM figure_entries WHERE placement_id = ? AND metric_code = ?"
        " AND entry_date = ? ORDER BY id DESC LIMIT 1",
        (placement_id, metric_code, day.isoformat()),
    ).fetchone()
    return row[0] if row is not None else None


def _append(conn: sqlite3.Connection, values: tuple, *, corrects_id: int | None) -> FigureEntry:
    cursor = conn.execute(
        f"INSERT INTO figure_entries ({', '.join(FIGURE_ENTRY_COLUMNS)}, corrects_id)"
        f" VALUES ({', '.join('?' * (len(FIGURE_ENTRY_COLUMNS) + 1))})",
        (*values, corrects_id),
    )
    return get_figure_entry(conn, int(cursor.lastrowid))


# -- who the figures are for -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayMember:
    """A group's member as the entry grid lists them, with their place by name."""

    placement: Placement
    name: str
    village: str
    field_team: str
    projects: tuple[str, ...]


def members_on(conn: sqlite3.Connection, group_id: int, day: dt.date) -> list[DayMember]:
    """The group's members on ``day`` and its active members (who may have joined
    later), leader first, then deputy, then by pinyin."""
    by_id = {p.id: p for p in list_placements(conn, group_id=group_id)}
    rows = conn.execute(
        "SELECT p.id, c.name, v.name, ft.name FROM placements p JOIN cadres c ON c.id = p.cadre_id"
        " LEFT JOIN villages v ON v.id = p.village_id"
        " LEFT JOIN field_teams ft ON ft.id = p.field_team_id"
        " WHERE p.group_id = ? AND (p.end_date IS NULL OR (p.start_date <= ? AND p.end_date >= ?))"
        " ORDER BY CASE p.role WHEN 'leader' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END,"
        " c.name_pinyin, p.id",
        (group_id, day.isoformat(), day.isoformat()),
    ).fetchall()
    names = project_names(conn, [row[0] for row in rows])
    return [
        DayMember(
            by_id[row[0]],
            row[1],
            row[2] or "",
            row[3] or "",
            tuple(names.get(pid, "") for pid in by_id[row[0]].project_ids),
        )
        for row in rows
    ]


def project_names(conn: sqlite3.Connection, placement_ids: Iterable[int]) -> dict[int, str]:
    """The names of the projects these placements own, by project id."""
    found: dict[int, str] = {}
    for chunk in _chunks(placement_ids):
        for row in conn.execute(
            "SELECT pr.id, pr.name FROM placement_projects pp JOIN projects pr"
            f" ON pr.id = pp.project_id WHERE pp.placement_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            found[row[0]] = row[1]
    return found


@dataclass(frozen=True, slots=True)
class NamedCadre:
    """A cadre a sheet or an option names, with the ID number to tell namesakes apart."""

    id: int
    name: str
    id_number: str


def find_cadres(conn: sqlite3.Connection, key: str) -> list[NamedCadre]:
    """The cadres ``key`` names: a record id (digits only, short), an ID number, or
    a name (exact, after NFKC); several when namesakes share it."""
    text = normalise_text(key)
    id_number = normalise_id_number(text)
    if text.isdigit() and len(text) < 15:
        column, param = "id", int(text)
    elif len(id_number) == 18 and id_number[:17].isdigit():
        column, param = "id_number", id_number
    else:
        column, param = "name", text
    rows = conn.execute(
        f"SELECT id, name, id_number FROM cadres WHERE {column} = ? ORDER BY id", (param,)
    )
    return [NamedCadre(*row) for row in rows]


def placement_on(conn: sqlite3.Connection, cadre_id: int, day: dt.date) -> Placement | None:
    """The cadre's placement covering ``day``; else the one nearest to it (whose
    dates then say why the day does not fit); None for a cadre never placed."""
    row = conn.execute(
        "SELECT id FROM placements WHERE cadre_id = :cadre ORDER BY"
        " start_date <= :day AND (end_date IS NULL OR end_date >= :day) DESC,"
        " MIN(ABS(julianday(start_date) - julianday(:day)),"
        " ABS(julianday(COALESCE(end_date, start_date)) - julianday(:day))), id DESC LIMIT 1",
        {"cadre": cadre_id, "day": day.isoformat()},
    ).fetchone()
    return get_placement(conn, row[0]) if row else None
