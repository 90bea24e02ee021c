"""The user's settings: one TOML file, ``CADRE_TUI_*`` environment variables and the
command line, each setting remembering where its value came from.

Precedence: command-line option > environment > config file > default. A bad value
never stops the program: it becomes a ``ConfigProblem`` naming the key and the
expected form, and the next source down (in the end the default) is used.
No Textual and no click here, so the CLI, the app and the tests all read it cheaply.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from cadre_tui import paths
from cadre_tui.config_keys import normalize_key
from cadre_tui.i18n import LANGUAGES, t

T = TypeVar("T")

SETTINGS = ("database", "language", "theme", "read_only", "eligibility", "keys")
"""The top-level keys of the file, in the order ``config --show`` prints them."""

ENVIRONMENT = {
    "database": paths.DB_ENV,
    "language": paths.LANG_ENV,
    "theme": paths.THEME_ENV,
    "read_only": paths.READ_ONLY_ENV,
}
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""Where the language comes from when nothing sets it (as ``i18n.language_from_environment``)."""

ELIGIBILITY_RANGES = {"max_age": (18, 70), "cooling_off_years": (0, 20)}
"""The eligibility defaults the file may change, and the values that make sense for them."""
ELIGIBILITY_ENVIRONMENT = {
    "max_age": "CADRE_TUI_MAX_AGE",
    "cooling_off_years": "CADRE_TUI_COOLING_OFF_YEARS",
}
"""The variables that override them, as ``ENVIRONMENT`` does for the other settings."""

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "n"})

BINDING_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Source:
    """Where a value came from: ``default``, ``locale``, ``file``, ``env`` or ``option``."""

    kind: str
    where: str = ""

    def __str__(self) -> str:
        label = {"file": "config file", "env": "env"}.get(self.kind, self.kind)
        return f"{label} {self.where}".strip()

    def describe(self) -> str:
        """The same, in the user's language."""
        return t(f"config.source.{self.kind}", where=self.where)


DEFAULT = Source("default")


@dataclass(frozen=True)
class Setting(Generic[T]):
    value: T
    source: Source = DEFAULT


@dataclass(frozen=True)
class ConfigProblem:
    """A value that was not used: which key, the form it should have, what it was."""

    key: str
    expected: str
    """A catalog key (``config.expect.*``): translated when shown, since the language
    itself may come from the file that has the problem."""
    got: str
    source: Source | None = None
    params: tuple[tuple[str, str], ...] = ()
    whole_file: bool = False
    template: str = ""
    """A catalog key of its own for the message (a theme file's problems); it gets
    ``key``, ``got``, ``expected`` and the params."""

    def expected_text(self) -> str:
        return t(self.expected, **dict(self.params))

    def message(self) -> str:
        if self.template:
            params = {**dict(self.params), "key": self.key, "got": self.got}
            return t(self.template, **params, expected=self.expected_text())
        if self.whole_file:
            return t("config.problem_file", path=self.key, got=self.got)
        template = "config.problem_name" if self.expected in _NAME_PROBLEMS else "config.problem"
        if self.source is None:
            template += "_plain"
        where = self.source.describe() if self.source is not None else ""
        return t(template, key=self.key, got=self.got, expected=self.expected_text(), source=where)

    def as_json(self) -> dict[str, str]:
        return {
            "key": self.key,
            "got": self.got,
            "expected": self.expected_text(),
            "source": str(self.source) if self.source is not None else "app",
            "message": self.message(),
        }


_NAME_PROBLEMS = frozenset(
    {
        "config.expect.known_key",
        "config.expect.binding_id",
        "config.expect.binding_known",
        "config.expect.binding_near",
    }
)
"""Problems with the key's name rather than its value."""


class _Invalid(Exception):
    def __init__(self, expected: str, **params: str) -> None:
        super().__init__(expected)
        self.expected = expected
        self.params = tuple(params.items())


