"""Helpers for driving screens: read what a person would see on the terminal."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from rich.console import Console
from textual.app import App


def render_screen_text(app: App) -> str:
    """The current screen as plain text, exactly as laid out in the terminal."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text()


@pytest.fixture
def screen_text() -> Callable[[App], str]:
    return render_screen_text
