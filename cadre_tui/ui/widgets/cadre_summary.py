"""The few lines under the pool table about the highlighted cadre, ID number
and phone masked unless revealed."""

from __future__ import annotations

from rich.text import Text

from cadre_tui.domain.identity import mask_id_number, mask_phone
from cadre_tui.i18n import t
from cadre_tui.services.cadre_profile import CadreSummary


def rule_reason(summary: CadreSummary, key: str) -> str:
    config = summary.rules_config
    return t(key, max_age=config.max_age, years=config.cooling_off_years)


def identity_line(summary: CadreSummary, revealed: bool) -> str:
    cadre = summary.cadre
    id_number = cadre.id_number if revealed else mask_id_number(cadre.id_number)
    phone = cadre.phone if revealed or not cadre.phone else mask_phone(cadre.phone)
    hint = "" if revealed else t("pool.reveal_hint")
    return t("pool.identity", id_number=id_number, phone=phone or "—") + hint


def summary_text(summary: CadreSummary, revealed: bool) -> Text:
    cadre = summary.cadre
    first = t(
        "pool.summary_line",
        name=cadre.name,
        gender=cadre.gender.label(),
        age=summary.age,
        unit=summary.sending_unit,
        post=cadre.post or "—",
        party=cadre.party_status.label(),
        status=cadre.status.label(),
    )
    text = Text(first, style="bold")
    text.append("\n" + identity_line(summary, revealed))
    where = summary.current_group or t("pool.no_group")
    failed = [r for r in summary.rules if not r.passed and r.blocking]
    if failed:
        verdict = t("pool.ineligible", reason=rule_reason(summary, failed[0].reason_key))
    else:
        verdict = t("pool.eligible")
    text.append("\n" + t("pool.where", group=where) + "  " + verdict)
    return text
