"""``cadre-tui config``: where the config file is, what each setting is and where it
came from, and the binding ids the ``[keys]`` table can remap.

Exit status 0, or 3 when ``--show`` finds problems (as ``access`` and ``import`` use 3
for "done, with things to look at"): the values shown are the ones in use.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from cadre_tui.cli.common import Settings, subcommand_options
from cadre_tui.cli.translated import TranslatedCommand, option
from cadre_tui.config import Config, ConfigProblem, load_config
from cadre_tui.i18n import t

EXIT_PROBLEMS = 3


@click.command(cls=TranslatedCommand, help="cli.help.config")
@option("--path", "show_path", is_flag=True, help="cli.help.config_path")
@option("--show", is_flag=True, help="cli.help.config_show")
@option("--bindings", is_flag=True, help="cli.help.config_bindings")
@option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="cli.help.format",
)
@subcommand_options
def config_command(
    settings: Settings, show_path: bool, show: bool, bindings: bool, output_format: str
) -> None:
    """Print the path, the effective settings, or the binding ids (help: cli.help.config)."""
    config = settings.config or load_config()
    if show:
        _show(config, output_format)
    elif bindings:
        _bindings(output_format)
    elif show_path:
        click.echo(str(config.path))
    else:
        click.echo(t("config.about"))
        click.echo()
        click.echo(_path_line(config))
        click.echo(t("config.usage"))


def _path_line(config: Config) -> str:
    state = t("config.exists") if config.file_found else t("config.missing")
    return t("config.path", path=str(config.path), state=state)


def _show(config: Config, output_format: str) -> None:
    from cadre_tui import theme_files

    themes = theme_files.load_themes(theme_files.user_folder(config.path))
    problems = [*config.problems, *themes.problems]
    chosen = config.theme.value
    if chosen and chosen not in themes.names:
        problems.append(theme_files.unknown_theme(chosen, themes.names, config.theme.source))
    if config.keys:
        from cadre_tui.ui.bindings import unknown_binding_problems

        source = next(iter(config.keys.values())).source  # every key comes from the file
        problems += unknown_binding_problems(config.keymap, source)
    if output_format == "json":
        data = {**_as_json(config, problems), **_themes_json(config, themes)}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_text(config, problems, themes)
    if problems:
        raise SystemExit(EXIT_PROBLEMS)


def _as_json(config: Config, problems: list[ConfigProblem]) -> dict[str, Any]:
    return {
        "path": str(config.path),
        "exists": config.file_found,
        "settings": {
            name: {"value": _json_value(setting.value), "source": str(setting.source)}
            for name, setting in config.settings()
        },
        "problems": [problem.as_json() for problem in problems],
    }


def _json_value(value: Any) -> Any:
    return str(value) if isinstance(value, Path) else value


def _themes_json(config: Config, themes) -> dict[str, Any]:  # noqa: ANN001 - theme_files.Themes
    from cadre_tui.theme_files import user_folder

    return {
        "theme_folder": str(user_folder(config.path)),
        "themes": [
            {"name": theme.name, "built_in": theme.built_in, "path": str(theme.path)}
            for theme in themes.themes
        ],
    }


def _print_text(config: Config, problems: list[ConfigProblem], themes) -> None:  # noqa: ANN001
    from cadre_tui.theme_files import user_folder

    click.echo(_path_line(config))
    rows = [(name, _text_value(s.value), s.source.describe()) for name, s in config.settings()]
    if not config.keys:
        rows.append(("keys", t("config.no_keys"), t("config.source.default")))
    _columns((t("config.setting"), t("config.value"), t("config.from")), rows)
    click.echo()
    click.echo(t("themes.available"))
    width = max((len(theme.name) for theme in themes.themes), default=0)
    for theme in themes.themes:
        where = t("themes.built_in") if theme.built_in else t("themes.user", path=str(theme.path))
        click.echo(f"  {theme.name:<{width}}  {where}")
    click.echo(t("themes.folder", path=str(user_folder(config.path))))
    click.echo()
    if not problems:
        click.echo(t("config.no_problems"))
        return
    click.echo(t("config.problems"))
    for problem in problems:
        click.echo(f"  ! {problem.message()}")


def _text_value(value: Any) -> str:
    if value is None:
        return t("config.theme_default")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _columns(header: tuple[str, str, str], rows: list[tuple[str, str, str]]) -> None:
    """Three columns, the first two padded by display width (Chinese takes two cells)."""
    from rich.cells import cell_len

    widths = [max(cell_len(row[column]) for row in [header, *rows]) for column in range(2)]
    for row in [header, *rows]:
        first, second = (row[i] + " " * (widths[i] - cell_len(row[i])) for i in range(2))
        click.echo(f"  {first}  {second}  {row[2]}".rstrip())


def _bindings(output_format: str) -> None:
    from cadre_tui.i18n import has
    from cadre_tui.ui.bindings import declared_bindings

    declared = sorted(declared_bindings().values())
    rows = [
        (b.id, ",".join(b.keys), t(b.description) if has(b.description) else b.description)
        for b in declared
    ]
    if output_format == "json":
        data = [{"id": i, "keys": k, "action": a} for i, k, a in rows]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _columns((t("config.binding_id"), t("config.binding_keys"), t("config.binding_action")), rows)
