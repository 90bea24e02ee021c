"""Checking a roster before anything is written: every row judged (:mod:`rows`),
matched against the pool by ID number a chunk at a time, and duplicates inside
the file rejected on both lines, each naming the other.

An ID number the pool holds makes the row an update, or "unchanged" when the
row says nothing the pool does not already hold (re-importing a file changes
nothing). Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import gc
import marshal
import os
import zlib
from array import array
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cadre_tui.domain.identity import mask_id_number
from cadre_tui.domain.model import NEW_CADRE_FIELDS, Cadre, NewCadre
from cadre_tui.errors import CadreError
from cadre_tui.services.roster_import import rows as judged
from cadre_tui.services.roster_import.cells import UnitNames
from cadre_tui.services.roster_import.sources import ImportFileError, SourceRow, read_source
from cadre_tui.store import cadre_import, cadre_rows, cadres, units
from cadre_tui.store.sqlite import sqlite3

NEW, UPDATE, UNCHANGED, REJECTED = "new", "update", "unchanged", "rejected"
CHUNK = 1000
"""Rows checked together: one pool look-up per chunk."""
PACK = 1000
"""New cadres' rows marshalled and compressed together: the texts rosters repeat
(units, places, posts) are kept once per pack, and zlib shares the rest."""
_ID_COLUMN = cadres.STORED_COLUMNS.index("id_number")
UNIT_COLUMN = cadres.STORED_COLUMNS.index("sending_unit_id")


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """What the import will do with one row, in words a preview can show."""

    line: str
    action: str
    """"new" | "update" | "unchanged" | "rejected"."""
    name: str
    id_number_masked: str
    reasons: tuple[str, ...] = ()
    """Translated; empty unless rejected."""
    changes: tuple[str, ...] = ()
    """For an update: the fields (translated titles) it changes."""


@dataclass(frozen=True, slots=True)
class PlannedUpdate:
    """An update to write: ``position`` is its row's index in :attr:`ImportPlan.rows`."""

    position: int
    record: NewCadre
    cadre_id: int
    expected_version: int
    before: NewCadre


@dataclass(frozen=True)
class ImportPlan:
    """Every row's fate, checked and not yet written."""

    path: Path
    rows: tuple[PlannedRow, ...]
    unknown_columns: tuple[str, ...]
    new: int
    updated: int
    unchanged: int
    rejected: int
    new_units: tuple[str, ...] = ()
    """Sending units ``create_units`` will add, by name, in order of first use."""
    month_only_dates: int = 0
    """Dates given as a month only and read as the first of that month."""
    defaults: tuple[tuple[str, object], ...] = ()
    """Fields filled where the roster leaves them empty (``--unit``, ``--category``)."""
    format: str = ""
    inserts: tuple[bytes, ...] = field(default=(), repr=False, compare=False)
    """The new cadres as the store's INSERT rows (checked by the store when planned,
    :class:`~cadre_tui.store.cadre_rows.StoredRows`), without their time stamps (stamped
    when written), :data:`PACK` rows to a compressed chunk: as objects a row costs
    ~1.5 kB, marshalled alone ~250 bytes, packed ~60, and a 100,000-row plan must fit
    beside the sheet. A row rejected later (a duplicate further down) stays packed but
    is not written: read them with :func:`planned_inserts`."""
    insert_positions: array = field(default_factory=lambda: array("l"), repr=False, compare=False)
    """Each packed row's index in :attr:`rows` (an array: 100,000 ints as objects cost 3 MB)."""
    updates: tuple[PlannedUpdate, ...] = field(default=(), repr=False, compare=False)
    fingerprint: tuple[int, int] | None = field(default=None, repr=False, compare=False)
    unit_placeholders: tuple[tuple[int, str], ...] = field(default=(), repr=False, compare=False)
    """(placeholder id, name) of each unit to create; rows to write refer to the
    placeholder (a negative id) until the import is applied."""

    def rejected_rows(self) -> tuple[PlannedRow, ...]:
        return tuple(row for row in self.rows if row.action == REJECTED)


