"""Bulk loads (the demo, benchmarks, imports): many rows in one transaction with
one audit row, and a rejected row named by its position."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from cadre_tui.errors import CadreError
from cadre_tui.store import audit
from cadre_tui.store.connection import transaction
from cadre_tui.store.sqlite import IntegrityError, sqlite3


def insert_rows(
    conn: sqlite3.Connection,
    sql: str,
    rows: Iterable[Sequence[Any]],
    *,
    entity: str,
    details: dict[str, Any] | Callable[[int], dict[str, Any]] | None = None,
) -> int:
    """Run ``sql`` for every row, all or nothing; returns how many were written.

    ``details`` goes into the audit row beside the count; a callable receives
    the count, for details known only afterwards (e.g. the last id)."""
    count = 0

    def counted() -> Iterable[Sequence[Any]]:
        nonlocal count
        for count, row in enumerate(rows, start=1):  # noqa: B007
            yield row

    with transaction(conn):
        try:
            conn.executemany(sql, counted())
        except IntegrityError as exc:
            raise CadreError("store.bulk.row_rejected", row=count, reason=str(exc)) from exc
        extra = details(count) if callable(details) else details or {}
        audit.record(conn, "bulk_insert", entity, None, None, {**extra, "count": count})
    return count
