"""A batch's working groups for the field office wall (``cadre-tui groups``): each
group's header facts, members in their places and open problems, as plain rows,
markdown or JSON. Built from :mod:`cadre_tui.services.batch_view`; no click, no rich.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cadre_tui.domain.enums import BatchState
from cadre_tui.domain.model import Batch
from cadre_tui.i18n import t
from cadre_tui.services.batch_view import BatchView, GroupView, MemberLine

PROBLEM_MARK = "⚠"
"""Marks a problem without relying on colour (16-colour terminals, printouts)."""
NO_PROBLEM_MARK = "✓"
EMPTY = "—"


def pick_batch(newest_first: list[Batch], number: int | None) -> Batch | None:
    """Batch ``number``; without one, the active batch, else the newest."""
    if number is not None:
        return next((b for b in newest_first if b.number == number), None)
    active = next((b for b in newest_first if b.state is BatchState.ACTIVE), None)
    return active or (newest_first[0] if newest_first else None)


def batch_title(view: BatchView) -> str:
    batch = view.batch
    return t(
        "groups.batch_title",
        number=batch.number,
        name=batch.name,
        state=batch.state.label(),
        groups=len(view.groups),
        cadres=view.member_count,
        problems=view.problem_count,
    )


def group_title(group: GroupView) -> str:
    return t(
        "groups.group_title",
        name=group.group.name,
        unit=group.unit.name,
        mode=group.group.mode.label(),
        state=group.group.state.label(),
    )


def _or_empty(text: str) -> str:
    return text or EMPTY


def header_pairs(group: GroupView) -> list[tuple[str, str]]:
    """(label, value) of the group's people and branch, in reading order."""
    return [
        (t("groups.leader"), _or_empty(group.leader)),
        (t("groups.deputy"), _or_empty(group.deputy)),
        (t("groups.liaison"), _or_empty(group.liaison)),
        (t("groups.branch_secretary"), _or_empty(group.group.branch_secretary)),
        (t("groups.office"), _or_empty(group.group.office)),
        (
            t("groups.party_pending"),
            t("groups.pending_of", pending=group.party_pending, members=group.party_members),
        ),
    ]


def member_headers() -> list[str]:
    return [t("groups.col_name"), t("groups.col_role"), t("groups.col_place"), t("groups.col_unit")]


def _place(member: MemberLine, lines: bool) -> str:
    if lines and member.placed and member.row.projects:
        return "\n".join(member.row.projects)
    return member.place_text() or EMPTY


def member_rows(group: GroupView, *, project_lines: bool = False) -> list[list[str]]:
    """Name, role, place and sending unit; a pending party transfer is marked on the
    name. ``project_lines``: one project a line, so a narrow table never splits a name."""
    return [
        [
            t("groups.name_pending", name=m.name) if m.party_pending else m.name,
            m.role.label(),
            _place(m, project_lines),
            m.row.sending_unit,
        ]
        for m in group.members
    ]


def problem_lines(group: GroupView) -> list[str]:
    """The problems to act on, each marked; one line saying so when there are none.
    Pending party transfers are counted in the header, not listed here."""
    if not group.flags:
        return [f"{NO_PROBLEM_MARK} {t('groups.no_problems')}"]
    return [f"{PROBLEM_MARK} {p.text()}" for p in group.flags]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(view: BatchView) -> str:
    """A ``##`` section per group with its facts, a members table and its problems."""
    lines = [f"# {batch_title(view)}", ""]
    if not view.groups:
        return "\n".join([*lines, t("groups.no_groups")]) + "\n"
    for group in view.groups:
        lines += [f"## {_cell(group_title(group))}", ""]
        lines += [
            "- " + t("groups.fact", label=label, value=_cell(value))
            for label, value in header_pairs(group)
        ]
        lines.append("")
        if group.members:
            headers = member_headers()
            lines.append("| " + " | ".join(headers) + " |")
            lines.append("|" + "|".join(["---"] * len(headers)) + "|")
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in member_rows(group)]
        else:
            lines.append(t("groups.no_members"))
        lines.append("")
        lines += [f"- {_cell(line)}" for line in problem_lines(group)]
        lines.append("")
    if any(m.party_pending for g in view.groups for m in g.members):
        lines.append(t("groups.pending_legend"))
    return "\n".join(lines).rstrip() + "\n"


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _text(value: str) -> str | None:
    return value or None


def _member_json(member: MemberLine) -> dict[str, Any]:
    return {
        "name": member.name,
        "role": member.role.value,
        "place": member.place_text() if member.placed else None,
        "sending_unit": member.row.sending_unit,
        "party_pending": member.party_pending,
    }


def _group_json(group: GroupView) -> dict[str, Any]:
    wg = group.group
    return {
        "name": wg.name,
        "unit": group.unit.name,
        "mode": wg.mode.value,
        "state": wg.state.value,
        "leader": _text(group.leader),
        "deputy": _text(group.deputy),
        "liaison": _text(group.liaison),
        "branch_secretary": _text(wg.branch_secretary),
        "office": _text(wg.office),
        "sending_leader_in_charge": _text(wg.sending_leader_in_charge),
        "receiving_leader_in_charge": _text(wg.receiving_leader_in_charge),
        "party_members": group.party_members,
        "party_pending": group.party_pending,
        "covered_villages": list(group.covered_villages),
        "members": [_member_json(m) for m in group.members],
        "problems": [
            {
                "kind": p.kind.value,
                "subject": p.subject or None,
                "count": p.count or None,
                "text": p.text(),
            }
            for p in group.problems
        ],
    }


def groups_json(view: BatchView | None) -> dict[str, Any]:
    """Stable English keys and codes; names and ``text`` in the output language.
    ``problems`` lists every problem, pending party transfers included."""
    if view is None:
        return {"batch": None, "groups": []}
    batch = view.batch
    return {
        "batch": {
            "number": batch.number,
            "name": batch.name,
            "state": batch.state.value,
            "start_date": _day(batch.start_date),
            "planned_end": _day(batch.planned_end),
        },
        "groups": [_group_json(g) for g in view.groups],
    }
