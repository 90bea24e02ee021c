"""``cadre-tui backup`` and ``restore`` on a copy of the demo: what they print in both
languages, rotation, the --yes guard, refusals, and a full round trip."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cadre_tui.cli import main
from cadre_tui.store import backup
from cadre_tui.store.connection import connect
from cadre_tui.store.health import integrity_check


def run(db: Path, *args: str, lang: str = "en"):
    return CliRunner().invoke(main, ["--lang", lang, "--db", str(db), *args])


def cadre_count(db: Path) -> int:
    conn = connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM cadres").fetchone()[0]
    finally:
        conn.close()


def test_backup_prints_the_file_its_size_and_the_row_counts(demo_copy: Path) -> None:
    result = run(demo_copy, "backup")
    assert result.exit_code == 0, result.output
    written = backup.latest_backup(demo_copy)
    assert written is not None and written.parent == demo_copy.parent / "backups"
    assert f"Backup written: {written} (" in result.output
    assert " MB)" in result.output
    cadres = cadre_count(demo_copy)
    assert any(
        line.split()[:1] == ["Cadres"] and line.split()[-1] == f"{cadres:,}"
        for line in result.output.splitlines()
    )
    assert "Audit log rows" in result.output and "Figure entries" in result.output
    assert integrity_check(written) == []

    zh = run(demo_copy, "backup", lang="zh")
    assert zh.exit_code == 0 and "已写入备份：" in zh.output and "干部" in zh.output


def test_keep_rotates_only_this_databases_backups(demo_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "someone-else.db").write_text("left alone")
    outputs = [run(demo_copy, "backup", "--to", str(folder), "--keep", "2") for _ in range(3)]
    assert [r.exit_code for r in outputs] == [0, 0, 0]
    assert "Removed 1 old backup(s), keeping the newest 2:" in outputs[2].output
    kept = backup.list_backups(demo_copy, folder)
    assert len(kept) == 2 and (folder / "someone-else.db").exists()
    assert str(kept[-1].path) in outputs[2].output
    assert not (demo_copy.parent / "backups").exists()
    refused = run(demo_copy, "backup", "--keep", "0")
    assert refused.exit_code == 2


def test_restore_needs_yes_then_round_trips(demo_copy: Path) -> None:
    assert run(demo_copy, "backup").exit_code == 0
    saved = backup.latest_backup(demo_copy)
    before = cadre_count(demo_copy)
    conn = connect(demo_copy)
    conn.execute("DELETE FROM recommendations")
    conn.execute("DELETE FROM cadres WHERE id NOT IN (SELECT cadre_id FROM placements)")
    conn.close()
    emptied = cadre_count(demo_copy)
    assert emptied < before

    dry = run(demo_copy, "restore", str(saved))
    assert dry.exit_code == 1
    assert f"Checked {saved}: integrity ok, schema" in dry.output
    assert "run again with --yes" in dry.output
    assert cadre_count(demo_copy) == emptied

    zh_dry = run(demo_copy, "restore", str(saved), lang="zh")
    assert zh_dry.exit_code == 1 and "恢复将替换" in zh_dry.output and "--yes" in zh_dry.output

    done = run(demo_copy, "restore", "--yes", str(saved))
    assert done.exit_code == 0, done.output
    assert f"Restored {saved} into {demo_copy}" in done.output
    assert cadre_count(demo_copy) == before
    assert integrity_check(demo_copy) == []
    (replaced,) = [b for b in backup.list_backups(demo_copy, include_replaced=True) if b.replaced]
    assert str(replaced.path) in done.output
    copy = connect(replaced.path, read_only=True)
    try:
        assert copy.execute("SELECT COUNT(*) FROM cadres").fetchone()[0] == emptied
    finally:
        copy.close()


def test_restore_refusals_print_one_line_and_change_nothing(
    demo_copy: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    before = demo_copy.read_bytes()
    cases = [
        (["restore", "--yes", str(junk)], "cannot be read as a database"),
        (["restore", "--yes", str(tmp_path / "none.db")], "does not exist"),
        (["restore", "--yes", str(demo_copy)], "is the database itself"),
        (["--read-only", "restore", "--yes", str(junk)], "Read-only"),
    ]
    for args, words in cases:
        if args[0] == "--read-only":
            result = CliRunner().invoke(main, ["--read-only", "--db", str(demo_copy), *args[1:]])
        else:
            result = run(demo_copy, *args)
        assert result.exit_code == 1, args
        assert words in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
    zh = run(demo_copy, "restore", "--yes", str(junk), lang="zh")
    assert zh.exit_code == 1 and "无法作为数据库读取" in zh.output
    assert demo_copy.read_bytes() == before
    assert not (demo_copy.parent / "backups").exists()


def test_help_is_translated() -> None:
    result = CliRunner().invoke(main, ["--lang", "zh", "backup", "--help"])
    assert result.exit_code == 0 and "保留的备份份数" in result.output
    result = CliRunner().invoke(main, ["--lang", "en", "restore", "--help"])
    assert "Really replace the database" in result.output


def test_backup_reads_only_and_refuses_a_missing_database(demo_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro-copies"
    result = CliRunner().invoke(
        main, ["--read-only", "--db", str(demo_copy), "backup", "--to", str(folder)]
    )
    assert result.exit_code == 0, result.output
    assert backup.latest_backup(demo_copy, folder) is not None
    missing = run(tmp_path / "none.db", "backup")
    assert missing.exit_code == 1 and "does not exist" in missing.output
    assert not (tmp_path / "none.db").exists()
