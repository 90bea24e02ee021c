"""Reading the demo programme's definition (``db/demo/*.toml``) into plain values.

The definition is data: units, villages, projects, batch sizes, check-figure
ranges, name lists. The loader checks what the generator relies on (group
sizes add up, every project-based cadre can own a project) and says which
file is wrong.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.domain.enums import METRIC_CODES
from cadre_tui.errors import CadreError
from cadre_tui.resources import data_dir

Weighted = tuple[tuple[Any, int], ...]

DEMO_RULES = EligibilityRules()
"""The seed's eligibility defaults, never the user's ``[eligibility]`` config: the demo
chooses its nominees and members by them, so its check figures never move."""


@dataclass(frozen=True)
class CategoryPlan:
    code: str
    weight: int
    ages: tuple[int, int]
    posts: tuple[str, ...]
    ranks: tuple[str, ...]


@dataclass(frozen=True)
class ReceivingUnitPlan:
    code: str
    name: str
    kind: str
    mode: str
    deputy_party_secretary: str
    leader_in_charge: str
    offices: tuple[str, ...]
    villages: tuple[tuple[str, int], ...] = ()
    field_teams: tuple[str, ...] = ()
    projects: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class GroupPlan:
    """A group as defined; ``uncovered_villages`` and ``unowned_projects`` name the
    places a deliberately broken group leaves without a cadre, so the batch screen
    has a problem to show."""

    unit: str
    name: str
    size: int
    uncovered_villages: tuple[str, ...] = ()
    unowned_projects: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchPlan:
    """One batch as defined: fixed dates when closed, offsets from today when active."""

    number: int
    name: str
    purpose: str
    groups: tuple[GroupPlan, ...]
    figures: dict[str, tuple[int, int]]
    start_date: dt.date | None = None
    planned_end: dt.date | None = None
    closed_on: dt.date | None = None
    figure_days: int | None = None
    started_days_ago: int = 0
    planned_days: int = 365
    silent_cadres: int = 0
    silent_days: tuple[int, int] = (5, 9)
    pending_party_transfers: int = 0

    @property
    def size(self) -> int:
        return sum(group.size for group in self.groups)

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


@dataclass(frozen=True)
class DemoDefinition:
    """Everything the generator needs, as read from ``db/demo``."""

    raw: dict[str, dict[str, Any]]
    categories: tuple[CategoryPlan, ...]
    sending_units: tuple[dict[str, Any], ...]
    receiving_units: tuple[ReceivingUnitPlan, ...]
    officers: tuple[tuple[str, str], ...]
    batches: tuple[BatchPlan, ...]

    @property
    def programme(self) -> dict[str, Any]:
        return self.raw["programme"]["programme"]

    @property
    def people(self) -> dict[str, Any]:
        """Particulars of the pool's people: party, education, grassroots, gender share."""
        return self.raw["programme"]

    @property
    def male_share(self) -> float:
        return float(self.people["male"]["share"])

    @property
    def names(self) -> dict[str, Any]:
        return self.raw["names"]

    @property
    def placement(self) -> dict[str, Any]:
        return self.raw["batches"]["placement"]

    @property
    def seed(self) -> int:
        return int(self.programme["seed"])

    def receiving_unit(self, code: str) -> ReceivingUnitPlan:
        return next(unit for unit in self.receiving_units if unit.code == code)


def _pair(value: Any) -> tuple[int, int]:
    low, high = value
    if low > high:
        raise ValueError(f"range {value} is upside down")
    return int(low), int(high)


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _batch(entry: dict[str, Any]) -> BatchPlan:
    figures = {code: _pair(entry["figures"][code]) for code in METRIC_CODES}
    return BatchPlan(
        number=int(entry["number"]),
        name=entry["name"],
        purpose=entry.get("purpose", ""),
        groups=tuple(_group(g) for g in entry["groups"]),
        figures=figures,
        start_date=_day(entry.get("start_date")),
        planned_end=_day(entry.get("planned_end")),
        closed_on=_day(entry.get("closed_on")),
        figure_days=entry.get("figure_days"),
        started_days_ago=int(entry.get("started_days_ago", 0)),
        planned_days=int(entry.get("planned_days", 365)),
        silent_cadres=int(entry.get("silent_cadres", 0)),
        silent_days=_pair(entry.get("silent_days", (5, 9))),
        pending_party_transfers=int(entry.get("pending_party_transfers", 0)),
    )


