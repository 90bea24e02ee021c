"""The app's day: the system's, unless CADRE_TUI_TODAY pins another."""

from __future__ import annotations

import datetime as dt

import pytest

from cadre_tui.ui import clock


def test_system_date_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.TODAY_ENV, raising=False)
    assert clock.today() == dt.date.today()


def test_pinned_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.TODAY_ENV, "2026-11-27")
    assert clock.today() == dt.date(2026, 11, 27)


def test_a_bad_pin_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.TODAY_ENV, "27/11/2026")
    assert clock.today() == dt.date.today()
