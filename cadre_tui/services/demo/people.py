"""Realistic people for the demo: names, ID numbers, phones, places of origin.

Built for speed (a million cadres in well under a minute of Python): weighted
choices are pre-expanded into tables so each pick is one ``random()`` call,
and ID numbers are unique by construction (a counter per region, birth date
and gender picks the 3-digit sequence, see :meth:`People.identity`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any, TypeVar

from cadre_tui.domain.identity import make_id_number

T = TypeVar("T")


class Picker:
    """Weighted choice by table look-up: O(1) per pick, deterministic under one Random."""

    __slots__ = ("_table", "_size")

    def __init__(self, weighted: Sequence[tuple[T, float]], resolution: int = 1000) -> None:
        total = float(sum(weight for _, weight in weighted))
        table: list[Any] = []
        for item, weight in weighted:
            table.extend([item] * max(1, round(resolution * weight / total)))
        self._table = table
        self._size = len(table)

    def pick(self, rng: random.Random) -> Any:
        return self._table[int(rng.random() * self._size)]


class People:
    """Generates persons from the definition's name lists under one ``random.Random``."""

    def __init__(
        self,
        names: dict[str, Any],
        male_share: float,
        rng: random.Random,
        part: tuple[int, int] = (0, 1),
    ) -> None:
        self.rng = rng
        self.part = part
        self.male_share = male_share
        self.surnames = Picker([(s, w) for s, w in names["surnames"]], resolution=4000)
        self.single_share = float(names["single_share"])
        self.either = list(names["given_either"])
        self.by_gender = {"M": list(names["given_male"]), "F": list(names["given_female"])}
        self.first_chars = {g: self.either + chars for g, chars in self.by_gender.items()}
        self.ethnicities = Picker([(e, w) for e, w in names["ethnicities"]])
        self.places = Picker(
            [((p["name"], tuple(p["regions"])), p["weight"]) for p in names["native_places"]]
        )
        self.phone_prefixes = list(names["phone_prefixes"])
        self._sequence: dict[tuple[str, int, str], int] = {}

    def gender(self) -> str:
        return "M" if self.rng.random() < self.male_share else "F"

    def name(self, gender: str) -> str:
        """Surname plus one or two characters, picked from the gender's lists."""
        rng = self.rng
        own = self.by_gender[gender]
        last = own[int(rng.random() * len(own))]
        if rng.random() < self.single_share:
            return self.surnames.pick(rng) + last
        first = self.first_chars[gender]
        middle = first[int(rng.random() * len(first))]
        if middle == last:
            middle = self.either[int(rng.random() * len(self.either))]
        return self.surnames.pick(rng) + middle + last

    def origin(self) -> tuple[str, str]:
        """(native place, ID region code): the region an ID number was issued in."""
        place, regions = self.places.pick(self.rng)
        return place, regions[int(self.rng.random() * len(regions))]

    def birth_date(self, on: dt.date, ages: tuple[int, int]) -> dt.date:
        """A birth date giving an age within ``ages`` (inclusive) on ``on``."""
        low, high = ages
        youngest = on.toordinal() - int(low * 365.25) - 1
        span = int((high - low + 1) * 365.25) - 2
        return dt.date.fromordinal(youngest - int(self.rng.random() * span))

    def identity(self, region: str, birth: dt.date, gender: str) -> tuple[str, dt.date]:
        """A valid ID number unique across the whole pool, with the birth date it carries.

        Each of the pool's ``parts`` (generated separately, maybe in another
        process) owns the sequences ≡ ``part`` modulo ``parts``; a counter per
        region, birth date and gender walks them. When one day's sequences run
        out the birth date moves on a day.
        """
        part, parts = self.part
        while True:
            ordinal = birth.toordinal()
            key = (region, ordinal, gender)
            count = self._sequence.get(key, 0)
            self._sequence[key] = count + 1
            sequence = 2 * ((count + ordinal % 7) * parts + part) + 10 + (gender == "M")
            if sequence <= 999:
                return make_id_number(region, birth, sequence, gender), birth
            birth = dt.date.fromordinal(ordinal + 1)

    def phone(self) -> str:
        prefix = self.phone_prefixes[int(self.rng.random() * len(self.phone_prefixes))]
        return f"{prefix}{int(self.rng.random() * 100_000_000):08d}"

    def ethnicity(self) -> str:
        return self.ethnicities.pick(self.rng)
