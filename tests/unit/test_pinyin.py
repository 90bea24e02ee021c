"""Pinyin and initials of cadre names: what coordinators type to find someone."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadre_tui.domain.pinyin import (
    character_pinyin,
    name_initials,
    name_pinyin,
    name_spellings,
)


@pytest.mark.parametrize(
    ("name", "pinyin", "initials"),
    [
        ("张伟", "zhangwei", "zw"),
        ("王秀英", "wangxiuying", "wxy"),
        ("吕娜", "lvna", "ln"),
        ("陈晓明", "chenxiaoming", "cxm"),
        ("恽骏荣", "yunjunrong", "yjr"),
    ],
)
def test_common_names(name: str, pinyin: str, initials: str) -> None:
    assert name_pinyin(name) == pinyin
    assert name_initials(name) == initials
    assert name_spellings(name) == (pinyin, initials)


@pytest.mark.parametrize(
    ("name", "pinyin", "initials"),
    [
        ("曾小贤", "zengxiaoxian", "zxx"),
        ("单田芳", "shantianfang", "stf"),
        ("仇英", "qiuying", "qy"),
        ("解缙", "xiejin", "xj"),
        ("查良镛", "zhaliangyong", "zly"),
        ("区家明", "oujiaming", "ojm"),
        ("翟志刚", "zhaizhigang", "zzg"),
        ("欧阳修", "ouyangxiu", "oyx"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
    ],
)
def test_surnames_are_read_as_surnames(name: str, pinyin: str, initials: str) -> None:
    assert name_pinyin(name) == pinyin
    assert name_initials(name) == initials


def test_a_surname_character_inside_the_given_name_keeps_its_common_reading() -> None:
    assert name_pinyin("王曾") == "wangceng"
    assert name_pinyin("李乐") == "lile"


def test_separators_spaces_and_latin_letters() -> None:
    assert name_pinyin("阿依古丽·买买提") == "ayigulimaimaiti"
    assert name_initials("阿依古丽·买买提") == "ayglmmt"
    assert name_pinyin(" 张 伟 ") == "zhangwei"
    assert name_initials("A李b") == "alb"
    assert name_pinyin("") == ""
    assert name_initials("") == ""


def test_characters_are_spelled_once() -> None:
    character_pinyin.cache_clear()
    for _ in range(100):
        name_pinyin("张伟")
    info = character_pinyin.cache_info()
    assert info.misses == 2
    assert info.hits == 198


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=6))
def test_spellings_are_ascii_and_initials_follow_pinyin(name: str) -> None:
    pinyin, initials = name_spellings(name)
    assert pinyin == pinyin.lower()
    assert pinyin.isascii()
    assert all(char.isalnum() for char in pinyin)
    assert len(initials) <= len(name)
    assert pinyin.startswith(initials[:1])


def test_pypinyin_is_imported_only_when_a_name_is_spelled() -> None:
    code = """
        import json, sys
        import cadre_tui.domain.pinyin as pinyin
        before = "pypinyin" in sys.modules
        pinyin.name_pinyin("张伟")
        print(json.dumps({"before": before, "after": "pypinyin" in sys.modules}))
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"before": False, "after": True}