@dataclass(frozen=True)
class Config:
    """Every effective setting with its source, and what was wrong on the way."""

    path: Path
    file_found: bool
    database: Setting[Path]
    language: Setting[str]
    theme: Setting[str | None]
    read_only: Setting[bool]
    eligibility_set: dict[str, Setting[int]]
    """The eligibility defaults the file changes; ``eligibility`` adds the rest."""
    keys: dict[str, Setting[str]]
    """Binding id → Textual key string (``"ctrl+f"``, ``"question_mark,f1"``)."""
    problems: tuple[ConfigProblem, ...] = field(default=())

    @property
    def eligibility(self) -> dict[str, Setting[int]]:
        """Every eligibility default, from the file or the rules' own (imported only here)."""
        from cadre_tui.domain.eligibility import EligibilityRules

        rules = EligibilityRules()
        return {
            name: self.eligibility_set.get(name) or Setting(getattr(rules, name))
            for name in ELIGIBILITY_RANGES
        }

    @property
    def keymap(self) -> dict[str, str]:
        return {binding_id: setting.value for binding_id, setting in self.keys.items()}

    def override(self, name: str, value: Any, option: str) -> Config:
        """The config with a command-line option's value, which beats every other source."""
        if name == "database":
            value = Path(value).expanduser()
        return replace(self, **{name: Setting(value, Source("option", option))})

    def eligibility_rules(self):  # -> domain.eligibility.EligibilityRules
        from cadre_tui.domain.eligibility import EligibilityRules

        return EligibilityRules(**{name: s.value for name, s in self.eligibility.items()})

    def settings(self) -> list[tuple[str, Setting[Any]]]:
        """Every setting as (dotted name, setting), in the file's order."""
        rows: list[tuple[str, Setting[Any]]] = [
            ("database", self.database),
            ("language", self.language),
            ("theme", self.theme),
            ("read_only", self.read_only),
        ]
        rows += [(f"eligibility.{name}", s) for name, s in self.eligibility.items()]
        rows += [(f"keys.{name}", s) for name, s in sorted(self.keys.items())]
        return rows


def load_config(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Config:
    """Read the file (missing is fine) and the environment; never raises for bad values."""
    env = os.environ if environ is None else environ
    file = Path(path).expanduser() if path is not None else paths.config_file(env)
    problems: list[ConfigProblem] = []
    data, found = _read(file, problems)
    in_file = Source("file", str(file))
    for name in data:
        if name not in SETTINGS:
            problems.append(_unknown(name, SETTINGS, data[name], in_file))

    def resolve(name: str, parse, default: Setting[Any]) -> Setting[Any]:  # noqa: ANN001
        chosen = default
        if name in data:
            chosen = _parsed(name, data[name], lambda v: parse(v, file.parent), in_file, problems)
        raw = env.get(ENVIRONMENT[name], "").strip()
        if raw:
            from_env = Source("env", ENVIRONMENT[name])
            chosen = _parsed(name, raw, lambda v: parse(v, None), from_env, problems) or chosen
        return chosen or default

    return Config(
        path=file,
        file_found=found,
        database=resolve("database", _database, Setting(paths.default_database())),
        language=resolve("language", _language, _locale_language(env)),
        theme=resolve("theme", _theme, Setting(None)),
        read_only=resolve("read_only", _read_only, Setting(False)),
        eligibility_set=_eligibility(data.get("eligibility", {}), in_file, env, problems),
        keys=_keys(data.get("keys", {}), in_file, problems),
        problems=tuple(problems),
    )


def _read(file: Path, problems: list[ConfigProblem]) -> tuple[dict[str, Any], bool]:
    try:
        with open(file, "rb") as handle:
            return tomllib.load(handle), True
    except FileNotFoundError:
        return {}, False
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc)
    except UnicodeDecodeError:
        reason = t("config.not_utf8")
    except OSError as exc:
        reason = exc.strerror or str(exc)
    problems.append(ConfigProblem(str(file), "config.expect.toml", reason, whole_file=True))
    return {}, file.exists()


def _parsed(name, raw, parse, source, problems):  # noqa: ANN001, ANN202 - local plumbing
    try:
        return Setting(parse(raw), source)
    except _Invalid as exc:
        problems.append(ConfigProblem(name, exc.expected, _shown(raw), source, exc.params))
        return None


def _shown(value: Any) -> str:
    """A value as the user wrote it, short enough for one line."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:59] + "…"


def _unknown(name: str, known, value: Any, source: Source) -> ConfigProblem:  # noqa: ANN001
    return ConfigProblem(
        name, "config.expect.known_key", _shown(value), source, (("known", ", ".join(known)),)
    )


# Each parser takes the value and ``folder``: the file's folder for a value from the file,
# None for one from the environment (a string whatever the setting).


def _database(value: Any, folder: Path | None) -> Path:
    """A relative path in the file is taken from the file's folder, not the current one."""
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("config.expect.path")
    path = Path(value.strip()).expanduser()
    return folder / path if folder is not None and not path.is_absolute() else path


def _language(value: Any, _folder: Path | None) -> str:
    if isinstance(value, str) and value.strip().lower() in LANGUAGES:
        return value.strip().lower()
    raise _Invalid("config.expect.language", choices=" | ".join(LANGUAGES))


def _theme(value: Any, _folder: Path | None) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise _Invalid("config.expect.theme_name")


def _read_only(value: Any, folder: Path | None) -> bool:
    if isinstance(value, bool):
        return value
    if folder is None and isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise _Invalid("config.expect.bool_env")
    raise _Invalid("config.expect.bool")


def _locale_language(env: Mapping[str, str]) -> Setting[str]:
    for name in LOCALE_VARIABLES:
        value = env.get(name, "")
        if value:
            return Setting("zh" if value.lower().startswith("zh") else "en", Source("locale", name))
    return Setting("en")


def _eligibility(
    table: Any, source: Source, env: Mapping[str, str], problems: list[ConfigProblem]
) -> dict[str, Setting[int]]:
    """The file's values, each overridden by its ``CADRE_TUI_*`` variable; a bad value
    in the environment falls back to the file's (as ``resolve`` does)."""
    chosen: dict[str, Setting[int]] = {}
    if not isinstance(table, dict):
        problems.append(ConfigProblem("eligibility", "config.expect.table", _shown(table), source))
        table = {}
    for name, value in table.items():
        if name not in ELIGIBILITY_RANGES:
            problems.append(_unknown(f"eligibility.{name}", ELIGIBILITY_RANGES, value, source))
        elif found := _whole_number(name, value, source, problems):
            chosen[name] = found
    for name, variable in ELIGIBILITY_ENVIRONMENT.items():
        raw = env.get(variable, "").strip()
        number = int(raw) if raw.isascii() and raw.isdigit() else raw
        if raw and (found := _whole_number(name, number, Source("env", variable), problems)):
            chosen[name] = found
    return chosen


def _whole_number(
    name: str, value: Any, source: Source, problems: list[ConfigProblem]
) -> Setting[int] | None:
    low, high = ELIGIBILITY_RANGES[name]
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return Setting(value, source)
    bounds = (("low", str(low)), ("high", str(high)))
    problems.append(
        ConfigProblem(
            f"eligibility.{name}", "config.expect.whole_number", _shown(value), source, bounds
        )
    )
    return None


def _keys(table: Any, source: Source, problems: list[ConfigProblem]) -> dict[str, Setting[str]]:
    if not isinstance(table, dict):
        problems.append(ConfigProblem("keys", "config.expect.table", _shown(table), source))
        return {}
    chosen: dict[str, Setting[str]] = {}
    for binding_id, value in _flatten(table).items():
        key = f"keys.{binding_id}"
        if not BINDING_ID.match(binding_id):
            problems.append(ConfigProblem(key, "config.expect.binding_id", _shown(value), source))
            continue
        items = value if isinstance(value, list) else [value]
        normalized = [normalize_key(item) if isinstance(item, str) else None for item in items]
        if not items or None in normalized:
            problems.append(ConfigProblem(key, "config.expect.key", _shown(value), source))
            continue
        chosen[binding_id] = Setting(",".join(k for k in normalized if k), source)
    return chosen


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``pool.search = "x"`` under ``[keys]`` is a nested table in TOML: dot it again."""
    flat: dict[str, Any] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat
