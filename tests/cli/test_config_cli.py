"""``cadre-tui config``: the path, every setting with its source, and a broken file that
never stops a command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadre_tui import i18n, paths
from cadre_tui.cli import main
from cadre_tui.i18n import t


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CADRE_TUI_CONFIG", "CADRE_TUI_LANG", "CADRE_TUI_THEME", "CADRE_TUI_READ_ONLY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "settings" / "config.toml"
    monkeypatch.setenv("CADRE_TUI_CONFIG", str(path))
    return path


def test_path_is_printed_whether_or_not_the_file_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("config", "--path")
    assert result.exit_code == 0
    assert result.output.strip() == str(paths.config_dir() / "config.toml")
    assert not (paths.config_dir() / "config.toml").exists()
    monkeypatch.setenv("CADRE_TUI_CONFIG", "/elsewhere/cadre.toml")
    assert run("config", "--path").output.strip() == "/elsewhere/cadre.toml"


def test_no_option_explains_and_gives_the_path() -> None:
    result = run("config")
    assert result.exit_code == 0
    assert str(paths.config_dir() / "config.toml") in result.output
    assert t("config.missing") in result.output
    assert "CADRE_TUI_READ_ONLY" in result.output and "--show" in result.output
    assert "CADRE_TUI_MAX_AGE" in result.output


def test_show_text_gives_each_value_and_where_it_came_from(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config_file.parent.mkdir()
    config_file.write_text(
        'language = "en"\ntheme = "cadre-light"\n[eligibility]\nmax_age = 40\n'
        '[keys]\npool.search = "ctrl+f"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CADRE_TUI_READ_ONLY", "1")
    result = run("--db", str(tmp_path / "x.db"), "config", "--show")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[2:] if line.strip()}
    assert str(tmp_path / "x.db") in lines["database"]
    assert lines["database"].endswith(t("config.source.option", where="--db"))
    assert lines["language"].endswith(t("config.source.file", where=str(config_file)))
    assert "cadre-light" in lines["theme"]
    assert "true" in lines["read_only"]
    assert lines["read_only"].endswith(t("config.source.env", where="CADRE_TUI_READ_ONLY"))
    assert "40" in lines["eligibility.max_age"]
    assert lines["eligibility.cooling_off_years"].endswith(t("config.source.default"))
    assert "ctrl+f" in lines["keys.pool.search"]
    assert t("config.no_problems") in result.output


def test_show_in_chinese(config_file: Path) -> None:
    config_file.parent.mkdir()
    config_file.write_text('language = "zh"\n', encoding="utf-8")
    result = run("config", "--show")
    assert result.exit_code == 0
    assert "配置文件" in result.output and "来源" in result.output
    assert i18n.current_language() == "zh"
    i18n.set_language("en")


def test_show_json_with_sources_and_problems(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file.parent.mkdir()
    config_file.write_text(
        'language = "fr"\nread_only = true\n[keys]\n"app.help" = "f9"\n"pool.serch" = "ctrl+f"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CADRE_TUI_THEME", "cadre-dark")
    result = run("config", "--show", "--format", "json")
    assert result.exit_code == 3
    data = json.loads(result.output)
    assert data["path"] == str(config_file) and data["exists"] is True
    settings = data["settings"]
    assert settings["read_only"] == {"value": True, "source": f"config file {config_file}"}
    assert settings["theme"] == {"value": "cadre-dark", "source": "env CADRE_TUI_THEME"}
    assert settings["language"] == {"value": "en", "source": "locale LANG"}
    assert settings["database"]["source"] == "default"
    assert settings["keys.app.help"]["value"] == "f9"
    assert {p["key"] for p in data["problems"]} == {"language", "keys.pool.serch"}
    near = next(p for p in data["problems"] if p["key"] == "keys.pool.serch")
    assert "pool.search" in near["expected"]


def test_a_broken_file_still_runs_status(config_file: Path, demo_db: Path) -> None:
    config_file.parent.mkdir()
    config_file.write_text('language = "zh"\n[keys\n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--db", str(demo_db), "status", "--format", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["batches"]
    assert result.stderr.count(str(config_file)) == 1  # one problem, once, on stderr
    assert "line 2" in result.stderr


def test_a_bad_value_is_reported_once_and_the_default_used(
    config_file: Path, demo_db: Path
) -> None:
    config_file.parent.mkdir()
    config_file.write_text('language = "fr"\nread_only = "yes"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(demo_db), "status"], catch_exceptions=False)
    assert result.exit_code == 0
    problems = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(problems) == 2
    assert "language" in problems[0] and "zh | en" in problems[0]
    assert "read_only" in problems[1] and "true or false" in problems[1]


def test_the_config_language_and_database_are_used(config_file: Path, demo_db: Path) -> None:
    config_file.parent.mkdir()
    config_file.write_text(f'language = "zh"\ndatabase = "{demo_db}"\n', encoding="utf-8")
    result = run("status")
    assert result.exit_code == 0, result.output
    assert "第1批" in result.output
    i18n.set_language("en")
    result = run("--lang", "en", "status")
    assert "Batch 1" in result.output


def test_read_only_from_the_file_refuses_writes(config_file: Path, demo_copy: Path) -> None:
    config_file.parent.mkdir()
    config_file.write_text(f'read_only = true\ndatabase = "{demo_copy}"\n', encoding="utf-8")
    result = run(
        "record",
        "--cadre",
        "1",
        "--date",
        "2026-11-20",
        "--metric",
        "measured_households",
        "--value",
        "3",
        "--yes",
    )
    assert result.exit_code == 1
    assert t("error.read_only") in result.output


def test_bindings_lists_every_id_with_its_keys() -> None:
    result = run("config", "--bindings", "--format", "json")
    assert result.exit_code == 0
    rows = {row["id"]: row for row in json.loads(result.output)}
    assert rows["app.help"]["keys"] == "question_mark,f1"
    assert rows["pool.search"]["action"] == t("pool.key_search")
    text = run("config", "--bindings").output
    assert "pool.search" in text and "slash" in text
