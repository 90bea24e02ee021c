"""Selected cadres to a CSV file Excel on Chinese Windows opens correctly
(UTF-8 with BOM); ID numbers and phones masked. The pool screen's export (``o``);
the columns are :mod:`cadre_tui.services.exports.pool`'s, as ``cadre-tui export pool``
writes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cadre_tui.services.exports import saving
from cadre_tui.services.exports.pool import cadres_sheet
from cadre_tui.services.exports.table import write_table
from cadre_tui.store.sqlite import sqlite3


def export_dir() -> Path:
    return saving.export_dir()


def export_cadres_csv(
    conn: sqlite3.Connection, cadre_ids: list[int], *, target: Path | None = None
) -> Path:
    """Write the cadres to ``target`` (default: a timestamped file in the exports folder)."""
    if target is None:
        target = saving.default_path("pool", "csv", dt.datetime.now())
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_table(target, [cadres_sheet(conn, cadre_ids)], "csv")
