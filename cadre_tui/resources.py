"""Where the data files that ship with the package live (db/, themes/).

In a wheel they are force-included under ``cadre_tui/_data``; in a source
checkout they sit beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the shipped folder ``name`` (``db`` or ``themes``)."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cadre-tui data folder missing: {name}")
