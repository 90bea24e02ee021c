"""Pinyin of cadre names for search: full spelling (张伟 → ``zhangwei``) and
initials (``zw``).

pypinyin is imported lazily (~0.2 s) and consulted once per character; the
results are cached, so spelling a million names costs dictionary look-ups.
pypinyin has no surname mode, so the readings a character takes as a surname
(曾 zeng, 单 shan, 仇 qiu ...) are listed here and applied to the name's head.
"""

from __future__ import annotations

from functools import cache

COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "诸葛": ("zhu", "ge"),
    "上官": ("shang", "guan"),
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"),
    "长孙": ("zhang", "sun"),
    "令狐": ("ling", "hu"),
    "皇甫": ("huang", "fu"),
    "东方": ("dong", "fang"),
    "夏侯": ("xia", "hou"),
    "慕容": ("mu", "rong"),
    "司徒": ("si", "tu"),
    "公孙": ("gong", "sun"),
    "澹台": ("tan", "tai"),
    "宇文": ("yu", "wen"),
    "轩辕": ("xuan", "yuan"),
    "端木": ("duan", "mu"),
    "闻人": ("wen", "ren"),
}
"""Two-character surnames, read as a unit."""

SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng",
    "单": "shan",
    "仇": "qiu",
    "解": "xie",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "缪": "miao",
    "翟": "zhai",
    "覃": "qin",
    "乐": "yue",
    "秘": "bi",
    "种": "chong",
    "重": "chong",
    "繁": "po",
    "长": "chang",
    "员": "yun",
    "句": "gou",
    "薄": "bo",
    "阚": "kan",
    "佴": "nai",
}
"""Single-character surnames whose surname reading differs from pypinyin's first reading."""

_SEPARATORS = frozenset(" \t·•・.-_'’()（）")


def _load_without_phrases() -> None:
    """Names are spelled a character at a time, so pypinyin's phrase tables (~44 MB
    and ~0.3 s to load) are never consulted: tell it not to load them. Read by
    pypinyin when first imported; a value already set in the environment wins."""
    import os

    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")


@cache
def character_pinyin(char: str) -> str:
    """One character's toneless spelling (lower case, ``ü`` as ``v``); non-Han kept as is."""
    if char.isascii():
        return char.lower() if char.isalnum() else ""
    if char in _SEPARATORS:
        return ""
    _load_without_phrases()
    from pypinyin import Style, lazy_pinyin

    spelled = lazy_pinyin(char, style=Style.NORMAL, errors="default")
    text = "".join(spelled).lower()
    return "".join(c for c in text if c.isascii() and c.isalnum())


def name_syllables(name: str) -> list[str]:
    """The spelling of each character of ``name``, the surname read as a surname."""
    text = "".join(name.split())
    head: list[str] = []
    rest = text
    if text[:2] in COMPOUND_SURNAMES:
        head = list(COMPOUND_SURNAMES[text[:2]])
        rest = text[2:]
    elif text[:1] in SURNAME_READINGS:
        head = [SURNAME_READINGS[text[0]]]
        rest = text[1:]
    return head + [character_pinyin(char) for char in rest]


def name_pinyin(name: str) -> str:
    """``张伟`` → ``zhangwei``: what a coordinator types to find a cadre."""
    return "".join(name_syllables(name))


def name_initials(name: str) -> str:
    """``张伟`` → ``zw``; Latin letters inside a name count one initial each."""
    return "".join(syllable[:1] for syllable in name_syllables(name) if syllable)


def name_spellings(name: str) -> tuple[str, str]:
    """Both search keys at once (pinyin, initials), spelling the name only once."""
    syllables = name_syllables(name)
    return "".join(syllables), "".join(s[:1] for s in syllables if s)
