"""The field status as ``cadre-tui status`` writes it out: the drill-down's nodes and
the not-reporting list as JSON, and lines to paste into a chat, plain or markdown,
narrowed on request to a phone's 40 columns. No Textual here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cadre_tui.domain.quantities import format_total
from cadre_tui.i18n import t

if TYPE_CHECKING:
    from cadre_tui.services.field_status import Progress, Silent


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
