"""Writing a checked import, and the rejected-rows file beside the input.

Everything goes in one ``BEGIN IMMEDIATE`` transaction: the sending units
``--create-units`` adds, the updates (each refused if someone changed that
cadre since the check), and the new cadres through the store's bulk insert
(one audit row). A new cadre whose ID number someone added meanwhile fails
the pool's unique index, and the whole import is rolled back.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import tempfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.roster_import import cells
from cadre_tui.services.roster_import.plan import (
    REJECTED,
    UNIT_COLUMN,
    ImportPlan,
    PlannedUpdate,
    file_fingerprint,
    planned_inserts,
    quiet_collector,
)
from cadre_tui.services.roster_import.sources import ImportFileError, read_source
from cadre_tui.store import audit, cadre_import, cadres, pool_indexes
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3

SUSPEND_FROM = 10_000
"""New cadres from which the pool's search indexes are dropped and rebuilt around
the insert (inside the same transaction) rather than updated row by row; only
when the new cadres are at least half the pool, as the rebuild reads it all."""
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class ImportResult:
    new: int
    updated: int
    units_created: int = 0


def apply_import(
    conn: sqlite3.Connection,
    plan: ImportPlan,
    *,
    only_valid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Write the plan's new and updated cadres, all in one transaction, or nothing.

    Refused (CadreError) while any row is rejected, unless ``only_valid``: then
    exactly the valid rows are written. The pool is checked again inside the
    transaction, so an edit or an addition made since the plan stops the import.
    """
    if plan.rejected and not only_valid:
        raise CadreError("roster_import.apply.has_rejected", count=plan.rejected)
    if not plan.new and not plan.updates:
        return ImportResult(0, 0)
    at = audit.utc_now()
    with quiet_collector(), transaction(conn):
        unit_ids = _create_units(conn, plan)
        cadre_import.update_cadres(conn, [_update(u, unit_ids) for u in plan.updates], at=at)
        if plan.new:
            _insert(conn, plan, unit_ids, at, progress)
    return ImportResult(plan.new, len(plan.updates), len(unit_ids))


def _create_units(conn: sqlite3.Connection, plan: ImportPlan) -> dict[int, int]:
    """Placeholder id → id of the unit created (or found, if added since the plan)."""
    if not plan.unit_placeholders:
        return {}
    codes = cadre_import.free_unit_codes(conn, len(plan.unit_placeholders))
    return {
        placeholder: cadre_import.sending_unit_named(conn, name, code).id
        for (placeholder, name), code in zip(plan.unit_placeholders, codes, strict=True)
    }


def _update(update: PlannedUpdate, unit_ids: dict[int, int]) -> cadre_import.CadreUpdate:
    record = update.record
    if record.sending_unit_id < 0:
        record = replace(record, sending_unit_id=unit_ids[record.sending_unit_id])
    return cadre_import.CadreUpdate(update.cadre_id, update.expected_version, record, update.before)


def _insert(
    conn: sqlite3.Connection,
    plan: ImportPlan,
    unit_ids: dict[int, int],
    at: str,
    progress: Callable[[int, int], None] | None,
) -> None:
    total = plan.new
    written = array("l")
    """Each row given to the store's insert, by its index in the plan's rows."""

    def rows() -> Iterator[tuple[Any, ...]]:
        for done, (position, stored) in enumerate(planned_inserts(plan), start=1):
            written.append(position)
            unit = stored[UNIT_COLUMN]
            if unit < 0:
                yield (*stored[:UNIT_COLUMN], unit_ids[unit], *stored[UNIT_COLUMN + 1 :], at, at)
            else:
                yield (*stored, at, at)
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, total)

    large = total >= SUSPEND_FROM and total * 2 >= cadres.count_cadres(conn)
    try:
        with pool_indexes.suspended(conn) if large else contextlib.nullcontext():
            cadres.insert_cadre_rows(conn, rows())
    except CadreError as exc:
        if exc.key != "store.bulk.row_rejected":
            raise
        index = max(0, int(exc.params.get("row", 1)) - 1)
        row = plan.rows[written[min(index, len(written) - 1)]]
        raise CadreError(
            "roster_import.apply.row_failed",
            line=row.line,
            name=row.name,
            reason=t("roster_import.apply.taken_meanwhile"),
        ) from exc
    if progress is not None:
        progress(total, total)


# -- the rejected-rows file ---------------------------------------------------------------


def rejected_path(path: Path, fmt: str) -> Path:
    """Beside the input: ``花名册.rejected.xlsx`` for a workbook, ``.csv`` otherwise."""
    suffix = ".xlsx" if fmt == "xlsx" else ".csv"
    stem = path.name if path.is_dir() else path.stem
    return path.with_name(f"{stem}.rejected{suffix}")


def write_rejected(plan: ImportPlan) -> Path | None:
    """Write each rejected row as the file had it, with a reason column, in the
    input's format (CSV in UTF-8 with BOM, so Excel shows Chinese); None when no
    row was rejected. The input is read again, so it must not have changed."""
    positions = {index for index, row in enumerate(plan.rows) if row.action == REJECTED}
    if not positions:
        return None
    if file_fingerprint(plan.path) != plan.fingerprint:
        raise ImportFileError("roster_import.file.changed", path=plan.path.name)
    source = read_source(plan.path, dict(plan.defaults))
    picked: list[list[object]] = []
    count = 0
    for index, row in enumerate(source.rows):
        count += 1
        if index in positions:
            planned = plan.rows[index]
            if planned.line != row.line:
                raise ImportFileError("roster_import.file.changed", path=plan.path.name)
            reason = t(
                "roster_import.rejected_reason",
                line=planned.line,
                reasons=t("roster_import.reason_separator").join(planned.reasons),
            )
            picked.append([*row.raw, reason])
    if count != len(plan.rows):
        raise ImportFileError("roster_import.file.changed", path=plan.path.name)
    width = max([len(source.headers), *(len(raw) - 1 for raw in picked)])
    header = [
        *source.headers,
        *[""] * (width - len(source.headers)),
        t("roster_import.reason_column"),
    ]
    body = [[*raw[:-1], *[""] * (width - len(raw) + 1), raw[-1]] for raw in picked]
    target = rejected_path(plan.path, source.format)
    if source.format == "xlsx":
        _save_xlsx(target, header, body)
    else:
        _save_csv(target, header, body)
    return target


def _save_csv(target: Path, header: list[object], body: list[list[object]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in body:
        writer.writerow([value if isinstance(value, str) else cells.text(value) for value in row])
    _replace(target, buffer.getvalue().encode("utf-8-sig"))


def _save_xlsx(target: Path, header: list[object], body: list[list[object]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(t("roster_import.rejected_sheet"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    titles = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(title)))
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    for row in body:
        sheet.append([_xlsx_value(value, ILLEGAL_CHARACTERS_RE) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _replace(target, buffer.getvalue())


def _xlsx_value(value: object, illegal: re.Pattern[str]) -> object:
    if isinstance(value, str):
        return illegal.sub("", value)
    if value is None or isinstance(value, int | float | bool | dt.date | dt.time | dt.timedelta):
        return value
    return cells.text(value)


def _replace(target: Path, data: bytes) -> None:
    """Write whole or not at all: a temporary file beside the target, then renamed."""
    handle, temporary = tempfile.mkstemp(prefix=".rejected-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
