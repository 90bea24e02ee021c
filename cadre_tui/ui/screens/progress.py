"""Progress against target, drilled down with Enter: programme → batch →
receiving unit → working group → cadre. Each level shows every metric with a
bar against its target and the weekly trend, then the level below it ranked by
the chosen metric (1–5 choose; a group's members are ranked the same way).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.live import LiveScreen
from cadre_tui.ui.screens import batch_actions
from cadre_tui.ui.widgets.pool_grid import fit
from cadre_tui.ui.widgets.progress_lines import against_target, bar, sparkline

BAR = 12


class LevelLoaded(Message):
    def __init__(self, node, children: list) -> None:  # noqa: ANN001 - field_status.Progress
        super().__init__()
        self.node = node
        self.children = children


class LevelFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def metric_name(code: str) -> str:
    return t(f"metric_short.{code}")


def metrics_table(node, bar_width: int = BAR) -> Table:  # noqa: ANN001 - Progress
    """Every metric of a node: name, bar, figures against target, weekly trend."""
    table = Table(box=None, show_header=False, pad_edge=False, expand=False)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    for metric in node.metrics:
        table.add_row(
            metric_name(metric.code),
            bar(metric.percent, bar_width),
            against_target(metric.total, metric.target, metric.percent),
            sparkline(metric.weekly),
        )
    return table


class ProgressScreen(LiveScreen, TranslatedBindings, Screen[None]):
    CSS_PATH = "../styles/figures.tcss"

    BINDINGS = [
        Binding("escape", "back", "progress.key_back", id="progress.back"),
        Binding("1", "rank(0)", "progress.key_rank", id="progress.rank"),
        Binding("2", "rank(1)", show=False, id="progress.rank2"),
        Binding("3", "rank(2)", show=False, id="progress.rank3"),
        Binding("4", "rank(3)", show=False, id="progress.rank4"),
        Binding("5", "rank(4)", show=False, id="progress.rank5"),
        Binding("f", "figures", "progress.key_figures", show=False, id="progress.figures"),
        Binding("t", "target", "progress.key_target", id="progress.target"),
        Binding("r", "refresh", "key.refresh", show=False, id="progress.refresh"),
    ]

    def __init__(self, node) -> None:  # noqa: ANN001 - field_status.Progress
        super().__init__()
        self.node = node
        self.children_: list = []
        self.rank_by = 0

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="progress-title")
        yield Static("", id="progress-metrics")
        yield Static("", id="progress-list-title")
        yield OptionList(id="progress-children")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = t("progress.title")
        self.query_one("#progress-children", OptionList).focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "figures":
            return self.node.kind == "group" or None
        if action == "target":
            from cadre_tui.services.targets import can_set

            return can_set(self.node.kind) or None
        return True

    @work(thread=True, exclusive=True, group="progress-load")
    def load(self) -> None:
        from cadre_tui.services import field_status

        today = batch_actions.today()
        try:
            conn = self.database.connect()
            try:
                node = self.node
                if node.kind == "group":
                    code = node.metrics[self.rank_by].code
                    children = field_status.group_members(conn, node.id, today, code)
                else:
                    children = field_status.children(conn, node, today)
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(LevelFailed(exc.message()))
            return
        self.post_message(LevelLoaded(node, children))

    def on_level_loaded(self, message: LevelLoaded) -> None:
        node = message.node
        self.children_ = self._ranked(message.children)
        kind = t(f"progress.kind.{node.kind}")
        self.query_one("#progress-title", Static).update(
            Text(t("progress.heading", kind=kind, name=node.name, cadres=node.cadres), style="bold")
        )
        self.query_one("#progress-metrics", Static).update(metrics_table(node))
        code = node.metrics[self.rank_by].code if node.metrics else ""
        if self.children_:
            below = t(f"progress.kind.{self.children_[0].kind}")
            title = t("progress.ranked", kind=below, metric=metric_name(code))
        else:
            title = t("progress.nothing_below")
        self.query_one("#progress-list-title", Static).update(Text(title, style="bold"))
        options = self.query_one("#progress-children", OptionList)
        keep = options.highlighted
        options.clear_options()
        options.add_options(
            Option(self._line(child, index), id=str(index))
            for index, child in enumerate(self.children_)
        )
        if self.children_:
            options.highlighted = min(keep or 0, len(self.children_) - 1)

    def on_level_failed(self, message: LevelFailed) -> None:
        self.notify(message.text, severity="error", timeout=8)

    def _ranked(self, children: list) -> list:
        if self.node.kind == "group" or not children:
            return children
        return sorted(children, key=lambda c: -c.metrics[self.rank_by].total)

    def _line(self, child, index: int) -> Text:  # noqa: ANN001 - Progress
        metric = child.metrics[self.rank_by]
        text = Text(f"{index + 1:>2} ")
        text.append(fit(child.name, 16))
        count = "" if child.kind == "cadre" else t("progress.cadres", count=child.cadres)
        text.append(fit(count, 6, right=True), style="dim")
        text.append(" ")
        text.append(bar(metric.percent, 8))
        text.append(" " + fit(against_target(metric.total, metric.target, metric.percent), 22))
        text.append(" " + sparkline(metric.weekly), style="dim")
        return text

    @on(OptionList.OptionSelected, "#progress-children")
    def _open(self, event: OptionList.OptionSelected) -> None:
        child = self.children_[int(event.option.id or 0)]
        if child.kind == "cadre":
            return
        self.app.push_screen(ProgressScreen(child))

    def action_rank(self, index: int) -> None:
        if self.node.metrics and index < len(self.node.metrics):
            self.rank_by = index
            self.load()

    def refresh_live(self) -> None:
        """Someone wrote: read this level again."""
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_figures(self) -> None:
        if self.node.kind != "group":
            return
        from cadre_tui.ui.screens.figure_entry import FigureEntryScreen

        def back(written: int | None) -> None:
            if written:
                self.load()

        self.app.push_screen(FigureEntryScreen(self.node.id), back)

    def action_target(self) -> None:
        """Set this level's target for the metric the list is ranked by."""
        from cadre_tui.services.targets import can_set
        from cadre_tui.ui.screens.dialogs import PromptScreen

        if not can_set(self.node.kind) or not self.node.metrics:
            return
        metric = self.node.metrics[self.rank_by]
        current = "" if metric.target is None else f"{metric.target:.2f}".rstrip("0").rstrip(".")
        question = t("progress.ask_target", name=self.node.name, metric=metric_name(metric.code))

        def given(text: str | None) -> None:
            if text:
                self.write_target(metric.code, text)

        def check(text: str) -> str | None:
            from cadre_tui.domain.figure_rules import FigureTextError, parse_figure

            try:
                value = parse_figure(text, is_area=metric.code.endswith("_area"))
            except FigureTextError as exc:
                return t(exc.key, metric=metric_name(metric.code), text=exc.text)
            return None if value is not None else t("targets.value_required")

        self.app.push_screen(PromptScreen(question, current, check=check), given)

    @work(thread=True, group="progress-write")
    def write_target(self, code: str, text: str) -> None:
        from cadre_tui.services.targets import set_level_target

        node = self.node
        try:
            conn = self.database.connect()
            try:
                set_level_target(
                    conn,
                    kind=node.kind,
                    level_id=node.id,
                    parent_id=node.parent_id,
                    metric_code=code,
                    text=text,
                )
            finally:
                conn.close()
        except CadreError as exc:
            self.app.call_from_thread(self.notify, exc.message(), severity="error", timeout=8)
            return
        self.app.call_from_thread(self.notify, t("progress.target_set", name=node.name))
        self.reload_node()

    @work(thread=True, exclusive=True, group="progress-node")
    def reload_node(self) -> None:
        """Read this level again (its target changed), then its list."""
        from cadre_tui.services import field_status

        node, today = self.node, batch_actions.today()
        conn = self.database.connect()
        try:
            if node.kind == "batch":
                fresh = field_status.batch_progress(conn, node.id, today)
            elif node.kind == "unit":
                fresh = field_status.unit_progress(conn, node.parent_id, node.id, today)
            elif node.kind == "group":
                fresh = field_status.group_progress(conn, node.id, today)
            else:
                fresh = node
        finally:
            conn.close()
        self.app.call_from_thread(self._renode, fresh)

    def _renode(self, node) -> None:  # noqa: ANN001 - field_status.Progress
        self.node = node
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
