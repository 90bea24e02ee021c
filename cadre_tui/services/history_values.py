"""A logged value in the user's words: labels for codes, names for the ids a row
holds, personal numbers masked. The history's lines are built from these."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from cadre_tui.domain import enums
from cadre_tui.domain.coordination import TrainingKind
from cadre_tui.domain.identity import mask_id_number, mask_phone
from cadre_tui.domain.quantities import format_figure
from cadre_tui.i18n import has, t
from cadre_tui.store.audit_queries import AuditRow

Names = Mapping[tuple[str, int], str]

REFERENCES = {
    **dict.fromkeys(("cadre_id", "leader", "deputy", "skipped"), "cadre"),
    **dict.fromkeys(("leader_cadre_id", "deputy_cadre_id"), "cadre"),
    **dict.fromkeys(("receiving_unit_id", "receiving_unit_ids"), "receiving_unit"),
    **dict.fromkeys(("village_id", "villages"), "village"),
    **dict.fromkeys(("project_id", "project_ids", "added"), "project"),
    **dict.fromkeys(("placement_id", "unplaced"), "placement"),
    "group_id": "working_group",
    "batch_id": "batch",
    "sending_unit_id": "sending_unit",
    "field_team_id": "field_team",
    "liaison_officer_id": "officer",
    "round_id": "recommendation_round",
    "group_ids": "working_group",
    "cadre_ids": "cadre",
    "item_ids": "logistics_item",
    "meeting_id": "meeting",
}
"""Fields holding ids, and the kind of record they name."""

SCOPE_KINDS = {"group": "working_group"}

ENUMS: dict[str, type[enums.Labelled]] = {
    "gender": enums.Gender,
    "category": enums.CadreCategory,
    "party_status": enums.PartyStatus,
    "status": enums.CadreStatus,
    "cadre_status": enums.CadreStatus,
    "mode": enums.ManagementMode,
    "default_mode": enums.ManagementMode,
    "role": enums.PlacementRole,
    "line_side": enums.LineSide,
    "grade": enums.EvaluationGrade,
}
ENTITY_ENUMS: dict[tuple[str, str], type[enums.Labelled]] = {
    ("batch", "state"): enums.BatchState,
    ("working_group", "state"): enums.GroupState,
    ("recommendation", "state"): enums.RecommendationState,
    ("sending_unit", "kind"): enums.SendingUnitKind,
    ("receiving_unit", "kind"): enums.ReceivingUnitKind,
    ("logistics_item", "category"): enums.LogisticsCategory,
    ("logistics_item", "state"): enums.LogisticsState,
    ("meeting", "kind"): enums.MeetingKind,
    ("training_session", "kind"): TrainingKind,
}
CODED = {"scope": "history.scope", "metric_code": "metric", "kind": "history.export_kind"}
"""Fields whose codes have catalog labels under a prefix."""

EMPTY = "—"


def entity_label(entity: str) -> str:
    for key in (f"store.audit.entity.{entity}", f"history.entity.{entity}"):
        if has(key):
            return t(key)
    return entity.replace("_", " ")


def field_label(entity: str, field: str) -> str:
    """Cadre fields as the cadre form names them; everything else from this area."""
    keys = [f"history.field.{field}", f"form.label.{field}", f"field.{field}"]
    if entity == "cadre":
        keys = [*keys[1:], keys[0]]
    for key in keys:
        if has(key):
            return t(key)
    return field.replace("_", " ")


def masked(value: Any, field: str = "") -> Any:
    """``value`` with every phone and ID number in it masked, however deep."""
    if isinstance(value, dict):
        return {key: masked(item, key) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item, field) for item in value]
    if isinstance(value, str) and value:
        if "phone" in field:
            return mask_phone(value)
        if "id_number" in field:
            return mask_id_number(value)
    return value


# -- names -------------------------------------------------------------------------------


def _kind(field: str, side: Mapping[str, Any]) -> str | None:
    if field == "scope_id":
        scope = side.get("scope")
        return SCOPE_KINDS.get(scope, scope) if isinstance(scope, str) else None
    return REFERENCES.get(field)


def subject_ref(row: AuditRow) -> tuple[str, int] | None:
    """The record a row is about, as ``(kind, id)``."""
    if row.entity_id is None:
        return None
    return ("cadre" if row.entity == "export" else row.entity, row.entity_id)


def references(rows: Iterable[AuditRow]) -> set[tuple[str, int]]:
    """Every ``(kind, id)`` the rows name, to look their names up in one go."""
    refs: set[tuple[str, int]] = set()
    for row in rows:
        subject = subject_ref(row)
        if subject:
            refs.add(subject)
        for side in (row.before, row.after):
            if not isinstance(side, dict):
                continue
            for field, value in side.items():
                kind = "cadre" if field == "nominations" else _kind(field, side)
                for item in value if isinstance(value, list) else [value]:
                    key = item.get("cadre_id") if isinstance(item, dict) else item
                    if kind and isinstance(key, int) and not isinstance(key, bool):
                        refs.add((kind, key))
    return refs


def named(kind: str, key: Any, names: Names) -> str:
    if isinstance(key, int) and not isinstance(key, bool):
        return names.get((kind, key), f"#{key}")
    return _plain(key)


# -- values ------------------------------------------------------------------------------


def _plain(value: Any) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return t("history.yes") if value else t("history.no")
    if isinstance(value, float):
        return format_figure(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _coded(enum: type[enums.Labelled], value: Any) -> str:
    try:
        return enum(value).label()
    except ValueError:
        return _plain(value)


def display(
    entity: str, field: str, value: Any, side: Mapping[str, Any], names: Names | None = None
) -> str:
    """One field's value as shown: labels for codes, names for ids, numbers masked."""
    names = names or {}
    if blank(value) and value is not False:
        return EMPTY
    value = masked(value, field)
    kind = "cadre" if field == "nominations" else _kind(field, side)
    if kind:
        items = value if isinstance(value, list) else [value]
        keys = [item.get("cadre_id") if isinstance(item, dict) else item for item in items]
        return t("store.name_separator").join(named(kind, key, names) for key in keys)
    enum = ENTITY_ENUMS.get((entity, field)) or ENUMS.get(field)
    if enum is not None and isinstance(value, str):
        return _coded(enum, value)
    prefix = CODED.get(field)
    if prefix and isinstance(value, str) and has(f"{prefix}.{value}"):
        return t(f"{prefix}.{value}")
    if field == "fields" and isinstance(value, list):
        return t("store.name_separator").join(field_label("cadre", str(f)) for f in value)
    if field == "quota" and isinstance(value, list):
        return (
            "–".join(_plain(part) for part in value) if any(p is not None for p in value) else EMPTY
        )
    return _plain(value)


# -- rows into lines ---------------------------------------------------------------------


def blank(value: Any) -> bool:
    return value is None or value is False or value == "" or value == []
