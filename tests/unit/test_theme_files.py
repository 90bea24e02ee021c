"""Theme files: the shipped ones load and become Textual themes; a broken user file is
one problem naming the file and what it should be, and the other themes still load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.color import Color
from textual.theme import Theme

from cadre_tui import i18n
from cadre_tui.resources import data_dir
from cadre_tui.theme_files import (
    ANSI_NAMES,
    BUILT_IN,
    COLOURS,
    NAMED,
    VARIABLES,
    load_themes,
    read_theme_file,
)

GOOD = 'name = "{name}"\ndark = {dark}\nprimary = "#336699"\n'


def write(folder: Path, file: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file
    path.write_text(text, encoding="utf-8")
    return path


def test_every_built_in_theme_loads_with_every_colour():
    themes = load_themes(user=None)
    assert not themes.problems
    assert sorted(themes.names) == sorted(BUILT_IN)
    for theme in themes.themes:
        assert theme.built_in and theme.path is not None
        assert theme.path.parent == data_dir("themes")
        assert set(theme.colours) == set(COLOURS), theme.name
    assert load_themes(user=None).get("cadre-ansi").ansi
    assert not load_themes(user=None).get("cadre-light").dark


def test_every_built_in_theme_becomes_a_textual_theme():
    generated = None
    for theme in load_themes(user=None).themes:
        # The app puts the file's variables over these (App.get_css_variables).
        generated = set(Theme(**theme.as_kwargs()).to_color_system().generate())
        assert set(theme.variables) <= generated
    assert generated is not None and generated >= VARIABLES  # every variable a file may set


def test_every_colour_form_accepted_is_one_textual_parses():
    for text in [*ANSI_NAMES, *NAMED, "#abc", "#abcd", "#aabbcc", "#aabbcc80"]:
        Color.parse(text)  # raises for a colour Textual does not know


def test_a_user_theme_loads_after_the_built_in_ones(tmp_path: Path):
    path = write(tmp_path, "mine.toml", GOOD.format(name="my-theme", dark="false"))
    themes = load_themes(user=tmp_path)
    assert not themes.problems
    assert themes.names[-1] == "my-theme"
    mine = themes.get("my-theme")
    assert mine is not None and not mine.built_in and mine.path == path and not mine.dark
    assert mine.as_kwargs()["primary"] == "#336699"
    assert load_themes(user=tmp_path / "absent").names == load_themes(user=None).names


BROKEN = {
    "syntax.toml": ('name = "x"\ndark = true\nprimary = "#123456\n', "TOML"),
    "missing.toml": ('name = "no-primary"\ndark = true\n', "primary"),
    "colour.toml": ('name = "bad-colour"\ndark = true\nprimary = "blu"\n', '"blu"'),
    "unknown.toml": (GOOD.format(name="extra", dark="true") + 'primery = "red"\n', "primery"),
    "dark.toml": ('name = "dark-word"\ndark = "yes"\nprimary = "red"\n', '"yes"'),
    "variable.toml": (
        GOOD.format(name="var", dark="true") + '[variables]\nboarder = "red"\n',
        "variables.boarder",
    ),
    "style.toml": (
        GOOD.format(name="style", dark="true") + '[variables]\nlink-style = "loud"\n',
        '"loud"',
    ),
    "named.toml": (GOOD.format(name="Has Spaces", dark="true"), '"Has Spaces"'),
    "built-in.toml": (GOOD.format(name="cadre-dark", dark="true"), "built-in"),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_broken_user_file_is_one_problem_naming_it(tmp_path: Path, lang: str):
    i18n.set_language(lang)
    try:
        for file, (text, _) in BROKEN.items():
            write(tmp_path, file, text)
        themes = load_themes(user=tmp_path)
        assert sorted(themes.names) == sorted(BUILT_IN)  # the shipped cadre-dark is kept
        assert len(themes.problems) == len(BROKEN)
        for problem in themes.problems:
            message = problem.message()
            (file,) = [f for f in BROKEN if str(tmp_path / f) in message]
            assert "themes." not in message  # every catalog key was found
            if lang == "en":
                assert BROKEN[file][1] in message
                assert "expected" in message and "the file is not used" in message
    finally:
        i18n.set_language("en")


def test_two_user_files_with_one_name_keep_the_first(tmp_path: Path):
    first = write(tmp_path, "a.toml", GOOD.format(name="same", dark="true"))
    second = write(tmp_path, "b.toml", GOOD.format(name="same", dark="false"))
    themes = load_themes(user=tmp_path)
    assert themes.get("same").path == first
    (problem,) = themes.problems
    assert str(second) in problem.message() and str(first) in problem.message()


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path: Path):
    write(tmp_path, "latin.toml", "").write_bytes(b'name = "caf\xe9"\n')
    (problem,) = load_themes(user=tmp_path).problems
    assert "UTF-8" in problem.message()


def test_colours_and_styles_are_normalized(tmp_path: Path):
    text = GOOD.format(name="loud", dark="true").replace("#336699", " #AABBCC ")
    text += '[variables]\nborder = "ANSI_Red"\nlink-style = "bold  underline"\n'
    theme = read_theme_file(write(tmp_path, "loud.toml", text))
    assert theme.colours == {"primary": "#aabbcc"}
    assert theme.variables == {"border": "ansi_red", "link-style": "bold underline"}


def test_the_readme_example_theme_loads(tmp_path: Path):
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Themes") :]
    example = section[section.index("```toml\n") + 8 : section.index("```\n", 8)]
    theme = read_theme_file(write(tmp_path, "office.toml", example))
    assert theme.name == "office" and theme.variables == {"border": "#00509e"}


UI = Path(__file__).parents[2] / "cadre_tui" / "ui"
COLOUR_WORDS = "|".join(sorted(NAMED))
HARD_CODED = re.compile(
    r"(?:color|background|border[a-z-]*|tint|outline[a-z-]*)\s*:[^;$]*?"
    r"(#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(|\bansi_|\b(?:" + COLOUR_WORDS + r")\b)"
)


def style_text(path: Path) -> str:
    """A .tcss file, or the DEFAULT_CSS of the widgets and screens in a .py file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        text = "\n".join(re.findall(r'DEFAULT_CSS = """(.*?)"""', text, re.S))
    return text


def test_styles_use_theme_variables_only():
    """No colour written into a .tcss file or a DEFAULT_CSS: every theme applies everywhere."""
    files = sorted([*UI.rglob("*.tcss"), *UI.rglob("*.py")])
    assert len([path for path in files if style_text(path)]) >= 5  # the scan finds the styles
    found = [
        f"{path.name}: {line.strip()}"
        for path in files
        for line in style_text(path).splitlines()
        if HARD_CODED.search(line)
    ]
    assert not found
