"""The programme at a glance: each batch, its receiving units and modes, and the
five metric totals against targets. Used by the dashboard and ``cadre-tui status``
(whose chat-sized text, narrowed to a phone's 40 columns, is written here too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cadre_tui.domain.enums import METRIC_CODES, BatchState, ManagementMode
from cadre_tui.domain.quantities import format_total
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.store import rollups
from cadre_tui.store.sqlite import sqlite3

if TYPE_CHECKING:
    from cadre_tui.services.field_status import Progress, Silent


@dataclass(frozen=True)
class UnitStatus:
    """One receiving unit within a batch, under one management mode."""

    code: str
    name: str
    mode: ManagementMode
    groups: int
    cadres: int
    active_cadres: int
    totals: dict[str, float]
    targets: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchStatus:
    number: int
    name: str
    purpose: str
    state: BatchState
    start_date: str
    planned_end: str | None
    cadres: int
    active_cadres: int
    totals: dict[str, float]
    targets: dict[str, float]
    units: list[UnitStatus]


@dataclass(frozen=True)
class ProgrammeStatus:
    name: str
    district: str
    pool_size: int
    batches: list[BatchStatus]

    def totals(self) -> dict[str, float]:
        """All batches together (the programme level of the roll-up)."""
        return {code: sum(b.totals[code] for b in self.batches) for code in METRIC_CODES}


def _complete(values: dict[str, float] | None) -> dict[str, float]:
    values = values or {}
    return {code: values.get(code, 0.0) for code in METRIC_CODES}


def batch_statuses(
    conn: sqlite3.Connection, batch_number: int | None = None, *, since: dt.date | None = None
) -> list[BatchStatus]:
    """Each batch (or one); with ``since``, totals of the figures dated from then on."""
    batch_rows = rollups.batches(conn, batch_number)
    ids = [row["id"] for row in batch_rows]
    if not ids:
        return []
    if since is None:
        totals = rollups.batch_totals(conn, ids)
        unit_totals = rollups.unit_totals(conn, ids)
    else:
        totals, unit_totals = _totals_since(conn, ids, since)
    targets = rollups.batch_targets(conn, ids)
    unit_targets = rollups.unit_targets(conn, ids)
    units_by_batch: dict[int, list[UnitStatus]] = {}
    for row in rollups.unit_rows(conn, ids):
        key = (row["batch_id"], row["receiving_unit_id"], row["mode"])
        units_by_batch.setdefault(row["batch_id"], []).append(
            UnitStatus(
                code=row["code"],
                name=row["name"],
                mode=ManagementMode(row["mode"]),
                groups=row["groups"],
                cadres=row["cadres"] or 0,
                active_cadres=row["active"] or 0,
                totals=_complete(unit_totals.get(key)),
                targets=unit_targets.get((row["batch_id"], row["receiving_unit_id"]), {}),
            )
        )
    return [
        BatchStatus(
            number=row["number"],
            name=row["name"],
            purpose=row["purpose"],
            state=BatchState(row["state"]),
            start_date=row["start_date"],
            planned_end=row["planned_end"],
            cadres=row["cadres"],
            active_cadres=row["active"],
            totals=_complete(totals.get(row["id"])),
            targets=targets.get(row["id"], {}),
            units=units_by_batch.get(row["id"], []),
        )
        for row in batch_rows
    ]


def _totals_since(
    conn: sqlite3.Connection, batch_ids: list[int], since: dt.date
) -> tuple[dict[int, dict[str, float]], dict[tuple[int, int, str], dict[str, float]]]:
    """Batch and (batch, unit, mode) totals from ``since`` on, summed from group totals."""
    from cadre_tui.store import figure_rollups
    from cadre_tui.store.figure_rollups import Scope

    batches: dict[int, dict[str, float]] = {}
    units: dict[tuple[int, int, str], dict[str, float]] = {}
    for batch_id in batch_ids:
        scope = Scope(batch_id=batch_id)
        groups = {row["id"]: row for row in figure_rollups.group_rows(conn, scope)}
        for group_id, values in figure_rollups.level_totals(conn, "group", scope, since).items():
            row = groups[group_id]
            key = (batch_id, row["unit_id"], row["mode"])
            for code, total in values.items():
                for sums in (batches.setdefault(batch_id, {}), units.setdefault(key, {})):
                    sums[code] = sums.get(code, 0.0) + total
    return batches, units


def programme_status(
    conn: sqlite3.Connection, batch_number: int | None = None, *, since: dt.date | None = None
) -> ProgrammeStatus:
    name = rollups.programme_name(conn) or ("", "")
    return ProgrammeStatus(
        name=name[0],
        district=name[1],
        pool_size=rollups.pool_size(conn),
        batches=batch_statuses(conn, batch_number, since=since),
    )


def status_json(status: ProgrammeStatus) -> dict:
    """The documented JSON shape of ``cadre-tui status --format json``."""
    return {
        "programme": status.name,
        "pool": status.pool_size,
        "batches": [
            {
                "number": b.number,
                "name": b.name,
                "state": b.state.value,
                "start_date": b.start_date,
                "planned_end": b.planned_end,
                "cadres": b.cadres,
                "totals": _json_numbers(b.totals),
                "targets": _json_numbers(b.targets),
                "units": [
                    {
                        "code": u.code,
                        "name": u.name,
                        "mode": u.mode.value,
                        "groups": u.groups,
                        "cadres": u.cadres,
                        "totals": _json_numbers(u.totals),
                        "targets": _json_numbers(u.targets),
                    }
                    for u in b.units
                ],
            }
            for b in status.batches
        ],
    }


def _json_numbers(values: dict[str, float]) -> dict[str, float | int]:
    return {k: int(v) if float(v).is_integer() else round(v, 1) for k, v in values.items()}


# -- what ``cadre-tui status`` looks up --------------------------------------------------


def find_group(conn: sqlite3.Connection, text: str, batch_id: int | None = None) -> int:
    """The group named (or numbered) ``text``: in ``batch_id`` if given, else the one
    in an active batch; several candidates are refused with their batches named."""
    found = rollups.find_groups(conn, text.strip(), batch_id)
    if not found:
        raise CadreError("field_status.no_such_group", group=text)
    active = [row for row in found if row["state"] == "active"]
    candidates = active if len(active) == 1 else found
    if len(candidates) > 1:
        numbers = t("dashboard.list_separator").join(str(row["number"]) for row in candidates)
        raise CadreError("field_status.group_ambiguous", group=text, batches=numbers)
    return int(candidates[0]["id"])


def find_unit(conn: sqlite3.Connection, text: str) -> int:
    found = rollups.find_units(conn, text.strip())
    if not found:
        raise CadreError("field_status.no_such_unit", unit=text)
    return int(found[0]["id"])


def batch_id_of(conn: sqlite3.Connection, number: int) -> int:
    found = rollups.batch_id_of(conn, number)
    if found is None:
        raise CadreError("cli.no_such_batch", number=number)
    return found


def group_context(conn: sqlite3.Connection, group_id: int) -> dict[str, Any]:
    """The group's name, mode, unit, batch number and leader, for a heading."""
    found = rollups.group_context(conn, group_id)
    if found is None:
        raise CadreError("field_status.group_not_found", id=group_id)
    return found


