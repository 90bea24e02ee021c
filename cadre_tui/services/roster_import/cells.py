"""One cell as a roster gives it, made into what the cadre form checks.

Spreadsheets bring full-width digits, ideographic spaces, lower-case x in ID
numbers, Excel date serials (with Excel's 1900 leap-year bug), dates typed as
text in half a dozen ways, and enum labels in either language. Each reader
here either returns the value in the form's terms (text, ISO date, code) or a
:class:`~cadre_tui.errors.CadreError` saying why the cell cannot be read.

Dates given as a month only (``1985.03``, ``1985-3``, ``1985年3月``) are read as
the first of that month, except a birth date whose month agrees with the ID
number, which takes the ID number's day (出生年月 columns are month-only by custom).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cadre_tui.domain.dates import DateError, parse_date
from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, Labelled, PartyStatus
from cadre_tui.domain.model import SendingUnit
from cadre_tui.errors import CadreError

EXCEL_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system for serials after 60 (1900-03-01 is 61)."""
EXCEL_FAKE_LEAP_DAY = 60
"""Excel's serial for 1900-02-29, a day that never was (Lotus 1-2-3's bug, kept)."""
MAX_SERIAL = 2_958_465
"""9999-12-31."""

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_MONTH_ONLY = re.compile(r"^(\d{4})(?:[-./年](\d{1,2})月?|(\d{2}))$")
_WITH_TIME = re.compile(r"^(.+?)(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$")
_CHOICE_NOISE = re.compile(r"[\s\-_·・.]")


def text(value: object) -> str:
    """Any cell as trimmed NFKC text: ``１２`` → ``12``, U+3000 → space, a whole
    number stored as a float without its ``.0``, a date in ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.isascii():
            return value.strip()
        return unicodedata.normalize("NFKC", value.translate(_INVISIBLE)).strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def id_number_text(value: object) -> str:
    """An ID number as text: no spaces, upper-case X, full-width digits made ASCII.

    Raises CadreError when Excel stored it as a number of 16 or more digits: a
    float keeps 15, so the last digits are already lost and nothing can be checked.
    """
    if isinstance(value, float) and abs(value) >= 1e15:
        raise CadreError("roster_import.cell.id_as_number")
    raw = text(value)
    clean = "".join(raw.split()).upper().lstrip("'")
    if _SCIENTIFIC.match(clean):
        raise CadreError("roster_import.cell.id_as_number")
    return clean


@dataclass(frozen=True, slots=True)
class DateReading:
    """A date cell read: the day, and whether the cell gave only a year and month."""

    day: dt.date
    month_only: bool = False


def read_date(value: object) -> DateReading | None:
    """The date a cell holds (None when empty), or CadreError naming the problem."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return DateReading(value.date())
    if isinstance(value, dt.date):
        return DateReading(value)
    if isinstance(value, bool):
        raise CadreError("roster_import.cell.not_a_date", value=text(value))
    if isinstance(value, int | float):
        return _number_date(float(value))
    if isinstance(value, str):
        return _text_date(value)
    raise CadreError("roster_import.cell.not_a_date", value=text(value))


def excel_serial_date(serial: float) -> dt.date:
    """The day an Excel 1900-system serial names; serial 60 is Excel's non-existent
    1900-02-29 and serials before it are one day later than a plain count gives."""
    whole = math.floor(serial)
    if whole < 1 or whole > MAX_SERIAL:
        raise CadreError("roster_import.cell.serial_range", value=text(serial))
    if whole == EXCEL_FAKE_LEAP_DAY:
        raise CadreError("roster_import.cell.fake_leap_day")
    if whole < EXCEL_FAKE_LEAP_DAY:
        return EXCEL_EPOCH + dt.timedelta(days=whole + 1)
    return EXCEL_EPOCH + dt.timedelta(days=whole)


def _number_date(number: float) -> DateReading:
    """A number in a date column: ``1985.03`` (year.month, as typed into Excel), a
    compact ``19850307`` or ``198503``, else an Excel date serial."""
    shown = text(number)
    if not math.isfinite(number):
        raise CadreError("roster_import.cell.not_a_date", value=shown)
    if 1900 <= number < 2101:
        if number.is_integer():
            raise CadreError("roster_import.cell.year_only", value=shown)
        year, fraction = f"{number:.2f}".split(".")
        if round(number, 2) != number:
            raise CadreError("roster_import.cell.not_a_date", value=shown)
        if fraction == "10":
            raise CadreError("roster_import.cell.month_ambiguous", value=shown, year=year)
        # 1985.2 is how Excel keeps a typed 1985.2 (February): 1985.20 is no month.
        month = int(fraction[0]) if fraction[1] == "0" else int(fraction)
        return _month(int(year), month, shown)
    if number.is_integer() and 19000101 <= number <= 21001231:
        return _text_date(shown)
    if number.is_integer() and 190001 <= number <= 210012:
        return _month(int(shown[:4]), int(shown[4:]), shown)
    return DateReading(excel_serial_date(number))


_text_dates: dict[str, DateReading | CadreError] = {}