class Planner:
    """Judges rows a chunk at a time and keeps what each will become."""

    def __init__(self, conn: sqlite3.Connection, reader: judged.RowReader, today: dt.date) -> None:
        self.conn = conn
        self.reader = reader
        self.today = today
        self.rows: list[PlannedRow] = []
        self.writes: list[PlannedUpdate | None] = []
        self.packs: list[bytes] = []
        self.packing: list[tuple[Any, ...]] = []
        self.packed_positions = array("l")
        self.seen: dict[str, int] = {}
        self.month_only = 0
        self.pool_size = cadres.count_cadres(conn)
        self.stored_rows = cadre_rows.StoredRows()

    def add(self, chunk: list[SourceRow]) -> None:
        read = [self.reader.read(row.cells) for row in chunk]
        holders: dict[str, Cadre] = {}
        if self.pool_size:
            holders = cadre_import.cadres_by_id_numbers(
                self.conn, [i for typed, _ in read if len(i := typed.get("id_number", "")) == 18]
            )
        for row, (typed, problems) in zip(chunk, read, strict=True):
            self._add(row, typed, problems, holders.get(typed.get("id_number", "")))

    def _add(self, row: SourceRow, typed: dict, problems: dict, holder: Cadre | None) -> None:
        position = len(self.rows)
        id_number = typed.get("id_number", "")
        merged = judged.Merged(typed, holder)
        self.month_only += merged.month_only
        fields = merged.fields
        good = not problems and judged.acceptable(merged, self.today)
        refusal: CadreError | None = None
        stored_row: tuple[Any, ...] | None = None
        record = before = None
        if good and holder is not None:
            record, before = NewCadre(**fields), holder.record()
        if good and (holder is None or record != before):
            try:
                stored_row = self.stored_rows.row(judged.record_values(fields))
            except CadreError as exc:
                refusal, good = exc, False
        name = stored_row[0] if stored_row else str(fields.get("name") or "")
        if stored_row is not None:
            id_number = stored_row[_ID_COLUMN]
        masked = mask_id_number(id_number) if id_number else ""
        duplicate = self._duplicate(id_number, position, row.line)
        if not good or duplicate:
            reasons = () if good else judged.reasons(merged, problems, self.today, refusal)
            self._keep(PlannedRow(row.line, REJECTED, name, masked, (*reasons, *duplicate)), None)
        elif holder is None:
            self._keep(PlannedRow(row.line, NEW, name, masked), None)
            self.packing.append(stored_row)
            self.packed_positions.append(position)
            if len(self.packing) >= PACK:
                self.pack()
        else:
            assert record is not None and before is not None
            changed = [f for f in NEW_CADRE_FIELDS if getattr(record, f) != getattr(before, f)]
            if not changed:
                self._keep(PlannedRow(row.line, UNCHANGED, name, masked), None)
                return
            labels = tuple(judged.header_label(f) for f in changed)
            write = PlannedUpdate(position, record, holder.id, holder.row_version, before)
            self._keep(PlannedRow(row.line, UPDATE, name, masked, (), labels), write)

    def _duplicate(self, id_number: str, position: int, line: str) -> tuple[str, ...]:
        """An ID number met before rejects this row and the first one, each naming
        the other's line."""
        if not id_number:
            return ()
        first = self.seen.setdefault(id_number, position)
        if first == position:
            return ()
        earlier = self.rows[first]
        said = CadreError("roster_import.duplicate", line=line)
        self.rows[first] = PlannedRow(
            earlier.line,
            REJECTED,
            earlier.name,
            earlier.id_number_masked,
            (*earlier.reasons, judged.reason_text("id_number", said)),
        )
        self.writes[first] = None
        said = CadreError("roster_import.duplicate", line=earlier.line)
        return (judged.reason_text("id_number", said),)

    def pack(self) -> None:
        if self.packing:
            self.packs.append(zlib.compress(marshal.dumps(self.packing), 1))
            self.packing = []

    def _keep(self, planned: PlannedRow, write: PlannedUpdate | None) -> None:
        self.rows.append(planned)
        self.writes.append(write)


