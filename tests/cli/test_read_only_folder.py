"""A field reviewer may only read: the database file is 0444 in a folder they
cannot write (no -shm can be made there). Reading works, from the CLI and in the
app; every write says read-only; nothing is created beside the file."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadre_tui import i18n
from cadre_tui.cli import main
from cadre_tui.i18n import t
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.store.health import open_read_only
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.bindings import EDIT_BINDING_IDS


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def shut_folder(demo_db: Path, tmp_path: Path) -> Iterator[Path]:
    """The demo in a folder nobody can write: mode 0555, and for root (who ignores
    modes) the immutable attribute; skipped where neither can be had."""
    folder = tmp_path / "shared"
    folder.mkdir()
    target = folder / "cadre.db"
    source = open_read_only(demo_db)
    try:
        source.execute("VACUUM INTO ?", (str(target),))
    finally:
        source.close()
    connect(target).close()  # in WAL mode, and its -wal/-shm gone again
    target.chmod(0o444)
    folder.chmod(0o555)
    immutable = False
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        done = chattr and subprocess.run([chattr, "+i", str(folder)], capture_output=True)
        if not done or done.returncode != 0:
            folder.chmod(0o755)
            pytest.skip("running as root without chattr +i: a folder cannot be shut")
        immutable = True
    try:
        probe = folder / "probe"
        with pytest.raises(OSError):
            probe.touch()
        yield target
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(stat.S_IRWXU)


def test_reading_works_and_leaves_nothing_beside_the_file(shut_folder: Path) -> None:
    result = run("--db", str(shut_folder), "--read-only", "status", "--batch", "1")
    assert result.exit_code == 0, result.output
    assert "第一批抽调干部" in result.output
    result = run("--db", str(shut_folder), "--read-only", "log", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in shut_folder.parent.iterdir()) == ["cadre.db"]


def test_writes_say_read_only(shut_folder: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "figures.csv"
    sheet.write_text("cadre,date,metric,value\n", encoding="utf-8")
    for args in (
        ("record", "--csv", str(sheet), "--yes"),
        ("export", "pool", "--out", str(tmp_path / "pool.xlsx"), "--unmasked"),
    ):
        result = run("--db", str(shut_folder), "--read-only", *args)
        assert result.exit_code == 1, (args, result.output)
        assert "read-only" in result.output.lower(), (args, result.output)


async def test_the_app_reads_the_pool_and_offers_no_writing_key(shut_folder: Path) -> None:
    i18n.set_language("en")
    app = CadreApp(open_database(shut_folder, read_only=True), start="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(60):
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if getattr(app.screen, "total", None):
                break
        assert app.screen.total > 500
        ids = {b.id for _n, b, _e, _t in app.screen.active_bindings.values()}
        assert not ids & EDIT_BINDING_IDS
        await pilot.press("ctrl+z")  # not bound: nothing happens, nothing breaks
        await pilot.pause()
        assert t("undo.nothing") not in [n.message for n in app._notifications]


def test_a_reviewers_profile_makes_every_run_read_only(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADRE_TUI_READ_ONLY", "1")
    result = run(
        "--db",
        str(demo_copy),
        "record",
        "--cadre",
        "1",
        "--date",
        "2026-11-20",
        "--metric",
        "measured_households",
        "--value",
        "3",
        "--yes",
    )
    assert result.exit_code == 1
    assert t("error.read_only") in result.output
    monkeypatch.setenv("CADRE_TUI_READ_ONLY", "0")
    result = run("--db", str(demo_copy), "log", "--limit", "1")
    assert result.exit_code == 0
