"""Themes in the app: ours only, the user's files beside the config, broken files in the
one config notification, the palette's pick remembered, 16 colours and NO_COLOR."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList
from textual.filter import Monochrome

from cadre_tui.config import Source, load_config
from cadre_tui.store.database import open_database
from cadre_tui.theme_files import BUILT_IN
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.screens.batch import BatchScreen

CONFIG = '# mine\nlanguage = "en"\n\n[keys]\n"app.help" = "f9"\n'
MINE = 'name = "my-theme"\ndark = false\nprimary = "#336699"\n'


def app_from(demo_db: Path, config_path: Path, **kwargs) -> CadreApp:  # noqa: ANN003
    """The app as ``cadre-tui`` builds it from the config file at ``config_path``."""
    config = load_config(config_path, {})
    return CadreApp(
        open_database(demo_db, read_only=True),
        keymap=config.keymap,
        theme=config.theme.value,
        problems=config.problems,
        config_path=config.path,
        theme_source=config.theme.source,
        **kwargs,
    )


def palette_titles(app: CadreApp) -> list[str]:
    options = app.screen.query_one(CommandList).options
    return [str(option.prompt).splitlines()[0] for option in options]


@pytest.fixture
def truecolour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")


async def test_broken_theme_files_are_one_notification_and_the_default_is_used(
    demo_db: Path, tmp_path: Path, truecolour: None
):
    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "syntax.toml").write_text('name = "x\n', encoding="utf-8")
    (themes / "missing.toml").write_text('name = "no-primary"\ndark = true\n', encoding="utf-8")
    (themes / "colour.toml").write_text(MINE.replace("#336699", "blu"), encoding="utf-8")
    (tmp_path / "config.toml").write_text('language = 1\ntheme = "no-such"\n', encoding="utf-8")
    app = app_from(demo_db, tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.theme == "cadre-dark"
        assert sorted(app.available_themes) == sorted(BUILT_IN)  # not Textual's own
        (note,) = [note.message for note in app._notifications]
        for name in ("syntax.toml", "missing.toml", "colour.toml"):
            assert str(themes / name) in note
        assert '"blu"' in note and "primary" in note
        assert '"no-such"' in note and "cadre-high-contrast" in note
        assert "language = 1" in note


async def test_a_theme_picked_in_the_palette_is_remembered(
    demo_db: Path, tmp_path: Path, truecolour: None
):
    config_path = tmp_path / "config.toml"
    config_path.write_text(CONFIG, encoding="utf-8")
    (tmp_path / "themes").mkdir()
    (tmp_path / "themes" / "mine.toml").write_text(MINE, encoding="utf-8")
    app = app_from(demo_db, config_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        assert app.theme == "cadre-dark"
        await pilot.press("ctrl+p", *"theme")
        await pilot.pause(0.3)
        await pilot.press("enter")  # our Theme command: the list of themes
        await pilot.pause(0.3)
        titles = palette_titles(app)
        assert sorted(title.split()[-1] for title in titles) == sorted([*BUILT_IN, "my-theme"])
        assert "Dark (default)  cadre-dark" in titles  # a built-in in words, beside its name
        await pilot.press(*"my-theme")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "my-theme"
        (note,) = [note.message for note in app._notifications]
        assert str(config_path) in note
    text = config_path.read_text(encoding="utf-8")
    assert text == 'theme = "my-theme"\n' + CONFIG  # the comment and [keys] are kept
    config = load_config(config_path, {})
    assert config.theme.value == "my-theme" and config.theme.source.kind == "file"
    assert config.keymap == {"app.help": "f9"} and not config.problems
    assert app_from(demo_db, config_path).theme == "my-theme"  # the next start


def test_sixteen_colours_start_in_the_ansi_theme_unless_one_is_chosen(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("COLORTERM", raising=False)
    config_path = tmp_path / "config.toml"
    assert app_from(demo_db, config_path).theme == "cadre-ansi"
    config_path.write_text('theme = "cadre-high-contrast"\n', encoding="utf-8")
    assert app_from(demo_db, config_path).theme == "cadre-high-contrast"
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    assert app_from(demo_db, tmp_path / "absent.toml").theme == "cadre-dark"


async def test_no_color_and_sixteen_colours_still_show_every_screen_in_words(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, screen_text
):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "linux")
    app = app_from(demo_db, tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.theme == "cadre-ansi"
        assert any(isinstance(f, Monochrome) for f in app._filters)  # Textual's NO_COLOR
        assert "Pool" in screen_text(app)
        await pilot.press("f5")  # batches: problems marked in the theme's error colour
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BatchScreen)
        assert app.screen.warn_style == "bold color(1)"
        assert screen_text(app).strip()


async def test_a_choice_that_cannot_be_saved_is_a_warning_and_an_override_is_named(
    demo_db: Path, tmp_path: Path, truecolour: None
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    app = app_from(demo_db, tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        app.config_path = blocker / "config.toml"  # its folder cannot be made
        app.choose_theme("cadre-light")  # as the palette's theme list does
        await pilot.pause()
        assert app.theme == "cadre-light"  # used now, though not saved
        (note,) = list(app._notifications)
        assert note.severity == "warning" and str(blocker / "config.toml") in note.message
        app.config_path = tmp_path / "config.toml"
        app.theme_source = Source("env", "CADRE_TUI_THEME")
        app.choose_theme("cadre-high-contrast")
        await pilot.pause()
        assert "CADRE_TUI_THEME" in list(app._notifications)[-1].message
    assert load_config(tmp_path / "config.toml", {}).theme.value == "cadre-high-contrast"
