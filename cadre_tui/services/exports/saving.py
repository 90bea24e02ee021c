"""Writing an export: the file's format and default place, and the audit row an
unmasked export of personal data needs before its file is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cadre_tui import paths
from cadre_tui.services.exports.table import Sheet, file_format, write_table
from cadre_tui.store.sqlite import sqlite3


@dataclass(frozen=True)
class Export:
    kind: str
    """pool, round, groups or progress (the audit row and the default file name)."""
    sheets: list[Sheet]
    personal: bool
    """Holds ID numbers or phones: masked unless ``unmasked``, audited when not."""
    unmasked: bool = False
    details: dict[str, Any] = field(default_factory=dict)
    """What was asked for (filter, year, batch ...), for the audit row."""

    @property
    def rows(self) -> int:
        return sum(len(sheet.rows) for sheet in self.sheets)

    @property
    def audited(self) -> bool:
        return self.unmasked and self.personal


def export_dir() -> Path:
    return paths.data_dir() / "exports"


def default_path(kind: str, fmt: str, now: dt.datetime | None = None) -> Path:
    """``<data>/exports/<kind>-YYYYMMDD-HHMMSS.<fmt>``."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return export_dir() / f"{kind}-{stamp}.{fmt}"


def save(
    conn: sqlite3.Connection, export: Export, path: Path | None = None, fmt: str | None = None
) -> Path:
    """Write ``export`` to ``path`` (default: the exports folder, as .xlsx) and return
    where it went; an unmasked export of personal data is audited first."""
    if path is None:
        path = default_path(export.kind, fmt or "xlsx")
        path.parent.mkdir(parents=True, exist_ok=True)
    chosen = file_format(path, fmt)
    if export.audited:
        from cadre_tui.store.export_audit import record_unmasked_export

        where = str(Path(path).expanduser().resolve())
        record_unmasked_export(conn, export.kind, where, export.rows, export.details)
    return write_table(path, export.sheets, chosen)