# -- JSON ---------------------------------------------------------------------------------


def progress_json(node: Progress) -> dict[str, Any]:
    return {
        "kind": node.kind,
        "id": node.id,
        "name": node.name,
        "parent_id": node.parent_id,
        "mode": node.mode,
        "cadres": node.cadres,
        "metrics": {
            m.code: {
                "total": _json_number(m.total),
                "target": None if m.target is None else _json_number(m.target),
                "percent": None if m.percent is None else round(m.percent, 1),
                "weekly": [_json_number(v) for v in m.weekly],
            }
            for m in node.metrics
        },
    }


def silent_json(silent: Iterable[Silent]) -> list[dict[str, Any]]:
    return [
        {
            "cadre_id": s.cadre_id,
            "name": s.name,
            "group_id": s.group_id,
            "group": s.group,
            "leader": s.leader,
            "last_entry": s.last_entry.isoformat() if s.last_entry else None,
            "days": s.days,
        }
        for s in silent
    ]


def _json_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 1)


# -- text to paste into a chat -------------------------------------------------------------

NARROW_CELLS = 40
"""A phone's SSH client: ``--narrow`` keeps every line within this many cells."""


class ChatText:
    """Lines for a chat message, plain or markdown, each wrapped to ``width`` cells."""

    def __init__(self, *, markdown: bool, width: int | None) -> None:
        self.markdown = markdown
        self.width = width
        self.lines: list[str] = []

    def heading(self, text: str) -> None:
        """A title after a blank line; in markdown each of its lines in bold."""
        if self.lines and self.lines[-1]:
            self.lines.append("")
        if not self.markdown:
            self._add(text, "")
            return
        width = None if self.width is None else self.width - 4
        self.lines += [f"**{line}**" for line in wrap_cells(self._escape(text), width, "")]

    def line(self, text: str) -> None:
        self._add(self._escape(text), "  ")

    def item(self, text: str, *details: str) -> None:
        """A list entry and its detail lines (one under the other, indented)."""
        from rich.cells import cell_len

        bullet = "- " if self.markdown else "· "
        head, rest = bullet + self._escape(text), list(details)
        if rest:
            joined = f"{head} {self._escape(rest[0])}"
            if self.width is None or cell_len(joined) <= self.width:
                head, rest = joined, rest[1:]
        self._add(head, "  ")
        for detail in rest:
            self._add("  " + self._escape(detail), "    ")

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"

    def _escape(self, text: str) -> str:
        if not self.markdown:
            return text
        for char in "\\*_`[]":
            text = text.replace(char, "\\" + char)
        return text

    def _add(self, text: str, indent: str) -> None:
        self.lines += wrap_cells(text, self.width, indent)


