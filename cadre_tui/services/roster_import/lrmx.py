"""Cadre records kept as ``.lrmx`` files (干部任免审批表): one file, a folder of
them, or a zip of them, read into the same rows a roster spreadsheet gives.

An ``.lrmx`` is an XML document with one ``<Person>`` root whose elements are
named in pinyin (``XingMing``, ``ChuShengNianYue``, ...). Each element the pool
has a field for is mapped; every other element with content is reported as an
unknown column, never guessed at. Values are handed on as the file writes them
(dates by month, ``yyyymm`` or ``yyyy.mm``), so the importer reads them exactly
as it reads a spreadsheet's cells; only 入党时间 is split into party status and
date.

The layout has no element for phone, sending unit, category, rank or grassroots
experience; :mod:`cadre_tui.services.lrmx_export` writes them as extra elements
named in the same style (``LianXiDianHua``, ``PaiChuDanWei``, ``GanBuLeiBie``,
``ZhiJi``, ``JiCengJingLi``, ``ZhengZhiMianMao``), and this reader maps those
when a file has them.

Bytes are decoded strictly, as the CSV importer does: the encoding the XML
declaration names (UTF-8, or GBK / GB2312 / GB18030, read as GB18030, their
superset), else UTF-8, else GB18030; never latin-1, never replacement
characters. A file declaring GBK whose bytes are also valid UTF-8 text is
refused: one of the two is wrong and guessing would garble every name.

The stdlib parser is used (defusedxml is not a dependency), so any file with a
``<!DOCTYPE`` or ``<!ENTITY`` is refused before parsing: a cadre record never
needs one, and refusing them rules out entity-expansion bombs and external
entities outright.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cadre_tui.services.roster_import.lrmx_files import LrmxError, lrmx_files
from cadre_tui.services.roster_import.sources import Source, SourceRow

SENDING_UNIT = "sending_unit"
"""The key the importer reads a sending unit's name from (its id is looked up)."""

DIRECT: dict[str, str] = {
    "XingMing": "name",
    "XingBie": "gender",
    "MinZu": "ethnicity",
    "JiGuan": "native_place",
    "ShenFenZheng": "id_number",
    "CanJiaGongZuoShiJian": "work_started_on",
    "XianRenZhiWu": "post",
}
"""Layout elements that are one pool field each."""

EXTRA: dict[str, str] = {
    "LianXiDianHua": "phone",
    "PaiChuDanWei": SENDING_UNIT,
    "GanBuLeiBie": "category",
    "ZhiJi": "rank",
    "ZhengZhiMianMao": "party_status",
    "JiCengJingLi": "grassroots_experience",
}
"""Elements the layout lacks, written by our export for the pool's other fields."""

BIRTH = "ChuShengNianYue"
PARTY = "RuDangShiJian"
EDUCATION = (
    ("QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei"),
    ("ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei"),
)
"""Full-time education first; the in-service pair only when the full-time one is empty."""
SILENT = frozenset({"Version"})
"""Layout bookkeeping, not data about the cadre: neither mapped nor reported."""

FIELDS_READ: tuple[str, ...] = (
    "name", "gender", "ethnicity", "native_place", "birth_date", "id_number", "phone",
    "party_status", "party_joined_on", "work_started_on", "education", "degree",
    SENDING_UNIT, "post", "rank", "category", "grassroots_experience",
)  # fmt: skip
"""Every pool field an ``.lrmx`` can carry, in the pool's order."""

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_CHINESE_CODECS = frozenset({"gbk", "gb2312", "gb18030", "cp936", "x-gbk", "euc-cn"})
_UNSAFE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_LEADING_DATE = re.compile(
    r"^\d{4}(?:\d{4}(?!\d)|\d{2}(?!\d)|[./-]\d{1,2}(?:[./-]\d{1,2})?|年\d{1,2}月(?:\d{1,2}[日号])?)"
)
_DEMOCRATIC_PARTIES = ("民革", "民盟", "民建", "民进", "农工", "致公", "九三", "台盟", "民主党派")


