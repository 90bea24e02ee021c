"""Backups and restore of the database file while other coordinators keep writing.

A backup is ``VACUUM INTO`` a hidden ``.partial`` name beside the final one, then
``os.replace``: one read transaction gives a consistent snapshot without blocking
writers, and a half-written copy never carries a backup's name. A restore copies a
checked file into the live database with SQLite's backup API in one step: one write
transaction that every open connection sees at once, WAL kept.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from cadre_tui.errors import CadreError
from cadre_tui.store import migrate
from cadre_tui.store.connection import connect, database_error, secure_file_mode
from cadre_tui.store.health import integrity_check, open_read_only
from cadre_tui.store.sqlite import sqlite3

BACKUP_FOLDER = "backups"
DEFAULT_KEEP = 14
REPLACED = "replaced"
COUNTED_TABLES = (
    "cadres",
    "sending_units",
    "receiving_units",
    "recommendations",
    "batches",
    "working_groups",
    "placements",
    "figure_entries",
    "evaluations",
    "audit_log",
)
"""The tables whose row counts a backup or restore reports, in this order."""

_BUSY_STEP = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED from a backup step


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken: dt.datetime
    sequence: int
    replaced: bool


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    counts: dict[str, int]
    removed: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class BackupCheck:
    """What a restore needs to know about a file before trusting it."""

    path: Path
    problems: list[str]
    schema: str | None
    counts: dict[str, int]
    readable: bool = True

    @property
    def known_schema(self) -> bool:
        return self.schema in migrate.migration_names()


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    replaced: BackupResult
    counts: dict[str, int]
    migrated: list[str]


def default_backup_dir(db_path: Path) -> Path:
    """``backups/`` beside the database: on a shared server, inside the shared folder."""
    return Path(db_path).expanduser().absolute().parent / BACKUP_FOLDER


def _pattern(stem: str) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(stem)}-(\d{{8}}-\d{{6}})(-{REPLACED})?(?:-(\d+))?\.db$", re.ASCII
    )


def list_backups(
    db_path: Path, directory: Path | None = None, *, include_replaced: bool = False
) -> list[BackupFile]:
    """This database's backups in ``directory``, oldest first; other files are ignored."""
    folder = Path(directory) if directory is not None else default_backup_dir(db_path)
    pattern = _pattern(Path(db_path).stem)
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = pattern.match(entry.name)
        if not match or not entry.is_file():
            continue
        replaced = match.group(2) is not None
        if replaced and not include_replaced:
            continue
        try:
            taken = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
        except ValueError:
            continue
        found.append(BackupFile(entry, taken, int(match.group(3) or 1), replaced))
    return sorted(found, key=lambda b: (b.taken, b.sequence, _mtime(b.path), b.path.name))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def latest_backup(db_path: Path, directory: Path | None = None) -> Path | None:
    """The newest regular backup (the folder ``cadre-tui backup`` writes to by default)."""
    backups = list_backups(Path(db_path), directory)
    return backups[-1].path if backups else None


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Row counts of the main tables that exist in this database."""
    present = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    return {
        table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        for table in COUNTED_TABLES
        if table in present
    }


def take_backup(
    db_path: Path,
    directory: Path | None = None,
    *,
    keep: int | None = DEFAULT_KEEP,
    read_only: bool = False,
    allow_old_sqlite: bool = False,
    replaced: bool = False,
    now: dt.datetime | None = None,
) -> BackupResult:
    """Copy the database consistently into ``directory``, then keep the newest ``keep``.

    ``replaced`` marks the copy a restore keeps of the database it overwrites; such
    copies never count towards rotation. ``keep=None`` rotates nothing.
    """
    db_path = Path(db_path).expanduser()
    folder = Path(directory).expanduser() if directory is not None else default_backup_dir(db_path)
    if keep is not None and keep < 1:
        raise ValueError("keep must be at least 1")
    _make_folder(folder)
    source = _open_source(db_path, read_only, allow_old_sqlite)
    try:
        final, partial = _reserve(folder, db_path.stem, now or dt.datetime.now(), replaced)
    except OSError as exc:
        source.close()
        raise CadreError("backup.cannot_write", path=str(folder), reason=exc.strerror) from exc
    try:
        source.execute("VACUUM INTO ?", (str(partial),))
    except sqlite3.DatabaseError as exc:
        partial.unlink(missing_ok=True)
        raise database_error(exc, db_path) from exc
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CadreError("backup.cannot_write", path=str(folder), reason=exc.strerror) from exc
    finally:
        source.close()
    try:
        _fsync(partial)
        os.replace(partial, final)
        _fsync(folder)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CadreError("backup.cannot_write", path=str(folder), reason=exc.strerror) from exc
    copy = open_read_only(final)
    try:
        counts = table_counts(copy)
    finally:
        copy.close()
    removed = [] if keep is None or replaced else rotate(db_path, folder, keep)
    return BackupResult(final, final.stat().st_size, counts, removed)


def rotate(db_path: Path, directory: Path, keep: int) -> list[Path]:
    """Delete the oldest regular backups beyond ``keep``; returns what was removed."""
    backups = list_backups(db_path, directory)
    removed = []
    for backup in backups[: max(len(backups) - keep, 0)]:
        try:
            backup.path.unlink()
        except FileNotFoundError:
            continue
        removed.append(backup.path)
    return removed


def check_backup_file(path: Path) -> BackupCheck:
    """Integrity, schema version and row counts of a file offered for restore."""
    path = Path(path).expanduser()
    try:
        conn = open_read_only(path)
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        return BackupCheck(path, [str(exc)], None, {}, readable=False)
    try:
        problems = integrity_check(conn)
        if problems:
            return BackupCheck(path, problems, None, {})
        try:
            return BackupCheck(path, [], migrate.schema_version(conn), table_counts(conn))
        except sqlite3.DatabaseError as exc:
            return BackupCheck(path, [str(exc)], None, {})
    finally:
        conn.close()


def is_same_file(db_path: Path, source: Path) -> bool:
    try:
        return os.path.samefile(source, db_path)
    except OSError:
        return False


def restore(
    db_path: Path,
    source: Path,
    directory: Path | None = None,
    *,
    allow_old_sqlite: bool = False,
    busy_timeout_ms: int | None = None,
    now: dt.datetime | None = None,
) -> RestoreResult:
    """Check ``source``, keep a ``-replaced`` copy of the database, then copy ``source`` in.

    Refuses a damaged file, a file that is not a cadre-tui database, one from a newer
    version, and a database others keep busy beyond the busy timeout.
    """
    db_path, source = Path(db_path).expanduser(), Path(source).expanduser()
    if not db_path.exists():
        raise CadreError("error.db_missing", path=str(db_path))
    if not source.is_file():
        raise CadreError("backup.file_missing", path=str(source))
    if is_same_file(db_path, source):
        raise CadreError("backup.restore_same_file", path=str(source))
    check = check_backup_file(source)
    refusal = restore_refusal(check)
    if refusal is not None:
        raise refusal
    replaced = take_backup(
        db_path, directory, keep=None, replaced=True, allow_old_sqlite=allow_old_sqlite, now=now
    )
    target = connect(db_path, create=False, allow_old_sqlite=allow_old_sqlite)
    if busy_timeout_ms is not None:
        target.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    try:
        reader = open_read_only(source)
        try:
            reader.backup(target, progress=_refuse_when_busy)
        finally:
            reader.close()
        migrated = migrate.migrate(target)
        counts = table_counts(target)
    except sqlite3.DatabaseError as exc:
        raise database_error(exc, db_path) from exc
    finally:
        target.close()
    return RestoreResult(source, replaced, counts, migrated)


def restore_refusal(check: BackupCheck) -> CadreError | None:
    """Why ``check``'s file must not be restored, or None when it may be."""
    if not check.readable:
        return CadreError(
            "backup.restore_unreadable", path=str(check.path), reason=check.problems[0]
        )
    if check.problems:
        return CadreError(
            "backup.restore_damaged", path=str(check.path), problems="; ".join(check.problems[:3])
        )
    if check.schema is None:
        return CadreError("backup.restore_not_cadre", path=str(check.path))
    if not check.known_schema:
        return CadreError(
            "backup.restore_newer",
            path=str(check.path),
            schema=check.schema,
            known=migrate.migration_names()[-1],
        )
    return None


