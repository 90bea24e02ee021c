"""Remembering a setting in the config file changes that one line and nothing else."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre_tui.config import load_config
from cadre_tui.config_edit import ConfigEditError, edited, set_top_level

FILE = """# my settings
language = "zh"   # Chinese
theme = "cadre-light"

[keys]
"app.help" = "f9"
theme = "not this one"
"""


def test_the_top_level_line_is_replaced_and_the_rest_kept():
    text = edited(FILE, "theme", "cadre-high-contrast")
    assert text == FILE.replace('theme = "cadre-light"', 'theme = "cadre-high-contrast"')


def test_a_missing_setting_goes_on_top_before_any_table():
    text = edited(FILE.replace('theme = "cadre-light"\n', ""), "theme", "cadre-ansi")
    assert text.startswith('theme = "cadre-ansi"\n# my settings\n')
    data = tomllib.loads(text)
    assert data["theme"] == "cadre-ansi" and data["keys"]["theme"] == "not this one"


def test_windows_line_endings_stay(tmp_path: Path):
    assert edited('language = "en"\r\n', "theme", "x") == 'theme = "x"\r\nlanguage = "en"\r\n'
    assert edited('theme = "a"\r\n[keys]\r\n', "theme", "b") == 'theme = "b"\r\n[keys]\r\n'


def test_the_file_is_created_and_read_back(tmp_path: Path):
    path = tmp_path / "new" / "config.toml"
    set_top_level(path, "theme", "cadre-light")
    config = load_config(path, {})
    assert config.theme.value == "cadre-light" and config.theme.source.kind == "file"
    set_top_level(path, "theme", "cadre-dark")
    assert path.read_text(encoding="utf-8") == 'theme = "cadre-dark"\n'


def test_a_broken_file_is_left_alone(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text('language = "zh\n', encoding="utf-8")
    with pytest.raises(ConfigEditError, match="TOML"):
        set_top_level(path, "theme", "cadre-light")
    assert path.read_text(encoding="utf-8") == 'language = "zh\n'


def test_a_line_inside_a_multiline_string_is_not_taken_for_the_setting(tmp_path: Path):
    path = tmp_path / "config.toml"
    text = 'database = """\ntheme = "x"\n"""\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigEditError):  # the edit would change the database: refused
        set_top_level(path, "theme", "cadre-light")
    assert path.read_text(encoding="utf-8") == text


def test_a_write_failure_is_an_error_not_a_crash(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ConfigEditError):
        set_top_level(blocker / "config.toml", "theme", "cadre-light")


_KEY = st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True).filter(lambda k: k != "theme")
_LINE = st.one_of(
    st.builds(lambda key, value: f"{key} = {value!r}", _KEY, st.integers()),
    st.builds(lambda text: f"# {text}", st.text("abc =[]\"'", max_size=10)),
    st.just(""),
)


@given(
    head=st.lists(_LINE, max_size=5),
    old=st.sampled_from([None, "cadre-dark", "x"]),
    table=st.booleans(),
    name=st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True),
)
def test_only_the_setting_changes(head: list[str], old: str | None, table: bool, name: str):
    lines = [*head, *([f'theme = "{old}"'] if old else [])]
    lines += ["[keys]", 'theme = "kept"', "# tail"] if table else []
    text = "\n".join(lines) + "\n"
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # a repeated key: not a file this edits
    after = tomllib.loads(edited(text, "theme", name))
    assert after.pop("theme") == name
    before.pop("theme", None)
    assert after == before
    comments = [line for line in lines if line.startswith("#")]
    assert all(comment in edited(text, "theme", name) for comment in comments)
