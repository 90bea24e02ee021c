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
from dataclasses import dataclass
from typing import Any

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
        from cadre_tui.store.undo_reversals import REVERSALS

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

    for key in (
        f"undo.what.{entry.entity}.{entry.action}",
        f"history.action.{entry.entity}.{entry.action}",
    ):  # the history's words
        if has(key):
            return t(key)
    return t("undo.what.other", entity=entry.entity, action=entry.action)


def _changed_since(entry: AuditEntry, who: str, when: str) -> CadreError:
    return CadreError("undo.changed_since", what=describe(entry), who=who, when=when)


def still_reads(entry: AuditEntry, current: dict[str, Any]) -> None:
    """Refuse when the record no longer reads as the change left it (a write the
    log cannot tie to this record, such as a batch closing, changed it)."""
    for field, value in (entry.after or {}).items():
        if field == "row_version":  # bumped by an undo in between; the values decide
            continue
        if json_value(current.get(field)) != value:
            raise CadreError("undo.no_longer_reads", what=describe(entry))


def json_value(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
