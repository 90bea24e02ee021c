"""The zh and en catalogs: same keys, same placeholders, and every key the code uses."""

from __future__ import annotations

import ast
import re
import string
import tomllib
from pathlib import Path

import pytest

from cadre_tui import errors, i18n
from cadre_tui.domain import enums
from cadre_tui.i18n import catalog, resolve_language, t

CATALOG_DIR = Path(i18n.__file__).resolve().parent
PACKAGE = CATALOG_DIR.parent
KEY_SHAPE = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)+$")


def area_files(lang: str) -> dict[str, Path]:
    return {path.name: path for path in sorted((CATALOG_DIR / lang).glob("*.toml"))}


def flat(path: Path) -> dict[str, str]:
    with open(path, "rb") as handle:
        return i18n._flatten(tomllib.load(handle))


def placeholders(text: str) -> set[str]:
    names = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            names.add(re.split(r"[.\[!:]", field, maxsplit=1)[0])
    return names


def difference(zh: set[str], en: set[str]) -> str:
    return f"missing in en: {sorted(zh - en)}; missing in zh: {sorted(en - zh)}"


# --- the catalogs against each other ----------------------------------------------------


def test_both_languages_have_the_same_area_files() -> None:
    zh, en = set(area_files("zh")), set(area_files("en"))
    assert zh, "no zh catalog files"
    assert zh == en, difference(zh, en)


@pytest.mark.parametrize("area", sorted(set(area_files("zh")) | set(area_files("en"))))
def test_each_area_has_the_same_keys_in_both_languages(area: str) -> None:
    zh_path, en_path = CATALOG_DIR / "zh" / area, CATALOG_DIR / "en" / area
    assert zh_path.exists() and en_path.exists(), f"{area} exists in one language only"
    zh, en = set(flat(zh_path)), set(flat(en_path))
    assert zh == en, f"{area}: {difference(zh, en)}"


def test_merged_catalogs_have_the_same_keys() -> None:
    zh, en = set(catalog("zh")), set(catalog("en"))
    assert zh == en, difference(zh, en)


def test_no_key_is_defined_in_two_areas() -> None:
    for lang in ("zh", "en"):
        seen: dict[str, str] = {}
        for name, path in area_files(lang).items():
            for key in flat(path):
                assert key not in seen, f"{lang}: {key} in both {seen[key]} and {name}"
                seen[key] = name


def test_no_empty_strings() -> None:
    for lang in ("zh", "en"):
        empty = sorted(key for key, text in catalog(lang).items() if not text.strip())
        assert not empty, f"{lang}: empty strings for {empty}"


def test_every_value_is_a_string() -> None:
    for lang in ("zh", "en"):
        for name, path in area_files(lang).items():
            with open(path, "rb") as handle:
                tree = tomllib.load(handle)
            stack = [("", tree)]
            while stack:
                prefix, node = stack.pop()
                for key, value in node.items():
                    if isinstance(value, dict):
                        stack.append((f"{prefix}{key}.", value))
                    else:
                        assert isinstance(value, str), f"{lang}/{name}: {prefix}{key} = {value!r}"


def test_placeholders_match_between_languages() -> None:
    zh, en = catalog("zh"), catalog("en")
    mismatched = {
        key: (sorted(placeholders(zh[key])), sorted(placeholders(en[key])))
        for key in zh.keys() & en.keys()
        if placeholders(zh[key]) != placeholders(en[key])
    }
    assert not mismatched, f"placeholders differ (zh, en): {mismatched}"


def test_every_string_formats() -> None:
    """No stray braces: each string formats with its own placeholders filled in."""
    broken = []
    for lang in ("zh", "en"):
        for key, text in catalog(lang).items():
            try:
                text.format(**dict.fromkeys(placeholders(text), "X"))
            except (ValueError, KeyError, IndexError, AttributeError) as exc:
                broken.append(f"{lang}: {key}: {exc!r}")
    assert not broken, broken


# --- t() and the choice of language ----------------------------------------------------


def test_t_formats_in_both_languages() -> None:
    for lang in ("zh", "en"):
        text = t("validate.id_number.length", lang=lang, value="12345")
        assert "12345" in text
        assert "{" not in text


def test_t_uses_the_current_language() -> None:
    i18n.set_language("zh")
    try:
        assert t("enum.Gender.M") == catalog("zh")["enum.Gender.M"]
    finally:
        i18n.set_language("en")
    assert t("enum.Gender.M") == catalog("en")["enum.Gender.M"]
    assert catalog("zh")["enum.Gender.M"] != catalog("en")["enum.Gender.M"]


def test_t_falls_back_to_the_key() -> None:
    assert t("no.such.key") == "no.such.key"


def test_set_language_refuses_unknown_languages() -> None:
    with pytest.raises(ValueError):
        i18n.set_language("fr")


