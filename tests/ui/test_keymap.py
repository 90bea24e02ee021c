"""Keys remapped from the config file by binding id: the new key runs the action, the
footer and help show it, and a bad keymap or theme gives one notification."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from cadre_tui.config import load_config
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CHECK_DELAY_SECONDS, CadreApp
from cadre_tui.ui.screens.help import HelpScreen
from cadre_tui.ui.screens.pool import PoolScreen


def app_with(demo_db: Path, tmp_path: Path, text: str, start: str = "dashboard") -> CadreApp:
    """The app as ``cadre-tui`` builds it from a config file."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path, {})
    return CadreApp(
        open_database(demo_db, read_only=True),
        start=start,
        keymap=config.keymap,
        theme=config.theme.value,
        problems=config.problems,
    )


async def settle(app: CadreApp, pilot) -> None:  # noqa: ANN001
    await app.workers.wait_for_complete()
    await pilot.pause()


def shown_keys(app: CadreApp) -> dict[str, str]:
    """Binding id → the key the footer, help and palette show for it."""
    return {
        binding.id: app.get_key_display(binding)
        for _node, binding, _enabled, _tip in app.screen.active_bindings.values()
        if binding.id
    }


async def test_a_remapped_app_key_runs_its_action(demo_db: Path, tmp_path: Path, screen_text):
    app = app_with(demo_db, tmp_path, '[keys]\n"app.help" = "f9"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert shown_keys(app)["app.help"] == "f9"
        assert "f9" in screen_text(app).splitlines()[-1]  # the footer
        for old_key in ("question_mark", "f1"):  # the old keys no longer open help
            await pilot.press(old_key)
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "f9" in screen_text(app)
        config_line = str(app.screen.query_one("#help-config").render())
        assert str(load_config(environ={}).path) in config_line  # where to change keys


async def test_a_remapped_screen_key_runs_its_action(demo_db: Path, tmp_path: Path, screen_text):
    app = app_with(demo_db, tmp_path, '[keys]\npool.search = "ctrl+f"\n', start="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, PoolScreen)
        search = app.screen.query_one("#pool-search", Input)
        assert not search.has_focus
        assert shown_keys(app)["pool.search"] == "^f"
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert search.has_focus
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f1")  # help lists the search under its new key
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "^f" in screen_text(app)
    assert not app._notifications


async def test_an_unknown_binding_id_gives_one_notification(demo_db: Path, tmp_path: Path):
    app = app_with(
        demo_db, tmp_path, 'language = 1\n[keys]\n"pool.serch" = "ctrl+f"\n"app.help" = "f9"\n'
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.pause(CHECK_DELAY_SECONDS + 0.1)  # the keymap check waits for the paint
        await settle(app, pilot)
        notes = [note.message for note in app._notifications]
        assert len(notes) == 1
        assert "keys.pool.serch" in notes[0] and "pool.search" in notes[0]
        assert "language = 1" in notes[0]  # the file's problems join the same notification
        await pilot.press("f9")  # the rest of the keymap still applies
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_an_unknown_theme_gives_one_notification_and_the_default(
    demo_db: Path, tmp_path: Path
):
    app = app_with(demo_db, tmp_path, 'theme = "no-such-theme"\n')
    default_theme = CadreApp(open_database(demo_db, read_only=True)).theme
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == default_theme
        (note,) = [note.message for note in app._notifications]
        assert "no-such-theme" in note and "cadre-light" in note


async def test_a_known_theme_is_used(demo_db: Path, tmp_path: Path):
    app = app_with(demo_db, tmp_path, 'theme = "cadre-light"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "cadre-light"
        assert not app._notifications