@dataclass(frozen=True, slots=True)
class LrmxRecord:
    """One file's pool fields (raw values, keyed by field) and the elements with
    content that no field takes, with the file's element texts for reports."""

    line: str
    cells: dict[str, object]
    unmapped: tuple[str, ...]
    elements: dict[str, str]


# --- bytes to XML ---------------------------------------------------------------------------


def decode_lrmx(data: bytes, name: str) -> str:
    """The file's text, decoded strictly (see the module's docstring)."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8", name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise LrmxError("lrmx.error.unsupported_encoding", file=name, encoding="UTF-16")
    match = _DECLARATION.match(data)
    if match is not None:
        declared = match.group(1).decode("ascii")
        codec = declared.lower().replace("_", "-")
        if codec in ("utf-8", "utf8"):
            return _strict(data, "utf-8", name)
        if codec not in _CHINESE_CODECS:
            raise LrmxError("lrmx.error.unsupported_encoding", file=name, encoding=declared)
        if not data.isascii() and _is_utf8(data):
            raise LrmxError("lrmx.error.encoding_conflict", file=name, encoding=declared)
        return _no_private_use(_strict(data, "gb18030", name, declared), name)
    if _is_utf8(data):
        return data.decode("utf-8")
    try:
        return _no_private_use(data.decode("gb18030"), name)
    except UnicodeDecodeError as exc:
        raise LrmxError("lrmx.error.undecodable", file=name, offset=exc.start) from None


def _no_private_use(text: str, name: str) -> str:
    """GB18030 maps bytes of some other encoding to private-use characters no
    Chinese text uses (nor can anyone read): refused, as the CSV importer does."""
    for offset, char in enumerate(text):
        if "\ue000" <= char <= "\uf8ff":
            raise LrmxError("lrmx.error.private_use", file=name, character=offset)
    return text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _strict(data: bytes, codec: str, name: str, declared: str = "") -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        encoding = declared or codec.upper()
        raise LrmxError(
            "lrmx.error.encoding", file=name, encoding=encoding, offset=exc.start
        ) from None


def parse_lrmx(data: bytes, name: str) -> dict[str, str]:
    """Element name to text for one record's ``<Person>`` children; an element with
    children of its own (family members) is kept as their texts joined."""
    import xml.etree.ElementTree as ElementTree

    text = decode_lrmx(data, name)
    if _UNSAFE.search(text):
        raise LrmxError("lrmx.error.dtd", file=name)
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise LrmxError("lrmx.error.xml", file=name, reason=str(exc)) from None
    if _local(root.tag) != "Person":
        raise LrmxError("lrmx.error.root", file=name, root=_local(root.tag))
    elements: dict[str, str] = {}
    for child in root:
        tag = _local(child.tag)
        if len(child):
            value = " ".join(" ".join(part.split()) for part in child.itertext() if part.strip())
        else:
            value = (child.text or "").strip()
        elements[tag] = f"{elements[tag]}\n{value}" if elements.get(tag) else value
    return elements


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- elements to pool fields ----------------------------------------------------------------


def record_from_elements(line: str, elements: dict[str, str]) -> LrmxRecord:
    """The pool fields one record's elements give, and the elements left over."""
    cells: dict[str, object] = {}
    used: set[str] = set(SILENT)
    for element, field in (DIRECT | EXTRA).items():
        if elements.get(element):
            cells[field] = elements[element]
            used.add(element)
    if elements.get(BIRTH):
        cells["birth_date"] = elements[BIRTH]
        used.add(BIRTH)
    if elements.get(PARTY):
        used.add(PARTY)
        status, joined = party_reading(elements[PARTY])
        if status is not None and "party_status" not in cells:
            cells["party_status"] = status
        if joined:
            cells["party_joined_on"] = joined
    for level, degree in EDUCATION:
        if elements.get(level) or elements.get(degree):
            for element, field in ((level, "education"), (degree, "degree")):
                if elements.get(element):
                    cells[field] = elements[element]
                used.update((level, degree))
            break
    unmapped = tuple(tag for tag, value in elements.items() if value and tag not in used)
    return LrmxRecord(line, cells, unmapped, elements)


