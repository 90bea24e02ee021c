"""The programme's codes. Values are the codes stored in data, JSON and config."""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    """A code with a translated label (catalog key ``enum.<Class>.<code>``)."""

    def label(self, lang: str | None = None) -> str:
        from cadre_tui.i18n import t

        return t(f"enum.{type(self).__name__}.{self.value}", lang=lang)


class ManagementMode(Labelled):
    STATIONED_VILLAGE = "stationed_village"  # 蹲点: one cadre fixed to one village
    BLOCK_AND_LINE = "block_and_line"  # 条块结合: town office (line) or field team (block)
    PROJECT_BASED = "project_based"  # 项目管理: each project owned by one cadre


class Gender(Labelled):
    MALE = "M"
    FEMALE = "F"


class CadreCategory(Labelled):
    NEW_CIVIL_SERVANT = "new_civil_servant"  # 新录用公务员
    RESERVE_CADRE = "reserve_cadre"  # 后备干部
    OTHER_YOUNG_CADRE = "other_young_cadre"  # 其他年轻干部
    SERVING_LEADER = "serving_leader"  # 在职领导
    MIDDLE_LEVEL_CADRE = "middle_level_cadre"  # 中层干部


class CadreStatus(Labelled):
    AVAILABLE = "available"
    RECOMMENDED = "recommended"
    SECONDED = "seconded"
    ARCHIVED = "archived"


class PartyStatus(Labelled):
    MEMBER = "member"  # 中共党员
    PROBATIONARY = "probationary"  # 中共预备党员
    LEAGUE = "league"  # 共青团员
    OTHER_PARTY = "other_party"  # 民主党派
    MASSES = "masses"  # 群众

    @property
    def is_party_member(self) -> bool:
        return self in (PartyStatus.MEMBER, PartyStatus.PROBATIONARY)


class SendingUnitKind(Labelled):
    DEPARTMENT = "department"
    TOWN = "town"


class ReceivingUnitKind(Labelled):
    TOWN = "town"
    ZONE = "zone"


class RecommendationState(Labelled):
    NOMINATED = "nominated"
    APPROVED = "approved"
    RETURNED = "returned"


class BatchState(Labelled):
    PLANNING = "planning"
    ACTIVE = "active"
    CLOSED = "closed"


class GroupState(Labelled):
    FORMING = "forming"
    ACTIVE = "active"
    CLOSED = "closed"


class PlacementRole(Labelled):
    LEADER = "leader"
    DEPUTY = "deputy"
    MEMBER = "member"


class LineSide(Labelled):
    LINE = "line"  # the town's demolition office
    BLOCK = "block"  # embedded in a field demolition team


class EvaluationGrade(Labelled):
    EXCELLENT = "excellent"  # 优秀
    COMPETENT = "competent"  # 称职
    BASICALLY_COMPETENT = "basically_competent"  # 基本称职
    INCOMPETENT = "incompetent"  # 不称职


class LogisticsCategory(Labelled):
    OFFICE_SPACE = "office_space"
    PAY = "pay"
    MEALS_LODGING = "meals_lodging"
    TRANSPORT = "transport"
    FUNDS = "funds"
    VEHICLE = "vehicle"
    OTHER = "other"


class LogisticsState(Labelled):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    WONT_FIX = "wont_fix"


class MeetingKind(Labelled):
    EXCHANGE = "exchange"
    SEMINAR = "seminar"
    PARTY_COMMITTEE = "party_committee"
    SITE_VISIT = "site_visit"
    TRAINING = "training"
    OTHER = "other"


METRIC_CODES = (
    "measured_households",
    "measured_area",
    "signed_households",
    "demolished_households",
    "demolished_area",
)
"""The five default metrics, in display order."""
