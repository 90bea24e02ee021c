"""The config file, the environment and options: which wins, and bad values that never stop
the program (each names its key and the expected form; the default is used)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadre_tui import paths
from cadre_tui.config import Config, load_config, normalize_key
from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.i18n import t


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


FULL_FILE = """
database = "/srv/cadre/from-file.db"
language = "zh"
theme = "textual-light"
read_only = true

[eligibility]
max_age = 40
cooling_off_years = 3

[keys]
pool.search = "ctrl+f"
"app.help" = "f9"
"""

ENV = {
    "CADRE_TUI_DB": "/srv/cadre/from-env.db",
    "CADRE_TUI_LANG": "en",
    "CADRE_TUI_THEME": "textual-dark",
    "CADRE_TUI_READ_ONLY": "0",
}


# --- where each value comes from ---------------------------------------------------------


def test_nothing_set_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "missing.toml", {})
    assert not config.file_found and config.problems == ()
    assert config.database.value == paths.default_database()
    assert config.language.value == "en"
    assert config.theme.value is None
    assert config.read_only.value is False
    assert config.eligibility_rules() == EligibilityRules()
    assert config.keymap == {}
    assert {str(s.source) for _name, s in config.settings()} == {"default"}


def test_the_file_beats_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, FULL_FILE)
    config = load_config(path, {"LANG": "en_US.UTF-8"})
    assert config.problems == ()
    assert config.database.value == Path("/srv/cadre/from-file.db")
    assert config.language.value == "zh"
    assert config.theme.value == "textual-light"
    assert config.read_only.value is True
    assert config.eligibility_rules() == EligibilityRules(max_age=40, cooling_off_years=3)
    assert config.keymap == {"pool.search": "ctrl+f", "app.help": "f9"}
    for _name, setting in config.settings():
        assert str(setting.source) == f"config file {path}"


def test_the_environment_beats_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FULL_FILE), ENV)
    assert config.problems == ()
    assert config.database.value == Path("/srv/cadre/from-env.db")
    assert config.language.value == "en"
    assert config.theme.value == "textual-dark"
    assert config.read_only.value is False
    for name in ("database", "language", "theme", "read_only"):
        assert str(getattr(config, name).source) == f"env {ENV_NAMES[name]}"


ENV_NAMES = {
    "database": "CADRE_TUI_DB",
    "language": "CADRE_TUI_LANG",
    "theme": "CADRE_TUI_THEME",
    "read_only": "CADRE_TUI_READ_ONLY",
}


def test_options_beat_the_environment(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FULL_FILE), ENV)
    config = config.override("database", "~/mine.db", "--db")
    config = config.override("language", "zh", "--lang")
    config = config.override("read_only", True, "--read-only")
    assert config.database.value == Path.home() / "mine.db"
    assert str(config.database.source) == "option --db"
    assert (config.language.value, str(config.language.source)) == ("zh", "option --lang")
    assert (config.read_only.value, str(config.read_only.source)) == (True, "option --read-only")


def test_the_language_falls_back_to_the_locale(tmp_path: Path) -> None:
    config = load_config(tmp_path / "none.toml", {"LANG": "zh_CN.UTF-8"})
    assert (config.language.value, str(config.language.source)) == ("zh", "locale LANG")
    config = load_config(tmp_path / "none.toml", {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"})
    assert (config.language.value, str(config.language.source)) == ("en", "locale LC_ALL")


def test_the_path_comes_from_cadre_tui_config_or_the_config_folder(tmp_path: Path) -> None:
    own = write(tmp_path, 'language = "zh"\n')
    config = load_config(environ={"CADRE_TUI_CONFIG": str(own)})
    assert config.path == own and config.language.value == "zh"
    assert load_config(environ={}).path == paths.config_dir() / "config.toml"
    assert str(paths.config_dir()).startswith(str(Path.home()))  # the test's own HOME


def test_a_relative_database_in_the_file_is_beside_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'database = "data/cadre.db"\n'), {})
    assert config.database.value == tmp_path / "data" / "cadre.db"


def test_read_only_words_in_the_environment(tmp_path: Path) -> None:
    none = tmp_path / "none.toml"
    for word in ("1", "true", "YES", "on"):
        assert load_config(none, {"CADRE_TUI_READ_ONLY": word}).read_only.value is True
    for word in ("0", "false", "No", "off", ""):
        assert load_config(none, {"CADRE_TUI_READ_ONLY": word}).read_only.value is False


def test_keys_are_written_as_textual_writes_them(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\npool.search = ["Ctrl+F", "?"]\n"app.quit" = "^q"\n')
    config = load_config(path, {})
    assert config.problems == ()
    assert config.keymap == {"pool.search": "ctrl+f,question_mark", "app.quit": "ctrl+q"}
    assert normalize_key("shift+ctrl+up") == "ctrl+shift+up"
    assert normalize_key("esc, F2") == "escape,f2"
    assert normalize_key("/") == "slash"


# --- bad values -------------------------------------------------------------------------


def only_problem(config: Config, key: str, expected: str):  # noqa: ANN201
    (problem,) = config.problems
    assert problem.key == key
    assert problem.expected == expected
    message = problem.message()
    assert key in message and problem.expected_text() in message
    return problem


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("database = 3", "database", "config.expect.path"),
        ('database = ""', "database", "config.expect.path"),
        ('language = "fr"', "language", "config.expect.language"),
        ("language = true", "language", "config.expect.language"),
        ("theme = 7", "theme", "config.expect.theme_name"),
        ('read_only = "yes"', "read_only", "config.expect.bool"),
        ('colour = "red"', "colour", "config.expect.known_key"),
        ('eligibility = "strict"', "eligibility", "config.expect.table"),
        ("[eligibility]\nmax_age = 200", "eligibility.max_age", "config.expect.whole_number"),
        ('[eligibility]\nmax_age = "35"', "eligibility.max_age", "config.expect.whole_number"),
        ("[eligibility]\nmax_age = true", "eligibility.max_age", "config.expect.whole_number"),
        ('[eligibility]\nmax_age = "old"', "eligibility.max_age", "config.expect.whole_number"),
        ("[eligibility]\nmax_age = 0", "eligibility.max_age", "config.expect.whole_number"),
        (
            "[eligibility]\ncooling_off_years = -1",
            "eligibility.cooling_off_years",
            "config.expect.whole_number",
        ),
        ("[eligibility]\nmin_age = 20", "eligibility.min_age", "config.expect.known_key"),
        ('keys = "vim"', "keys", "config.expect.table"),
        ('[keys]\npool.search = "ctrl++"', "keys.pool.search", "config.expect.key"),
        ('[keys]\npool.search = "hyperdrive"', "keys.pool.search", "config.expect.key"),
        ('[keys]\npool.search = "ctrl+ctrl+f"', "keys.pool.search", "config.expect.key"),
        ('[keys]\npool.search = ""', "keys.pool.search", "config.expect.key"),
        ("[keys]\npool.search = 6", "keys.pool.search", "config.expect.key"),
        ('[keys]\npool.search = ["f9", 1]', "keys.pool.search", "config.expect.key"),
        ('[keys]\nsearch = "f9"', "keys.search", "config.expect.binding_id"),
    ],
)
def test_a_bad_value_in_the_file_is_named_and_the_default_used(
    tmp_path: Path, text: str, key: str, expected: str
) -> None:
    config = load_config(write(tmp_path, text + "\n"), {})
    problem = only_problem(config, key, expected)
    assert str(problem.source) == f"config file {tmp_path / 'config.toml'}"
    defaults = load_config(tmp_path / "none.toml", {})
    for (name, setting), (_, default) in zip(config.settings(), defaults.settings(), strict=True):
        assert setting == default, name


@pytest.mark.parametrize(
    ("name", "value", "key", "expected"),
    [
        ("CADRE_TUI_LANG", "fr", "language", "config.expect.language"),
        ("CADRE_TUI_READ_ONLY", "perhaps", "read_only", "config.expect.bool_env"),
    ],
)
def test_a_bad_value_in_the_environment_falls_back_to_the_file(
    tmp_path: Path, name: str, value: str, key: str, expected: str
) -> None:
    path = write(tmp_path, FULL_FILE)
    problem = only_problem(load_config(path, {name: value}), key, expected)
    assert str(problem.source) == f"env {name}"
    assert name in problem.message()
    from_file = load_config(path, {name: value})
    assert str(getattr(from_file, key).source) == f"config file {path}"
    default = load_config(tmp_path / "none.toml", {name: value})
    assert getattr(default, key).source.kind in ("default", "locale")


def test_the_environment_beats_the_file_for_each_eligibility_value(tmp_path: Path) -> None:
    path = write(tmp_path, FULL_FILE)
    config = load_config(path, {"CADRE_TUI_MAX_AGE": " 30 "})
    assert config.problems == ()
    assert config.eligibility_rules() == EligibilityRules(max_age=30, cooling_off_years=3)
    sources = {name: str(s.source) for name, s in config.settings()}
    assert sources["eligibility.max_age"] == "env CADRE_TUI_MAX_AGE"
    assert sources["eligibility.cooling_off_years"] == f"config file {path}"
    alone = load_config(tmp_path / "none.toml", {"CADRE_TUI_COOLING_OFF_YEARS": "0"})
    assert alone.eligibility_rules() == EligibilityRules(cooling_off_years=0)


@pytest.mark.parametrize("value", ["old", "0", "-3", "35.5", "３５"])
def test_a_bad_eligibility_value_in_the_environment_falls_back_to_the_file(
    tmp_path: Path, value: str
) -> None:
    path = write(tmp_path, FULL_FILE)
    config = load_config(path, {"CADRE_TUI_MAX_AGE": value})
    problem = only_problem(config, "eligibility.max_age", "config.expect.whole_number")
    assert str(problem.source) == "env CADRE_TUI_MAX_AGE" and "18 to 70" in problem.message()
    assert config.eligibility_rules().max_age == 40
    default = load_config(tmp_path / "none.toml", {"CADRE_TUI_MAX_AGE": value})
    assert default.eligibility_rules() == EligibilityRules()


def test_a_toml_syntax_error_is_one_problem_and_every_default(tmp_path: Path) -> None:
    path = write(tmp_path, 'language = "zh"\ndatabase = = "x"\n[keys\n')
    config = load_config(path, {"LANG": "en_US.UTF-8"})
    (problem,) = config.problems
    assert problem.whole_file and problem.key == str(path)
    assert "line 2" in problem.message() and str(path) in problem.message()
    assert config.language.value == "en" and config.keymap == {}
    assert config.database.value == paths.default_database()


def test_a_file_that_is_not_utf8_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes('language = "中文"\n'.encode("gb18030"))
    (problem,) = load_config(path, {}).problems
    assert problem.whole_file and t("config.not_utf8") in problem.message()


def test_the_environment_still_applies_when_the_file_is_broken(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[[["), {"CADRE_TUI_LANG": "zh"})
    assert len(config.problems) == 1
    assert (config.language.value, str(config.language.source)) == ("zh", "env CADRE_TUI_LANG")


def test_problems_are_translated_when_shown(tmp_path: Path) -> None:
    from cadre_tui import i18n

    problem = only_problem(
        load_config(write(tmp_path, 'language = "fr"\n'), {}),
        "language",
        "config.expect.language",
    )
    english = problem.message()
    i18n.set_language("zh")
    try:
        chinese = problem.message()
    finally:
        i18n.set_language("en")
    assert chinese != english and "language" in chinese and "zh | en" in chinese
    assert "配置文件" in chinese
