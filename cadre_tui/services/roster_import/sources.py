"""Reading a roster file into rows keyed by pool field, whatever its format.

``.csv`` is decoded strictly (UTF-8 with or without BOM, else GB18030; never
latin-1 and never replacement characters); ``.xlsx`` (and ``.xlsm``/``.xls``) is
read with python-calamine, several times faster than openpyxl on large sheets.
``.lrmx`` files, a folder of them or a ``.zip`` go to
``cadre_tui.services.roster_import.lrmx.read_lrmx_source``, which returns the
same :class:`Source`.

Rows stream: a 100,000-row sheet is never held as Python objects all at once.
Readers must yield rows in a stable order, because the rejected-rows file is
written by reading the source again and picking rows by position.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.roster_import.headers import (
    REQUIRED_COLUMNS,
    column_letter,
    known_count,
    map_columns,
)

HEADER_SEARCH = 10
"""Rows looked at for the header: rosters often start with a title row or two."""
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls")
LRMX_SUFFIXES = (".lrmx", ".zip")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
"""GB18030 maps bytes no Chinese text uses to the Private Use Area: a sign the
file is in some other encoding."""


class ImportFileError(CadreError):
    """The file as a whole cannot be imported: unreadable, wrongly encoded, no
    header, a required column missing, or no rows. Nothing has been read into
    the pool (nor will be)."""


@dataclass
class SourceRow:
    """One record of the source, before any checking."""

    line: str
    """Where it is, in words: "第12行" / "line 12", or a file name for .lrmx."""
    cells: dict[str, object]
    """Pool field (:data:`~cadre_tui.services.roster_import.headers.FIELDS`) to the
    raw value as read: str, int, float, bool, date or datetime; "" or None when
    empty. A field without a column is absent."""
    raw: list[object] | tuple[object, ...]
    """The record as read, aligned with :attr:`Source.headers`: what the
    rejected-rows file repeats."""


@dataclass
class Source:
    """A file (or folder) opened for import, its rows not yet read."""

    path: Path
    format: str
    """"csv", "xlsx" or "lrmx": the rejected-rows file is CSV for csv and lrmx."""
    headers: tuple[str, ...]
    """Column titles as the file has them (the rejected-rows file's header row)."""
    fields: frozenset[str]
    """The pool fields the source has columns for: required ones are checked."""
    rows: Iterable[SourceRow]
    """One pass, in a stable order."""
    unknown_columns: list[str] = field(default_factory=list)
    """Titles that name no field; readers may add to it while rows stream (data
    found under a column without a title)."""
    total: int | None = None
    """About how many rows will come, for a progress bar; None when unknown."""


def read_source(path: Path, defaults: Mapping[str, object] | None = None) -> Source:
    """Open ``path`` by its kind; ImportFileError when it cannot be read at all.

    ``defaults`` fill a field for every row that leaves it empty or has no such
    column (``--unit``/``--category``): a unit's roster often names neither, and
    an .lrmx record has no place for them."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError("roster_import.file.not_found", path=str(path))
    given = {k: v for k, v in (defaults or {}).items() if v not in (None, "")}
    suffix = path.suffix.lower()
    if path.is_dir() or suffix in LRMX_SUFFIXES:
        source = _lrmx(path, given)
    elif suffix == ".csv":
        source = _filled(read_csv(path), given)
    elif suffix in SPREADSHEET_SUFFIXES:
        source = _filled(read_spreadsheet(path), given)
    else:
        raise ImportFileError("roster_import.file.unsupported", path=path.name)
    missing = [name for name in REQUIRED_COLUMNS if name not in source.fields]
    if missing:
        names = t("roster_import.list_separator").join(
            t(f"roster_import.header.{name}") for name in missing
        )
        raise ImportFileError("roster_import.file.missing_columns", columns=names)
    return source


def _lrmx(path: Path, defaults: Mapping[str, object]) -> Source:
    try:
        module = importlib.import_module("cadre_tui.services.roster_import.lrmx")
    except ModuleNotFoundError as exc:
        if exc.name != "cadre_tui.services.roster_import.lrmx":
            raise
        raise ImportFileError("roster_import.file.lrmx_unavailable", path=path.name) from exc
    return module.read_lrmx_source(path, defaults=defaults)


def _filled(source: Source, defaults: Mapping[str, object]) -> Source:
    """Every row with ``defaults`` where its cell is empty or missing."""
    if not defaults:
        return source

    def rows() -> Iterator[SourceRow]:
        for row in source.rows:
            for name, value in defaults.items():
                if row.cells.get(name) in (None, ""):
                    row.cells[name] = value
            yield row

    return dataclasses.replace(source, rows=rows(), fields=source.fields | set(defaults))


def line_label(number: int) -> str:
    return t("roster_import.line", line=number)


# -- CSV -----------------------------------------------------------------------


def decode_csv(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else GB18030, both strict; else ImportFileError
    naming the first byte that is neither."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError("roster_import.file.utf16")
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError("roster_import.file.xlsx_named_csv")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as first:
        try:
            decoded = data.decode("gb18030")
        except UnicodeDecodeError as second:
            raise ImportFileError(
                "roster_import.file.encoding",
                utf8_offset=first.start,
                utf8_byte=f"0x{data[first.start]:02X}",
                gb_offset=second.start,
                gb_byte=f"0x{data[second.start]:02X}",
            ) from second
        if _PRIVATE_USE.search(decoded):
            raise ImportFileError("roster_import.file.garbled", offset=first.start) from first
        return decoded


def read_csv(path: Path) -> Source:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            "roster_import.file.unreadable", path=path.name, reason=exc.strerror or str(exc)
        ) from exc
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError("roster_import.file.xlsx_named_csv")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError("roster_import.file.binary", path=path.name)
    decoded = decode_csv(data)
    del data
    first_line = decoded.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)

    def lines() -> Iterator[tuple[int, list[object]]]:
        start = 1
        try:
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
        except csv.Error as exc:
            raise ImportFileError(
                "roster_import.file.csv_broken", line=line_label(start), reason=str(exc)
            ) from exc

    total = decoded.count("\n") + (0 if decoded.endswith("\n") else 1)
    return _table(path, "csv", lines(), total)


# -- spreadsheets ----------------------------------------------------------------------


def read_spreadsheet(path: Path) -> Source:
    """The first visible worksheet with a recognisable header row."""
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportFileError("roster_import.file.no_reader", reason=str(exc)) from exc
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's errors share no useful base class
        raise _unreadable(path, exc) from exc
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
            except Exception as exc:
                raise _unreadable(path, exc) from exc
            end = sheet.end
            try:
                return _table(path, "xlsx", _sheet_lines(sheet), (end[0] + 1) if end else 0)
            except _NoHeader:
                continue
    finally:
        workbook.close()
    raise _NoHeader().as_file_error()


def _unreadable(path: Path, exc: Exception) -> ImportFileError:
    name = type(exc).__name__
    if name == "PasswordError":
        return ImportFileError("roster_import.file.password", path=path.name)
    return ImportFileError("roster_import.file.unreadable", path=path.name, reason=str(exc) or name)


def _sheet_lines(sheet) -> Iterator[tuple[int, list[object]]]:  # noqa: ANN001 - CalamineSheet
    """Rows with their 1-based row numbers. python-calamine yields from the sheet's
    first row (leading blank rows included) but from its first used column; should
    a version start at the first used row instead, the first row is not blank."""
    start = sheet.start
    rows = iter(sheet.iter_rows())
    first = next(rows, None)
    if first is None:
        return
    offset = start[0] if start and start[0] > 0 and not _blank(first) else 0
    yield offset + 1, first
    yield from enumerate(rows, start=offset + 2)


# -- shared by both tables --------------------------------------------------------------


class _NoHeader(Exception):
    def as_file_error(self) -> ImportFileError:
        expected = t("roster_import.list_separator").join(
            t(f"roster_import.header.{name}") for name in REQUIRED_COLUMNS
        )
        return ImportFileError("roster_import.file.no_header", expected=expected)


def _blank(cells: list[object] | tuple[object, ...]) -> bool:
    for cell in cells:
        if cell is None or cell == "":
            continue
        if isinstance(cell, str) and not cell.strip():
            continue
        return False
    return True


def _table(
    path: Path, fmt: str, lines: Iterator[tuple[int, list[object]]], total: int | None
) -> Source:
    """Find the header among the first rows, map it, and stream the rows under it."""
    header: list[object] | None = None
    header_line = 0
    looked = 0
    for number, cells in lines:
        if _blank(cells):
            continue
        if known_count(cells) >= 2:
            header, header_line = list(cells), number
            break
        looked += 1
        if looked >= HEADER_SEARCH:
            break
    if header is None:
        if fmt == "xlsx":
            raise _NoHeader()
        raise _NoHeader().as_file_error()
    mapping = map_columns(header)
    if mapping.repeated:
        first, second = mapping.repeated[0]
        raise ImportFileError("roster_import.file.repeated_column", first=first, second=second)
    titles = tuple("" if cell is None else str(cell).strip() for cell in header)
    named = {position for position, title in enumerate(titles) if title}
    unknown = list(mapping.unknown)
    columns = mapping.columns
    width = len(titles)
    untitled = [position for position in range(width) if position not in named]

    def rows() -> Iterator[SourceRow]:
        reported: set[int] = set()
        for number, cells in lines:
            if _blank(cells):
                continue
            size = len(cells)
            if untitled or size > width:
                for position in [*untitled, *range(width, size)]:
                    if (
                        position < size
                        and position not in reported
                        and not _blank([cells[position]])
                    ):
                        reported.add(position)
                        unknown.append(
                            t("roster_import.untitled_column", column=column_letter(position))
                        )
            mapped = {
                name: (cells[position] if position < size else "") for position, name in columns
            }
            yield SourceRow(line_label(number), mapped, cells)

    remaining = None if total is None else max(0, total - header_line)
    return Source(path, fmt, titles, mapping.fields, rows(), unknown, remaining)
