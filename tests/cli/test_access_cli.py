"""``cadre-tui access`` on real files with real modes: a private file, a world-readable
one, the shared office setup (setgid 2770 folder, 0660 files), and its mistakes."""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

from click.testing import CliRunner

from cadre_tui.cli import main
from cadre_tui.services.file_access import inspect
from cadre_tui.store.database import open_database

ME = pwd.getpwuid(os.getuid()).pw_name


def make_db(tmp_path: Path, dir_mode: int, file_mode: int | None = None) -> Path:
    folder = tmp_path / "office"
    folder.mkdir()
    os.chmod(folder, dir_mode)
    db = open_database(folder / "cadre.db").path
    if file_mode is not None:
        os.chmod(db, file_mode)
    return db


def run(db: Path, lang: str = "en"):
    return CliRunner().invoke(main, ["--lang", lang, "--db", str(db), "access"])


def test_a_private_file_has_no_warnings(tmp_path: Path) -> None:
    db = make_db(tmp_path, 0o700)
    result = run(db)
    assert result.exit_code == 0, result.output
    assert "-rw------- 0600" in result.output and "drwx------ 0700" in result.output
    assert "setgid: no" in result.output
    assert f"Can read: {ME}" in result.output and f"Can write: {ME}" in result.output
    assert "No problems found" in result.output
    zh = run(db, "zh")
    assert zh.exit_code == 0 and "未发现问题" in zh.output and "setgid：否" in zh.output


def test_a_world_readable_file_is_warned_about_with_the_fix(tmp_path: Path) -> None:
    db = make_db(tmp_path, 0o755, 0o644)
    result = run(db)
    assert result.exit_code == 3
    assert f"readable by every user of the machine: {db}" in result.output
    assert "Every other user of this machine can read it" in result.output
    assert f"chmod 0600 {db}" in result.output
    zh = run(db, "zh")
    assert zh.exit_code == 3 and "本机所有用户都能读取" in zh.output and "修复方法" in zh.output


def test_the_shared_office_setup_lists_the_group_and_passes(tmp_path: Path) -> None:
    db = make_db(tmp_path, 0o2770)
    assert stat.S_IMODE(db.stat().st_mode) == 0o660
    report = inspect(db)
    assert report.warnings == [] and not report.everyone_reads
    assert ME in report.writers
    members = {u.pw_name for u in pwd.getpwall() if u.pw_gid == db.stat().st_gid}
    assert members <= set(report.readers)
    result = run(db)
    assert result.exit_code == 0, result.output
    assert "drwxrws--- 2770" in result.output and "setgid: yes" in result.output


def test_shared_mistakes_a_sidecar_with_other_modes_and_a_folder_without_setgid(
    tmp_path: Path,
) -> None:
    db = make_db(tmp_path, 0o770, 0o660)
    wal = Path(f"{db}-wal")
    wal.write_bytes(b"")
    os.chmod(wal, 0o604)
    report = inspect(db)
    codes = {(w.code, w.path) for w in report.warnings}
    assert ("folder_not_setgid", db.parent) in codes
    assert ("sidecar_differs", wal) in codes
    assert ("world_readable", wal) in codes
    assert any(fix.startswith("chmod 2770 ") for fix in report.fixes)
    assert any(fix.startswith("chmod 0660 ") and str(wal) in fix for fix in report.fixes)
    result = run(db)
    assert result.exit_code == 3
    assert "-wal" in result.output and "has no setgid bit" in result.output


def test_a_missing_database_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = run(tmp_path / "none.db")
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
