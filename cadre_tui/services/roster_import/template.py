"""An empty roster for sending units to fill: the headers the import reads, in
one language, and a second sheet saying how to fill each column.

The ID number and phone columns are text-formatted so Excel keeps all 18
digits (a number keeps 15 and the import has to refuse it); the choice columns
offer their labels as drop-down lists.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path

from cadre_tui.domain.enums import CadreCategory, Gender, PartyStatus
from cadre_tui.domain.identity import make_id_number
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.roster_import.headers import (
    REQUIRED_COLUMNS,
    TEMPLATE_FIELDS,
    column_letter,
)

LIST_ROWS = 5000
"""Rows the drop-down lists and text formats cover."""
WIDTHS = {"name": 10, "id_number": 22, "phone": 14, "sending_unit": 24, "grassroots_experience": 30}
CHOICES = {"gender": Gender, "party_status": PartyStatus, "category": CadreCategory}
EXAMPLE_ID = make_id_number("320102", dt.date(1994, 5, 17), 2, "F")


def header_title(name: str, lang: str) -> str:
    """A template column's title; required columns carry a ``*`` (the import ignores it)."""
    title = t(f"roster_import.header.{name}", lang=lang)
    return f"{title}*" if name in REQUIRED_COLUMNS else title


def write_template(path: Path, lang: str, *, force: bool = False) -> Path:
    """Write the template to ``path`` (.xlsx); an existing file only with ``force``."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise CadreError("roster_import.template.not_xlsx", path=path.name)
    if path.exists() and not force:
        raise CadreError("roster_import.template.exists", path=str(path))
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t("roster_import.template.sheet", lang=lang)
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for column, name in enumerate(TEMPLATE_FIELDS, start=1):
        letter = column_letter(column - 1)
        cell = sheet.cell(row=1, column=column, value=header_title(name, lang))
        cell.font = bold
        if name in REQUIRED_COLUMNS:
            cell.fill = required_fill
        dimension = sheet.column_dimensions[letter]
        dimension.width = WIDTHS.get(name, 14)
        if name in ("id_number", "phone"):
            dimension.number_format = "@"
        if name in CHOICES:
            labels = ",".join(member.label(lang) for member in CHOICES[name])
            listed = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
            listed.add(f"{letter}2:{letter}{LIST_ROWS}")
            sheet.add_data_validation(listed)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(t("roster_import.template.instructions_sheet", lang=lang))
    heading = [t(f"roster_import.template.column_{part}", lang=lang) for part in _PARTS]
    notes.append(heading)
    for cell in notes[1]:
        cell.font = bold
    for name in TEMPLATE_FIELDS:
        example = (
            EXAMPLE_ID if name == "id_number" else t(f"roster_import.example.{name}", lang=lang)
        )
        required = "yes" if name in REQUIRED_COLUMNS else "no"
        notes.append(
            [
                header_title(name, lang),
                t(f"roster_import.template.{required}", lang=lang),
                t(f"roster_import.help.{name}", lang=lang),
                example,
            ]
        )
    notes.append([])
    for number in range(1, NOTE_COUNT + 1):
        notes.append([t(f"roster_import.template.note_{number}", lang=lang)])
    for letter, width in zip("ABCD", (16, 8, 70, 22), strict=True):
        notes.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    buffer = io.BytesIO()
    workbook.save(buffer)
    _replace(path, buffer.getvalue())
    return path


_PARTS = ("title", "required", "how", "example")
NOTE_COUNT = 6
"""General notes under the columns' table: roster_import.template.note_1 … note_6."""


def _replace(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".template-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
