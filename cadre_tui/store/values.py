"""How dates travel between Python and the schema's ISO text columns."""

from __future__ import annotations

import datetime as dt


def day_from(value: str | None) -> dt.date | None:
    """A stored ISO date (or NULL) as a date."""
    return dt.date.fromisoformat(value) if value else None


def iso_day(value: dt.date | str | None) -> str | None:
    """A date (or an ISO string already) as stored text; None stays NULL."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()
