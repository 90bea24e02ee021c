"""How ``cadre-tui status`` prints what it read: the programme's tables (its
original output), markdown, text for a chat (``--narrow`` keeps it to 40 columns),
JSON, and the list of who has stopped reporting. Free of Textual, like the command."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import click

from cadre_tui.domain.enums import METRIC_CODES, BatchState, ManagementMode
from cadre_tui.domain.quantities import format_total
from cadre_tui.i18n import t
from cadre_tui.services import reports
from cadre_tui.services.status_text import (
    NARROW_CELLS,
    ChatText,
    compact_percents,
    compact_totals,
    metric_legend,
    metric_lines,
    progress_json,
    silent_json,
    silent_lines,
)


@dataclass
class View:
    """What one run of the command read, before it is printed."""

    today: dt.date
    since: dt.date | None
    days: int
    programme: reports.ProgrammeStatus | None = None
    batch_progress: dict[int, Any] = field(default_factory=dict)
    silent_counts: dict[int, int] = field(default_factory=dict)
    units: list[tuple[dict[str, Any], Any, list[Any]]] = field(default_factory=list)
    group: tuple[dict[str, Any], Any, list[Any]] | None = None
    silent: list[Any] | None = None


def is_chat(fmt: str, narrow: bool, programme: bool = True) -> bool:
    """Lines for a chat: text always; markdown when narrow, or for a unit, group or
    not-reporting list (the programme's wide markdown stays its tables)."""
    return fmt == "text" or (fmt == "markdown" and (narrow or not programme))


# -- writing ------------------------------------------------------------------------------


def write(view: View, fmt: str, narrow: bool) -> None:
    if fmt == "json":
        click.echo(json.dumps(as_json(view), ensure_ascii=False, indent=2))
        return
    if is_chat(fmt, narrow, programme=view.programme is not None):
        chat = ChatText(markdown=fmt == "markdown", width=NARROW_CELLS if narrow else None)
        chat_text(chat, view, narrow)
        click.echo(chat.text(), nl=False)
        return
    if fmt == "markdown":
        assert view.programme is not None
        click.echo(markdown(view.programme) + _silent_note(view), nl=False)
        return
    print_tables(view)


def as_json(view: View) -> dict[str, Any]:
    stamp = {"as_of": view.today.isoformat()}
    if view.silent is not None:
        return {**stamp, "days": view.days, "not_reporting": silent_json(view.silent)}
    since = {"since": view.since.isoformat() if view.since else None}
    if view.group is not None:
        context, node, members = view.group
        return {
            **stamp,
            **since,
            "batch": context["batch_number"],
            "unit": context["unit_name"],
            "leader": context["leader"],
            "group": progress_json(node),
            "members": [progress_json(m) for m in members],
        }
    if view.units:
        return {
            **stamp,
            **since,
            "units": [
                {
                    "batch": batch["number"],
                    "unit": progress_json(node),
                    "groups": [progress_json(g) for g in groups],
                }
                for batch, node, groups in view.units
            ],
        }
    assert view.programme is not None
    data = reports.status_json(view.programme)
    return {**data, **since} if view.since else data


def _period(view: View) -> str:
    if view.since is None:
        return t("field_status.as_of", date=view.today.isoformat())
    return t("field_status.period", since=view.since.isoformat(), date=view.today.isoformat())


def _mode(code: str | None) -> str:
    return ManagementMode(code).label() if code else ""


def chat_text(chat: ChatText, view: View, narrow: bool) -> None:
    """The view as lines for a chat message (see :class:`status_text.ChatText`)."""
    if view.silent is not None:
        silent_lines(chat, view.silent, view.days, view.today)
        return
    if view.group is not None:
        context, node, members = view.group
        chat.heading(
            t(
                "field_status.group_head",
                group=node.name,
                unit=context["unit_name"],
                mode=_mode(node.mode),
                cadres=node.cadres,
            )
        )
        chat.line(_period(view))
        if context["leader"]:
            chat.line(t("field_status.leader_line", leader=context["leader"]))
        for line in metric_lines(node, weekly=not narrow):
            chat.line(line)
        _children(
            chat,
            t("field_status.members", metrics=metric_legend(node)),
            members,
            leader=context["leader_id"],
        )
        return
    if view.units:
        for batch, node, groups in view.units:
            chat.heading(
                t(
                    "field_status.unit_head",
                    unit=node.name,
                    number=batch["number"],
                    cadres=node.cadres,
                )
            )
            chat.line(_period(view))
            for line in metric_lines(node, weekly=not narrow):
                chat.line(line)
            _children(chat, t("field_status.groups", metrics=metric_legend(node)), groups)
        return
    programme = view.programme
    assert programme is not None
    chat.heading(
        t("field_status.programme_head", name=programme.name or t("field_status.programme"))
    )
    chat.line(_period(view))
    if not programme.batches:
        chat.line(t("status.no_batches"))
    for batch in programme.batches:
        chat.heading(_title(batch))
        node = view.batch_progress.get(batch.number)
        if node is not None:
            weekly = not narrow and batch.state is BatchState.ACTIVE
            for line in metric_lines(node, weekly=weekly):
                chat.line(line)
        if batch.number in view.silent_counts:
            chat.line(
                t(
                    "field_status.silent_count",
                    days=view.days,
                    count=view.silent_counts[batch.number],
                )
            )


def _children(chat: ChatText, title: str, nodes: list[Any], leader: int | None = None) -> None:
    """Each group or member on one line, then its totals and shares of target."""
    if not nodes:
        return
    chat.heading(title)
    for node in nodes:
        marks = ""
        if node.kind == "cadre" and node.id == leader:
            marks = t("field_status.leader_mark")
        elif node.kind == "cadre" and not node.cadres:
            marks = t("field_status.left_mark")
        head = f"{node.name}{marks}"
        if node.kind == "group":
            head = t("field_status.group_item", group=node.name, cadres=node.cadres)
        details = [compact_totals(node)]
        shares = compact_percents(node)
        if shares:
            details.append(shares)
        chat.item(head, *details)


def _silent_note(view: View) -> str:
    lines = [
        t("field_status.silent_count_batch", number=number, days=view.days, count=count)
        for number, count in view.silent_counts.items()
    ]
    return ("\n" + "\n".join(lines) + "\n") if lines else ""


# -- the programme's tables (the original output) ---------------------------------------------


def _columns(batch: reports.BatchStatus) -> list[tuple[str, str]]:
    """One column per receiving unit and mode, then the batch total: (name, mode)."""
    return [(u.name, t(f"mode_short.{u.mode.value}")) for u in batch.units] + [
        (t("status.batch_total"), "")
    ]


def _rows(batch: reports.BatchStatus) -> list[list[str]]:
    """Metrics down the side, units across: fits 80 columns with three units."""
    rows = [
        [t("status.groups")]
        + [str(u.groups) for u in batch.units]
        + [str(sum(u.groups for u in batch.units))],
        [t("status.cadres")] + [str(u.cadres) for u in batch.units] + [str(batch.cadres)],
    ]
    for code in METRIC_CODES:
        rows.append(
            [t(f"metric_short.{code}")]
            + [format_total(u.totals[code]) for u in batch.units]
            + [format_total(batch.totals[code])]
        )
    return rows


def _title(batch: reports.BatchStatus) -> str:
    return t(
        "status.batch_title",
        number=batch.number,
        name=batch.name,
        state=batch.state.label(),
        cadres=batch.cadres,
    )


def markdown(programme: reports.ProgrammeStatus) -> str:
    lines: list[str] = []
    if not programme.batches:
        return t("status.no_batches") + "\n"
    for batch in programme.batches:
        lines += [f"## {_title(batch)}", ""]
        headers = [t("status.item")] + [
            f"{name}（{mode}）" if mode else name for name, mode in _columns(batch)
        ]
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("|---|" + "|".join(["---:"] * (len(headers) - 1)) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in _rows(batch)]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def print_tables(view: View) -> None:
    from rich.console import Console

    if view.silent is not None:
        click.echo(_silent_table(view), nl=False)
        return
    console = Console()
    if view.group is not None:
        context, node, members = view.group
        title = t(
            "field_status.group_head",
            group=node.name,
            unit=context["unit_name"],
            mode=_mode(node.mode),
            cadres=node.cadres,
        )
        console.print(
            _progress_table(f"{title}\n{_period(view)}", node, members, context["leader_id"])
        )
        return
    for batch, node, groups in view.units:
        title = t(
            "field_status.unit_head", unit=node.name, number=batch["number"], cadres=node.cadres
        )
        console.print(_progress_table(f"{title}\n{_period(view)}", node, groups))
    if view.units:
        return
    programme = view.programme
    assert programme is not None
    if not programme.batches:
        console.print(t("status.no_batches"))
        return
    if view.since is not None:
        console.print(_period(view))
    from rich.table import Table

    for batch in programme.batches:
        table = Table(title=_title(batch), title_justify="left")
        table.add_column(t("status.item"), no_wrap=True)
        for name, mode in _columns(batch):
            table.add_column(f"{name}\n{mode}" if mode else name, justify="right", no_wrap=True)
        for index, row in enumerate(_rows(batch)):
            table.add_row(*row, end_section=index == 1)
        console.print(table)
        if batch.number in view.silent_counts:
            console.print(
                t(
                    "field_status.silent_count",
                    days=view.days,
                    count=view.silent_counts[batch.number],
                )
            )


def _progress_table(title: str, node: Any, children: list[Any], leader: int | None = None):  # noqa: ANN202
    """Children down the side with their totals (and shares of target), the node last."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column(t("field_status.col_name"), ratio=1, overflow="fold")
    table.add_column(t("field_status.col_cadres"), justify="right", no_wrap=True)
    for metric in node.metrics:
        table.add_column(t(f"metric_short.{metric.code}"), justify="right", no_wrap=True)

    def cells(item: Any) -> list[str]:
        return [
            format_total(m.total) + ("" if m.percent is None else f"\n{m.percent:.0f}%")
            for m in item.metrics
        ]

    for index, child in enumerate(children):
        name = child.name
        if child.kind == "cadre" and child.id == leader:
            name += t("field_status.leader_mark")
        elif child.kind == "cadre" and not child.cadres:
            name += t("field_status.left_mark")
        table.add_row(
            name, str(child.cadres), *cells(child), end_section=index == len(children) - 1
        )
    table.add_row(t("status.batch_total"), str(node.cadres), *cells(node), style="bold")
    return table


def _silent_table(view: View) -> str:
    """The not-reporting list in aligned columns: plain text, because a rich table
    spends half a second measuring the hundreds of rows a large programme has."""
    from rich.cells import cell_len

    silent = view.silent or []
    keys = ("col_name", "col_group", "col_leader", "col_last", "col_days")
    rows = [[t(f"field_status.{key}") for key in keys]] + [
        [
            s.name,
            s.group,
            s.leader or "—",
            s.last_entry.isoformat() if s.last_entry else t("field_status.never"),
            str(s.days),
        ]
        for s in silent
    ]
    widths = [max(cell_len(row[n]) for row in rows) for n in range(len(keys))]

    def line(row: list[str]) -> str:
        cells = [
            text + " " * (width - cell_len(text)) for text, width in zip(row, widths, strict=True)
        ]
        cells[-1] = " " * (widths[-1] - cell_len(row[-1])) + row[-1]
        return "  ".join(cells).rstrip()

    title = t(
        "field_status.silent_title", date=view.today.isoformat(), days=view.days, count=len(silent)
    )
    if not silent:
        return f"{title}\n{t('field_status.silent_none', days=view.days)}\n"
    rule = "  ".join("─" * width for width in widths)
    return "\n".join([title, line(rows[0]), rule, *(line(row) for row in rows[1:])]) + "\n"
