"""Several coordinators on one file: an edit in one app shows in the other within
2 seconds with the cursor on the same cadre; ctrl+z undoes the user's last change;
read-only hides every writing key; a damaged file is kept from writes."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

import pytest

from cadre_tui import i18n
from cadre_tui.i18n import t
from cadre_tui.store import audit, backup, cadres
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.bindings import EDIT_BINDING_IDS
from cadre_tui.ui.screens.pool import PoolScreen


async def settle(app: CadreApp, pilot) -> PoolScreen:  # noqa: ANN001
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(app.screen, PoolScreen) and app.screen.total is not None:
            break
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, PoolScreen)
    return app.screen


def post_of(path: Path, cadre_id: int) -> str:
    conn = connect(path, read_only=True)
    try:
        return conn.execute("SELECT post FROM cadres WHERE id = ?", (cadre_id,)).fetchone()[0]
    finally:
        conn.close()


async def wait_for(condition, pilot, seconds: float) -> float:  # noqa: ANN001
    """Seconds until ``condition()`` held (fails after ``seconds``)."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        await pilot.pause(0.05)
    raise AssertionError(f"not within {seconds} s")


async def test_an_edit_in_one_app_shows_in_the_other_with_the_cursor_kept(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    i18n.set_language("en")
    watching = CadreApp(open_database(demo_copy), start="pool")
    editing = CadreApp(open_database(demo_copy), start="pool")
    async with watching.run_test(size=(80, 24)) as seen, editing.run_test(size=(80, 24)) as pilot:
        pool = await settle(watching, seen)
        for _ in range(5):
            await seen.press("down")
        await seen.pause()
        target = pool.grid.current
        assert target is not None and pool.grid.cursor == 5
        await settle(editing, pilot)
        monkeypatch.setattr(audit, "current_actor", lambda: "li")
        # The other coordinator edits the same cadre through their own app's form.
        other_pool = editing.screen
        assert isinstance(other_pool, PoolScreen)
        other_pool.grid._move_to(
            next(i for i, row in enumerate(other_pool.grid.rows) if row.id == target.id)
        )
        await pilot.press("e")
        await pilot.pause(0.3)
        await editing.workers.wait_for_complete()
        form = editing.screen
        form.field("post").set_value("驻村第一书记")
        await pilot.press("ctrl+s")
        await editing.workers.wait_for_complete()
        await pilot.pause()
        assert post_of(demo_copy, target.id) == "驻村第一书记"

        def shown() -> bool:
            row = pool.grid.current
            return row is not None and row.id == target.id and row.post == "驻村第一书记"

        assert await wait_for(shown, seen, 2.0) < 2.0
        assert pool.grid.cursor == 5
        notices = [n.message for n in watching._notifications]
        assert t("live.updated_by", who="li") in notices


async def test_ctrl_z_undoes_my_last_change_and_the_pool_follows(demo_copy: Path) -> None:
    i18n.set_language("zh")
    database = open_database(demo_copy)
    app = CadreApp(database, start="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        pool = await settle(app, pilot)
        first = pool.grid.current
        conn = database.connect()
        try:
            cadre = cadres.get_cadre(conn, first.id)
            cadres.update_cadre(conn, cadre.id, dataclasses.replace(cadre.record(), post="组长"))
        finally:
            conn.close()
        await wait_for(lambda: pool.grid.current.post == "组长", pilot, 2.5)
        await pilot.press("ctrl+z")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert post_of(demo_copy, first.id) == cadre.post
        await wait_for(lambda: pool.grid.current.post == cadre.post, pilot, 2.5)
        done = t("undo.done", what=t("undo.what.cadre.update"), when="")
        assert any(n.message.startswith(done[:5]) for n in app._notifications)
        # Nothing of this user's is left that can be reversed: the demo's bulk writes are not.
        await pilot.press("ctrl+z")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("无法" in n.message or "没有" in n.message for n in app._notifications)


async def test_read_only_hides_every_writing_key_from_footer_help_and_palette(
    demo_db: Path, screen_text
) -> None:
    i18n.set_language("en")
    app = CadreApp(open_database(demo_db, read_only=True), start="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        pool = await settle(app, pilot)
        ids = {binding.id for _n, binding, _e, _t in pool.active_bindings.values()}
        assert not ids & EDIT_BINDING_IDS
        assert "pool.search" in ids
        footer = screen_text(app).splitlines()[-1]
        assert t("pool.key_add") not in footer
        await pilot.press("a")  # the add key does nothing at all
        await pilot.pause()
        assert app.screen is pool
        await pilot.press("f1")
        await pilot.pause()
        help_text = screen_text(app)
        for key in ("pool.key_add", "pool.key_edit", "pool.key_import", "undo.key"):
            assert t(key) not in help_text
        await pilot.press("escape")
        await pilot.press("f5")
        await asyncio.sleep(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        batch_ids = {b.id for _n, b, _e, _t in app.screen.active_bindings.values()}
        assert not batch_ids & EDIT_BINDING_IDS
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert t("batch.key_new_group") not in " ".join(map(str, commands))


async def test_a_damaged_file_is_kept_from_writes_and_the_latest_backup_named(
    database, tmp_path: Path
) -> None:
    i18n.set_language("en")
    conn = database.connect()
    try:
        conn.execute("CREATE TABLE filler (x TEXT)")
        conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,) for _ in range(400)])
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'filler'").fetchone()[
            0
        ]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    taken = backup.take_backup(database.path)
    with open(database.path, "r+b") as handle:  # scribble over the table's root page
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xff" * 64)
    app = CadreApp(open_database(database.path), start="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(1.0)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.database.read_only
        messages = " ".join(n.message for n in app._notifications)
        assert str(taken.path) in messages
        ids = {b.id for _n, b, _e, _t in app.screen.active_bindings.values()}
        assert not ids & EDIT_BINDING_IDS


async def test_h_opens_the_highlighted_cadres_history_from_the_pool(demo_copy: Path) -> None:
    from cadre_tui.ui.screens.history import HistoryScreen

    i18n.set_language("zh")
    database = open_database(demo_copy)
    app = CadreApp(database, start="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        pool = await settle(app, pilot)
        first = pool.grid.current
        conn = database.connect()
        try:
            cadre = cadres.get_cadre(conn, first.id)
            cadres.update_cadre(conn, cadre.id, dataclasses.replace(cadre.record(), post="组长"))
        finally:
            conn.close()
        await pilot.press("h")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        text = " ".join(str(r) for r in app.screen.query_one("DataTable").get_row_at(0))
        assert "组长" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is pool


async def test_leaving_the_app_folds_the_wal_back(demo_copy: Path) -> None:
    database = open_database(demo_copy)
    app = CadreApp(database, start="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        conn = database.connect()
        try:
            cadre = cadres.get_cadre(conn, 1)
            cadres.update_cadre(conn, 1, dataclasses.replace(cadre.record(), post="组员"))
        finally:
            conn.close()
        wal = Path(f"{demo_copy}-wal")
        assert wal.exists() and wal.stat().st_size > 0
    assert not wal.exists() or wal.stat().st_size == 0
