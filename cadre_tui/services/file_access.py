"""Who can read and write the database file, and what is unsafe about it.

On a shared office server the coordinators share one group: the folder is
setgid 2770 so every new file (the -wal and -shm SQLite creates, the backups)
takes the folder's group, and the files are 0660. This module looks at the file,
its -wal/-shm, its folder and its backups folder, and returns a report with
warnings and the commands that fix them; it reads only file metadata, never SQLite.
"""

from __future__ import annotations

import grp
import os
import pwd
import shlex
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cadre_tui.store.backup import default_backup_dir

SIDECARS = ("-wal", "-shm")


@dataclass(frozen=True)
class PathFacts:
    """One file or folder's owner, group and mode."""

    path: Path
    kind: str  # database, wal, shm, folder, backups
    owner: str
    group: str
    gid: int
    mode: int  # permission bits with setuid/setgid/sticky

    @property
    def is_folder(self) -> bool:
        return self.kind in ("folder", "backups")

    @property
    def setgid(self) -> bool:
        return bool(self.mode & stat.S_ISGID)

    @property
    def symbolic(self) -> str:
        return stat.filemode((stat.S_IFDIR if self.is_folder else stat.S_IFREG) | self.mode)

    @property
    def octal(self) -> str:
        return f"{self.mode & 0o7777:04o}"


@dataclass(frozen=True)
class AccessWarning:
    """``code`` names a catalog key (``backup.access.warn.<code>``) about ``path``."""

    code: str
    path: Path


@dataclass(frozen=True)
class AccessReport:
    database: Path
    entries: list[PathFacts]
    readers: list[str]
    writers: list[str]
    everyone_reads: bool
    everyone_writes: bool
    warnings: list[AccessWarning] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)


def path_facts(path: Path, kind: str) -> PathFacts:
    info = path.stat()
    return PathFacts(
        path=path,
        kind=kind,
        owner=user_name(info.st_uid),
        group=group_name(info.st_gid),
        gid=info.st_gid,
        mode=stat.S_IMODE(info.st_mode),
    )


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def group_members(gid: int) -> list[str]:
    """Listed members plus the users whose primary group it is."""
    try:
        members = set(grp.getgrgid(gid).gr_mem)
    except KeyError:
        members = set()
    members.update(user.pw_name for user in pwd.getpwall() if user.pw_gid == gid)
    return sorted(members)


def inspect(database: Path) -> AccessReport:
    """The report for ``database`` (which must exist); sidecars and backups when present."""
    database = Path(database).expanduser().absolute()
    db = path_facts(database, "database")
    folder = path_facts(database.parent, "folder")
    sidecars = [
        path_facts(Path(f"{database}{suffix}"), suffix.lstrip("-"))
        for suffix in SIDECARS
        if Path(f"{database}{suffix}").exists()
    ]
    backups_dir = default_backup_dir(database)
    backups = [path_facts(backups_dir, "backups")] if backups_dir.is_dir() else []
    entries = [db, *sidecars, folder, *backups]
    readers, writers = _who(db, folder)
    warnings = _warnings(db, sidecars, folder, backups)
    return AccessReport(
        database=database,
        entries=entries,
        readers=readers,
        writers=writers,
        everyone_reads=_others_can(db, folder, write=False),
        everyone_writes=_others_can(db, folder, write=True),
        warnings=warnings,
        fixes=_fixes(entries, warnings),
    )


def is_shared(db: PathFacts, folder: PathFacts) -> bool:
    """The group setup is meant: a setgid folder, or a group-writable database."""
    return folder.setgid or bool(db.mode & 0o020)


def _can(mode: int, who: str, write: bool, folder: bool = False) -> bool:
    """``who`` is u, g or o; a file needs r (and w), its folder x (and w, for -wal/-shm)."""
    bits = mode >> {"u": 6, "g": 3, "o": 0}[who]
    needed = (1 if folder else 4) | (2 if write else 0)
    return bits & needed == needed


def _class_of(user: str, groups: set[int], entry: PathFacts) -> str:
    if user == entry.owner:
        return "u"
    return "g" if entry.gid in groups else "o"


def _user_groups(user: str) -> set[int]:
    try:
        return set(os.getgrouplist(user, pwd.getpwnam(user).pw_gid))
    except (KeyError, OSError):
        return set()


def _others_can(db: PathFacts, folder: PathFacts, *, write: bool) -> bool:
    return _can(db.mode, "o", write) and _can(folder.mode, "o", write, folder=True)


def _who(db: PathFacts, folder: PathFacts) -> tuple[list[str], list[str]]:
    """Named readers and writers: the owner, then the group's members (root is not listed).

    A writer needs the folder writable too, since SQLite creates -wal and -shm there.
    """
    readers: list[str] = []
    writers: list[str] = []
    for user in [db.owner, *(name for name in group_members(db.gid) if name != db.owner)]:
        groups = _user_groups(user) | ({db.gid} if user != db.owner else set())
        on_file, on_folder = _class_of(user, groups, db), _class_of(user, groups, folder)
        if _can(db.mode, on_file, False) and _can(folder.mode, on_folder, False, folder=True):
            readers.append(user)
        if _can(db.mode, on_file, True) and _can(folder.mode, on_folder, True, folder=True):
            writers.append(user)
    return readers, writers


def _warnings(
    db: PathFacts, sidecars: list[PathFacts], folder: PathFacts, backups: list[PathFacts]
) -> list[AccessWarning]:
    """A private 0600 file may sit in a folder others can list; a shared one may not."""
    found: list[AccessWarning] = []
    for entry in [db, *sidecars]:
        if entry.mode & 0o002:
            found.append(AccessWarning("world_writable", entry.path))
        elif entry.mode & 0o004:
            found.append(AccessWarning("world_readable", entry.path))
    shared = is_shared(db, folder)
    for entry in [folder, *backups]:
        if entry.mode & 0o002:
            found.append(AccessWarning("folder_world_writable", entry.path))
        elif entry.mode & 0o005 and shared:
            found.append(AccessWarning("folder_world_open", entry.path))
    for entry in sidecars:
        if entry.gid != db.gid or entry.mode & 0o777 != db.mode & 0o777:
            found.append(AccessWarning("sidecar_differs", entry.path))
    if shared:
        if not folder.setgid:
            found.append(AccessWarning("folder_not_setgid", folder.path))
        if folder.gid != db.gid:
            found.append(AccessWarning("folder_other_group", folder.path))
        elif db.mode & 0o020 and folder.mode & 0o030 != 0o030:
            found.append(AccessWarning("folder_group_cannot_write", folder.path))
    return found


def _fixes(entries: list[PathFacts], warnings: list[AccessWarning]) -> list[str]:
    """Shell commands that put the shared (group) or private setup right."""
    if not warnings:
        return []
    db = entries[0]
    files = " ".join(shlex.quote(str(e.path)) for e in entries if not e.is_folder)
    folders = " ".join(shlex.quote(str(e.path)) for e in entries if e.is_folder)
    backups = [e for e in entries if e.kind == "backups"]
    folder = next(e for e in entries if e.kind == "folder")
    if not is_shared(db, folder):
        return [f"chmod 0700 {folders}", f"chmod 0600 {files}"]
    commands = []
    if {w.code for w in warnings} & {"sidecar_differs", "folder_other_group"}:
        commands.append(f"chgrp {shlex.quote(db.group)} {folders} {files}")
    commands += [f"chmod 2770 {folders}", f"chmod 0660 {files}"]
    if backups:
        commands.append(f"chmod 0660 {shlex.quote(str(backups[0].path))}/*.db")
    return commands
