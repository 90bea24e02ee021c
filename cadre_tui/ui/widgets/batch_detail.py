"""The batch screen's tree labels and the detail beside it, as rich Text built
from :mod:`cadre_tui.services.batch_view`. Problems carry a mark and words
(⚠ …), never colour alone, so they read in 16 colours and in monochrome.
"""

from __future__ import annotations

from rich.text import Text

from cadre_tui.domain.enums import BatchState, ManagementMode, PlacementRole
from cadre_tui.i18n import t
from cadre_tui.services.batch_view import BatchView, GroupView, MemberLine, UnitView

WARN = "⚠"
PROBLEM_STYLE = "bold"
"""Problems are marked and bold; the screen adds its theme's error colour (``warn``)."""


def _date(day) -> str:  # noqa: ANN001 - a date or None
    return day.isoformat() if day else "—"


# -- tree labels --------------------------------------------------------------------------


def batch_label(view: BatchView, warn: str = PROBLEM_STYLE) -> Text:
    batch = view.batch
    text = Text(t("batch.tree_batch", number=batch.number, name=batch.name))
    text.append(
        f" [{batch.state.label()}]", style="dim" if batch.state is BatchState.CLOSED else ""
    )
    if view.problem_count:
        text.append(f" {WARN}{view.problem_count}", style=warn)
    return text


def unit_label(unit: UnitView, warn: str = PROBLEM_STYLE) -> Text:
    modes = {g.group.mode for g in unit.groups} or {unit.unit.default_mode}
    text = Text(f"{unit.unit.name} · {' / '.join(m.label() for m in modes)}")
    if unit.problem_count:
        text.append(f" {WARN}{unit.problem_count}", style=warn)
    return text


def group_label(group: GroupView, warn: str = PROBLEM_STYLE) -> Text:
    text = Text(group.group.name)
    text.append(" " + t("batch.people", count=len(group.members)), style="dim")
    if group.flags:
        text.append(f" {WARN}{len(group.flags)}", style=warn)
    return text


def member_label(member: MemberLine, warn: str = PROBLEM_STYLE) -> Text:
    text = Text(member.name)
    if member.role is not PlacementRole.MEMBER:
        text.append(f" {member.role.label()}", style="bold")
    if member.placed:
        text.append(f" · {member.place_text()}", style="dim")
    else:
        text.append(f" {WARN}{t('batch.unplaced')}", style=warn)
    return text


# -- detail -------------------------------------------------------------------------------


def _line(text: Text, key: str, value: str) -> None:
    text.append(t(key) + t("punctuation.colon"), style="dim")
    text.append(f"{value or '—'}\n")


def batch_detail(view: BatchView, warn: str = PROBLEM_STYLE) -> Text:
    batch = view.batch
    text = Text(t("batch.tree_batch", number=batch.number, name=batch.name) + "\n", style="bold")
    _line(text, "batch.f_state", batch.state.label())
    _line(text, "batch.f_purpose", batch.purpose)
    _line(text, "batch.f_dates", f"{_date(batch.start_date)} → {_date(batch.planned_end)}")
    if batch.closed_on:
        _line(text, "batch.f_closed_on", _date(batch.closed_on))
    allow = t("batch.yes") if batch.allow_leaders else t("batch.no")
    _line(text, "batch.f_allow_leaders", allow)
    _line(text, "batch.f_units", t("store.name_separator").join(u.unit.name for u in view.units))
    _line(
        text,
        "batch.f_counts",
        t("batch.counts", groups=len(view.groups), members=view.member_count),
    )
    if batch.state is not BatchState.CLOSED:
        missing = len(view.missing_evaluations)
        _line(text, "batch.f_evaluations", t("batch.evaluations_missing", count=missing))
    problems = [(g.group.name, p) for g in view.groups for p in g.flags]
    if problems:
        text.append(t("batch.problems_title") + "\n", style="bold")
        for name, problem in problems:
            text.append(f"{WARN}{name}{t('punctuation.colon')}{problem.text()}\n", style=warn)
    elif batch.state is not BatchState.CLOSED:
        text.append(t("batch.no_problems") + "\n")
    return text


