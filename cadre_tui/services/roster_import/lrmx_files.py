"""Where ``.lrmx`` records come from: one file, a folder of them, or a zip of them,
each read as bytes within caps that keep a damaged or hostile archive (a zip bomb,
a folder of something else) from filling memory before a record is parsed."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from cadre_tui.services.roster_import.sources import ImportFileError

SUFFIX = ".lrmx"
MAX_FILE_BYTES = 8 * 1024 * 1024
"""One record with a photo is well under 1 MB; anything past this is not a record."""
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_BYTES = 256 * 1024 * 1024
"""Unpacked bytes a zip may hold in all: a department's records with photos fit
many times over, a zip bomb does not."""


class LrmxError(ImportFileError):
    """A file, folder or zip that cannot be read as cadre records; the message names
    the file (the importer treats it as any file-level failure)."""


def lrmx_files(path: Path) -> Iterator[tuple[str, bytes]]:
    """``(line, bytes)`` for each record in ``path``: a ``.lrmx`` file, a folder
    (searched recursively, in name order) or a ``.zip`` (only ``.lrmx`` members)."""
    if path.is_dir():
        found = sorted(
            (p for p in path.rglob("*") if p.suffix.lower() == SUFFIX and p.is_file()),
            key=lambda p: p.relative_to(path).parts,
        )
        if not found:
            raise LrmxError("lrmx.error.no_files", path=path.name)
        for file in found:
            yield file.relative_to(path).as_posix(), _read_file(file)
    elif path.suffix.lower() == ".zip":
        yield from _zip_members(path)
    elif path.is_file():
        yield path.name, _read_file(path)
    else:
        raise LrmxError("lrmx.error.not_found", path=str(path))


def _read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LrmxError("lrmx.error.too_large", file=path.name, limit=_mb(MAX_FILE_BYTES))
        return path.read_bytes()
    except OSError as exc:
        raise LrmxError("lrmx.error.read", file=path.name, reason=exc.strerror or exc) from None


def _zip_members(path: Path) -> Iterator[tuple[str, bytes]]:
    """The ``.lrmx`` members, refusing a zip whose members or unpacked size pass
    the caps; sizes are counted as bytes are unpacked, not taken from the headers."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise LrmxError("lrmx.error.zip", file=path.name, reason=str(exc)) from None
    with archive:
        members = [
            (info, _member_name(info))
            for info in archive.infolist()
            if not info.is_dir() and info.filename.lower().endswith(SUFFIX)
        ]
        members = [(info, name) for info, name in members if not _is_junk(name)]
        if not members:
            raise LrmxError("lrmx.error.no_files", path=path.name)
        if len(members) > MAX_ZIP_MEMBERS:
            raise LrmxError("lrmx.error.zip_members", file=path.name, limit=MAX_ZIP_MEMBERS)
        if sum(info.file_size for info, _ in members) > MAX_ZIP_BYTES:
            raise LrmxError("lrmx.error.zip_size", file=path.name, limit=_mb(MAX_ZIP_BYTES))
        total = 0
        for info, name in sorted(members, key=lambda pair: pair[1]):
            line = f"{path.name}/{name}"
            data = _unpack(archive, info, line)
            total += len(data)
            if total > MAX_ZIP_BYTES:
                raise LrmxError("lrmx.error.zip_size", file=path.name, limit=_mb(MAX_ZIP_BYTES))
            yield line, data


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, line: str) -> bytes:
    if info.flag_bits & 0x1:
        raise LrmxError("lrmx.error.encrypted", file=line)
    if info.file_size > MAX_FILE_BYTES:
        raise LrmxError("lrmx.error.too_large", file=line, limit=_mb(MAX_FILE_BYTES))
    try:
        with archive.open(info) as member:
            data = member.read(MAX_FILE_BYTES + 1)
    except (OSError, zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
        raise LrmxError("lrmx.error.zip", file=line, reason=str(exc)) from None
    if len(data) > MAX_FILE_BYTES:
        raise LrmxError("lrmx.error.too_large", file=line, limit=_mb(MAX_FILE_BYTES))
    return data


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: zips made on Chinese Windows store
    names in GBK without the UTF-8 flag, which :mod:`zipfile` reads as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def _is_junk(name: str) -> bool:
    """macOS resource forks (``__MACOSX/``, ``._name``) share the suffix but are not records."""
    parts = name.split("/")
    return parts[0] == "__MACOSX" or parts[-1].startswith("._")


def _mb(size: int) -> int:
    return size // (1024 * 1024)
