"""Importing a roster of cadres (干部名册) from .xlsx, .csv or .lrmx into the pool.

:func:`plan_import` reads and checks every row and writes nothing;
:func:`apply_import` writes a plan in one transaction (all rows, or with
``only_valid`` exactly the valid ones); :func:`write_rejected` puts the rejected
rows, each with its reasons, in a file beside the input. The CLI's
``cadre-tui import`` and the app's preview screen both go through these.
"""

from __future__ import annotations

from cadre_tui.services.roster_import.plan import (
    NEW,
    REJECTED,
    UNCHANGED,
    UPDATE,
    ImportPlan,
    PlannedRow,
    plan_import,
)
from cadre_tui.services.roster_import.sources import ImportFileError, Source, SourceRow
from cadre_tui.services.roster_import.write import ImportResult, apply_import, write_rejected

__all__ = [
    "NEW",
    "REJECTED",
    "UNCHANGED",
    "UPDATE",
    "ImportFileError",
    "ImportPlan",
    "ImportResult",
    "PlannedRow",
    "Source",
    "SourceRow",
    "apply_import",
    "plan_import",
    "write_rejected",
]
