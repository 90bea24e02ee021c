"""The reversals ctrl+z knows, by (entity, action): each checks the record still
reads as the change left it, then writes the before values back through the
store's own function inside the undo's transaction (see :mod:`.undo`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.model import NewCadre
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.undo import AuditEntry, describe, json_value, still_reads

_CADRE_TYPES: dict[str, Callable[[Any], Any]] = {
    "gender": Gender,
    "category": CadreCategory,
    "party_status": PartyStatus,
    "status": CadreStatus,
    "birth_date": dt.date.fromisoformat,
    "party_joined_on": lambda v: v and dt.date.fromisoformat(v),
    "work_started_on": lambda v: v and dt.date.fromisoformat(v),
}


def _cadre_view(conn: sqlite3.Connection, cadre_id: int) -> tuple[Any, dict[str, Any]]:
    from cadre_tui.store.cadres import _audit_view, get_cadre

    try:
        cadre = get_cadre(conn, cadre_id)
    except CadreError as exc:
        raise CadreError("undo.record_gone") from exc
    return cadre, _audit_view(cadre.record())


def _undo_cadre_update(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from dataclasses import replace

    from cadre_tui.store.cadres import update_cadre

    if "id_number" in (entry.before or {}):
        raise CadreError("undo.id_number_masked")
    cadre, view = _cadre_view(conn, entry.entity_id)
    still_reads(entry, view)
    restored = {
        field: _CADRE_TYPES.get(field, lambda v: v)(value) for field, value in entry.before.items()
    }
    record: NewCadre = replace(cadre.record(), **restored)
    update_cadre(conn, cadre.id, record, expected_version=cadre.row_version)


def _undo_cadre_status(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.store.cadres import set_cadre_status

    _cadre, view = _cadre_view(conn, entry.entity_id)
    still_reads(entry, view)
    set_cadre_status(conn, entry.entity_id, CadreStatus(entry.before["status"]))


def _undo_cadre_create(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    cadre, _view = _cadre_view(conn, entry.entity_id)
    try:
        conn.execute("DELETE FROM cadres WHERE id = ?", (cadre.id,))
    except sqlite3.IntegrityError as exc:
        raise CadreError("undo.cadre_in_use", name=cadre.name) from exc
    audit.record(conn, "delete", "cadre", cadre.id, entry.after, None)


def _figure_value(conn: sqlite3.Connection, original_id: int) -> float | None:
    row = conn.execute(
        "SELECT COUNT(*), ROUND(SUM(value), 2) FROM figure_entries WHERE id = ? OR corrects_id = ?",
        (original_id, original_id),
    ).fetchone()
    return row[1] if row[0] else None


def _undo_figure_create(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    value = _figure_value(conn, entry.entity_id)
    if value is None:
        raise CadreError("undo.record_gone")
    if value != round(entry.after["value"], 2):
        raise CadreError("undo.no_longer_reads", what=describe(entry))
    # Corrections left by undone corrections net to nothing; they go with the entry.
    conn.execute("DELETE FROM figure_entries WHERE corrects_id = ?", (entry.entity_id,))
    conn.execute("DELETE FROM figure_entries WHERE id = ?", (entry.entity_id,))
    audit.record(conn, "delete", "figure_entry", entry.entity_id, entry.after, None)


def _undo_figure_correct(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.store.figures import correct_figure

    value = _figure_value(conn, entry.entity_id)
    if value is None:
        raise CadreError("undo.record_gone")
    if value != round(entry.after["value"], 2):
        raise CadreError("undo.no_longer_reads", what=describe(entry))
    correct_figure(conn, entry.entity_id, float(entry.before["value"] or 0.0))


def _undo_group_update(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from dataclasses import asdict

    from cadre_tui.store.working_groups import get_working_group, update_working_group

    group = get_working_group(conn, entry.entity_id)
    still_reads(entry, asdict(group))
    update_working_group(conn, group.id, expected_version=group.row_version, **(entry.before or {}))


def _undo_group_leaders(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.store.group_changes import set_group_leaders
    from cadre_tui.store.working_groups import get_working_group

    group = get_working_group(conn, entry.entity_id)
    still_reads(entry, {"leader": group.leader_cadre_id, "deputy": group.deputy_cadre_id})
    if entry.before["leader"] is None:
        raise CadreError("undo.not_reversible", what=describe(entry), when=entry.local_time)
    set_group_leaders(
        conn,
        group.id,
        leader_cadre_id=entry.before["leader"],
        deputy_cadre_id=entry.before["deputy"],
    )


def _undo_group_villages(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.store.group_changes import covered_village_ids, set_covered_villages

    still_reads(entry, {"villages": list(covered_village_ids(conn, entry.entity_id))})
    set_covered_villages(conn, entry.entity_id, entry.before["villages"])


def _undo_role(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.domain.enums import PlacementRole
    from cadre_tui.store.group_changes import set_group_leaders, set_role
    from cadre_tui.store.placements import get_placement

    placement = get_placement(conn, entry.entity_id)
    still_reads(entry, {"role": placement.role})
    leader = entry.before.get("leader")
    if leader is not None:
        # Naming both posts at once also gives a displaced holder their post back.
        set_group_leaders(
            conn,
            placement.group_id,
            leader_cadre_id=leader,
            deputy_cadre_id=entry.before.get("deputy"),
        )
    else:
        set_role(conn, placement.id, PlacementRole(entry.before["role"]))


def _undo_place(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.store.group_changes import _place, set_place
    from cadre_tui.store.placements import get_placement

    still_reads(entry, _place(get_placement(conn, entry.entity_id)))
    before = entry.before
    set_place(
        conn,
        entry.entity_id,
        village_id=before["village_id"],
        line_side=before["line_side"],
        field_team_id=before["field_team_id"],
        project_ids=before["project_ids"] or (),
    )


def _undo_target(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.store.figures import set_target

    after = entry.after
    row = conn.execute("SELECT value FROM targets WHERE id = ?", (entry.entity_id,)).fetchone()
    if row is None or row[0] != after["value"]:
        raise CadreError("undo.no_longer_reads", what=describe(entry))
    if entry.before is None:
        conn.execute("DELETE FROM targets WHERE id = ?", (entry.entity_id,))
        audit.record(conn, "delete", "target", entry.entity_id, after, None)
        return
    set_target(
        conn,
        batch_id=after["batch_id"],
        scope=after["scope"],
        scope_id=after["scope_id"],
        metric_code=after["metric_code"],
        value=entry.before["value"],
    )


def _filter(side: dict[str, Any]) -> Any:
    from cadre_tui.domain.pool_query import PoolFilter

    return PoolFilter.from_json(json.dumps(side["filter"], ensure_ascii=False))


def _undo_filter_create(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.store.saved_filters import delete_saved_filter

    if conn.execute("SELECT 1 FROM saved_filters WHERE id = ?", (entry.entity_id,)).fetchone():
        delete_saved_filter(conn, entry.after["name"])
    else:
        raise CadreError("undo.record_gone")


def _undo_filter_update(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.store.saved_filters import save_filter

    row = conn.execute(
        "SELECT name, filter_json FROM saved_filters WHERE id = ?", (entry.entity_id,)
    ).fetchone()
    if row is None:
        raise CadreError("undo.record_gone")
    still_reads(entry, {"filter": json.loads(row[1])})
    save_filter(conn, row[0], _filter(entry.before))


def _undo_filter_delete(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.store.saved_filters import save_filter

    name = entry.before["name"]
    if conn.execute("SELECT 1 FROM saved_filters WHERE name = ?", (name,)).fetchone():
        raise CadreError("undo.name_taken", name=name)
    save_filter(conn, name, _filter(entry.before))


def _undo_quota(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.domain.round import Quota
    from cadre_tui.store.rounds import get_round, set_unit_quota

    round_ = get_round(conn, entry.before["year"])
    if round_ is None:
        raise CadreError("undo.record_gone")
    row = conn.execute(
        "SELECT quota_min, quota_max FROM round_units WHERE round_id = ? AND sending_unit_id = ?",
        (round_.id, entry.entity_id),
    ).fetchone()
    if row is None or list(row) != entry.after["quota"]:
        raise CadreError("undo.no_longer_reads", what=describe(entry))
    low, high = entry.before["quota"]
    quota = Quota(low, high) if low is not None and high is not None else None
    set_unit_quota(conn, round_.id, entry.entity_id, quota)


def _item_now(conn: sqlite3.Connection, entry: AuditEntry) -> Any:
    from cadre_tui.store.logistics import get_item

    try:
        return get_item(conn, entry.entity_id)
    except CadreError as exc:
        raise CadreError("undo.record_gone") from exc


def _undo_item_create(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from dataclasses import asdict

    item = _item_now(conn, entry)
    still_reads(entry, asdict(item))
    conn.execute("DELETE FROM logistics_items WHERE id = ?", (item.id,))
    audit.record(conn, "delete", "logistics_item", item.id, entry.after, None)


def _undo_item_update(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from dataclasses import asdict

    from cadre_tui.domain.coordination import LogisticsCategory
    from cadre_tui.store.logistics import update_item

    item = _item_now(conn, entry)
    still_reads(entry, asdict(item))
    restored = dict(entry.before or {})
    if "category" in restored:
        restored["category"] = LogisticsCategory(restored["category"])
    if "due_on" in restored:
        restored["due_on"] = restored["due_on"] and dt.date.fromisoformat(restored["due_on"])
    update_item(conn, item.id, expected_version=item.row_version, **restored)


def _undo_item_state(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.domain.coordination import LogisticsState
    from cadre_tui.store.logistics import set_item_state

    item = _item_now(conn, entry)
    now = {"state": item.state, "resolution": item.resolution, "resolved_on": item.resolved_on}
    after = {key: value for key, value in (entry.after or {}).items() if key != "on"}
    if {k: json_value(v) for k, v in now.items()} != after:
        raise CadreError("undo.no_longer_reads", what=describe(entry))
    before = entry.before
    settled = before["resolved_on"]
    set_item_state(
        conn,
        item.id,
        LogisticsState(before["state"]),
        on=dt.date.fromisoformat(settled) if settled else dt.date.fromisoformat(entry.after["on"]),
        resolution=before["resolution"],
        expected_version=item.row_version,
    )


REVERSALS: dict[tuple[str, str], Callable[[sqlite3.Connection, AuditEntry], None]] = {
    ("cadre", "create"): _undo_cadre_create,
    ("cadre", "update"): _undo_cadre_update,
    ("cadre", "set_status"): _undo_cadre_status,
    ("figure_entry", "create"): _undo_figure_create,
    ("figure_entry", "correct"): _undo_figure_correct,
    ("working_group", "update"): _undo_group_update,
    ("working_group", "set_leaders"): _undo_group_leaders,
    ("working_group", "set_villages"): _undo_group_villages,
    ("placement", "set_role"): _undo_role,
    ("placement", "set_place"): _undo_place,
    ("target", "set"): _undo_target,
    ("saved_filter", "create"): _undo_filter_create,
    ("saved_filter", "update"): _undo_filter_update,
    ("saved_filter", "delete"): _undo_filter_delete,
    ("round_unit", "set_quota"): _undo_quota,
    ("logistics_item", "create"): _undo_item_create,
    ("logistics_item", "update"): _undo_item_update,
    ("logistics_item", "set_state"): _undo_item_state,
}
"""Every kind of change ctrl+z can reverse, by (entity, action)."""
