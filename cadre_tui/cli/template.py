"""``cadre-tui template FILE.xlsx``: an empty roster to send to units, with the
headers ``cadre-tui import`` reads and an instructions sheet, in one language."""

from __future__ import annotations

from pathlib import Path

import click

from cadre_tui import i18n
from cadre_tui.cli.common import Settings, fail, set_language
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t


@click.command(cls=TranslatedCommand, help="cli.help.template")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@option(
    "--lang",
    type=click.Choice(i18n.LANGUAGES),
    default=None,
    is_eager=True,
    callback=set_language,
    help="cli.help.template_lang",
)
@option("--force", is_flag=True, help="cli.help.template_force")
@click.pass_obj
def template_command(settings: Settings, file: Path, lang: str | None, force: bool) -> None:
    """Write an empty roster (help text: cli.help.template)."""
    from cadre_tui.services.roster_import.template import write_template

    language = lang or settings.lang
    try:
        path = write_template(file, language, force=force)
    except CadreError as exc:
        fail(exc.message())
    except OSError as exc:
        fail(t("roster_import.template.cannot_write", path=str(file), reason=exc.strerror))
    click.echo(t("roster_import.template.written", path=str(path)))
