"""What a coordinator asks of the pool: a search text, structured filters and an
order. Pure values, shared by the pool screen, the store's queries, saved
filters (JSON) and exports."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.identity import normalise_text

ID_TAIL_MIN = 4
"""An ID-number search needs at least this many trailing characters."""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_ID_TAIL = re.compile(r"^[0-9]+[0-9X]?$")
_LETTERS = re.compile(r"^[a-z]+$")


class SearchKind(StrEnum):
    """How the search box's text is read."""

    NONE = "none"
    CHINESE = "chinese"  # substring of the name or the sending unit's name
    PINYIN = "pinyin"  # prefix of the full pinyin or of the initials of the name
    ID_TAIL = "id_tail"  # the last 4+ characters of the ID number
    TOO_SHORT = "too_short"  # digits, but fewer than ID_TAIL_MIN
    UNSUPPORTED = "unsupported"


def normalise_search(text: str) -> str:
    """NFKC, no spaces, letters lower-case except the ID's check character X."""
    value = "".join(normalise_text(text).split())
    if _CJK.search(value):
        return value
    lowered = value.lower()
    if lowered.rstrip("x").isdigit() and lowered.endswith("x"):
        return lowered[:-1] + "X"
    return lowered


def search_kind(text: str) -> SearchKind:
    if not text:
        return SearchKind.NONE
    if _CJK.search(text):
        return SearchKind.CHINESE
    if _ID_TAIL.match(text):
        return SearchKind.ID_TAIL if len(text) >= ID_TAIL_MIN else SearchKind.TOO_SHORT
    if _LETTERS.match(text):
        return SearchKind.PINYIN
    return SearchKind.UNSUPPORTED


class PoolSort(StrEnum):
    """The pool's columns a coordinator can sort by."""

    NAME = "name"
    GENDER = "gender"
    AGE = "age"
    UNIT = "unit"
    POST = "post"
    CATEGORY = "category"
    PARTY = "party"
    STATUS = "status"
    GROUP = "group"


@dataclass(frozen=True)
class PoolOrder:
    sort: PoolSort = PoolSort.NAME
    descending: bool = False
    by_pinyin: bool = True
    """Names sort by pinyin in Chinese (张 under Z), by Unicode otherwise."""

    def toggled(self, sort: PoolSort) -> PoolOrder:
        """Pressing a column's key again reverses it; a new column starts ascending."""
        if sort is self.sort:
            return replace(self, descending=not self.descending)
        return replace(self, sort=sort, descending=False)


@dataclass(frozen=True)
class PoolFilter:
    """Search text plus structured filters; empty sets mean "any"."""

    text: str = ""
    statuses: frozenset[CadreStatus] = field(default_factory=frozenset)
    categories: frozenset[CadreCategory] = field(default_factory=frozenset)
    sending_unit_ids: frozenset[int] = field(default_factory=frozenset)
    party_statuses: frozenset[PartyStatus] = field(default_factory=frozenset)
    age_min: int | None = None
    age_max: int | None = None
    eligible_only: bool = False

    @property
    def search(self) -> str:
        return normalise_search(self.text)

    @property
    def kind(self) -> SearchKind:
        return search_kind(self.search)

    @property
    def shows_archived(self) -> bool:
        """Archived cadres stay out of sight unless the status filter asks for them."""
        return CadreStatus.ARCHIVED in self.statuses

    def birth_date_range(self, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
        """The age range as birth dates: (born on or after, born on or before)."""
        earliest = latest = None
        if self.age_max is not None:
            earliest = _years_before(today, self.age_max + 1) + dt.timedelta(days=1)
        if self.age_min is not None:
            latest = _years_before(today, self.age_min)
        return earliest, latest

    def is_empty(self) -> bool:
        return self == PoolFilter()

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "text": self.text,
            "statuses": sorted(s.value for s in self.statuses),
            "categories": sorted(c.value for c in self.categories),
            "sending_unit_ids": sorted(self.sending_unit_ids),
            "party_statuses": sorted(p.value for p in self.party_statuses),
            "age_min": self.age_min,
            "age_max": self.age_max,
            "eligible_only": self.eligible_only,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PoolFilter:
        data = json.loads(text)
        return cls(
            text=str(data.get("text", "")),
            statuses=frozenset(CadreStatus(v) for v in data.get("statuses", [])),
            categories=frozenset(CadreCategory(v) for v in data.get("categories", [])),
            sending_unit_ids=frozenset(int(v) for v in data.get("sending_unit_ids", [])),
            party_statuses=frozenset(PartyStatus(v) for v in data.get("party_statuses", [])),
            age_min=data.get("age_min"),
            age_max=data.get("age_max"),
            eligible_only=bool(data.get("eligible_only", False)),
        )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class PoolRow:
    """One line of the pool table; ``key`` is its position in the current order
    (for keyset paging: the next page starts after the last row's key)."""

    id: int
    name: str
    gender: Gender
    birth_date: dt.date
    age: int
    sending_unit: str
    post: str
    category: CadreCategory
    party_status: PartyStatus
    status: CadreStatus
    group: str
    key: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class PoolPage:
    rows: list[PoolRow]
    more_after: bool
    more_before: bool
