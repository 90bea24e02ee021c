"""Help and click's own usage errors follow --lang, then the config file, then the
locale, even though click handles an eager --help before --lang's callback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadre_tui import __version__, paths
from cadre_tui.cli import main

ENGLISH = re.compile(r"Usage:|Options:|Show this|No such|Missing|Try '|Error:|Commands:")


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="cadre-tui")


@pytest.fixture
def zh_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")


@pytest.mark.parametrize("args", [("--help",), ("-h",), ("groups", "--help"), ("round", "-h")])
def test_help_follows_the_locale(zh_locale: None, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "用法：" in result.output and "选项" in result.output
    assert "显示本帮助并退出" in result.output
    assert not ENGLISH.search(result.output), result.output


def test_click_s_own_help_notes_follow_the_locale(zh_locale: None) -> None:
    shown = run("backup", "--help").output
    assert "[默认：14" in shown and "default" not in shown


def test_lang_wins_over_the_locale_wherever_it_is(zh_locale: None) -> None:
    for args in (("--help", "--lang", "en"), ("--lang=en", "groups", "--help")):
        result = run(*args)
        assert "Usage:" in result.output and "用法" not in result.output, args
    result = run("--lang", "en", "groups", "--lang", "zh", "--help")
    assert "用法：" in result.output


def test_the_config_file_language_wins_over_the_locale() -> None:
    config = paths.config_dir() / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('language = "zh"\n', encoding="utf-8")
    result = run("--help")
    assert "用法：" in result.output and not ENGLISH.search(result.output)
    assert "Usage:" in run("--lang", "en", "--help").output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--bogus",), "没有选项 '--bogus'"),
        (("groups", "--bogus"), "没有选项 '--bogus'"),
        (("grups",), "没有命令 'grups'"),
        (("status", "--batch", "x"), "'--batch' 的取值无效"),
        (("groups", "--format", "xml"), "不是可选值"),
    ],
)
def test_usage_errors_in_chinese(zh_locale: None, args: tuple[str, ...], expected: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert expected in result.output and "错误：" in result.output
    assert "用法：" in result.output and "查看帮助" in result.output
    assert not ENGLISH.search(result.output), result.output


def test_an_option_without_its_value(zh_locale: None) -> None:
    result = run("status", "--batch")
    assert result.exit_code == 2
    assert result.output.strip() == "错误：选项 '--batch' 需要一个取值。"


def test_usage_errors_in_english_stay_click_s() -> None:
    result = run("--bogus")
    assert "Error: No such option '--bogus'." in result.output
    assert "Try 'cadre-tui --help' for help." in result.output


def test_version_in_both_languages(zh_locale: None) -> None:
    assert run("--version").output.strip() == f"cadre-tui，版本 {__version__}"
    assert run("--lang", "en", "--version").output.strip() == f"cadre-tui, version {__version__}"


def test_a_real_process_under_a_chinese_locale(tmp_path: Path) -> None:
    env = {**os.environ, "LANG": "zh_CN.UTF-8", "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "cadre_tui"]
    shown = subprocess.run(
        [*command, "--help"], env=env, capture_output=True, text=True, check=True
    )
    assert "用法：" in shown.stdout and not ENGLISH.search(shown.stdout)
    failed = subprocess.run(
        [*command, "groups", "--nope"], env=env, capture_output=True, text=True, check=False
    )
    assert failed.returncode == 2
    assert "没有选项 '--nope'" in failed.stderr and not ENGLISH.search(failed.stderr)
