"""``cadre-tui access``: who can read and write the database file, and what to fix.

Exit status 0 when nothing is wrong, 3 when there are warnings (as ``import`` uses 3
for "done, with things to look at"), 1 when there is no database to look at.
"""

from __future__ import annotations

import click

from cadre_tui.cli.common import Settings, ensure_demo, fail, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t

EXIT_WARNINGS = 3


@click.command(cls=TranslatedCommand, help="cli.help.access")
@subcommand_options
def access_command(settings: Settings) -> None:
    """Print the file, its -wal/-shm, its folder and backups folder, and who may use them."""
    from rich.cells import cell_len

    from cadre_tui.services.file_access import inspect

    if settings.demo:
        ensure_demo(settings)
    if settings.db.is_dir():
        fail(CadreError("error.db_is_directory", path=str(settings.db)).message())
    if not settings.db.exists():
        fail(CadreError("error.db_missing", path=str(settings.db)).message())
    try:
        report = inspect(settings.db)
    except OSError as exc:
        fail(t("backup.access.cannot_stat", path=str(settings.db), reason=exc.strerror))

    click.echo(t("backup.access.title", path=str(report.database)))
    kinds = {entry.kind: t(f"backup.access.kind.{entry.kind}") for entry in report.entries}
    kind_width = max(cell_len(label) for label in kinds.values())
    owner_width = max(len(entry.owner) for entry in report.entries)
    group_width = max(len(entry.group) for entry in report.entries)
    for entry in report.entries:
        label = kinds[entry.kind]
        setgid = ""
        if entry.is_folder:
            setgid = "  " + t(
                "backup.access.setgid_yes" if entry.setgid else "backup.access.setgid_no"
            )
        click.echo(
            f"  {label}{' ' * (kind_width - cell_len(label))}  {entry.symbolic} {entry.octal}"
            f"  {entry.owner:<{owner_width}}  {entry.group:<{group_width}}  {entry.path}{setgid}"
        )
    click.echo(t("backup.access.readers", names=_names(report.readers)))
    click.echo(t("backup.access.writers", names=_names(report.writers)))
    if report.everyone_writes:
        click.echo(t("backup.access.everyone_writes"))
    elif report.everyone_reads:
        click.echo(t("backup.access.everyone_reads"))
    else:
        click.echo(t("backup.access.nobody_else"))
    if not report.warnings:
        click.echo(t("backup.access.ok"))
        return
    click.echo(t("backup.access.warnings"))
    for warning in report.warnings:
        click.echo("  ! " + t(f"backup.access.warn.{warning.code}", path=str(warning.path)))
    click.echo(t("backup.access.fix"))
    for command in report.fixes:
        click.echo(f"  {command}")
    raise SystemExit(EXIT_WARNINGS)


def _names(names: list[str]) -> str:
    return t("backup.access.list_separator").join(names) if names else t("backup.access.none")
