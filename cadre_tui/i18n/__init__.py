"""The translation layer: every user-visible string goes through ``t``.

Catalogs are TOML files in this package, one folder per language
(``zh/``, ``en/``) and one file per area (``ui.toml``, ``cli.toml``, ...), so
each area's strings sit together; keys are dotted and placeholders use
``str.format`` names. Language: ``--lang``,
then the config file, then the locale (``LC_ALL``/``LC_MESSAGES``/``LANG``
starting ``zh``), else English.
"""

from __future__ import annotations

import marshal
import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh", "en")
_CATALOG_DIR = Path(__file__).resolve().parent
_current = "en"


@cache
def catalog(lang: str) -> dict[str, str]:
    return load_catalog(_CATALOG_DIR / lang, f"catalog-{lang}")


def load_catalog(folder: Path, cache_name: str) -> dict[str, str]:
    """Every ``*.toml`` in ``folder`` merged into one flat dict, kept in the user's
    cache folder between runs (as long as no file's size or time changed): parsing
    the 28 files of each language took ~14 ms of every start, and both are read."""
    files = sorted(folder.glob("*.toml"))
    stamp = tuple((p.name, st.st_mtime_ns, st.st_size) for p in files for st in [p.stat()])
    kept = _kept(cache_name, stamp)
    if kept is not None:
        return kept
    merged: dict[str, str] = {}
    for path in files:
        with open(path, "rb") as handle:
            entries = _flatten(tomllib.load(handle))
        clash = merged.keys() & entries.keys()
        if clash:
            raise ValueError(f"{path.name} redefines catalog keys: {sorted(clash)[:5]}")
        merged.update(entries)
    _keep(cache_name, stamp, merged)
    return merged


def _cache_file(name: str) -> Path:
    from cadre_tui import __version__, paths

    return paths.cache_dir() / f"{name}-{__version__}.marshal"


def _kept(name: str, stamp: tuple) -> dict[str, str] | None:
    try:
        found_stamp, merged = marshal.loads(_cache_file(name).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return merged if found_stamp == stamp and isinstance(merged, dict) else None


def _keep(name: str, stamp: tuple, merged: dict[str, str]) -> None:
    """Written beside and renamed into place, so a reader never sees half a file."""
    try:
        target = _cache_file(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        partial.write_bytes(marshal.dumps((stamp, merged)))
        os.replace(partial, target)
    except OSError:
        pass  # no cache folder to write: the catalogs are parsed each time


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{full}."))
        else:
            flat[full] = str(value)
    return flat


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def resolve_language(explicit: str | None = None, configured: str | None = None) -> str:
    for choice in (explicit, configured):
        if choice in LANGUAGES:
            return choice
    return language_from_environment()


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    _current = lang


def current_language() -> str:
    return _current


def has(key: str) -> bool:
    """True when ``key`` is a catalog key (English is the reference catalog)."""
    return key in catalog("en")


def t(key: str, /, lang: str | None = None, **params: Any) -> str:
    """The string for ``key`` in the current (or given) language, formatted with ``params``."""
    text = catalog(lang or _current).get(key)
    if text is None:
        text = catalog("en").get(key, key)
    return text.format(**params) if params else text
