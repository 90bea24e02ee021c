"""Undo (ctrl+z): reverse the current user's last change, read from the audit log.

The log is the memory, so undo works after a restart too. A change is reversed
only when nothing newer touched the same record and the record still reads as
the change left it; otherwise the refusal says who changed it and when. The
reversal is a write like any other: it runs through the store's own functions
inside one ``BEGIN IMMEDIATE`` transaction and leaves exactly one audit row,
which names the row it reverses (``undoes``) so nothing is reversed twice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cadre_tui.domain.enums import CadreCategory, CadreStatus, Gender, PartyStatus
from cadre_tui.domain.model import NewCadre
from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import sqlite3

NOT_CHANGES = ("reveal", "export_unmasked")
"""Audit rows that record a look, not a change: there is nothing to undo."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of the audit log, its before and after decoded."""

    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: int | None
    before: Any
    after: Any

    @property
    def local_time(self) -> str:
        return dt.datetime.fromisoformat(self.at).astimezone().strftime("%Y-%m-%d %H:%M")


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        before=json.loads(row["before_json"]) if row["before_json"] else None,
        after=json.loads(row["after_json"]) if row["after_json"] else None,
    )


_STANDING = "undoes IS NULL AND NOT EXISTS (SELECT 1 FROM audit_log u WHERE u.undoes = a.id)"
"""A change that still stands: not itself an undo, and not undone."""


def last_change(conn: sqlite3.Connection, actor: str | None = None) -> AuditEntry | None:
    """The user's latest change that still stands (what ctrl+z would reverse)."""
    marks = ", ".join("?" * len(NOT_CHANGES))
    row = conn.execute(
        f"SELECT * FROM audit_log a WHERE actor = ? AND action NOT IN ({marks}) AND {_STANDING}"
        " ORDER BY id DESC LIMIT 1",
        (actor or audit.current_actor(), *NOT_CHANGES),
    ).fetchone()
    return _entry(row) if row is not None else None


def newer_change(conn: sqlite3.Connection, entry: AuditEntry) -> AuditEntry | None:
    """The latest standing change to the same record made after ``entry``, by anyone."""
    if entry.entity_id is None:
        return None
    marks = ", ".join("?" * len(NOT_CHANGES))
    row = conn.execute(
        f"SELECT * FROM audit_log a WHERE entity = ? AND entity_id = ? AND id > ?"
        f" AND action NOT IN ({marks}) AND {_STANDING} ORDER BY id DESC LIMIT 1",
        (entry.entity, entry.entity_id, entry.id, *NOT_CHANGES),
    ).fetchone()
    return _entry(row) if row is not None else None


def undo_last(conn: sqlite3.Connection, actor: str | None = None) -> AuditEntry:
    """Reverse the user's last change; returns the entry reversed.

    Raises :class:`CadreError` saying why when it cannot: nothing to undo, a
    kind of change that cannot be reversed, or a newer change to the record.
    """
    with transaction(conn):
        entry = last_change(conn, actor)
        if entry is None:
            raise CadreError("undo.nothing")
        reverse = REVERSALS.get((entry.entity, entry.action))
        if reverse is None:
            raise CadreError("undo.not_reversible", what=describe(entry), when=entry.local_time)
        newer = newer_change(conn, entry)
        if newer is not None:
            raise _changed_since(entry, newer.actor, newer.local_time)
        with audit.undoing(entry.id):
            reverse(conn, entry)
        written = conn.execute(
            "SELECT COUNT(*) FROM audit_log WHERE undoes = ?", (entry.id,)
        ).fetchone()[0]
        if written != 1:
            raise RuntimeError(f"undo of audit row {entry.id} wrote {written} audit rows")
        return entry


def describe(entry: AuditEntry) -> str:
    """The change in the user's words: "update of a cadre", "correction of a figure"."""
    from cadre_tui.i18n import has, t

    key = f"undo.what.{entry.entity}.{entry.action}"
    if has(key):
        return t(key)
    return t("undo.what.other", entity=entry.entity, action=entry.action)


def _changed_since(entry: AuditEntry, who: str, when: str) -> CadreError:
    return CadreError("undo.changed_since", what=describe(entry), who=who, when=when)


def _still_reads(entry: AuditEntry, current: dict[str, Any]) -> None:
    """Refuse when the record no longer reads as the change left it (a write the
    log cannot tie to this record, such as a batch closing, changed it)."""
    for field, value in (entry.after or {}).items():
        if _json(current.get(field)) != value:
            raise CadreError("undo.no_longer_reads", what=describe(entry))


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


# -- the reversals -----------------------------------------------------------------

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
    _still_reads(entry, view)
    restored = {
        field: _CADRE_TYPES.get(field, lambda v: v)(value) for field, value in entry.before.items()
    }
    record: NewCadre = replace(cadre.record(), **restored)
    update_cadre(conn, cadre.id, record, expected_version=cadre.row_version)


def _undo_cadre_status(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.store.cadres import set_cadre_status

    _cadre, view = _cadre_view(conn, entry.entity_id)
    _still_reads(entry, view)
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
    _still_reads(entry, asdict(group))
    update_working_group(conn, group.id, expected_version=group.row_version, **(entry.before or {}))


def _undo_group_leaders(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.store.group_changes import set_group_leaders
    from cadre_tui.store.working_groups import get_working_group

    group = get_working_group(conn, entry.entity_id)
    _still_reads(entry, {"leader": group.leader_cadre_id, "deputy": group.deputy_cadre_id})
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

    _still_reads(entry, {"villages": list(covered_village_ids(conn, entry.entity_id))})
    set_covered_villages(conn, entry.entity_id, entry.before["villages"])


def _undo_role(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    from cadre_tui.domain.enums import PlacementRole
    from cadre_tui.store.group_changes import set_group_leaders, set_role
    from cadre_tui.store.placements import get_placement

    placement = get_placement(conn, entry.entity_id)
    _still_reads(entry, {"role": placement.role})
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

    _still_reads(entry, _place(get_placement(conn, entry.entity_id)))
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
    _still_reads(entry, {"filter": json.loads(row[1])})
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
}
"""Every kind of change ctrl+z can reverse, by (entity, action)."""