def plan_import(
    conn: sqlite3.Connection,
    path: Path,
    *,
    create_units: bool = False,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
    defaults: Mapping[str, object] | None = None,
) -> ImportPlan:
    """Read and check every row of ``path``; nothing is written. ImportFileError when
    the file as a whole cannot be imported. ``defaults`` fill fields the roster
    leaves empty or has no column for (e.g. the sending unit of a unit's roster)."""
    given = tuple((k, v) for k, v in (defaults or {}).items() if v not in (None, ""))
    with quiet_collector():
        return _plan(conn, Path(path), create_units, progress, today, given)


def _plan(
    conn: sqlite3.Connection,
    path: Path,
    create_units: bool,
    progress: Callable[[int, int], None] | None,
    today: dt.date | None,
    defaults: tuple[tuple[str, object], ...] = (),
) -> ImportPlan:
    fingerprint = file_fingerprint(path)
    source = read_source(path, dict(defaults))
    reader = judged.RowReader(units.list_sending_units(conn), create_units=create_units)
    planner = Planner(conn, reader, today or dt.date.today())
    chunk: list[SourceRow] = []
    for row in source.rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            planner.add(chunk)
            chunk = []
            if progress is not None:
                done = len(planner.rows)
                progress(done, max(done, source.total or 0))
    planner.add(chunk)
    planner.pack()
    unknown, fmt = tuple(dict.fromkeys(source.unknown_columns)), source.format
    del source, chunk  # the sheet: read, and held by the rows' reader until now
    if not planner.rows:
        raise ImportFileError("roster_import.file.no_rows")
    if progress is not None:
        progress(len(planner.rows), len(planner.rows))
    planned = tuple(planner.rows)
    updates = tuple(w for w in planner.writes if w is not None)
    counts = dict.fromkeys((NEW, UPDATE, UNCHANGED, REJECTED), 0)
    for row in planned:
        counts[row.action] += 1
    plan = ImportPlan(
        path=path,
        rows=planned,
        unknown_columns=unknown,
        new=counts[NEW],
        updated=counts[UPDATE],
        unchanged=counts[UNCHANGED],
        rejected=counts[REJECTED],
        month_only_dates=planner.month_only,
        format=fmt,
        inserts=tuple(planner.packs),
        insert_positions=planner.packed_positions,
        updates=updates,
        fingerprint=fingerprint,
        defaults=defaults,
    )
    placeholders = _units_used(plan, reader.units)
    if not placeholders:
        return plan
    return replace(
        plan, new_units=tuple(name for _, name in placeholders), unit_placeholders=placeholders
    )


def planned_inserts(plan: ImportPlan) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row index in :attr:`ImportPlan.rows`, INSERT row without time stamps) of each
    new cadre to write, in the file's order."""
    positions = iter(plan.insert_positions)
    rows = plan.rows
    for pack in plan.inserts:
        for stored in marshal.loads(zlib.decompress(pack)):
            position = next(positions)
            if rows[position].action == NEW:
                yield position, stored


def _units_used(plan: ImportPlan, unit_names: UnitNames) -> tuple[tuple[int, str], ...]:
    """The new units some row to be written belongs to, in order of first use."""
    placeholders = unit_names.placeholders()
    if not placeholders:
        return ()
    used = {update.record.sending_unit_id for update in plan.updates}
    used.update(stored[UNIT_COLUMN] for _, stored in planned_inserts(plan))
    return tuple((key, name) for key, name in unit_names.placeholders().items() if key in used)


@contextmanager
def quiet_collector() -> Iterator[None]:
    """The cyclic garbage collector paused: a plan makes a few hundred thousand
    objects that live on, and collecting meanwhile rescans them again and again
    (a third of a 100,000-row plan's time). Nothing here makes reference cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def file_fingerprint(path: Path) -> tuple[int, int] | None:
    """Size and modification time: the rejected-rows file re-reads only an unchanged file."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns
