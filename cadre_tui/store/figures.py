"""The figure ledger (任务完成情况) and the targets it is measured against.

Entries are never edited: a correction is a new row whose value is the
difference, so every total is a plain SUM and the history stays readable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from cadre_tui.domain.enums import ManagementMode
from cadre_tui.domain.model import (
    TARGET_SCOPES,
    FigureEntry,
    Metric,
    Placement,
    Target,
    TargetScope,
)
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.batches import get_batch
from cadre_tui.store.bulk import insert_rows
from cadre_tui.store.connection import transaction
from cadre_tui.store.placements import get_placement
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.working_groups import get_working_group

FIGURE_ENTRY_COLUMNS = (
    "placement_id",
    "cadre_id",
    "entry_date",
    "metric_code",
    "value",
    "village_id",
    "project_id",
    "entered_by",
    "entered_at",
)
"""Column order of the tuples :func:`insert_figure_entries` takes."""

TARGET_COLUMNS = ("batch_id", "scope", "scope_id", "metric_code", "value")
"""Column order of the tuples :func:`insert_targets` takes."""


def _entry(row: sqlite3.Row) -> FigureEntry:
    return FigureEntry(
        id=row["id"],
        placement_id=row["placement_id"],
        cadre_id=row["cadre_id"],
        entry_date=dt.date.fromisoformat(row["entry_date"]),
        metric_code=row["metric_code"],
        value=row["value"],
        entered_by=row["entered_by"],
        entered_at=row["entered_at"],
        village_id=row["village_id"],
        project_id=row["project_id"],
        corrects_id=row["corrects_id"],
    )


def list_metrics(conn: sqlite3.Connection) -> list[Metric]:
    """The programme's metrics in display order."""
    return [
        Metric(
            r["code"], r["name_zh"], r["name_en"], r["unit"], bool(r["is_area"]), r["sort_order"]
        )
        for r in conn.execute("SELECT * FROM metrics ORDER BY sort_order, code")
    ]


def _metric(conn: sqlite3.Connection, code: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM metrics WHERE code = ?", (code,)).fetchone()
    if row is None:
        raise CadreError("store.figure.metric_unknown", metric=code)
    return row


def rounded_figure(value: float, is_area: bool) -> float:
    """Households are whole; areas keep one decimal (m² to a tenth is what is measured)."""
    return float(round(value, 1)) if is_area else float(round(value))


def record_figure(
    conn: sqlite3.Connection,
    *,
    placement_id: int,
    entry_date: dt.date,
    metric_code: str,
    value: float,
    entered_by: str | None = None,
    village_id: int | None = None,
    project_id: int | None = None,
) -> FigureEntry:
    """Add a day's figure for a cadre's placement. The village (stationed) and the
    project (project-based, when the cadre owns several) come from the placement."""
    with transaction(conn):
        metric = _metric(conn, metric_code)
        amount = rounded_figure(value, bool(metric["is_area"]))
        if amount <= 0:
            raise CadreError("store.figure.value_not_positive", value=value)
        placement = get_placement(conn, placement_id)
        if entry_date < placement.start_date or (
            placement.end_date is not None and entry_date > placement.end_date
        ):
            raise CadreError("store.figure.outside_placement", date=entry_date.isoformat())
        mode = get_working_group(conn, placement.group_id).mode
        village_id, project_id = place_of(mode, placement, village_id, project_id)
        cursor = conn.execute(
            f"INSERT INTO figure_entries ({', '.join(FIGURE_ENTRY_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(FIGURE_ENTRY_COLUMNS))})",
            (
                placement_id,
                placement.cadre_id,
                entry_date.isoformat(),
                metric_code,
                amount,
                village_id,
                project_id,
                entered_by or audit.current_actor(),
                audit.utc_now(),
            ),
        )
        entry = get_figure_entry(conn, int(cursor.lastrowid))
        audit.record(conn, "create", "figure_entry", entry.id, None, asdict(entry))
        return entry


def default_place(mode: ManagementMode, placement: Placement) -> tuple[int | None, int | None]:
    """Where a figure goes when nobody names a place: the stationed village, the
    first owned project (a cadre owning several names one with ``record --place``),
    or nowhere in particular (block-and-line)."""
    if mode == ManagementMode.STATIONED_VILLAGE:
        return placement.village_id, None
    if mode == ManagementMode.PROJECT_BASED:
        if not placement.project_ids:
            raise CadreError("figures.no_project")
        return None, placement.project_ids[0]
    return None, None


def place_of(
    mode: ManagementMode, placement: Placement, village_id: int | None, project_id: int | None
) -> tuple[int | None, int | None]:
    """Where a figure belongs: the stationed village, or one of the owned projects."""
    if mode == ManagementMode.STATIONED_VILLAGE:
        if village_id not in (None, placement.village_id):
            raise CadreError("store.figure.place_not_placement")
        return placement.village_id, None
    if mode == ManagementMode.PROJECT_BASED:
        if project_id is None and len(placement.project_ids) == 1:
            project_id = placement.project_ids[0]
        if project_id is None:
            raise CadreError("store.figure.project_required")
        if project_id not in placement.project_ids:
            raise CadreError("store.figure.place_not_placement")
        return None, project_id
    if village_id is not None or project_id is not None:
        raise CadreError("store.figure.place_not_placement")
    return None, None


def correct_figure(
    conn: sqlite3.Connection, entry_id: int, new_value: float, *, entered_by: str | None = None
) -> FigureEntry:
    """Set an entry's effective value to ``new_value`` by appending the difference."""
    with transaction(conn):
        original = get_figure_entry(conn, entry_id)
        if original.corrects_id is not None:
            original = get_figure_entry(conn, original.corrects_id)
        metric = _metric(conn, original.metric_code)
        amount = rounded_figure(new_value, bool(metric["is_area"]))
        if amount < 0:
            raise CadreError("store.figure.value_negative", value=new_value)
        current = conn.execute(
            "SELECT SUM(value) FROM figure_entries WHERE id = ? OR corrects_id = ?",
            (original.id, original.id),
        ).fetchone()[0]
        difference = rounded_figure(amount - current, bool(metric["is_area"]))
        if difference == 0:
            return original
        cursor = conn.execute(
            f"INSERT INTO figure_entries ({', '.join(FIGURE_ENTRY_COLUMNS)}, corrects_id)"
            f" VALUES ({', '.join('?' * (len(FIGURE_ENTRY_COLUMNS) + 1))})",
            (
                original.placement_id,
                original.cadre_id,
                original.entry_date.isoformat(),
                original.metric_code,
                difference,
                original.village_id,
                original.project_id,
                entered_by or audit.current_actor(),
                audit.utc_now(),
                original.id,
            ),
        )
        entry = get_figure_entry(conn, int(cursor.lastrowid))
        audit.record(
            conn, "correct", "figure_entry", original.id, {"value": current}, {"value": amount}
        )
        return entry


def insert_figure_entries(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]]) -> int:
    """Bulk-add ledger rows (tuples in :data:`FIGURE_ENTRY_COLUMNS` order) in one
    transaction with one audit row; for the demo and benchmarks, unchecked."""
    return insert_rows(
        conn,
        f"INSERT INTO figure_entries ({', '.join(FIGURE_ENTRY_COLUMNS)})"
        f" VALUES ({', '.join('?' * len(FIGURE_ENTRY_COLUMNS))})",
        rows,
        entity="figure_entry",
    )


def get_figure_entry(conn: sqlite3.Connection, entry_id: int) -> FigureEntry:
    row = conn.execute("SELECT * FROM figure_entries WHERE id = ?", (entry_id,)).fetchone()
    if row is None:
        raise CadreError("store.figure.entry_not_found", id=entry_id)
    return _entry(row)


def cadre_entries(
    conn: sqlite3.Connection, cadre_id: int, *, since: dt.date | None = None
) -> list[FigureEntry]:
    """A cadre's ledger lines (corrections included), oldest first."""
    return [
        _entry(row)
        for row in conn.execute(
            "SELECT * FROM figure_entries WHERE cadre_id = ? AND entry_date >= ?"
            " ORDER BY entry_date, id",
            (cadre_id, since.isoformat() if since else ""),
        )
    ]


def last_report_dates(conn: sqlite3.Connection, batch_id: int) -> dict[int, dt.date | None]:
    """Each active cadre of the batch with the date of their latest entry (None: never)."""
    rows = conn.execute(
        "SELECT p.cadre_id, (SELECT MAX(f.entry_date) FROM figure_entries f"
        " WHERE f.placement_id = p.id) AS last FROM placements p"
        " JOIN working_groups g ON g.id = p.group_id"
        " WHERE g.batch_id = ? AND p.end_date IS NULL ORDER BY p.cadre_id",
        (batch_id,),
    )
    return {row[0]: dt.date.fromisoformat(row[1]) if row[1] else None for row in rows}


def batch_totals(conn: sqlite3.Connection, batch_id: int) -> dict[str, float]:
    """The batch's total per metric, from the roll-up view."""
    return {
        row[0]: row[1]
        for row in conn.execute(
            "SELECT metric_code, total FROM batch_figure_totals WHERE batch_id = ?", (batch_id,)
        )
    }


# -- targets ---------------------------------------------------------------------


def set_target(
    conn: sqlite3.Connection,
    *,
    batch_id: int,
    scope: TargetScope,
    scope_id: int,
    metric_code: str,
    value: float,
) -> Target:
    """Set (or replace) what a batch, unit, group, village, project or cadre should reach."""
    if scope not in TARGET_SCOPES:
        raise CadreError("store.target.scope_unknown", scope=scope)
    if value < 0:
        raise CadreError("store.figure.value_negative", value=value)
    with transaction(conn):
        get_batch(conn, batch_id)
        _metric(conn, metric_code)
        before = conn.execute(
            "SELECT value FROM targets WHERE batch_id = ? AND scope = ? AND scope_id = ?"
            " AND metric_code = ?",
            (batch_id, scope, scope_id, metric_code),
        ).fetchone()
        conn.execute(
            f"INSERT INTO targets ({', '.join(TARGET_COLUMNS)}) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (batch_id, scope, scope_id, metric_code)"
            " DO UPDATE SET value = excluded.value",
            (batch_id, scope, scope_id, metric_code, float(value)),
        )
        target = _target(
            conn.execute(
                "SELECT * FROM targets WHERE batch_id = ? AND scope = ? AND scope_id = ?"
                " AND metric_code = ?",
                (batch_id, scope, scope_id, metric_code),
            ).fetchone()
        )
        audit.record(
            conn,
            "set",
            "target",
            target.id,
            {"value": before[0]} if before else None,
            asdict(target),
        )
        return target


def insert_targets(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]]) -> int:
    """Bulk-add targets (tuples in :data:`TARGET_COLUMNS` order); one audit row."""
    return insert_rows(
        conn,
        f"INSERT INTO targets ({', '.join(TARGET_COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
        rows,
        entity="target",
    )


def _target(row: sqlite3.Row) -> Target:
    return Target(
        row["id"], row["batch_id"], row["scope"], row["scope_id"], row["metric_code"], row["value"]
    )


def list_targets(conn: sqlite3.Connection, batch_id: int) -> list[Target]:
    return [
        _target(row)
        for row in conn.execute(
            "SELECT * FROM targets WHERE batch_id = ? ORDER BY scope, scope_id, metric_code",
            (batch_id,),
        )
    ]
