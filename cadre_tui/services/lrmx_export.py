"""One cadre's record written as an ``.lrmx`` file (干部任免审批表), with each of
their secondments added to the résumé (``JianLi``) as one line per period.

The file is UTF-8 with an XML declaration saying so: it holds every name and
place without loss (GBK cannot write some rare characters in names), the
organisation department's software and our own reader both honour the
declaration, and a file that says what it is cannot be misread.

Fields the layout has no element for (phone, sending unit, category, rank,
party status, grassroots experience) follow the layout's elements as extra
elements named in its style, so a written file re-reads to the same pool fields;
XML readers that do not know them skip them. The layout keeps party and work
dates by month, so those two re-read as the month's first day.

ID number and phone are masked unless ``unmasked``; a masked file does not
re-import (its ID number is not valid), which is the point. Callers that pass
``unmasked=True`` record the reveal in the audit log.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from cadre_tui.domain.enums import (
    EvaluationGrade,
    LineSide,
    ManagementMode,
    PlacementRole,
)
from cadre_tui.domain.identity import mask_id_number, mask_phone
from cadre_tui.domain.model import Cadre
from cadre_tui.i18n import t
from cadre_tui.store import cadres, units
from cadre_tui.store.cadre_history import secondments
from cadre_tui.store.sqlite import sqlite3

VERSION = "3.2.1.6"
"""The layout version the files we read carry."""

LAYOUT: tuple[str, ...] = (
    "XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi",
    "RuDangShiJian", "CanJiaGongZuoShiJian", "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu",
    "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "XianRenZhiWu", "NiRenZhiWu", "NiMianZhiWu", "JianLi", "JiangChengQingKuang",
    "NianDuKaoHeJieGuo", "RenMianLiYou", "JiaTingChengYuan", "ChengBaoDanWei",
    "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng", "ZhaoPian",
    "Version",
    "LianXiDianHua", "PaiChuDanWei", "GanBuLeiBie", "ZhiJi", "ZhengZhiMianMao",
    "JiCengJingLi",
)  # fmt: skip
"""Every element written, in the layout's order, then the extra ones."""


def write_lrmx(
    conn: sqlite3.Connection,
    cadre_id: int,
    path: Path,
    *,
    unmasked: bool = False,
    lang: str = "zh",
    today: dt.date | None = None,
) -> Path:
    """Write cadre ``cadre_id``'s record to ``path`` and return it. The résumé lines
    are in ``lang`` (Chinese by default: the form is a Chinese official record);
    ``today`` is the fill-in date (default: today)."""
    cadre = cadres.get_cadre(conn, cadre_id)
    unit = units.get_sending_unit(conn, cadre.sending_unit_id).name
    values = lrmx_elements(cadre, unit, secondments(conn, cadre_id), unmasked=unmasked, lang=lang)
    day = today or dt.date.today()
    values["JiSuanNianLingShiJian"] = f"{day:%Y%m}"
    values["TianBiaoShiJian"] = f"{day:%Y%m%d}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(lrmx_bytes(values))
    return path


def lrmx_elements(
    cadre: Cadre,
    sending_unit: str,
    periods: list[dict[str, Any]],
    *,
    unmasked: bool = False,
    lang: str = "zh",
) -> dict[str, str]:
    """Element name to text for one cadre (``periods`` as :func:`secondments` gives them)."""
    values = dict.fromkeys(LAYOUT, "")
    party = cadre.party_status
    joined = cadre.party_joined_on if party.is_party_member else None
    values.update(
        XingMing=cadre.name,
        XingBie=cadre.gender.label("zh"),
        ChuShengNianYue=f"{cadre.birth_date:%Y%m}",
        MinZu=cadre.ethnicity,
        JiGuan=cadre.native_place,
        RuDangShiJian=f"{joined:%Y.%m}" if joined else "",
        CanJiaGongZuoShiJian=f"{cadre.work_started_on:%Y.%m}" if cadre.work_started_on else "",
        QuanRiZhiJiaoYu_XueLi=cadre.education,
        QuanRiZhiJiaoYu_XueWei=cadre.degree,
        XianRenZhiWu=cadre.post,
        JianLi="\n".join(resume_line(period, lang) for period in reversed(periods)),
        ShenFenZheng=cadre.id_number if unmasked else mask_id_number(cadre.id_number),
        Version=VERSION,
        LianXiDianHua=_phone(cadre.phone, unmasked),
        PaiChuDanWei=sending_unit,
        GanBuLeiBie=cadre.category.label("zh"),
        ZhiJi=cadre.rank,
        ZhengZhiMianMao=party.label("zh"),
        JiCengJingLi=cadre.grassroots_experience,
    )
    return values


def _phone(phone: str, unmasked: bool) -> str:
    return phone if unmasked or not phone else mask_phone(phone)


def resume_line(period: dict[str, Any], lang: str = "zh") -> str:
    """One secondment as a résumé line: ``2025.03--2025.08  ...``; an open one
    ends in ``--`` as résumés write the current period."""
    place = period.get("village") or period.get("projects") or period.get("field_team") or ""
    if not place and period.get("line_side"):
        place = LineSide(period["line_side"]).label(lang)
    line = t(
        "lrmx.resume.secondment",
        lang=lang,
        start=_month(period["start_date"]),
        end=_month(period.get("end_date")),
        batch=period["batch_name"],
        receiving_unit=period["receiving_unit"],
        group=period["group_name"],
        role=PlacementRole(period["role"]).label(lang),
        mode=ManagementMode(period["mode"]).label(lang),
        place=t("lrmx.resume.place", lang=lang, place=place) if place else "",
    )
    if period.get("grade"):
        grade = EvaluationGrade(period["grade"]).label(lang)
        line += t("lrmx.resume.grade", lang=lang, grade=grade)
    return line


def _month(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime("%Y.%m") if iso else ""


def lrmx_bytes(values: dict[str, str]) -> bytes:
    """The document for ``values``: UTF-8, declared, one element per line."""
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.Element("Person")
    for name, text in values.items():
        ElementTree.SubElement(root, name).text = text
    ElementTree.indent(root, space="  ")
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()