def wrap_cells(text: str, width: int | None, indent: str = "  ") -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells (CJK counts two), broken
    at a space or after a slash or Chinese comma when there is one, continuation
    lines indented."""
    from rich.cells import cell_len

    if width is None or cell_len(text) <= width:
        return [text]
    lines: list[str] = []
    current, lead = "", ""
    cut = -1  # where the current line may break: the text before it stays
    for char in text:
        if cell_len(current + char) > width and current[len(lead) :].strip():
            if cut > len(lead):
                lines.append(current[:cut].rstrip())
                current = indent + current[cut:].lstrip()
            else:
                lines.append(current.rstrip())
                current = indent
            lead, cut = indent, -1
        current += char
        if char == " " and current[len(lead) :].strip():
            cut = len(current) - 1
        elif char in "/，、":
            cut = len(current)
    if current[len(lead) :].strip():
        lines.append(current.rstrip())
    return lines


def percent_text(percent: float | None) -> str:
    return "—" if percent is None else f"{percent:.0f}%"


def metric_lines(node: Progress, *, weekly: bool) -> list[str]:
    """One line per metric: total against target and the share reached; this
    week's figure too when ``weekly`` (wide output)."""
    lines = []
    for metric in node.metrics:
        label = t(f"metric_short.{metric.code}")
        if metric.target is None:
            line = t("field_status.metric_line", metric=label, total=format_total(metric.total))
        else:
            line = t(
                "field_status.metric_line_target",
                metric=label,
                total=format_total(metric.total),
                target=format_total(metric.target),
                percent=percent_text(metric.percent),
            )
        if weekly and metric.weekly:
            line += t("field_status.this_week", value=format_total(metric.weekly[-1]))
        lines.append(line)
    return lines


def compact_totals(node: Progress) -> str:
    """Every metric's total, slash-separated in the metrics' order."""
    return "/".join(format_total(m.total) for m in node.metrics)


def compact_percents(node: Progress) -> str | None:
    if all(m.percent is None for m in node.metrics):
        return None
    return "/".join(percent_text(m.percent) for m in node.metrics)


def metric_legend(node: Progress) -> str:
    return "/".join(t(f"metric_short.{m.code}") for m in node.metrics)


def silent_lines(chat: ChatText, silent: list[Silent], days: int, today: dt.date) -> None:
    chat.heading(
        t("field_status.silent_title", date=today.isoformat(), days=days, count=len(silent))
    )
    if not silent:
        chat.line(t("field_status.silent_none", days=days))
    for s in silent:
        if s.last_entry is None:
            head = t("field_status.silent_never", name=s.name, days=s.days)
        else:
            head = t("field_status.silent_item", name=s.name, days=s.days, last=s.last_entry)
        if s.leader:
            where = t("field_status.silent_where", group=s.group, leader=s.leader)
        else:
            where = s.group
        chat.item(head, where)


def batch_rows(conn: sqlite3.Connection) -> dict[int, dict[str, Any]]:
    """Every batch's number, name and state by id (for headings)."""
    from cadre_tui.store import figure_rollups

    return {row["id"]: row for row in figure_rollups.batch_rows(conn)}


def unit_batches(conn: sqlite3.Connection, unit_id: int, batch_id: int | None) -> list[int]:
    """The batches to show a receiving unit in: the given one, else its active
    batches, else every batch it has been part of."""
    from cadre_tui.store import figure_rollups

    rows = figure_rollups.unit_rows(conn, batch_id, unit_id)
    states = batch_rows(conn)
    active = [r["batch_id"] for r in rows if states[r["batch_id"]]["state"] == "active"]
    return active if batch_id is None and active else [r["batch_id"] for r in rows]