def _text_date(raw: str) -> DateReading | None:
    """Text dates, cached: a roster repeats its dates (a month's recruits, 1 July)."""
    found = _text_dates.get(raw)
    if found is None:
        try:
            found = _parse_text_date(raw)
        except CadreError as exc:
            found = exc
        if len(_text_dates) < 100_000:
            _text_dates[raw] = found
    if isinstance(found, CadreError):
        raise CadreError(found.key, **found.params)
    return found


def _parse_text_date(raw: str) -> DateReading:
    value = "".join(unicodedata.normalize("NFKC", raw).split())
    if not value:
        raise CadreError("roster_import.cell.not_a_date", value=value)
    timed = _WITH_TIME.match(unicodedata.normalize("NFKC", raw).strip())
    if timed:
        value = "".join(timed.group(1).split())
    try:
        return DateReading(parse_date(value))
    except DateError as exc:
        month = _MONTH_ONLY.match(value)
        if month and exc.reason in ("no_day", "format"):
            year, month_text = month.group(1), month.group(2) or month.group(3)
            return _month(int(year), int(month_text), value)
        if re.fullmatch(r"\d{4}年?", value):
            raise CadreError("roster_import.cell.year_only", value=value) from exc
        raise CadreError(f"form.date.{exc.reason}", value=exc.value) from exc


def _month(year: int, month: int, shown: str) -> DateReading:
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        raise CadreError("form.date.no_such_day", value=shown)
    return DateReading(dt.date(year, month, 1), month_only=True)


def choice_key(value: str) -> str:
    """How a label is compared: NFKC, case-folded, without spaces and dashes."""
    return _CHOICE_NOISE.sub("", unicodedata.normalize("NFKC", value).casefold())


EXTRA_LABELS: dict[type[Labelled], dict[str, tuple[str, ...]]] = {
    Gender: {
        "M": ("男性", "male", "man", "m"),
        "F": ("女性", "female", "woman", "f"),
    },
    PartyStatus: {
        "member": ("党员", "中国共产党党员", "共产党员", "正式党员", "cpc", "partymember"),
        "probationary": ("预备党员", "中共预备", "probationarycpcmember"),
        "league": ("团员", "共青团", "中国共产主义青年团团员", "cylmember", "communistyouthleague"),
        "other_party": (
            "民主党派人士",
            "民革",
            "民革党员",
            "民盟",
            "民盟盟员",
            "民建",
            "民建会员",
            "民进",
            "民进会员",
            "农工党",
            "农工党党员",
            "致公党",
            "致公党党员",
            "九三学社",
            "九三学社社员",
            "台盟",
            "台盟盟员",
            "democraticparty",
        ),
        "masses": ("群众", "普通群众", "masses", "nonparty", "none"),
    },
    CadreCategory: {
        "new_civil_servant": ("新录用", "新招录公务员", "新录用人员"),
        "reserve_cadre": ("后备",),
        "serving_leader": ("在职领导干部",),
        "middle_level_cadre": ("中层", "middlelevel"),
    },
    CadreStatus: {},
}
"""Labels units write besides the catalog's own (both languages and the codes)."""


class Choices:
    """Enum labels in either language (and the codes) to codes, for one enum."""

    def __init__(self, enum: type[Labelled]) -> None:
        self.enum = enum
        self.by_key: dict[str, Labelled] = {}
        for member in enum:
            names = [member.value, member.label("zh"), member.label("en")]
            names += EXTRA_LABELS.get(enum, {}).get(member.value, ())
            for name in names:
                self.by_key.setdefault(choice_key(name), member)
        self._cache: dict[object, Labelled | None] = {}

    def read(self, value: object) -> Labelled | None:
        """The code a cell names, None when empty, or CadreError listing the labels."""
        cacheable = isinstance(value, str)
        if cacheable and value in self._cache:
            return self._cache[value]
        shown = text(value)
        if not shown:
            found = None
        else:
            found = self.by_key.get(choice_key(shown))
            if found is None:
                raise CadreError(
                    "roster_import.cell.unknown_choice",
                    value=shown,
                    choices=" / ".join(member.label() for member in self.enum),
                )
        if cacheable and len(self._cache) < 10_000:
            self._cache[value] = found
        return found


class UnitNames:
    """Sending units by name or code; with ``create``, an unknown name becomes a
    unit to create (a negative placeholder id until the import is applied)."""

    def __init__(self, units: Iterable[SendingUnit], *, create: bool) -> None:
        known = list(units)
        self.ids: dict[str, int] = {unit_key(unit.name): unit.id for unit in known}
        for unit in known:
            self.ids.setdefault(unit_key(unit.code), unit.id)
        self.create = create
        self.new_names: list[str] = []

    def read(self, value: object) -> int | None:
        shown = " ".join(text(value).split())
        if not shown:
            return None
        key = unit_key(shown)
        found = self.ids.get(key)
        if found is not None:
            return found
        if not self.create:
            raise CadreError("roster_import.cell.unknown_unit", unit=shown)
        self.new_names.append(shown)
        self.ids[key] = -len(self.new_names)
        return self.ids[key]

    def placeholders(self) -> Mapping[int, str]:
        """Placeholder id → name of each unit to create."""
        return {-(index + 1): name for index, name in enumerate(self.new_names)}


def unit_key(name: str) -> str:
    """Unit names compare without spaces and case, after NFKC."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()