@pytest.mark.parametrize(
    ("explicit", "configured", "env", "expected"),
    [
        ("en", "zh", {"LANG": "zh_CN.UTF-8"}, "en"),
        ("zh", "en", {"LANG": "en_US.UTF-8"}, "zh"),
        (None, "zh", {"LANG": "en_US.UTF-8"}, "zh"),
        (None, "en", {"LANG": "zh_CN.UTF-8"}, "en"),
        ("fr", "zh", {"LANG": "en_US.UTF-8"}, "zh"),
        (None, None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, None, {"LANG": "zh_TW.UTF-8"}, "zh"),
        (None, None, {"LANG": "C"}, "en"),
        (None, None, {"LANG": "C.UTF-8"}, "en"),
        (None, None, {"LANG": "POSIX"}, "en"),
        (None, None, {"LANG": "en_GB.UTF-8"}, "en"),
        (None, None, {}, "en"),
        (None, None, {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        (None, None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, None, {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        (None, None, {"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "en"),
    ],
)
def test_resolve_language(
    monkeypatch: pytest.MonkeyPatch,
    explicit: str | None,
    configured: str | None,
    env: dict[str, str],
    expected: str,
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert resolve_language(explicit, configured) == expected


# --- keys the code uses ------------------------------------------------------------------


def cadre_error_names() -> set[str]:
    """``CadreError`` and every subclass defined in cadre_tui.errors."""
    names, todo = set(), [errors.CadreError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def literal_keys() -> dict[str, list[tuple[str, set[str] | None]]]:
    """Catalog keys written as literals in the source: key -> [(where, keyword names)].

    Finds ``t("key", ...)``, ``i18n.t("key", ...)``, ``CadreError("key", ...)`` (and its
    subclasses), and ``super().__init__("key")`` with a dotted key. Keys built at run
    time (f-strings, variables) are skipped. Keyword names are None when ``**`` is used.
    """
    error_names = cadre_error_names()
    found: dict[str, list[tuple[str, set[str] | None]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            is_super_init = (
                isinstance(func, ast.Attribute)
                and func.attr == "__init__"
                and isinstance(func.value, ast.Call)
                and getattr(func.value.func, "id", None) == "super"
                and KEY_SHAPE.match(first.value)
            )
            if name == "t" or name in error_names or is_super_init:
                kwargs: set[str] | None = set()
                for keyword in node.keywords:
                    if keyword.arg is None:
                        kwargs = None
                        break
                    kwargs.add(keyword.arg)
                where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                found.setdefault(first.value, []).append((where, kwargs))
    return found


def test_the_source_scan_finds_known_uses() -> None:
    keys = literal_keys()
    assert "error.read_only" in keys  # ReadOnlyError's super().__init__
    assert "error.sqlite_too_old" in keys  # a call spread over several lines
    assert "error.db_missing" in keys


def test_every_literal_key_in_the_source_is_in_both_catalogs() -> None:
    keys = literal_keys()
    for lang in ("zh", "en"):
        missing = {
            key: [where for where, _ in uses]
            for key, uses in keys.items()
            if key not in catalog(lang)
        }
        assert not missing, f"keys used in code but missing from the {lang} catalog: {missing}"


def test_every_literal_use_supplies_the_placeholders() -> None:
    """A placeholder nobody fills would raise KeyError when the message is shown."""
    problems = []
    for key, uses in literal_keys().items():
        for lang in ("zh", "en"):
            text = catalog(lang).get(key)
            if text is None:
                continue
            needed = placeholders(text)
            for where, given in uses:
                if given is None:
                    continue
                given = given - {"lang"}
                if needed - given:
                    problems.append(f"{where} {key} ({lang}) lacks {sorted(needed - given)}")
    assert not problems, "\n".join(problems)


def test_every_enum_code_has_a_label() -> None:
    labelled = [
        obj
        for obj in vars(enums).values()
        if isinstance(obj, type) and issubclass(obj, enums.Labelled) and obj is not enums.Labelled
    ]
    assert labelled
    missing = [
        f"{lang}: enum.{cls.__name__}.{member.value}"
        for cls in labelled
        for member in cls
        for lang in ("zh", "en")
        if f"enum.{cls.__name__}.{member.value}" not in catalog(lang)
    ]
    assert not missing, missing
    assert enums.ManagementMode.STATIONED_VILLAGE.label("zh") == "蹲点"


def test_every_metric_has_a_name() -> None:
    for lang in ("zh", "en"):
        for code in enums.METRIC_CODES:
            assert f"metric.{code}" in catalog(lang), f"{lang}: metric.{code}"


def test_a_catalog_kept_between_runs_follows_its_files(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept in the cache folder once read; a changed file is read again, and a
    damaged cache is read past."""
    folder = tmp_path / "zz"
    folder.mkdir()
    (folder / "a.toml").write_text('[x]\none = "一"\n', encoding="utf-8")
    assert i18n.load_catalog(folder, "test-zz") == {"x.one": "一"}
    kept = list((isolated_home / ".cache" / "cadre-tui").glob("test-zz-*.marshal"))
    assert len(kept) == 1

    def no_parsing(handle):  # noqa: ANN001, ANN202
        raise AssertionError("parsed although kept")

    with monkeypatch.context() as patch:
        patch.setattr(tomllib, "load", no_parsing)
        assert i18n.load_catalog(folder, "test-zz") == {"x.one": "一"}
    (folder / "a.toml").write_text('[x]\none = "壹"\ntwo = "二"\n', encoding="utf-8")
    assert i18n.load_catalog(folder, "test-zz") == {"x.one": "壹", "x.two": "二"}
    kept[0].write_bytes(b"not marshal")
    assert i18n.load_catalog(folder, "test-zz") == {"x.one": "壹", "x.two": "二"}
