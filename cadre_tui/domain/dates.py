"""Dates as people type them: ``1990-03-07``, ``1990.3.7``, ``1990/03/07``,
``19900307``, ``1990年3月7日``, in full-width digits too.

Cadre records and spreadsheets write dates every one of these ways; one lenient
parser keeps the form and the importer agreeing on what is a date, and its
reasons (catalog key suffixes) let each say why something is not.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MIN_YEAR = 1900
MAX_YEAR = 2100

_SEPARATED = re.compile(r"^(\d{4})([-./])(\d{1,2})\2(\d{1,2})$")
_CHINESE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_ONLY = re.compile(r"^(\d{4})(?:[-./](\d{1,2})|年(\d{1,2})月?)$")


class DateError(ValueError):
    """Why a text is not a date; ``reason`` is a catalog key suffix, ``value`` the
    text as normalised."""

    def __init__(self, reason: str, value: str) -> None:
        super().__init__(f"{reason}: {value}")
        self.reason = reason
        self.value = value


def normalise_date_text(raw: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII) with all spaces removed."""
    return "".join(unicodedata.normalize("NFKC", raw).split())


def parse_date(raw: str) -> dt.date:
    """The date ``raw`` names, or DateError with reason ``empty``, ``no_day``
    (year and month only), ``format``, ``year_range`` or ``no_such_day``."""
    value = normalise_date_text(raw)
    if not value:
        raise DateError("empty", value)
    match = _SEPARATED.match(value)
    if match:
        year, month, day = match.group(1), match.group(3), match.group(4)
    else:
        match = _CHINESE.match(value) or _COMPACT.match(value)
        if match is None:
            reason = "no_day" if _MONTH_ONLY.match(value) else "format"
            raise DateError(reason, value)
        year, month, day = match.groups()
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise DateError("year_range", value)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise DateError("no_such_day", value) from exc


def format_date(day: dt.date | None) -> str:
    """How the form shows a date: ISO, which every accepted spelling reads back."""
    return day.isoformat() if day is not None else ""
