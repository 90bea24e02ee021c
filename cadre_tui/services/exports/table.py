"""Sheets of typed columns written as ``.xlsx`` or ``.csv``.

``.xlsx``: openpyxl's write-only mode (it streams rows, so 100,000 cadres stay
cheap), bold header, frozen header row, widths from the content (a Chinese
character counts two cells), numbers and dates as real cells with number formats.
``.csv``: UTF-8 with a BOM, so Excel on Chinese Windows reads names correctly;
numbers plain (no thousands separators), dates ``YYYY-MM-DD``, percentages ``85.3%``
(Excel reads all three as numbers and dates). A CSV holds one table: several sheets
are written one after another, each under its title, an empty row between.

Both are written to a temporary file beside the target and moved into place, so a
failed export never leaves half a file under the name asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from cadre_tui.errors import CadreError

FORMATS = ("xlsx", "csv")
WIDTH_SAMPLE = 2000
"""Rows measured for column widths (the header always is)."""
MIN_WIDTH, MAX_WIDTH = 6, 60
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters an .xlsx cell cannot hold (openpyxl refuses them)."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A CSV text cell starting so would be run by Excel as a formula; it gets a ``'``."""
_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    DATE = "date"
    PERCENT = "percent"
    """Values are percentages (85.3 for 85.3 %), as the progress reports count them."""


NUMBER_FORMATS = {
    Kind.INT: "#,##0",
    Kind.FLOAT: "#,##0.00",
    Kind.DATE: "yyyy-mm-dd",
    Kind.PERCENT: "0.0%",
}


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
    number_format: str | None = None
    """Overrides the kind's format in .xlsx (``"0"`` for a year: no separator)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))

    @property
    def format(self) -> str | None:
        return self.number_format or NUMBER_FORMATS.get(self.kind)


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    rows: Sequence[Sequence[Any]]
    """One value per column; None (or "") leaves the cell empty."""


def file_format(path: Path, fmt: str | None = None) -> str:
    """``fmt`` when given, else the file's suffix; anything else is refused, and so
    is a format the suffix contradicts (``--format csv`` for ``report.xlsx``)."""
    suffix = path.suffix.lower().lstrip(".")
    if fmt is not None:
        if fmt not in FORMATS:
            raise CadreError("exports.unknown_format", format=fmt)
        if suffix in FORMATS and suffix != fmt:
            raise CadreError("exports.format_mismatch", path=str(path), format=fmt)
        return fmt
    if suffix not in FORMATS:
        raise CadreError("exports.unknown_suffix", path=str(path))
    return suffix


def write_table(path: Path, sheets: list[Sheet], fmt: str | None = None) -> Path:
    """Write ``sheets`` to ``path`` (format from ``fmt`` or the suffix) and return it."""
    path = Path(path)
    chosen = file_format(path, fmt)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        if chosen == "xlsx":
            _write_xlsx(partial, sheets)
        else:
            _write_csv(partial, sheets)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CadreError(
            "exports.cannot_write", path=str(path), reason=exc.strerror or exc
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


# -- values --------------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _whole(value: Any) -> int:
    return value if isinstance(value, int) else round(float(value))


def _plain(value: float) -> str:
    """A float as CSV text: whole numbers without ``.0``, no exponent, no float dust."""
    if float(value).is_integer():
        return str(_whole(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def shown(value: Any, column: Column) -> str:
    """The cell as a reader sees it in Excel (for widths)."""
    if _empty(value):
        return ""
    kind = column.kind
    if kind is Kind.INT:
        return f"{_whole(value):,}"
    if kind is Kind.FLOAT:
        return f"{float(value):,.2f}"
    if kind is Kind.DATE:
        return _day(value).isoformat()
    if kind is Kind.PERCENT:
        return f"{float(value):.1f}%"
    return str(value)


def csv_text(value: Any, column: Column) -> str:
    if _empty(value):
        return ""
    kind = column.kind
    if kind is Kind.INT:
        return str(_whole(value))
    if kind is Kind.FLOAT:
        return _plain(float(value))
    if kind is Kind.DATE:
        return _day(value).isoformat()
    if kind is Kind.PERCENT:
        return f"{float(value):.1f}%"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def display_width(text: str) -> int:
    """Terminal-style cells of the longest line: wide and full-width characters count 2."""
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.split("\n")
        ),
        default=0,
    )


def column_widths(sheet: Sheet) -> list[int]:
    widths = [display_width(column.header) for column in sheet.columns]
    for row in sheet.rows[:WIDTH_SAMPLE]:
        for index, (value, column) in enumerate(zip(row, sheet.columns, strict=False)):
            widths[index] = max(widths[index], display_width(shown(value, column)))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 2)) for width in widths]


def sheet_titles(sheets: list[Sheet]) -> list[str]:
    """Titles Excel accepts: no ``[]:*?/\\``, at most 31 characters, each once."""
    titles: list[str] = []
    for number, sheet in enumerate(sheets, start=1):
        base = _TITLE_CHARS.sub(" ", sheet.title).strip()[:31] or f"Sheet{number}"
        title, n = base, 2
        while title in titles:
            title = f"{base[: 31 - len(str(n)) - 1]} {n}"
            n += 1
        titles.append(title)
    return titles


# -- writers -------------------------------------------------------------------------------


def _write_csv(path: Path, sheets: list[Sheet]) -> None:
    with open(path, "x", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for number, sheet in enumerate(sheets):
            if len(sheets) > 1:
                if number:
                    writer.writerow([])
                writer.writerow([sheet.title])
            writer.writerow([column.header for column in sheet.columns])
            columns = sheet.columns
            for row in sheet.rows:
                writer.writerow([csv_text(v, c) for v, c in zip(row, columns, strict=False)])


def _write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet, title in zip(sheets, sheet_titles(sheets), strict=True):
        ws = workbook.create_sheet(title)
        ws.freeze_panes = "A2"
        for index, width in enumerate(column_widths(sheet), start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=_ILLEGAL.sub("", column.header))
            cell.font = bold
            header.append(cell)
        ws.append(header)

        columns = sheet.columns
        for row in sheet.rows:
            ws.append([_xlsx_cell(ws, v, c) for v, c in zip(row, columns, strict=False)])
    workbook.save(path)


def _xlsx_cell(ws: Any, value: Any, column: Column) -> Any:
    """A plain value where no format is needed (cheaper), else a formatted cell."""
    from openpyxl.cell import WriteOnlyCell

    if _empty(value):
        return None
    kind = column.kind
    if kind is Kind.TEXT:
        text = _ILLEGAL.sub("", str(value))
        if not text.startswith("="):
            return text
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"  # text, never a formula
        return cell
    if kind is Kind.INT:
        number: Any = _whole(value)
    elif kind is Kind.FLOAT:
        number = float(value)
    elif kind is Kind.PERCENT:
        number = float(value) / 100
    else:
        number = _day(value)
    cell = WriteOnlyCell(ws, value=number)
    cell.number_format = column.format
    return cell