def _group(entry: dict[str, Any]) -> GroupPlan:
    return GroupPlan(
        unit=entry["unit"],
        name=entry["name"],
        size=int(entry["size"]),
        uncovered_villages=tuple(entry.get("uncovered_villages", ())),
        unowned_projects=tuple(entry.get("unowned_projects", ())),
    )


def _receiving_unit(entry: dict[str, Any]) -> ReceivingUnitPlan:
    return ReceivingUnitPlan(
        code=entry["code"],
        name=entry["name"],
        kind=entry.get("kind", "town"),
        mode=entry["mode"],
        deputy_party_secretary=entry["deputy_party_secretary"],
        leader_in_charge=entry["leader_in_charge"],
        offices=tuple(entry["offices"]),
        villages=tuple((name, int(households)) for name, households in entry.get("villages", [])),
        field_teams=tuple(entry.get("field_teams", [])),
        projects=tuple((name, purpose) for name, purpose in entry.get("projects", [])),
    )


def _check(definition: DemoDefinition) -> None:
    """What the generator assumes of the data; a ValueError names the broken rule."""
    units = {unit.code: unit for unit in definition.receiving_units}
    for batch in definition.batches:
        if not batch.is_closed and not batch.started_days_ago:
            raise ValueError(f"batch {batch.number}: needs closed_on or started_days_ago")
        for group in batch.groups:
            if group.unit not in units:
                raise ValueError(f"batch {batch.number}: unknown unit {group.unit}")
            if group.size < 2:
                raise ValueError(f"batch {batch.number}: {group.name} needs a leader and deputy")
            unit = units[group.unit]
            villages = {name for name, _ in unit.villages}
            projects = {name for name, _ in unit.projects}
            if unknown := set(group.uncovered_villages) - villages:
                raise ValueError(f"batch {batch.number}: {unit.name} has no village {unknown}")
            if unknown := set(group.unowned_projects) - projects:
                raise ValueError(f"batch {batch.number}: {unit.name} has no project {unknown}")
        for unit in units.values():
            unit_groups = [g for g in batch.groups if g.unit == unit.code]
            placed = sum(g.size for g in unit_groups)
            held = {name for g in unit_groups for name in g.unowned_projects}
            if unit.mode == "project_based" and placed > len(unit.projects) - len(held):
                raise ValueError(
                    f"batch {batch.number}: {unit.name} has fewer projects than cadres"
                )
            spare = {name for g in unit_groups for name in g.uncovered_villages}
            if unit.mode == "stationed_village" and placed and len(unit.villages) <= len(spare):
                raise ValueError(f"{unit.name}: stationed cadres need villages")
            if unit.mode == "block_and_line" and placed and not unit.field_teams:
                raise ValueError(f"{unit.name}: block-and-line needs field teams")
        ranges = batch.figures
        if not (
            ranges["signed_households"][1] <= ranges["measured_households"][0]
            and ranges["demolished_households"][1] <= ranges["signed_households"][0]
            and ranges["demolished_area"][1] <= ranges["measured_area"][0]
        ):
            raise ValueError(f"batch {batch.number}: figures must narrow measured → demolished")


def load_definition(directory: Path | None = None) -> DemoDefinition:
    """Read and check the definition; CadreError names the file and the reason."""
    folder = directory or data_dir("db") / "demo"
    raw: dict[str, dict[str, Any]] = {}
    current = folder / "programme.toml"
    try:
        for stem in ("programme", "names", "units", "batches"):
            current = folder / f"{stem}.toml"
            with open(current, "rb") as handle:
                raw[stem] = tomllib.load(handle)
        units = raw["units"]
        current = folder
        definition = DemoDefinition(
            raw=raw,
            categories=tuple(
                CategoryPlan(
                    c["code"],
                    int(c["weight"]),
                    _pair(c["ages"]),
                    tuple(c["posts"]),
                    tuple(c["ranks"]),
                )
                for c in raw["programme"]["category"]
            ),
            sending_units=tuple(units["sending_units"]),
            receiving_units=tuple(_receiving_unit(u) for u in units["receiving_unit"]),
            officers=tuple((name, post) for name, post in units["officers"]),
            batches=tuple(_batch(b) for b in raw["batches"]["batch"]),
        )
        _check(definition)
    except (OSError, KeyError, ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise CadreError(
            "store.demo.definition_invalid", file=str(current), reason=repr(exc)
        ) from exc
    return definition
