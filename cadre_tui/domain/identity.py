"""Identity checks: GB 11643-1999 citizen ID numbers, mainland mobile phones, NFKC.

Input from spreadsheets and forms arrives with full-width digits, ideographic
spaces and lower-case x; everything is normalised before it is judged.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def normalise_text(value: str) -> str:
    """NFKC (full-width to half-width, U+3000 to space) and trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def id_check_character(first17: str) -> str:
    """The 18th character GB 11643 gives for the first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("the first 17 characters of an ID number must be digits")
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


@dataclass(frozen=True)
class IdNumber:
    """A checked 18-digit ID number with what it says about its holder."""

    value: str
    birth_date: dt.date
    gender: str  # "M" or "F": odd 17th digit is male

    @property
    def region(self) -> str:
        return self.value[:6]


class IdNumberError(ValueError):
    """Why an ID number is not valid; ``reason`` is a catalog key suffix."""

    def __init__(self, reason: str, value: str) -> None:
        super().__init__(f"{reason}: {value}")
        self.reason = reason
        self.value = value


def normalise_id_number(raw: str) -> str:
    return normalise_text(raw).replace(" ", "").upper()


def parse_id_number(raw: str) -> IdNumber:
    """Validate an ID number (shape, birth date, check character) or raise IdNumberError."""
    value = normalise_id_number(raw)
    if len(value) != 18:
        raise IdNumberError("length", value)
    if not _ID_SHAPE.match(value):
        raise IdNumberError("characters", value)
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise IdNumberError("birth_date", value) from exc
    if birth.year < 1900:
        raise IdNumberError("birth_date", value)
    if id_check_character(value[:17]) != value[17]:
        raise IdNumberError("check_character", value)
    gender = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumber(value=value, birth_date=birth, gender=gender)


def make_id_number(region: str, birth: dt.date, sequence: int, gender: str) -> str:
    """Build a valid ID number: 6-digit region, birth date, 3-digit sequence with
    the gender's parity, and the check character (for demo and test data)."""
    if len(region) != 6 or not (region.isascii() and region.isdigit()):
        raise ValueError("region must be 6 digits")
    seq = sequence % 1000
    want_odd = gender == "M"
    if (seq % 2 == 1) != want_odd:
        seq = seq + 1 if seq < 999 else seq - 1
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_character(first17)


class PhoneError(ValueError):
    def __init__(self, value: str) -> None:
        super().__init__(f"not a mainland mobile number: {value}")
        self.value = value


def normalise_phone(raw: str) -> str:
    """Digits only after NFKC, without a +86 / 0086 / 86 country prefix."""
    value = re.sub(r"[\s\-()]", "", normalise_text(raw))
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    else:
        if len(value) == 13 and value.startswith("86"):
            value = value[2:]
    return value


def parse_mobile(raw: str) -> str:
    """A normalised mainland mobile number (``^1[3-9]\\d{9}$``) or PhoneError."""
    value = normalise_phone(raw)
    if not _MOBILE.match(value):
        raise PhoneError(value)
    return value


def mask_id_number(value: str) -> str:
    """``3201**********1234``: region's first four and the last four stay visible."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``138****8000``."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
