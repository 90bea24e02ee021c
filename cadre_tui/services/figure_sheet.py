"""A leader's daily sheet for ``cadre-tui record``: a CSV of cadre, date, metric,
value and optionally place, headed in Chinese or English, read into figures.

Sheets come from Excel and WPS in UTF-8 (with or without a BOM) or GB18030;
the bytes are decoded strictly, never guessed around, so a wrong encoding is a
clear refusal instead of garbled names. Each line's cadre, date, metric and
place are resolved here; the figure itself is judged by :mod:`figure_inputs`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from cadre_tui.domain.dates import DateError, parse_date
from cadre_tui.domain.enums import LineSide, ManagementMode
from cadre_tui.domain.identity import mask_id_number, normalise_text
from cadre_tui.domain.model import Metric, Placement
from cadre_tui.errors import CadreError
from cadre_tui.i18n import LANGUAGES, t
from cadre_tui.services.figure_entry import place_text
from cadre_tui.services.figure_inputs import FigureInput
from cadre_tui.store import figure_ledger
from cadre_tui.store.figure_ledger import DayMember, Place
from cadre_tui.store.figures import list_metrics
from cadre_tui.store.sqlite import sqlite3
from cadre_tui.store.working_groups import get_working_group

FIELDS = ("cadre", "date", "metric", "value", "place")
REQUIRED = FIELDS[:4]
HEADERS = {
    "cadre": ("cadre", "name", "干部", "姓名", "干部姓名"),
    "date": ("date", "day", "日期"),
    "metric": ("metric", "指标", "统计项"),
    "value": ("value", "figure", "数值", "数量", "数据"),
    "place": ("place", "地点", "村或项目", "村/项目"),
    "note": ("note", "notes", "remark", "remarks", "备注", "说明"),
}
"""Accepted column titles per field (compared after NFKC, case-insensitively);
a note column is allowed and ignored, any other unknown column is refused."""


@dataclass(frozen=True)
class SheetLine:
    """One figure as the sheet (or the options) give it; ``line`` is the line
    number in the file, 0 for the command-line options."""

    line: int
    cadre: str
    date: str
    metric: str
    value: str
    place: str = ""


@dataclass(frozen=True)
class LineProblem:
    """Why a line cannot be read: ``field`` is one of :data:`FIELDS`."""

    line: int
    field: str
    message: str


@dataclass(frozen=True)
class ResolvedLine:
    """A line with the cadre and placement it names, ready to check."""

    line: SheetLine
    name: str
    figure: FigureInput
    member: DayMember | None
    mode: ManagementMode


def decode_sheet(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else GB18030, both strict; else CadreError."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as first:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise CadreError("figures.sheet.encoding", offset=first.start) from first


def _field_of(title: str) -> str | None:
    clean = normalise_text(title).lower().replace(" ", "")
    return next((f for f, names in HEADERS.items() if clean in names), None)


def read_sheet(data: bytes) -> list[SheetLine]:
    """The sheet's lines (blank lines skipped) under a header naming at least
    cadre, date, metric and value in either language; CadreError otherwise."""
    reader = csv.reader(io.StringIO(decode_sheet(data), newline=""))
    header = next((row for row in reader if any(cell.strip() for cell in row)), None)
    if header is None:
        raise CadreError("figures.sheet.empty")
    columns: dict[str, int] = {}
    for position, title in enumerate(header):
        field = _field_of(title)
        if field is None:
            if title.strip():
                raise CadreError("figures.sheet.unknown_column", column=title.strip())
            continue
        if field in columns:
            raise CadreError("figures.sheet.repeated_column", column=title.strip())
        columns[field] = position
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        names = t("store.name_separator").join(t(f"figures.field.{f}") for f in missing)
        raise CadreError("figures.sheet.missing_columns", columns=names)
    lines = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            raise CadreError(
                "figures.sheet.too_many_cells", line=reader.line_num, count=len(header)
            )
        cells = {
            f: row[p].strip() if p < len(row) else "" for f, p in columns.items() if f in FIELDS
        }
        lines.append(SheetLine(reader.line_num, **cells))
    if not lines:
        raise CadreError("figures.sheet.empty")
    return lines


def _metric(text: str, metrics: list[Metric]) -> Metric | None:
    clean = normalise_text(text).lower()
    return next(
        (m for m in metrics if clean in (m.code, m.name_zh, m.name_en.lower())),
        None,
    )


def _cadre_problem(key: str, found: list[figure_ledger.NamedCadre]) -> str:
    if not key:
        return t("figures.record.cadre_missing")
    if not found:
        return t("figures.record.no_cadre", cadre=key)
    each = [
        t("figures.record.namesake", id=c.id, name=c.name, id_number=mask_id_number(c.id_number))
        for c in found
    ]
    return t("figures.record.namesakes", cadre=key, cadres=t("store.name_separator").join(each))


def place_words(member: DayMember, mode: ManagementMode) -> list[str]:
    """Every way of naming the member's place that ``--place`` accepts."""
    placement = member.placement
    if mode is ManagementMode.STATIONED_VILLAGE:
        return [member.village] if member.village else []
    if mode is ManagementMode.BLOCK_AND_LINE:
        if placement.line_side is LineSide.LINE:
            keys = ("batch.line_office", "place.line_office")
            return [t(key, lang=lang) for key in keys for lang in LANGUAGES]
        return [member.field_team] if member.field_team else []
    return list(member.projects)


