"""Column titles to pool fields: the titles units actually write, in Chinese or English.

A title is compared after NFKC, without spaces, case-folded, and without a
trailing required-mark (``*``, ``（必填）``) or a parenthesised note
(``手机（11位）``). A title that matches nothing is reported as an unknown
column; nothing is guessed from similar spellings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from cadre_tui.i18n import LANGUAGES, catalog

FIELDS: tuple[str, ...] = (
    "name",
    "gender",
    "ethnicity",
    "native_place",
    "birth_date",
    "id_number",
    "phone",
    "party_status",
    "party_joined_on",
    "work_started_on",
    "education",
    "degree",
    "sending_unit",
    "post",
    "rank",
    "category",
    "grassroots_experience",
    "status",
)
"""What a roster row can say, in the order the template lists it. The names are
:data:`cadre_tui.services.cadre_records.FIELDS`, except ``sending_unit`` (the
unit's name or code, not its id); ``status`` is optional and read for new cadres
only (an update never moves a cadre between in pool, recommended and seconded)."""

REQUIRED_COLUMNS: tuple[str, ...] = ("name", "id_number", "sending_unit", "category")
"""Without these columns no row can be valid, so the file is refused before any row
is read. Gender and birth date are read from the ID number when absent."""

TEMPLATE_FIELDS: tuple[str, ...] = FIELDS[:-1]
"""The template's columns: every field but status, which the programme sets."""

SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "干部姓名", "名字", "name", "fullname", "cadrename"),
    "gender": ("性别", "gender", "sex"),
    "ethnicity": ("民族", "ethnicity", "ethnicgroup", "nationality"),
    "native_place": ("籍贯", "nativeplace", "hometown", "placeoforigin"),
    "birth_date": (
        "出生年月",
        "出生日期",
        "出生年月日",
        "生日",
        "birthdate",
        "dateofbirth",
        "birthday",
        "born",
        "dob",
    ),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "公民身份证号码",
        "身份证",
        "idnumber",
        "idno",
        "idcard",
        "idcardnumber",
        "citizenid",
        "citizenidnumber",
    ),
    "phone": (
        "手机",
        "手机号",
        "手机号码",
        "联系电话",
        "联系方式",
        "电话",
        "phone",
        "mobile",
        "mobilephone",
        "mobilenumber",
        "telephone",
        "tel",
    ),
    "party_status": ("政治面貌", "partystatus", "politicalstatus", "politicalaffiliation"),
    "party_joined_on": (
        "入党时间",
        "入党日期",
        "入党年月",
        "joinedparty",
        "partyjoined",
        "partyjoinedon",
        "datejoinedparty",
    ),
    "work_started_on": (
        "参加工作时间",
        "参加工作日期",
        "参加工作年月",
        "工作时间",
        "startedwork",
        "workstarted",
        "workstartedon",
        "datestartedwork",
    ),
    "education": ("学历", "最高学历", "文化程度", "education", "educationlevel"),
    "degree": ("学位", "最高学位", "degree"),
    "sending_unit": (
        "单位",
        "工作单位",
        "派出单位",
        "所在单位",
        "单位名称",
        "sendingunit",
        "unit",
        "workunit",
        "employer",
        "department",
    ),
    "post": ("职务", "现任职务", "现职务", "post", "position", "currentpost", "jobtitle"),
    "rank": ("职级", "现职级", "级别", "rank", "grade"),
    "category": ("类别", "人员类别", "干部类别", "category", "cadrecategory"),
    "grassroots_experience": (
        "基层工作经历",
        "基层经历",
        "grassrootsexperience",
        "grassrootswork",
        "grassroots",
    ),
    "status": ("状态", "干部状态", "status"),
}
"""Accepted titles per field (already in compared form); the form's labels and this
module's catalog headers in both languages are accepted too."""

IGNORED: tuple[str, ...] = (
    "序号",
    "编号",
    "no",
    "no.",
    "#",
    "未导入原因",
    "原因",
    "reason",
    "rejectedbecause",
)
"""Titles that are known and deliberately not read: a row counter, and the reason
column of a rejected-rows file (so a corrected one imports again)."""

_REQUIRED_MARK = re.compile(r"(\*|＊|[(（](必填|必须|required)[)）])+$", re.IGNORECASE)
_NOTE = re.compile(r"[(（][^()（）]*[)）]$")


def compared(title: str) -> str:
    """A title in the form titles are compared in."""
    text = "".join(unicodedata.normalize("NFKC", title).split()).casefold()
    text = _REQUIRED_MARK.sub("", text).rstrip(":：")
    return text


@cache
def _title_fields() -> dict[str, str]:
    """Every accepted title (compared form) to its field; "" for ignored titles."""
    known: dict[str, str] = dict.fromkeys(IGNORED, "")
    for lang in LANGUAGES:
        known[compared(catalog(lang)["roster_import.reason_column"])] = ""
    for field, titles in SYNONYMS.items():
        for title in titles:
            known[compared(title)] = field
    for lang in LANGUAGES:
        texts = catalog(lang)
        for field in FIELDS:
            form_key = "sending_unit_id" if field == "sending_unit" else field
            for key in (f"roster_import.header.{field}", f"form.label.{form_key}"):
                if key in texts:
                    known.setdefault(compared(texts[key]), field)
    return known


def field_of(title: object) -> str | None:
    """The field a column title names, "" for a known column that is not read, or None."""
    if title is None:
        return None
    text = compared(str(title))
    if not text:
        return None
    known = _title_fields()
    if text in known:
        return known[text]
    bare = _NOTE.sub("", text)
    return known.get(bare) if bare and bare != text else None


@dataclass(frozen=True)
class ColumnMap:
    """Which column holds which field, and the titles that name no field."""

    columns: tuple[tuple[int, str], ...]
    """(position, field) for every mapped column, in column order."""
    unknown: tuple[str, ...]
    repeated: tuple[tuple[str, str], ...]
    """(first title, second title) naming the same field: the file is ambiguous."""

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(field for _, field in self.columns)


def map_columns(titles: Sequence[object]) -> ColumnMap:
    """Map a header row; blank titles are skipped (data under them is reported later)."""
    columns: list[tuple[int, str]] = []
    seen: dict[str, str] = {}
    unknown: list[str] = []
    repeated: list[tuple[str, str]] = []
    for position, title in enumerate(titles):
        shown = _shown(title)
        if not shown:
            continue
        field = field_of(shown)
        if field is None:
            unknown.append(shown)
        elif field:
            if field in seen:
                repeated.append((seen[field], shown))
                continue
            seen[field] = shown
            columns.append((position, field))
    return ColumnMap(tuple(columns), tuple(unknown), tuple(repeated))


def known_count(titles: Sequence[object]) -> int:
    """How many titles name a field: a row naming two or more is taken as the header."""
    return sum(1 for title in titles if field_of(_shown(title)))


def _shown(title: object) -> str:
    if title is None:
        return ""
    return " ".join(unicodedata.normalize("NFKC", str(title)).split())


def column_letter(position: int) -> str:
    """``0`` → ``A``, ``27`` → ``AB``: how a spreadsheet names a column."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
