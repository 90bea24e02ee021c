"""Typed messages posted by thread workers back to the UI thread."""

from __future__ import annotations

from textual.message import Message

from cadre_tui.services.reports import ProgrammeStatus


class ProgrammeLoaded(Message):
    """The dashboard's figures, read off the UI thread."""

    def __init__(self, status: ProgrammeStatus) -> None:
        super().__init__()
        self.status = status


class LoadFailed(Message):
    """A read failed; ``text`` is already translated for the user."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