def place_label(member: DayMember | None, mode: ManagementMode, place: Place) -> str:
    """The place a written figure is at, in words ("" for a member not found)."""
    if member is None:
        return ""
    project_id = place[1]
    if project_id is not None and project_id in member.placement.project_ids:
        return member.projects[member.placement.project_ids.index(project_id)]
    return place_text(member, mode)


def _member(conn: sqlite3.Connection, placement: Placement, day: dt.date) -> DayMember | None:
    members = figure_ledger.members_on(conn, placement.group_id, day)
    return next((m for m in members if m.placement.id == placement.id), None)


def resolve_lines(
    conn: sqlite3.Connection, lines: list[SheetLine]
) -> tuple[list[ResolvedLine], list[LineProblem]]:
    """Each line's cadre (record id, ID number or name), date, metric and place;
    every problem found, not only the first."""
    metrics = list_metrics(conn)
    resolved, problems = [], []
    cadres: dict[str, list[figure_ledger.NamedCadre]] = {}
    for line in lines:
        wrong = len(problems)
        key = normalise_text(line.cadre)
        if key not in cadres:
            cadres[key] = figure_ledger.find_cadres(conn, key) if key else []
        found = cadres[key]
        if len(found) != 1:
            problems.append(LineProblem(line.line, "cadre", _cadre_problem(key, found)))
        try:
            day = parse_date(line.date)
        except DateError as exc:
            reason = t(f"form.date.{exc.reason}", value=exc.value)
            problems.append(LineProblem(line.line, "date", reason))
        metric = _metric(line.metric, metrics)
        if metric is None:
            known = t("store.name_separator").join(m.code for m in metrics)
            reason = t("figures.record.no_metric", metric=line.metric, known=known)
            problems.append(LineProblem(line.line, "metric", reason))
        if len(problems) > wrong:
            continue
        cadre = found[0]
        placement = figure_ledger.placement_on(conn, cadre.id, day)
        if placement is None:
            problems.append(
                LineProblem(line.line, "cadre", t("figures.record.never_placed", name=cadre.name))
            )
            continue
        member = _member(conn, placement, day)
        mode = get_working_group(conn, placement.group_id).mode
        project_id = None
        if line.place and member is not None:
            words = place_words(member, mode)
            clean = normalise_text(line.place)
            if clean not in {normalise_text(w) for w in words}:
                problems.append(
                    LineProblem(
                        line.line,
                        "place",
                        t(
                            "figures.record.wrong_place",
                            name=cadre.name,
                            place=line.place,
                            places=t("store.name_separator").join(words) or "—",
                        ),
                    )
                )
                continue
            if mode is ManagementMode.PROJECT_BASED:
                names = [normalise_text(name) for name in member.projects]
                project_id = placement.project_ids[names.index(clean)]
        figure = FigureInput(placement.id, day, metric.code, line.value, project_id)
        resolved.append(ResolvedLine(line, cadre.name, figure, member, mode))
    return resolved, problems
