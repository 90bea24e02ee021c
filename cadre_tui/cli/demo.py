"""``cadre-tui demo``: build the demo programme into a database file."""

from __future__ import annotations

import click

from cadre_tui.cli.common import Settings, fail, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t


@click.command(cls=TranslatedCommand, help="cli.help.demo_command")
@option(
    "--cadres",
    type=click.IntRange(1, 5_000_000),
    default=None,
    help="cli.help.cadres",
)
@option("--force", is_flag=True, help="cli.help.force")
@subcommand_options
def demo(settings: Settings, cadres: int | None, force: bool) -> None:
    """Build the demo programme into --db (or the demo database)."""
    from cadre_tui.services.demo import build_demo

    if settings.read_only:
        fail(t("error.read_only"))
    try:
        summary = build_demo(settings.db, cadres=cadres, force=force)
    except CadreError as exc:
        fail(exc.message())
    click.echo(
        t(
            "cli.demo_built",
            path=str(settings.db),
            cadres=summary.cadres,
            batches=summary.batches,
            groups=summary.groups,
            entries=summary.figure_entries,
        )
    )
