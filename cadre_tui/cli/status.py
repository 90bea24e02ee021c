"""``cadre-tui status``: each batch's cadres and metric totals, per receiving unit and
mode; or one receiving unit (``--unit``) or working group (``--group``) against its
targets; or who has stopped reporting (``--not-reporting``). ``--format text`` and
``markdown`` are for pasting into a chat, ``--narrow`` keeps them to 40 columns."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import click

from cadre_tui.cli.common import Settings, fail, open_store, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.domain.enums import METRIC_CODES, BatchState, ManagementMode
from cadre_tui.domain.quantities import format_total
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services import reports
from cadre_tui.services.reports import NARROW_CELLS, ChatText

FORMATS = ["table", "json", "markdown", "text"]


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


@click.command(cls=TranslatedCommand, help="cli.help.status")
@option("--batch", "batch_number", type=int, default=None, help="cli.help.batch")
@option("--unit", default=None, metavar="CODE|NAME", help="cli.help.status_unit")
@option("--group", default=None, metavar="ID|NAME", help="cli.help.status_group")
@option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="cli.help.status_since",
)
@option("--not-reporting", "not_reporting", is_flag=True, help="cli.help.status_not_reporting")
@option("--days", type=click.IntRange(min=0), default=3, help="cli.help.status_days")
@option("--format", "fmt", type=click.Choice(FORMATS), default="table", help="cli.help.format")
@option("--narrow", is_flag=True, help="cli.help.status_narrow")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@subcommand_options
def status(
    settings: Settings,
    batch_number: int | None,
    unit: str | None,
    group: str | None,
    since: dt.datetime | None,
    not_reporting: bool,
    days: int,
    fmt: str,
    narrow: bool,
    today: dt.datetime | None,
) -> None:
    """Each batch's cadres and metric totals, per receiving unit and mode."""
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.sqlite import sqlite3

    if unit is not None and group is not None:
        fail(t("field_status.unit_and_group"))
    view = View(
        today=today.date() if today else dt.date.today(),
        since=since.date() if since else None,
        days=days,
    )
    database = open_store(settings)
    try:
        conn = database.connect()
        try:
            read(conn, view, batch_number, unit, group, not_reporting, fmt, narrow)
        finally:
            conn.close()
    except CadreError as exc:
        fail(exc.message())
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())
    if view.programme is not None and batch_number is not None and not view.programme.batches:
        fail(t("cli.no_such_batch", number=batch_number))
    write(view, fmt, narrow)


def read(
    conn: Any,
    view: View,
    batch_number: int | None,
    unit: str | None,
    group: str | None,
    not_reporting: bool,
    fmt: str,
    narrow: bool,
) -> None:
    """Fill ``view`` with what the options ask for, in one connection."""
    from cadre_tui.services import field_status as fs

    batch_id = reports.batch_id_of(conn, batch_number) if batch_number is not None else None
    unit_id = reports.find_unit(conn, unit) if unit is not None else None
    group_id = reports.find_group(conn, group, batch_id) if group is not None else None
    day, since = view.today, view.since
    if not_reporting:
        view.silent = fs.not_reporting(
            conn, day, view.days, batch_id, unit_id=unit_id, group_id=group_id
        )
    elif group_id is not None:
        node = fs.group_progress(conn, group_id, day, since=since)
        view.group = (reports.group_context(conn, group_id), node, fs.children(conn, node, day))
    elif unit_id is not None:
        batches = reports.batch_rows(conn)
        for found in reports.unit_batches(conn, unit_id, batch_id):
            node = fs.unit_progress(conn, found, unit_id, day, since=since)
            groups = fs.children(conn, node, day, since=since)
            view.units.append((batches[found], node, groups))
        if not view.units and batch_id is not None:
            raise CadreError("field_status.unit_not_in_batch", id=unit)
        if not view.units:
            raise CadreError("field_status.unit_in_no_batch", unit=unit)
    else:
        view.programme = reports.programme_status(conn, batch_number, since=since)
        if fmt == "json":
            return
        for found, row in reports.batch_rows(conn).items():
            if batch_id is not None and found != batch_id:
                continue
            if _is_chat(fmt, narrow):
                view.batch_progress[row["number"]] = fs.batch_progress(
                    conn, found, day, since=since
                )
            if row["state"] == "active":
                view.silent_counts[row["number"]] = len(
                    fs.not_reporting(conn, day, view.days, found)
                )


def _is_chat(fmt: str, narrow: bool, programme: bool = True) -> bool:
    """Lines for a chat: text always; markdown when narrow, or for a unit, group or
    not-reporting list (the programme's wide markdown stays its tables)."""
    return fmt == "text" or (fmt == "markdown" and (narrow or not programme))


# -- writing ------------------------------------------------------------------------------


def write(view: View, fmt: str, narrow: bool) -> None:
    if fmt == "json":
        click.echo(json.dumps(as_json(view), ensure_ascii=False, indent=2))
        return
    if _is_chat(fmt, narrow, programme=view.programme is not None):
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
        return {**stamp, "days": view.days, "not_reporting": reports.silent_json(view.silent)}
    since = {"since": view.since.isoformat() if view.since else None}
    if view.group is not None:
        context, node, members = view.group
        return {
            **stamp,
            **since,
            "batch": context["batch_number"],
            "unit": context["unit_name"],
            "leader": context["leader"],
            "group": reports.progress_json(node),
            "members": [reports.progress_json(m) for m in members],
        }
    if view.units:
        return {
            **stamp,
            **since,
            "units": [
                {
                    "batch": batch["number"],
                    "unit": reports.progress_json(node),
                    "groups": [reports.progress_json(g) for g in groups],
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
    """The view as lines for a chat message (see :class:`reports.ChatText`)."""
    if view.silent is not None:
        reports.silent_lines(chat, view.silent, view.days, view.today)
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
        for line in reports.metric_lines(node, weekly=not narrow):
            chat.line(line)
        _children(
            chat,
            t("field_status.members", metrics=reports.metric_legend(node)),
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
            for line in reports.metric_lines(node, weekly=not narrow):
                chat.line(line)
            _children(chat, t("field_status.groups", metrics=reports.metric_legend(node)), groups)
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
            for line in reports.metric_lines(node, weekly=weekly):
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
        details = [reports.compact_totals(node)]
        shares = reports.compact_percents(node)
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
