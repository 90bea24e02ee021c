"""The append-only audit log: one row per write, inside the write's transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pwd
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from typing import Any

from cadre_tui.store.sqlite import sqlite3

_UNDOING: ContextVar[int | None] = ContextVar("undoing", default=None)
"""The audit row being reversed while an undo runs; its write's row names it."""


@contextlib.contextmanager
def undoing(entry_id: int) -> Iterator[None]:
    """Within this block the audit row written is marked as the undo of ``entry_id``."""
    token = _UNDOING.set(entry_id)
    try:
        yield
    finally:
        _UNDOING.reset(token)


@cache
def current_actor() -> str:
    """The real user's name from the process UID; LOGNAME and USER can be set to anything."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid:{os.getuid()}"


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    conn: sqlite3.Connection,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Any = None,
    after: Any = None,
) -> int:
    """Append one audit row; call inside the transaction that made the change."""
    if not conn.in_transaction:
        raise RuntimeError("audit.record must run inside the write's transaction")
    values = (
        utc_now(),
        current_actor(),
        action,
        entity,
        entity_id,
        _dump(before),
        _dump(after),
    )
    undoes = _UNDOING.get()
    if undoes is None:  # the column is named only when used: older schemas stay writable
        cursor = conn.execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            values,
        )
    else:
        cursor = conn.execute(
            "INSERT INTO audit_log"
            " (at, actor, action, entity, entity_id, before_json, after_json, undoes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, undoes),
        )
    return int(cursor.lastrowid)


def entries(conn: sqlite3.Connection, entity: str | None = None, limit: int = 100) -> list[dict]:
    sql = "SELECT * FROM audit_log"
    params: list[Any] = []
    if entity:
        sql += " WHERE entity = ?"
        params.append(entity)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [dict(row) for row in conn.execute(sql, params)]
