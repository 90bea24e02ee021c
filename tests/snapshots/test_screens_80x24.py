"""Every main screen at 80×24, in Chinese and in English, as SVG snapshots; and
the dashboard, pool and batches as a 16-colour terminal shows them.

They catch layout breakage (a cut column, a footer that overflows). The demo is
built as of DEMO_TODAY and the app is pinned to that day (CADRE_TUI_TODAY), so
the images do not drift. After a deliberate change (a theme, a new column):
``pytest tests/snapshots --snapshot-update``, then look at the new images.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment, Segments
from rich.style import Style
from textual.pilot import Pilot

from cadre_tui import i18n
from cadre_tui.i18n import t
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.clock import TODAY_ENV

SIZE = (80, 24)
DEMO_TODAY = dt.date(2026, 11, 27)
"""The day tests/conftest.py builds the demo as of."""


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's day, and a config path that is the same on every machine (help shows it)."""
    monkeypatch.setenv(TODAY_ENV, DEMO_TODAY.isoformat())
    monkeypatch.setenv("XDG_CONFIG_HOME", "/home/coordinator/.config")


@pytest.fixture(scope="module")
def stamped_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo (200 cadres: quicker to build) whose history (the audit log) reads
    the same on every machine: each row stamped at one fixed moment by one fixed
    user, shown in Beijing time. Screenshots only read it."""
    from cadre_tui.services.demo import build_demo
    from cadre_tui.store import audit

    path = tmp_path_factory.mktemp("stamped") / "demo.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audit, "utc_now", lambda: "2026-11-27T01:30:00+00:00")
        patch.setattr(audit, "current_actor", lambda: "coordinator")
        build_demo(path, cadres=200, today=DEMO_TODAY)
    return path


@pytest.fixture
def demo(stamped_demo: Path, tmp_path: Path) -> Path:
    """A private copy: opening the cadre form (or revealing a number) writes to the audit."""
    from cadre_tui.store.connection import connect

    target = tmp_path / "demo.db"
    source = connect(stamped_demo)
    try:
        source.execute("VACUUM INTO ?", (str(target),))
    finally:
        source.close()
    return target


@pytest.fixture(autouse=True)
def beijing_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def settle(pilot: Pilot) -> None:
    """Until the screen's workers have read what it shows."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def footer_line(app: CadreApp) -> str:
    """The terminal's last line as plain text."""
    console = Console(width=SIZE[0], file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True), end="")
    return console.export_text().splitlines()[-1]


def keys(*presses: str, footer: bool = True) -> Callable[[Pilot], Awaitable[None]]:
    """Press each key once the screen has its data (screens load in workers); then
    the footer must still show the help key: a footer with too many keys cuts it
    (``footer=False`` for help, a dialog that may cover the footer)."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)
        if footer:
            line = footer_line(pilot.app)
            assert t("key.help") in line, line

    return run


SCREENS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dashboard": ("dashboard", ()),
    "pool": ("pool", ()),
    "cadre_detail": ("pool", ("down", "enter")),
    "cadre_form": ("pool", ("down", "e")),
    "round_board": ("round", ()),
    "round_unit": ("round", ("enter",)),
    "batches": ("batches", ()),
    "figure_entry": ("batches", ("down", "down", "f")),
    "progress": ("dashboard", ("enter",)),
    "coordination": ("coordination", ()),
    "history": ("pool", ("down", "h")),
    "help": ("dashboard", ("f1",)),
}
"""Screen → (the mode the app starts in, the keys that open it)."""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, demo: Path, screen: str, lang: str) -> None:
    i18n.set_language(lang)
    start, presses = SCREENS[screen]
    app = CadreApp(open_database(demo), start=start)
    run_before = keys(*presses, footer=screen != "help")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def sixteen_colours(style: Style | None) -> Style | None:
    """``style`` as a 16-colour terminal shows it (Rich's own downgrade)."""
    if style is None or (style.color is None and style.bgcolor is None):
        return style
    color = style.color.downgrade(ColorSystem.STANDARD) if style.color else None
    bgcolor = style.bgcolor.downgrade(ColorSystem.STANDARD) if style.bgcolor else None
    return style + Style(color=color, bgcolor=bgcolor)


def sixteen_colour_screenshot(
    app: CadreApp, *, title: str | None = None, simplify: bool = False
) -> str:
    """The screen as TEXTUAL_COLOR_SYSTEM=standard (TERM=linux) draws it: Textual's
    screenshots are always in true colour, so the colours are reduced here, as
    Rich reduces them on the way to such a terminal."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=simplify
    )
    segments = [
        Segment(text, sixteen_colours(style), control)
        for text, style, control in console.render(update)
    ]
    console.print(Segments(segments), end="")
    return console.export_svg(title=title or app.title)


@pytest.mark.parametrize("screen", ["dashboard", "pool", "batches"])
def test_screen_in_16_colours(
    snap_compare, demo: Path, monkeypatch: pytest.MonkeyPatch, screen: str
) -> None:
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "standard")
    i18n.set_language("zh")
    start, presses = SCREENS[screen]
    app = CadreApp(open_database(demo), start=start)
    app.export_screenshot = functools.partial(sixteen_colour_screenshot, app)  # type: ignore[method-assign]
    assert snap_compare(app, terminal_size=SIZE, run_before=keys(*presses))
