"""Layering and start-up cost: checked in fresh interpreters through ``sys.modules``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from cadre_tui.store.database import open_database

NAMED = [
    "cadre_tui.domain.identity",
    "cadre_tui.domain.enums",
    "cadre_tui.store.database",
    "cadre_tui.store.migrate",
    "cadre_tui.store.audit",
]
LAYERS = ["cadre_tui.domain", "cadre_tui.store", "cadre_tui.services"]


def run_python(code: str, *args: str) -> dict:
    """Run ``code`` in a new interpreter; it prints one JSON object as its last line."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_domain_store_and_services_never_import_textual() -> None:
    report = run_python(
        """
        import importlib, json, pkgutil, sys

        imported = []
        for name in sys.argv[1].split(","):
            importlib.import_module(name)
            imported.append(name)
        for layer in sys.argv[2].split(","):
            try:
                package = importlib.import_module(layer)
            except ModuleNotFoundError as exc:
                if exc.name == layer:
                    continue
                raise
            imported.append(layer)
            for info in pkgutil.walk_packages(package.__path__, prefix=layer + "."):
                importlib.import_module(info.name)
                imported.append(info.name)
        loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
        ui = sorted(m for m in sys.modules if m.startswith("cadre_tui.ui"))
        print(json.dumps({"imported": imported, "textual": loaded, "ui": ui}))
        """,
        ",".join(NAMED),
        ",".join(LAYERS),
    )
    assert set(NAMED) <= set(report["imported"])
    assert "cadre_tui.store.connection" in report["imported"]
    assert report["textual"] == [], f"textual was imported: {report['textual'][:5]}"
    assert report["ui"] == [], f"the UI package was imported: {report['ui']}"


def test_walk_covers_every_module_file() -> None:
    """Discovery must see modules added later, not a list written down today."""
    report = run_python(
        """
        import importlib, json, pkgutil, sys
        names = []
        for layer in sys.argv[1].split(","):
            try:
                package = importlib.import_module(layer)
            except ModuleNotFoundError:
                continue
            names += [i.name for i in pkgutil.walk_packages(package.__path__, prefix=layer + ".")]
        print(json.dumps({"names": names}))
        """,
        ",".join(LAYERS),
    )
    root = Path(__file__).resolve().parents[2] / "cadre_tui"
    on_disk = set()
    for layer in LAYERS:
        folder = root / layer.split(".")[1]
        for path in folder.rglob("*.py"):
            if path.name == "__init__.py" or "__pycache__" in path.parts:
                continue
            on_disk.add("cadre_tui." + ".".join(path.relative_to(root).with_suffix("").parts))
    assert on_disk <= set(report["names"])


def test_store_database_alone_does_not_load_heavy_modules() -> None:
    report = run_python(
        """
        import json, sys
        import cadre_tui.store.database
        heavy = ["pypinyin", "openpyxl", "textual", "sqlite_utils", "click", "rich"]
        print(json.dumps({"loaded": [m for m in heavy if m in sys.modules]}))
        """
    )
    assert "pypinyin" not in report["loaded"]
    assert "openpyxl" not in report["loaded"]
    assert "textual" not in report["loaded"]
    assert "sqlite_utils" not in report["loaded"]


def test_opening_a_current_database_does_not_import_sqlite_utils(db_path: Path) -> None:
    open_database(db_path)  # created and migrated here, in the parent
    report = run_python(
        """
        import json, sys
        from cadre_tui.store.database import open_database

        database = open_database(sys.argv[1])
        conn = database.connect()
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        conn.close()
        heavy = ["sqlite_utils", "click", "pypinyin", "openpyxl", "textual"]
        print(json.dumps({"tables": tables, "loaded": [m for m in heavy if m in sys.modules]}))
        """,
        str(db_path),
    )
    assert report["tables"] > 0
    assert report["loaded"] == [], f"loaded on the start-up path: {report['loaded']}"


def test_a_new_database_does_need_sqlite_utils(tmp_path: Path) -> None:
    """The check above is meaningful: migrating a new file does load sqlite-utils."""
    report = run_python(
        """
        import json, sys
        from cadre_tui.store.database import open_database

        open_database(sys.argv[1])
        print(json.dumps({"sqlite_utils": "sqlite_utils" in sys.modules}))
        """,
        str(tmp_path / "new.db"),
    )
    assert report["sqlite_utils"] is True
