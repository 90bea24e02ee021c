"""``cadre-tui backup`` and ``cadre-tui restore``: a consistent copy taken while others
write, kept in ``backups/`` beside the database with rotation; a restore checks the
file first and keeps the database it replaces."""

from __future__ import annotations

from pathlib import Path

import click

from cadre_tui.cli.common import Settings, ensure_demo, fail, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t

DEFAULT_KEEP = 14


def human_size(size: int) -> str:
    """Bytes as a short figure (KB, MB, GB), as ``ls -h`` counts them."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


def echo_counts(counts: dict[str, int]) -> None:
    """One indented line per table, labels and figures aligned (CJK-aware)."""
    from rich.cells import cell_len

    labels = {table: t(f"backup.table.{table}") for table in counts}
    width = max((cell_len(label) for label in labels.values()), default=0)
    for table, count in counts.items():
        label = labels[table]
        click.echo(f"  {label}{' ' * (width - cell_len(label))}  {count:>10,}")


@click.command(cls=TranslatedCommand, help="cli.help.backup")
@option(
    "--to",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="cli.help.backup_to",
)
@option(
    "--keep",
    type=click.IntRange(min=1),
    default=DEFAULT_KEEP,
    show_default=True,
    help="cli.help.backup_keep",
)
@subcommand_options
def backup_command(settings: Settings, directory: Path | None, keep: int) -> None:
    """Copy the database into the backups folder and delete the oldest beyond ``keep``."""
    from cadre_tui.store.backup import take_backup

    if settings.demo:
        ensure_demo(settings)
    try:
        result = take_backup(
            settings.db,
            directory,
            keep=keep,
            read_only=settings.read_only,
            allow_old_sqlite=settings.allow_old_sqlite,
        )
    except CadreError as exc:
        fail(exc.message())
    click.echo(t("backup.written", path=str(result.path), size=human_size(result.size)))
    echo_counts(result.counts)
    if result.removed:
        click.echo(t("backup.rotated", count=len(result.removed), keep=keep))
        for path in result.removed:
            click.echo(f"  {path.name}")


@click.command(cls=TranslatedCommand, help="cli.help.restore")
@click.argument("file", type=click.Path(path_type=Path))
@option(
    "--keep-in",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="cli.help.restore_keep_in",
)
@option("--yes", is_flag=True, help="cli.help.restore_yes")
@subcommand_options
def restore_command(settings: Settings, file: Path, directory: Path | None, yes: bool) -> None:
    """Check ``file``; with ``--yes`` keep the current database and copy ``file`` into it."""
    from cadre_tui.store import backup

    if settings.read_only:
        fail(t("error.read_only"))
    if settings.demo:
        ensure_demo(settings)
    if not file.is_file():
        fail(t("backup.file_missing", path=str(file)))
    if not settings.db.is_file():
        fail(CadreError("error.db_missing", path=str(settings.db)).message())
    if backup.is_same_file(settings.db, file):
        fail(t("backup.restore_same_file", path=str(file)))
    check = backup.check_backup_file(file)
    refusal = backup.restore_refusal(check)
    if refusal is not None:
        fail(refusal.message())
    click.echo(t("backup.checked", path=str(file), schema=check.schema))
    echo_counts(check.counts)
    kept_in = directory or backup.default_backup_dir(settings.db)
    if not yes:
        click.echo(t("backup.restore_plan", db=str(settings.db), folder=str(kept_in)))
        click.echo(t("backup.restore_needs_yes"), err=True)
        raise SystemExit(1)
    try:
        result = backup.restore(
            settings.db, file, directory, allow_old_sqlite=settings.allow_old_sqlite
        )
    except CadreError as exc:
        fail(exc.message())
    replaced = result.replaced
    click.echo(t("backup.replaced_kept", path=str(replaced.path), size=human_size(replaced.size)))
    click.echo(t("backup.restored", path=str(file), db=str(settings.db)))
    echo_counts(result.counts)
    if result.migrated:
        click.echo(t("backup.migrated", names=", ".join(result.migrated)))