def unit_detail(unit: UnitView) -> Text:
    text = Text(unit.unit.name + "\n", style="bold")
    _line(text, "batch.f_default_mode", unit.unit.default_mode.label())
    _line(text, "batch.f_deputy_secretary", unit.unit.deputy_party_secretary)
    _line(text, "batch.f_receiving_leader", unit.unit.leader_in_charge)
    for group in unit.groups:
        flags = f" {WARN}{len(group.flags)}" if group.flags else ""
        text.append(
            f"· {group.group.name}  {group.group.mode.label()}  "
            f"{t('batch.people', count=len(group.members))}{flags}\n"
        )
    if not unit.groups:
        text.append(t("batch.unit_no_groups") + "\n")
    return text


def group_detail(view: GroupView, warn: str = PROBLEM_STYLE) -> Text:
    group = view.group
    text = Text(group.name + "\n", style="bold")
    _line(text, "batch.f_mode", group.mode.label())
    _line(text, "batch.f_state", group.state.label())
    _line(text, "batch.f_leader", view.leader)
    _line(text, "batch.f_deputy", view.deputy)
    _line(text, "batch.f_liaison", view.liaison)
    _line(text, "batch.f_branch_secretary", group.branch_secretary)
    _line(text, "batch.f_sending_leader", group.sending_leader_in_charge)
    _line(text, "batch.f_receiving_leader", group.receiving_leader_in_charge)
    _line(text, "batch.f_office", group.office)
    _line(
        text,
        "batch.f_party",
        t("batch.party_counts", members=view.party_members, pending=view.party_pending),
    )
    text.append(_places(view))
    if view.meetings_by_month:
        from cadre_tui.services.coordination_view import month_counts_text

        text.append(month_counts_text(list(view.meetings_by_month)) + "\n")
    if view.flags:
        text.append(t("batch.problems_title") + "\n", style="bold")
        for problem in view.flags:
            text.append(f"{WARN} {problem.text()}\n", style=warn)
    elif group.state.value != "closed":
        text.append(t("batch.no_problems") + "\n")
    return text


def _places(view: GroupView) -> Text:
    """Where the group works, the way its mode divides the work."""
    text = Text()
    mode = view.group.mode
    if mode is ManagementMode.STATIONED_VILLAGE:
        _line(text, "batch.f_villages", t("store.name_separator").join(view.covered_villages))
    elif mode is ManagementMode.BLOCK_AND_LINE:
        line, block = view.side_counts()
        _line(text, "batch.f_sides", t("batch.side_counts", line=line, block=block))
    else:
        owned = sum(len(m.row.projects) for m in view.members if m.placed)
        _line(text, "batch.f_projects", t("batch.project_counts", count=owned))
    return text


def member_detail(member: MemberLine, group: GroupView, warn: str = PROBLEM_STYLE) -> Text:
    row = member.row
    text = Text(member.name + "\n", style="bold")
    _line(text, "batch.f_group", group.group.name)
    _line(text, "batch.f_role", member.role.label())
    _line(text, "batch.f_place", member.place_text())
    _line(text, "batch.f_sending_unit", row.sending_unit)
    _line(text, "batch.f_post", row.post)
    _line(text, "batch.f_period", f"{row.start_date} → {row.end_date or t('batch.ongoing')}")
    if row.place.party_member:
        transferred = row.party_transferred_on or f"{WARN} {t('batch.party_pending')}"
        _line(text, "batch.f_party_transfer", transferred)
    if row.exception_reason:
        _line(text, "batch.f_exception", row.exception_reason)
    if not member.placed:
        text.append(f"{WARN} {t('batch.place_hint')}\n", style=warn)
    return text
