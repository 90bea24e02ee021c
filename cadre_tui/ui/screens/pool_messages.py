"""Messages the pool screen's thread workers post back to the UI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from cadre_tui.domain.pool_query import PoolFilter, PoolPage

if TYPE_CHECKING:
    from cadre_tui.services.cadre_profile import CadreSummary


class PageLoaded(Message):
    """Rows for query ``seq``: ``mode`` is replace, end, after or before."""

    def __init__(self, seq: int, mode: str, page: PoolPage) -> None:
        super().__init__()
        self.seq = seq
        self.mode = mode
        self.page = page


class CountLoaded(Message):
    def __init__(self, seq: int, total: int) -> None:
        super().__init__()
        self.seq = seq
        self.total = total


class DetailLoaded(Message):
    def __init__(self, summary: CadreSummary) -> None:
        super().__init__()
        self.summary = summary


class QueryFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ActionDone(Message):
    """A write finished: ``text`` to tell the user, and whether to re-run the query."""

    def __init__(self, text: str, *, reload: bool = True, error: bool = False) -> None:
        super().__init__()
        self.text = text
        self.reload = reload
        self.error = error


class SavedFiltersLoaded(Message):
    def __init__(self, filters: list[tuple[str, PoolFilter]]) -> None:
        super().__init__()
        self.filters = filters
