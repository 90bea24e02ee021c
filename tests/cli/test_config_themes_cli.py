"""``cadre-tui config --show`` lists the themes, the user's theme folder and broken files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadre_tui.cli import main
from cadre_tui.theme_files import BUILT_IN


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("CADRE_TUI_LANG", "CADRE_TUI_THEME", "CADRE_TUI_READ_ONLY"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "settings" / "config.toml"
    monkeypatch.setenv("CADRE_TUI_CONFIG", str(path))
    (path.parent / "themes").mkdir(parents=True)
    (path.parent / "themes" / "mine.toml").write_text(
        'name = "mine"\ndark = true\nprimary = "red"\n', encoding="utf-8"
    )
    (path.parent / "themes" / "bad.toml").write_text(
        'name = "bad"\ndark = true\nprimary = "bleu"\n', encoding="utf-8"
    )
    return path


def run(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)


def test_show_lists_the_themes_and_the_broken_files(config_file: Path) -> None:
    config_file.write_text('theme = "mine"\n', encoding="utf-8")
    result = run("config", "--show")
    assert result.exit_code == 3  # the broken theme file
    lines = result.output.splitlines()
    listed = lines[lines.index("Themes:") + 1 : lines.index("Themes:") + 6]
    assert [line.split()[0] for line in listed] == sorted([*BUILT_IN, "mine"])
    assert str(config_file.parent / "themes" / "mine.toml") in listed[-1]
    assert f"Your theme files: {config_file.parent / 'themes'}" in lines
    (problem,) = [line for line in lines if line.startswith("  ! ")]
    assert str(config_file.parent / "themes" / "bad.toml") in problem and '"bleu"' in problem


def test_show_json_lists_the_themes_and_an_unknown_choice(config_file: Path) -> None:
    (config_file.parent / "themes" / "bad.toml").unlink()
    config_file.write_text('theme = "textual-dark"\n', encoding="utf-8")
    result = run("config", "--show", "--format", "json")
    assert result.exit_code == 3
    data = json.loads(result.output)
    assert data["theme_folder"] == str(config_file.parent / "themes")
    assert {theme["name"]: theme["built_in"] for theme in data["themes"]} == {
        **dict.fromkeys(BUILT_IN, True),
        "mine": False,
    }
    (problem,) = data["problems"]
    assert problem["key"] == "theme" and '"textual-dark"' in problem["message"]
    assert "cadre-high-contrast" in problem["expected"]
