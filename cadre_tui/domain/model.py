"""The programme's records as immutable values: what the store returns and takes.

Dates are ``datetime.date``; codes are the enums of :mod:`cadre_tui.domain.enums`;
timestamps (``created_at``, ``entered_at``) stay ISO text in UTC as stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Literal

from cadre_tui.domain.enums import (
    BatchState,
    CadreCategory,
    CadreStatus,
    EvaluationGrade,
    Gender,
    GroupState,
    LineSide,
    ManagementMode,
    PartyStatus,
    PlacementRole,
    ReceivingUnitKind,
    SendingUnitKind,
)

TargetScope = Literal["batch", "receiving_unit", "group", "village", "project", "cadre"]
TARGET_SCOPES: tuple[TargetScope, ...] = (
    "batch",
    "receiving_unit",
    "group",
    "village",
    "project",
    "cadre",
)


@dataclass(frozen=True, slots=True)
class Programme:
    """The district's programme: one per database."""

    name: str
    district: str = ""


@dataclass(frozen=True, slots=True)
class SendingUnit:
    """派出单位: a district department or town office that sends cadres."""

    id: int
    code: str
    name: str
    kind: SendingUnitKind
    leader_in_charge: str = ""
    leader_phone: str = ""


@dataclass(frozen=True, slots=True)
class ReceivingUnit:
    """接收单位: a town or zone that takes cadres, organised by one management mode."""

    id: int
    code: str
    name: str
    kind: ReceivingUnitKind
    default_mode: ManagementMode
    deputy_party_secretary: str = ""
    leader_in_charge: str = ""


@dataclass(frozen=True, slots=True)
class Village:
    """A village of a receiving unit; stationed cadres are fixed to one (定人到村)."""

    id: int
    receiving_unit_id: int
    name: str
    households: int = 0


@dataclass(frozen=True, slots=True)
class FieldTeam:
    """A town's field demolition team: the *block* side of block-and-line."""

    id: int
    receiving_unit_id: int
    name: str


@dataclass(frozen=True, slots=True)
class Project:
    """A demolition project of a project-based unit, owned by one cadre per batch."""

    id: int
    receiving_unit_id: int
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Officer:
    """An organisation-department officer who acts as a working group's liaison."""

    id: int
    name: str
    phone: str = ""
    post: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class NewCadre:
    """The standard cadre record as entered: what a form or a spreadsheet row supplies.

    ``birth_date`` and ``gender`` are kept beside the ID number on purpose: the
    store checks that they agree with it.
    """

    name: str
    gender: Gender
    birth_date: dt.date
    id_number: str
    sending_unit_id: int
    category: CadreCategory
    ethnicity: str = "汉族"
    native_place: str = ""
    phone: str = ""
    party_status: PartyStatus = PartyStatus.MASSES
    party_joined_on: dt.date | None = None
    work_started_on: dt.date | None = None
    education: str = ""
    degree: str = ""
    post: str = ""
    rank: str = ""
    status: CadreStatus = CadreStatus.AVAILABLE
    grassroots_experience: str = ""


NEW_CADRE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(NewCadre))


@dataclass(frozen=True, slots=True, kw_only=True)
class Cadre(NewCadre):
    """A cadre in the pool (拟选派干部数据库), with the store's bookkeeping."""

    id: int
    name_pinyin: str = ""
    name_initials: str = ""
    row_version: int = 1
    created_at: str = ""
    updated_at: str = ""

    def record(self) -> NewCadre:
        """The editable part, e.g. to pre-fill a form and send back with changes."""
        return NewCadre(**{name: getattr(self, name) for name in NEW_CADRE_FIELDS})

    def age_on(self, day: dt.date) -> int:
        """Whole years of age on ``day`` (eligibility rules are stated in ages)."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


@dataclass(frozen=True, slots=True)
class Batch:
    """抽调批次: one dispatch round."""

    id: int
    number: int
    name: str
    start_date: dt.date
    state: BatchState
    purpose: str = ""
    planned_end: dt.date | None = None
    allow_leaders: bool = False
    closed_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class WorkingGroup:
    """工作组 with its temporary party branch, inside one receiving unit of a batch."""

    id: int
    batch_id: int
    receiving_unit_id: int
    name: str
    mode: ManagementMode
    state: GroupState
    leader_cadre_id: int | None = None
    deputy_cadre_id: int | None = None
    liaison_officer_id: int | None = None
    branch_secretary: str = ""
    sending_leader_in_charge: str = ""
    receiving_leader_in_charge: str = ""
    office: str = ""
    row_version: int = 1


@dataclass(frozen=True, slots=True)
class Placement:
    """A cadre in a group, placed as the group's mode requires (village / line or
    team / owned projects)."""

    id: int
    cadre_id: int
    group_id: int
    role: PlacementRole
    start_date: dt.date
    village_id: int | None = None
    line_side: LineSide | None = None
    field_team_id: int | None = None
    end_date: dt.date | None = None
    party_transferred_on: dt.date | None = None
    exception_reason: str = ""
    project_ids: tuple[int, ...] = ()

    @property
    def is_active(self) -> bool:
        return self.end_date is None


@dataclass(frozen=True, slots=True)
class Evaluation:
    """考核: the end-of-secondment assessment of one placement."""

    id: int
    placement_id: int
    cadre_id: int
    grade: EvaluationGrade
    evaluated_on: dt.date
    evaluated_by: str
    comment: str = ""
    recommended_for_promotion: bool = False


@dataclass(frozen=True, slots=True)
class Metric:
    """A work figure the programme counts (丈量户数, 拆迁面积 ...)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    is_area: bool
    sort_order: int


@dataclass(frozen=True, slots=True)
class FigureEntry:
    """One line of the figure ledger; a correction carries the difference."""

    id: int
    placement_id: int
    cadre_id: int
    entry_date: dt.date
    metric_code: str
    value: float
    entered_by: str
    entered_at: str
    village_id: int | None = None
    project_id: int | None = None
    corrects_id: int | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """A figure a batch, unit, group, village, project or cadre is expected to reach."""

    id: int
    batch_id: int
    scope: TargetScope
    scope_id: int
    metric_code: str
    value: float
