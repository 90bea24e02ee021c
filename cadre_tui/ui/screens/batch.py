"""The batch screen: a tree batch → receiving unit → working group → member
(role and place) beside the highlighted node's detail, problems marked in
words. Every change is a key on the highlighted node (see batch_actions).

Reads run in a thread worker; after each write the tree is read again and the
cursor stays on the same batch, group or member.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree

from cadre_tui.domain.enums import BatchState
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.services.batch_view import BatchView, GroupView, MemberLine, UnitView
from cadre_tui.ui.bindings import TranslatedBindings
from cadre_tui.ui.live import LiveScreen
from cadre_tui.ui.messages import LoadFailed
from cadre_tui.ui.repaint import QuietBindings
from cadre_tui.ui.screens.batch_actions import BatchActions
from cadre_tui.ui.screens.batch_member_actions import MemberActions
from cadre_tui.ui.widgets import batch_detail as detail

NodeKey = tuple
"""("batch", batch_id) | ("unit", batch_id, unit_id) | ("group", group_id) |
("member", placement_id): what a tree node stands for, stable across reloads."""


class BatchesLoaded(Message):
    def __init__(self, views: list[BatchView], version: int) -> None:
        super().__init__()
        self.views = views
        self.version = version


class BatchTree(Tree[NodeKey]):
    """The tree, with its own keys left as Textual has them (↑↓, Enter/Space fold)."""


class BatchScreen(
    MemberActions, BatchActions, QuietBindings, LiveScreen, TranslatedBindings, Screen[None]
):
    CSS_PATH = "../styles/batch.tcss"

    BINDINGS = [
        Binding("a", "add_members", "batch.key_add", id="batch.add"),
        Binding("f", "figures", "batch.key_figures", id="batch.figures"),
        Binding("p", "place", "batch.key_place", id="batch.place"),
        Binding("m", "move", "batch.key_move", id="batch.move"),
        Binding("r", "role", "batch.key_role", show=False, id="batch.role"),
        Binding("e", "edit", "batch.key_edit", show=False, id="batch.edit"),
        Binding("n", "new_batch", "batch.key_new_batch", show=False, id="batch.new_batch"),
        Binding("g", "new_group", "batch.key_new_group", show=False, id="batch.new_group"),
        Binding("o", "change_mode", "batch.key_mode", show=False, id="batch.mode"),
        Binding("v", "villages", "batch.key_villages", show=False, id="batch.villages"),
        Binding("t", "party_transfer", "batch.key_party", show=False, id="batch.party"),
        Binding("x", "end_placement", "batch.key_end", show=False, id="batch.end"),
        Binding("s", "start", "batch.key_start", show=False, id="batch.start"),
        Binding("c", "close_batch", "batch.key_close", show=False, id="batch.close"),
        Binding("h", "history", "history.key_open", show=False, id="batch.history"),
        Binding("ctrl+r", "refresh", "key.refresh", show=False, id="batch.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__(id="batches")
        self.views: list[BatchView] = []
        self.version: int | None = None
        self._wanted: NodeKey | None = None

    @property
    def database(self):  # noqa: ANN201 - store.database.Database
        return self.app.database  # type: ignore[attr-defined]

    @property
    def tree(self) -> BatchTree:
        return self.query_one(BatchTree)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("batch.loading"), id="batch-summary")
        with Horizontal(id="batch-main"):
            yield BatchTree(t("batch.title"), id="batch-tree")
            with VerticalScroll(id="batch-detail-scroll"):
                yield Static("", id="batch-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = t("batch.title")
        self.tree.show_root = False
        self.tree.guide_depth = 2
        self.tree.focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.version is not None:
            self.load()

    # --- reading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="batch-load")
    def load(self, force: bool = False) -> None:
        """Every batch, newest first; nothing is read when nothing was written since."""
        from cadre_tui.services import batch_view
        from cadre_tui.store import recommendations

        try:
            conn = self.database.connect()
            try:
                version = recommendations.data_version(conn)
                if not force and version == self.version:
                    return
                views = [batch_view.batch_view(conn, b.id) for b in batch_view.list_batches(conn)]
            finally:
                conn.close()
        except CadreError as exc:
            self.post_message(LoadFailed(exc.message()))
            return
        self.post_message(BatchesLoaded(views, version))

    def on_batches_loaded(self, message: BatchesLoaded) -> None:
        self.views, self.version = message.views, message.version
        keep = self._wanted or self.current_key()
        self._wanted = None
        self._rebuild(keep)
        self._summary()

    def on_load_failed(self, message: LoadFailed) -> None:
        self.query_one("#batch-summary", Static).update(Text(message.text, style="bold"))
        self.notify(message.text, severity="error", timeout=8)

    def _summary(self) -> None:
        summary = self.query_one("#batch-summary", Static)
        if not self.views:
            summary.update(Text(t("batch.none_yet"), style="bold"))
            return
        active = [v for v in self.views if v.batch.state is BatchState.ACTIVE]
        problems = sum(v.problem_count for v in self.views)
        summary.update(
            t(
                "batch.summary",
                batches=len(self.views),
                active=len(active),
                members=sum(v.member_count for v in active),
                problems=problems,
            )
        )

    def _rebuild(self, keep: NodeKey | None) -> None:
        tree = self.tree
        expanded = {n.data for n in _walk(tree.root) if n.is_expanded and n.data}
        first_time = not expanded
        tree.clear()
        warn = self.warn_style
        found = None
        for index, view in enumerate(self.views):
            key = ("batch", view.batch.id)
            open_it = key in expanded or (
                first_time and (view.batch.state is not BatchState.CLOSED or index == 0)
            )
            batch_node = tree.root.add(
                detail.batch_label(view, warn=warn), data=key, expand=open_it
            )
            found = found or (batch_node if key == keep else None)
            for unit in view.units:
                unit_key = ("unit", view.batch.id, unit.unit.id)
                unit_node = batch_node.add(
                    detail.unit_label(unit, warn=warn),
                    data=unit_key,
                    expand=unit_key in expanded or (first_time and open_it),
                )
                found = found or (unit_node if unit_key == keep else None)
                for group in unit.groups:
                    group_key = ("group", group.group.id)
                    group_node = unit_node.add(
                        detail.group_label(group, warn=self.warn_style),
                        data=group_key,
                        expand=group_key in expanded,
                    )
                    found = found or (group_node if group_key == keep else None)
                    for member in group.members:
                        member_key = ("member", member.placement_id)
                        leaf = group_node.add_leaf(
                            detail.member_label(member, warn=self.warn_style), data=member_key
                        )
                        if member_key == keep:
                            found = leaf
        if found is not None:
            node = found.parent
            while node is not None:
                node.expand()
                node = node.parent
            self.call_after_refresh(tree.move_cursor, found)
        elif tree.root.children:
            self.call_after_refresh(tree.move_cursor, tree.root.children[0])
        self.call_after_refresh(self._show_detail)
        self.call_after_refresh(self.app.data_painted)  # type: ignore[attr-defined]

    # --- what is highlighted -----------------------------------------------------------

    @property
    def warn_style(self) -> str:
        """Problems in the theme's error colour as well as marked in words."""
        from textual.color import Color

        error = getattr(self.app.current_theme, "error", None)
        if not error:
            return detail.PROBLEM_STYLE
        # Rich's name for it: "ansi_red" in a 16-colour theme is "color(1)" to Rich.
        return f"{detail.PROBLEM_STYLE} {Color.parse(error).rich_color.name}"

    def current_key(self) -> NodeKey | None:
        node = self.tree.cursor_node
        return node.data if node is not None else None

    def find(self, key: NodeKey | None):  # noqa: ANN201 - the view object for a key
        """The batch, unit, group or member view a key stands for (None when gone)."""
        if key is None:
            return None
        for view in self.views:
            if key == ("batch", view.batch.id):
                return view
            for unit in view.units:
                if key == ("unit", view.batch.id, unit.unit.id):
                    return unit
                for group in unit.groups:
                    if key == ("group", group.group.id):
                        return group
                    for member in group.members:
                        if key == ("member", member.placement_id):
                            return member
        return None

    def context(
        self,
    ) -> tuple[BatchView | None, UnitView | None, GroupView | None, MemberLine | None]:
        """The batch, unit, group and member the cursor is in (the deeper ones may be None)."""
        key = self.current_key()
        for view in self.views:
            if key == ("batch", view.batch.id):
                return view, None, None, None
            for unit in view.units:
                if key == ("unit", view.batch.id, unit.unit.id):
                    return view, unit, None, None
                for group in unit.groups:
                    if key == ("group", group.group.id):
                        return view, unit, group, None
                    for member in group.members:
                        if key == ("member", member.placement_id):
                            return view, unit, group, member
        return None, None, None, None

    @on(Tree.NodeHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        view, unit, group, member = self.context()
        if member is not None and group is not None:
            text = detail.member_detail(member, group, warn=self.warn_style)
        elif group is not None:
            text = detail.group_detail(group, warn=self.warn_style)
        elif unit is not None:
            text = detail.unit_detail(unit)
        elif view is not None:
            text = detail.batch_detail(view, warn=self.warn_style)
        else:
            text = Text(t("batch.none_yet_hint") if not self.views else "")
        self.query_one("#batch-detail", Static).update(text)

    def reload_at(self, key: NodeKey | None) -> None:
        """After a write: read again and put the cursor on ``key``."""
        self._wanted = key
        self.load(force=True)

    def action_history(self) -> None:
        """The changes to the highlighted member, else to the highlighted group."""
        from cadre_tui.ui.screens.history import HistoryScreen

        _view, _unit, group, member = self.context()
        if member is not None:
            self.app.push_screen(HistoryScreen("cadre", member.cadre_id, member.name))
        elif group is not None:
            self.app.push_screen(HistoryScreen("group", group.group.id, group.group.name))

    def refresh_live(self) -> None:
        """Someone wrote: read the tree again, the cursor staying on its node."""
        self.load()

    def action_refresh(self) -> None:
        self.load(force=True)


def _walk(node):  # noqa: ANN001, ANN202 - TreeNode
    yield node
    for child in node.children:
        yield from _walk(child)