def _refuse_when_busy(status: int, remaining: int, total: int) -> None:
    """The busy timeout has already been waited out inside the step: give up, don't spin."""
    if status in _BUSY_STEP:
        raise sqlite3.OperationalError("database is locked")


def _open_source(db_path: Path, read_only: bool, allow_old_sqlite: bool) -> sqlite3.Connection:
    if read_only or (db_path.exists() and not os.access(db_path, os.W_OK)):
        try:
            return open_read_only(db_path)
        except sqlite3.DatabaseError as exc:
            raise database_error(exc, db_path) from exc
    return connect(db_path, create=False, allow_old_sqlite=allow_old_sqlite)


def _make_folder(folder: Path) -> None:
    """Create the backup folder private, or group-shared (2770) inside a shared folder."""
    if folder.is_dir():
        return
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        shared = secure_file_mode(folder.parent) == 0o660
        folder.mkdir(mode=0o700)
        os.chmod(folder, 0o2770 if shared else 0o700)
    except FileExistsError:
        return
    except OSError as exc:
        raise CadreError("backup.cannot_write", path=str(folder), reason=exc.strerror) from exc


def _reserve(folder: Path, stem: str, when: dt.datetime, replaced: bool) -> tuple[Path, Path]:
    """A free backup name and its ``.partial``, created empty with the folder's safe mode.

    ``VACUUM INTO`` fills an empty file, so the copy is never readable by more people
    than the database, and ``O_EXCL`` keeps two backups in the same second apart.
    """
    base = f"{stem}-{when:%Y%m%d-%H%M%S}" + (f"-{REPLACED}" if replaced else "")
    mode = secure_file_mode(folder)
    number = 1
    while True:
        final = folder / (f"{base}.db" if number == 1 else f"{base}-{number}.db")
        partial = folder / f".{final.name}.partial"
        number += 1
        if final.exists():
            continue
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            continue
        os.close(fd)
        os.chmod(partial, mode)
        return final, partial


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
