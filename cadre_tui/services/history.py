"""The audit log in the user's words: when (local time), who, what ("Placed in
group", "Figures corrected") and what changed (``Post: clerk → section chief``),
with names for the ids a row holds and personal numbers masked. No SQL, no Textual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size

from cadre_tui.i18n import has, t
from cadre_tui.services.history_values import (
    EMPTY,
    Names,
    blank,
    display,
    entity_label,
    field_label,
    masked,
    named,
    references,
    subject_ref,
)
from cadre_tui.store import audit_queries
from cadre_tui.store.audit_queries import AuditRow
from cadre_tui.store.sqlite import sqlite3

HIDDEN = {"id", "row_version", "entered_at", "corrects_id", "placement_id", "first_id", "last_id"}
"""Bookkeeping left out of the one-line summary (the detail shows everything)."""
SUBJECT_FIELDS = {"cadre_id"}
"""Left out of the summary too where the row's subject already names the cadre."""
FIRST = (
    *("name", "number", "grade", "metric_code", "value", "entry_date", "group_id", "role"),
    *("mode", "state", "status"),
)


@dataclass(frozen=True, slots=True)
class Change:
    """One field of a row: its label and both sides as display text."""

    field: str
    label: str
    before: str | None
    after: str | None

    def text(self) -> str:
        if self.before is None:
            return t("history.field_value", field=self.label, value=self.after or EMPTY)
        if self.after is None or self.after == self.before:
            return t("history.field_value", field=self.label, value=self.before)
        return t("history.field_change", field=self.label, before=self.before, after=self.after)


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One audit row ready to show."""

    row: AuditRow
    at: str
    phrase: str
    subject: str
    changes: tuple[Change, ...]
    detail: tuple[Change, ...]

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def actor(self) -> str:
        return self.row.actor

    def summary(self, width: int | None = None) -> str:
        """The changed fields on one line, cut with … to ``width`` cells."""
        text = t("history.change_separator").join(change.text() for change in self.changes)
        return fit(text, width) if width is not None else text

    def as_json(self) -> dict[str, Any]:
        """The raw row (personal numbers masked) plus the words shown for it."""
        row = self.row
        return {
            "id": row.id,
            "at": row.at,
            "at_local": self.at,
            "actor": row.actor,
            "action": row.action,
            "entity": row.entity,
            "entity_id": row.entity_id,
            "undoes": row.undoes,
            "phrase": self.phrase,
            "subject": self.subject,
            "summary": self.summary(),
            "before": masked(row.before),
            "after": masked(row.after),
        }


def fit(text: str, width: int) -> str:
    """At most ``width`` terminal cells (Chinese characters take two), … when cut."""
    text = " ".join(text.split())
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(width - 1, 0)).rstrip() + "…" if width > 0 else ""


def local_time(at: str, tz: dt.tzinfo | None = None) -> str:
    """``2026-11-27 09:05`` in the local (or given) time zone from the log's UTC."""
    moment = dt.datetime.fromisoformat(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def action_phrase(entity: str, action: str) -> str:
    """The change in words ("Record updated"); an unknown one as its record and action."""
    key = f"history.action.{entity}.{action}"
    if has(key):
        return t(key)
    words = t(f"store.audit.action.{action}") if has(f"store.audit.action.{action}") else action
    return t("history.action_other", entity=entity_label(entity), action=words.replace("_", " "))


def _side(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def _ordered(fields: Iterable[str]) -> list[str]:
    fields = list(dict.fromkeys(fields))
    first = [f for f in FIRST if f in fields]
    return first + [f for f in fields if f not in first]


def _changes(row: AuditRow, names: Names, every: bool) -> tuple[Change, ...]:
    before, after = _side(row.before), _side(row.after)
    fields = _ordered([*after, *before])
    hidden = set() if every else HIDDEN | (SUBJECT_FIELDS if row.entity_id else set())
    both = row.before is not None and row.after is not None
    result = []
    for field in fields:
        if field in hidden:
            continue
        old, new = before.get(field), after.get(field)
        if not every:
            if both and field in before and old == new:
                continue
            if not both and blank(old if row.after is None else new):
                continue
        label = field_label(row.entity, field)
        shown_old = display(row.entity, field, old, before, names) if field in before else None
        shown_new = display(row.entity, field, new, after, names) if field in after else None
        result.append(Change(field, label, shown_old, shown_new))
    return tuple(result)


def history_line(
    row: AuditRow, names: Names | None = None, tz: dt.tzinfo | None = None
) -> HistoryLine:
    names = names or {}
    phrase = action_phrase(row.entity, row.action)
    if row.undoes is not None:
        phrase = t("history.undo_of", number=row.undoes)
    subject = subject_ref(row)
    return HistoryLine(
        row=row,
        at=local_time(row.at, tz),
        phrase=phrase,
        subject=named(*subject, names) if subject else "",
        changes=_changes(row, names, every=False),
        detail=_changes(row, names, every=True),
    )


def history_lines(
    rows: Iterable[AuditRow], names: Names | None = None, tz: dt.tzinfo | None = None
) -> list[HistoryLine]:
    return [history_line(row, names, tz) for row in rows]


def detail_text(line: HistoryLine) -> list[str]:
    """The whole row for the detail view: a heading, then every field before and after."""
    row = line.row
    heading = t(
        "history.detail_heading",
        number=row.id,
        at=line.at,
        actor=row.actor,
        what=action_phrase(row.entity, row.action),
    )
    lines = [heading]
    if line.subject:
        lines.append(
            t("history.detail_subject", entity=entity_label(row.entity), name=line.subject)
        )
    if row.undoes is not None:
        lines.append(t("history.undo_of", number=row.undoes))
    if not line.detail:
        lines.append(t("history.detail_empty"))
    lines.extend(change.text() for change in line.detail)
    return lines


# -- reading, for the screen and the command --------------------------------------------

SUBJECT_KINDS = ("cadre", "group")


def subject_history(
    conn: sqlite3.Connection,
    kind: str,
    subject_id: int,
    limit: int = 200,
    *,
    since: dt.date | dt.datetime | None = None,
    actor: str | None = None,
) -> list[HistoryLine]:
    """A cadre's (``kind="cadre"``) or working group's (``"group"``) history, as lines."""
    if kind not in SUBJECT_KINDS:
        raise ValueError(f"history of {kind!r}: expected one of {SUBJECT_KINDS}")
    read = audit_queries.cadre_history if kind == "cadre" else audit_queries.group_history
    rows = read(conn, subject_id, limit, since=since, actor=actor)
    return history_lines(rows, audit_queries.names_for(conn, references(rows)))


def log_lines(
    conn: sqlite3.Connection,
    *,
    since: dt.date | dt.datetime | None = None,
    actor: str | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 50,
) -> list[HistoryLine]:
    """The log newest first, filtered as ``cadre-tui log`` asks, as lines."""
    rows = audit_queries.log_entries(conn, since, actor, entity, entity_id, limit)
    return history_lines(rows, audit_queries.names_for(conn, references(rows)))
