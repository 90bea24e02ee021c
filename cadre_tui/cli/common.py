"""What every subcommand shares: the resolved settings, opening the store, failing cleanly."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cadre_tui import i18n, paths
from cadre_tui.cli.translated import option
from cadre_tui.domain.eligibility import EligibilityRules
from cadre_tui.errors import CadreError
from cadre_tui.i18n import t

if TYPE_CHECKING:
    from cadre_tui.config import Config

CONFIG_META = "cadre_tui.config"
"""Where the group keeps the config it read, so the file is read once per run."""


@dataclass(frozen=True)
class Settings:
    """What the options decided, handed to every subcommand."""

    db: Path
    demo: bool
    read_only: bool
    allow_old_sqlite: bool
    lang: str
    config: Config | None = field(default=None, compare=False)
    """The config file and environment, with the options applied; None outside the group."""

    @property
    def rules(self) -> EligibilityRules:
        """The eligibility values every command that judges cadres uses, and the app:
        the config's ``[eligibility]`` (the seed's defaults outside the group)."""
        return self.config.eligibility_rules() if self.config is not None else EligibilityRules()


def fail(message: str) -> None:
    """One clear line on stderr and exit status 1."""
    click.echo(t("cli.error_prefix", message=message), err=True)
    sys.exit(1)


def ensure_demo(settings: Settings) -> None:
    """Build the demo database on first use; reuse it after."""
    path = settings.db
    if path.exists() and path.stat().st_size > 0:
        return
    from cadre_tui.services.demo import build_demo

    click.echo(t("cli.demo_building", path=str(path)), err=True)
    try:
        build_demo(path)
    except CadreError as exc:
        fail(exc.message())


def open_store(settings: Settings, *, create: bool = False):  # -> store.database.Database
    """Open the database; for subcommands a missing file is an error, not a new file."""
    from cadre_tui.store.connection import database_error
    from cadre_tui.store.database import open_database
    from cadre_tui.store.sqlite import sqlite3

    if settings.demo:
        ensure_demo(settings)
    try:
        return open_database(
            settings.db,
            read_only=settings.read_only,
            allow_old_sqlite=settings.allow_old_sqlite,
            create=create,
        )
    except CadreError as exc:
        fail(exc.message())
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, settings.db).message())


def set_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Eager callback: the language is known before any other option is reported on.

    On the group it also reads the config file, since the language may come from there."""
    if ctx.parent is None:
        config = group_config(ctx)
        if value is not None:
            config = ctx.meta[CONFIG_META] = config.override("language", value, "--lang")
        i18n.set_language(config.language.value)
    elif value is not None:
        i18n.set_language(i18n.resolve_language(value))
    return value


def early_language(ctx: click.Context, args: list[str]) -> None:
    """Set the language from the raw arguments before click parses them: the last valid
    ``--lang`` (a subcommand's wins, as it does later), else the config file and locale."""
    chosen = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in i18n.LANGUAGES:
            chosen = value
    i18n.set_language(chosen or group_config(ctx).language.value)


def group_config(ctx: click.Context) -> Config:
    """The config file and the ``CADRE_TUI_*`` environment, read once per run."""
    config = ctx.meta.get(CONFIG_META)
    if config is None:
        from cadre_tui.config import load_config

        config = ctx.meta[CONFIG_META] = load_config()
    return config


def report_problems(config: Config) -> None:
    """The config's problems, once, on stderr (a bad value never stops a command)."""
    for problem in config.problems:
        click.echo(t("config.warning", message=problem.message()), err=True)


def subcommand_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--db`` and ``--lang`` on every subcommand too (they override the group's)."""

    @option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="cli.help.db_sub",
    )
    @option(
        "--lang",
        type=click.Choice(i18n.LANGUAGES),
        default=None,
        is_eager=True,
        expose_value=True,
        callback=set_language,
        help="cli.help.lang_sub",
    )
    @click.pass_obj
    @functools.wraps(func)
    def wrapper(settings: Settings, db_path: Path | None, lang: str | None, **kwargs: Any) -> Any:
        config = settings.config
        if db_path is not None:
            if config is not None:
                config = config.override("database", db_path, "--db")
            settings = replace(settings, db=db_path, demo=False, config=config)
        if lang is not None:
            if config is not None:
                config = config.override("language", lang, "--lang")
            settings = replace(settings, lang=lang, config=config)
        return func(settings, **kwargs)

    return wrapper


def apply_group_options(
    config: Config, db_path: Path | None, demo: bool, read_only: bool
) -> Config:
    """The group's options over the file and environment: ``--demo``/``--db``, ``--read-only``."""
    if demo and db_path is not None:
        fail(t("cli.demo_and_db"))
    if demo:
        config = config.override("database", paths.demo_database(), "--demo")
    elif db_path is not None:
        config = config.override("database", db_path, "--db")
    if read_only:
        config = config.override("read_only", True, "--read-only")
    return config
