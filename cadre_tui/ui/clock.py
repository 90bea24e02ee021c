"""The day the app works as of: the system's date, unless ``CADRE_TUI_TODAY``
names another (snapshot tests and the terminal benchmark pin it so a demo built
as of a fixed day shows the same countdowns and overdue marks on any day)."""

from __future__ import annotations

import datetime as dt
import os

TODAY_ENV = "CADRE_TUI_TODAY"


def today() -> dt.date:
    """``CADRE_TUI_TODAY`` (YYYY-MM-DD) when set and valid, else the system's date."""
    raw = os.environ.get(TODAY_ENV, "").strip()
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    return dt.date.today()
