"""What ``cadre-tui status`` looks up: the batch, receiving unit or working group its
options name (refused with a message when none or several match), a group's heading,
and the batches to show a unit in. No Textual here."""

from __future__ import annotations

from typing import Any

from cadre_tui.errors import CadreError
from cadre_tui.i18n import t
from cadre_tui.store import rollups
from cadre_tui.store.sqlite import sqlite3


def find_group(conn: sqlite3.Connection, text: str, batch_id: int | None = None) -> int:
    """The group named (or numbered) ``text``: in ``batch_id`` if given, else the one
    in an active batch; several candidates are refused with their batches named."""
    found = rollups.find_groups(conn, text.strip(), batch_id)
    if not found:
        raise CadreError("field_status.no_such_group", group=text)
    active = [row for row in found if row["state"] == "active"]
    candidates = active if len(active) == 1 else found
    if len(candidates) > 1:
        numbers = t("dashboard.list_separator").join(str(row["number"]) for row in candidates)
        raise CadreError("field_status.group_ambiguous", group=text, batches=numbers)
    return int(candidates[0]["id"])


def find_unit(conn: sqlite3.Connection, text: str) -> int:
    found = rollups.find_units(conn, text.strip())
    if not found:
        raise CadreError("field_status.no_such_unit", unit=text)
    return int(found[0]["id"])


def batch_id_of(conn: sqlite3.Connection, number: int) -> int:
    found = rollups.batch_id_of(conn, number)
    if found is None:
        raise CadreError("cli.no_such_batch", number=number)
    return found


def group_context(conn: sqlite3.Connection, group_id: int) -> dict[str, Any]:
    """The group's name, mode, unit, batch number and leader, for a heading."""
    found = rollups.group_context(conn, group_id)
    if found is None:
        raise CadreError("field_status.group_not_found", id=group_id)
    return found


def batch_rows(conn: sqlite3.Connection) -> dict[int, dict[str, Any]]:
    """Every batch's number, name and state by id (for headings)."""
    from cadre_tui.store import figure_rollups

    return {row["id"]: row for row in figure_rollups.batch_rows(conn)}


def unit_batches(conn: sqlite3.Connection, unit_id: int, batch_id: int | None) -> list[int]:
    """The batches to show a receiving unit in: the given one, else its active
    batches, else every batch it has been part of."""
    from cadre_tui.store import figure_rollups

    rows = figure_rollups.unit_rows(conn, batch_id, unit_id)
    states = batch_rows(conn)
    active = [r["batch_id"] for r in rows if states[r["batch_id"]]["state"] == "active"]
    return active if batch_id is None and active else [r["batch_id"] for r in rows]
