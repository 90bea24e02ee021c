"""Selected cadres to a CSV file Excel on Chinese Windows opens correctly
(UTF-8 with BOM); ID numbers and phones masked."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from cadre_tui import paths
from cadre_tui.domain.identity import mask_id_number, mask_phone
from cadre_tui.i18n import t
from cadre_tui.store import cadres, units
from cadre_tui.store.sqlite import sqlite3

EXPORT_FIELDS = (
    "name", "gender", "birth_date", "id_number", "phone", "ethnicity", "native_place",
    "party_status", "party_joined_on", "work_started_on", "education", "degree",
    "sending_unit", "post", "rank", "category", "status",
)  # fmt: skip


def export_dir() -> Path:
    return paths.data_dir() / "exports"


def export_cadres_csv(
    conn: sqlite3.Connection, cadre_ids: list[int], *, target: Path | None = None
) -> Path:
    """Write the cadres to ``target`` (default: a timestamped file in the exports folder)."""
    if target is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = export_dir() / f"pool-{stamp}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    unit_names = {u.id: u.name for u in units.list_sending_units(conn)}
    found = cadres.cadres_by_id(conn, cadre_ids)
    with open(target, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([t(f"export.{name}") for name in EXPORT_FIELDS])
        for cadre_id in cadre_ids:
            c = found.get(cadre_id)
            if c is None:
                continue
            writer.writerow(
                [
                    c.name, c.gender.label(), c.birth_date.isoformat(),
                    mask_id_number(c.id_number), mask_phone(c.phone) if c.phone else "",
                    c.ethnicity, c.native_place, c.party_status.label(),
                    c.party_joined_on.isoformat() if c.party_joined_on else "",
                    c.work_started_on.isoformat() if c.work_started_on else "",
                    c.education, c.degree, unit_names.get(c.sending_unit_id, ""),
                    c.post, c.rank, c.category.label(), c.status.label(),
                ]
            )  # fmt: skip
    return target
