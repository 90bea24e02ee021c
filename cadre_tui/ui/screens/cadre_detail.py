"""One cadre in full: the record (ID number and phone masked until revealed, the
reveal audited), which eligibility rules pass, and their history."""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from cadre_tui.domain.enums import METRIC_CODES, EvaluationGrade, ManagementMode, PlacementRole
from cadre_tui.domain.quantities import format_total
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.cadre_profile import CadreProfile
from cadre_tui.ui import clock
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.widgets.cadre_summary import identity_line, rule_reason


class ProfileLoaded(Message):
    def __init__(self, profile: CadreProfile, revealed: bool, followed=None) -> None:  # noqa: ANN001
        super().__init__()
        self.profile = profile
        self.revealed = revealed
        self.followed = followed
        """services.coordination_view.CadreCoordination: meetings, training, mentor."""


class DetailFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class CadreDetailScreen(TranslatedBindings, Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="detail.back"),
        Binding("v", "reveal", "pool.key_reveal", id="detail.reveal"),
        Binding("h", "history", "history.key_open", id="detail.history"),
    ]

    def __init__(self, cadre_id: int) -> None:
        super().__init__(id="cadre-detail")
        self.cadre_id = cadre_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-body"):
            yield Static(t("dashboard.loading"), id="detail-record")
            yield Static("", id="detail-rules")
            yield Static("", id="detail-history")
            yield Static("", id="detail-coordination")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("detail.title")
        self.load(reveal=False)

    def action_history(self) -> None:
        from cadre_tui.ui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen("cadre", self.cadre_id, self.sub_title or ""))

    def action_reveal(self) -> None:
        self.load(reveal=True)

    @work(thread=True, exclusive=True, group="detail")
    def load(self, reveal: bool) -> None:
        from cadre_tui.services import cadre_profile, coordination_view
        from cadre_tui.store import cadre_history

        conn = self.app.database.connect()  # type: ignore[attr-defined]
        try:
            if reveal:
                cadre_history.record_reveal(conn, self.cadre_id, ("id_number", "phone"))
            rules = self.app.eligibility_rules  # type: ignore[attr-defined]
            profile = cadre_profile.profile(conn, self.cadre_id, clock.today(), rules)
            followed = coordination_view.cadre_coordination(conn, self.cadre_id)
        except CadreError as exc:
            self.post_message(DetailFailed(exc.message()))
            return
        finally:
            conn.close()
        self.post_message(ProfileLoaded(profile, reveal, followed))

    def on_detail_failed(self, message: DetailFailed) -> None:
        self.notify(message.text, severity="error")

    def on_profile_loaded(self, message: ProfileLoaded) -> None:
        profile = message.profile
        self.sub_title = profile.summary.cadre.name
        self.query_one("#detail-record", Static).update(_record(profile, message.revealed))
        self.query_one("#detail-rules", Static).update(_rules(profile))
        self.query_one("#detail-history", Static).update(_history(profile))
        if message.followed is not None:
            from cadre_tui.services.coordination_view import cadre_lines

            lines = cadre_lines(message.followed)
            self.query_one("#detail-coordination", Static).update(Text("\n".join(lines)))


def _record(profile: CadreProfile, revealed: bool) -> Table:
    summary = profile.summary
    c = summary.cadre
    table = Table(box=None, show_header=False, pad_edge=False, expand=True)
    for _ in range(2):
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
    pairs = [
        ("field.name", c.name), ("field.gender", c.gender.label()),
        ("field.birth_date", f"{c.birth_date:%Y-%m-%d}（{summary.age}）"),
        ("field.ethnicity", c.ethnicity), ("field.native_place", c.native_place),
        ("field.party_status", c.party_status.label()),
        ("field.party_joined_on", _day(c.party_joined_on)),
        ("field.work_started_on", _day(c.work_started_on)),
        ("field.education", c.education), ("field.degree", c.degree),
        ("field.sending_unit", summary.sending_unit), ("field.post", c.post),
        ("field.rank", c.rank), ("field.category", c.category.label()),
        ("field.status", c.status.label()), ("field.group", summary.current_group or "—"),
    ]  # fmt: skip
    for index in range(0, len(pairs), 2):
        row: list[str] = []
        for key, value in pairs[index : index + 2]:
            row += [t(key), value or "—"]
        table.add_row(*row)
    grid = Table.grid()
    grid.add_row(table)
    grid.add_row(Text(identity_line(summary, revealed)))
    if c.grassroots_experience:
        label = t("field.grassroots_experience") + t("punctuation.colon")
        grid.add_row(Text(label + c.grassroots_experience))
    return grid


def _rules(profile: CadreProfile) -> Text:
    """Each rule in neutral words with a mark and a word for its verdict."""
    summary = profile.summary
    config = summary.rules_config
    text = Text(t("detail.rules_title"), style="bold")
    for rule in summary.rules:
        label = t(
            f"detail.rule.{rule.rule}", max_age=config.max_age, years=config.cooling_off_years
        )
        if rule.passed:
            text.append(f"\n ✓ {t('eligibility.passed')}  {label}")
        else:
            mark = "✗" if rule.blocking else "!"
            reason = rule_reason(summary, rule.reason_key)
            text.append(f"\n {mark} {t('eligibility.failed')}  {label}（{reason}）", style="bold")
    return text


def _history(profile: CadreProfile) -> Text:
    text = Text(t("detail.history_title"), style="bold")
    if not profile.secondments and not profile.recommendations:
        text.append("\n " + t("detail.no_history"))
    for item in profile.recommendations:
        text.append(
            "\n "
            + t(
                "detail.recommendation",
                year=item["year"],
                unit=item["sending_unit"],
                state=t(f"enum.RecommendationState.{item['state']}"),
            )
        )
    for s in profile.secondments:
        place = s["village"] or s["field_team"] or s["projects"] or ""
        if s["line_side"] == "line":
            place = t("enum.LineSide.line")
        text.append("\n " + t(
            "detail.secondment",
            batch=s["batch_number"], group=s["group_name"], unit=s["receiving_unit"],
            mode=ManagementMode(s["mode"]).label(), role=PlacementRole(s["role"]).label(),
            start=s["start_date"], end=s["end_date"] or t("detail.ongoing"), place=place or "—",
        ))  # fmt: skip
        totals = profile.figures.get(s["placement_id"], {})
        if totals:
            figures = "  ".join(
                f"{t(f'metric_short.{code}')} {format_total(totals.get(code, 0))}"
                for code in METRIC_CODES
            )
            text.append("\n   " + figures)
        if s["grade"]:
            grade = EvaluationGrade(s["grade"]).label()
            promo = t("detail.promotion") if s["recommended_for_promotion"] else ""
            text.append(
                "\n   "
                + t("detail.evaluation", grade=grade, comment=s["evaluation_comment"])
                + promo
            )
    for c in profile.corrections:
        text.append("\n " + t(
            "detail.correction",
            day=c["entry_date"], metric=t(f"metric_short.{c['metric_code']}"),
            entered=format_total(c["entered"]),
            change=("+" if c["difference"] > 0 else "−") + format_total(abs(c["difference"])),
            first_by=c["first_by"], by=c["corrected_by"], at=c["corrected_at"][:10],
        ))  # fmt: skip
    return text


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