def party_reading(text: str) -> tuple[str | None, str]:
    """Party status (its Chinese label) and joining date text from 入党时间, which
    holds a date for a member of the Communist Party and may hold other wording:
    预备 (probationary), a democratic party's name, 共青团员 or 群众. Wording with
    none of these and no date is passed on whole as the date, for the importer
    to report."""
    from cadre_tui.domain.enums import PartyStatus

    value = "".join(unicodedata.normalize("NFKC", text).split())
    match = _LEADING_DATE.match(value)
    joined = match.group(0) if match else ""
    if any(name in value for name in _DEMOCRATIC_PARTIES):
        return PartyStatus.OTHER_PARTY.label("zh"), ""
    if "团员" in value or "共青团" in value:
        return PartyStatus.LEAGUE.label("zh"), ""
    if "群众" in value:
        return PartyStatus.MASSES.label("zh"), ""
    if "预备" in value:
        return PartyStatus.PROBATIONARY.label("zh"), joined
    if joined:
        return PartyStatus.MEMBER.label("zh"), joined
    return None, text.strip()


# --- files, folders and zips ----------------------------------------------------------------


def read_lrmx_records(path: Path) -> list[LrmxRecord]:
    """Every record in ``path``, each mapped to pool fields; the first bad file stops
    the read with an error naming it, so nothing is imported from a damaged set."""
    return [record_from_elements(line, parse_lrmx(data, line)) for line, data in lrmx_files(path)]


def read_lrmx_source(path: Path, *, defaults: Mapping[str, object] | None = None) -> Source:
    """``path`` (a file, a folder or a zip of ``.lrmx``) as an import source.

    ``defaults`` fill fields a record leaves empty, for the whole import: the
    layout has no sending unit or category, so records from other software need
    them given (``{"sending_unit": "区财政局", "category": "后备干部"}``).
    Every file is read before the source is returned (the caps bound it), so a
    damaged file stops the import before any row is checked and ``fields`` says
    which fields the records have at all. Each row's ``raw`` is its fields as
    text under the form's titles, so a rejected-rows file can be corrected and
    imported as a CSV.
    """
    from cadre_tui.i18n import t

    records = read_lrmx_records(path)
    filled = {field: value for field, value in (defaults or {}).items() if value not in (None, "")}
    rows: list[SourceRow] = []
    unknown: dict[str, None] = {}
    present: set[str] = set(filled)
    for record in records:
        cells = filled | record.cells
        present.update(cells)
        raw = [record.line, *(_shown(cells.get(field)) for field in FIELDS_READ)]
        rows.append(SourceRow(record.line, cells, raw))
        unknown.update(dict.fromkeys(record.unmapped))
    headers = (t("lrmx.column.file"), *(t(_title_key(field)) for field in FIELDS_READ))
    return Source(
        path=path,
        format="lrmx",
        headers=headers,
        fields=frozenset(present),
        rows=rows,
        unknown_columns=[element_title(element) for element in unknown],
        total=len(rows),
    )


def element_title(element: str) -> str:
    """An element as reported: its pinyin name with its meaning when it is one the
    layout defines (``JianLi (résumé)``), else the name alone."""
    from cadre_tui.i18n import has, t

    key = f"lrmx.element.{element}"
    return t("lrmx.element_title", element=element, meaning=t(key)) if has(key) else element


def _title_key(field: str) -> str:
    return "form.label.sending_unit_id" if field == SENDING_UNIT else f"form.label.{field}"


def _shown(value: object) -> str:
    return "" if value is None else str(value)
