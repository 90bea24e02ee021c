"""Shared fixtures: every test gets its own HOME, data and config folders, and
throwaway databases under tmp_path; nothing touches the user's real files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cadre_tui import i18n
from cadre_tui.store.database import Database, open_database
from cadre_tui.store.sqlite import sqlite3


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("CADRE_TUI_DB", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    i18n.set_language("en")
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cadre.db"


@pytest.fixture
def database(db_path: Path) -> Database:
    """A new, fully migrated, empty database."""
    return open_database(db_path)


@pytest.fixture
def conn(database: Database) -> Iterator[sqlite3.Connection]:
    connection = database.connect()
    try:
        yield connection
    finally:
        connection.close()


DEMO_TODAY = __import__("datetime").date(2026, 11, 27)
"""The demo is built as of this day in tests, so its figures never drift."""


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo programme, built once per test session; treat it as read-only."""
    from cadre_tui.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, today=DEMO_TODAY)
    return path


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo for tests that write."""
    from cadre_tui.store.connection import connect

    target = tmp_path / "demo-copy.db"
    source = connect(demo_db)
    try:
        source.execute("VACUUM INTO ?", (str(target),))
    finally:
        source.close()
    return target
