"""``cadre-tui brief`` on the demo: the seed's sentence for batch 1 with the
figures the database holds, the sprint wording for batch 2, "截至" for the
active batch, English, and an unknown batch as one line; then the paragraph's
other shapes on hand-made facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadre_tui.cli import main
from cadre_tui.domain.enums import METRIC_CODES, BatchState, ManagementMode
from cadre_tui.domain.official_numbers import en_figure, zh_figure
from cadre_tui.i18n import catalog
from cadre_tui.services import brief, reports
from cadre_tui.store.connection import connect

DEMO_TODAY = dt.date(2026, 11, 27)
"""The day the session demo (tests/conftest.py) is built as of."""

TODAY = DEMO_TODAY.isoformat()
ZH_UNITS = {
    "measured_households": "丈量各类房屋{}户",
    "measured_area": "丈量面积{}平方米",
    "signed_households": "签约{}户",
    "demolished_households": "拆除{}户",
    "demolished_area": "完成{}平方米的拆迁任务",
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def paragraph(demo_db: Path, number: int, lang: str) -> str:
    args = ["brief", "--db", str(demo_db), "--batch", str(number), "--lang", lang]
    result = run(*args, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1, "one paragraph, one line"
    return result.stdout.strip()


def totals(demo_db: Path, number: int) -> dict[str, float]:
    conn = connect(demo_db)
    try:
        return reports.batch_statuses(conn, number)[0].totals
    finally:
        conn.close()


def test_batch_1_in_chinese_is_the_seeds_sentence_with_the_databases_figures(
    demo_db: Path,
) -> None:
    text = paragraph(demo_db, 1, "zh")
    assert text.startswith("第一批63名抽调干部分赴高新区、湖塘镇和牛塘镇，")
    assert "分别实行蹲点、条块结合和项目管理模式" in text
    assert "历时五个多月，配合基层干部丈量各类房屋" in text
    figures = totals(demo_db, 1)
    for code in METRIC_CODES:
        assert ZH_UNITS[code].format(zh_figure(figures[code])) in text
    assert "丈量面积157万多平方米" in text  # the demo's range is the seed's 157万多
    assert text.endswith("的拆迁任务。")


def test_batch_1_reproduces_the_seeds_four_numbers(demo_db: Path) -> None:
    """The seed's sentence, from the database: the demo draws batch 1's totals from
    the ranges those words cover (3720多 = 3721-3729, 2400余 = 2401-2409)."""
    text = paragraph(demo_db, 1, "zh")
    for words in ("3720多户", "157万多平方米", "2400余户", "1720多户"):
        assert words in text


def test_batch_1_in_english(demo_db: Path) -> None:
    text = paragraph(demo_db, 1, "en")
    assert text.startswith("The 63 cadres of batch 1, sent to 高新区, 湖塘镇 and 牛塘镇 under the")
    assert "stationed-by-village, block-and-line and project-based modes respectively" in text
    assert "worked alongside local cadres for over 5 months: they measured" in text
    figures = totals(demo_db, 1)
    assert f"measured {en_figure(figures['measured_households'])} properties" in text
    assert "covering more than 1.57 million m²" in text
    assert f"signed agreements with {en_figure(figures['signed_households'])} households" in text
    assert f"and completed {en_figure(figures['demolished_area'])} m² of demolition." in text


def test_batch_2_took_just_over_a_month(demo_db: Path) -> None:
    zh = paragraph(demo_db, 2, "zh")
    figures = totals(demo_db, 2)
    assert zh.startswith("第二批25名抽调干部")
    assert "仅用一个多月时间，就配合基层干部" in zh
    assert f"完成{zh_figure(figures['demolished_area'])}平方米的拆迁任务。" in zh
    assert 200_000 <= figures["demolished_area"] < 300_000  # 完成20多万平方米的拆迁任务
    en = paragraph(demo_db, 2, "en")
    assert en.startswith("In just over a month, the 25 cadres of batch 2")


def test_the_active_batch_is_as_of_today(demo_db: Path) -> None:
    zh = paragraph(demo_db, 3, "zh")
    assert zh.startswith("截至2026年11月27日，第三批39名抽调干部")
    assert "，已配合基层干部丈量各类房屋" in zh
    en = paragraph(demo_db, 3, "en")
    assert en.startswith("As of 27 November 2026, the 39 cadres of batch 3")
    assert "have worked alongside local cadres: they have measured" in en


def test_the_group_language_applies_too(demo_db: Path) -> None:
    result = run("--lang", "zh", "brief", "--db", str(demo_db), "--batch", "1")
    assert result.exit_code == 0 and result.stdout.startswith("第一批")


def test_an_unknown_batch_is_one_line_and_exit_1(demo_db: Path) -> None:
    result = run("brief", "--db", str(demo_db), "--batch", "99")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["Error: There is no batch 99"]
    zh = run("brief", "--db", str(demo_db), "--batch", "99", "--lang", "zh")
    assert zh.exit_code == 1 and zh.stderr.splitlines() == ["错误：没有第 99 批"]


def test_the_batch_is_required(demo_db: Path) -> None:
    result = run("brief", "--db", str(demo_db))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["Error: Name the batch with --batch N"]


def test_help_is_translated() -> None:
    result = run("--lang", "zh", "brief", "--help")
    assert result.exit_code == 0
    assert "工作简报" in result.stdout and "--today" not in result.stdout


def test_the_dashboards_call(demo_db: Path) -> None:
    conn = connect(demo_db)
    try:
        zh = brief.batch_paragraph(conn, 1, DEMO_TODAY, "zh")
        en = brief.batch_paragraph(conn, 1, DEMO_TODAY, "en")
        assert brief.batch_paragraph(conn, 99, DEMO_TODAY) is None
    finally:
        conn.close()
    assert zh == paragraph(demo_db, 1, "zh")
    assert en == paragraph(demo_db, 1, "en")


# --- the paragraph's other shapes -----------------------------------------------------

FIGURES = {
    "measured_households": 3725,
    "measured_area": 1_575_000.5,
    "signed_households": 2405,
    "demolished_households": 1726,
    "demolished_area": 0.0,
}


def facts(**changes) -> brief.BatchFacts:
    values = {
        "number": 1,
        "state": BatchState.CLOSED,
        "cadres": 63,
        "start": dt.date(2025, 3, 3),
        "closed_on": dt.date(2025, 8, 29),
        "placements": [("高新区", ManagementMode.STATIONED_VILLAGE)],
        "totals": FIGURES,
    }
    return brief.BatchFacts(**{**values, **changes})


def test_the_seeds_figures_give_the_seeds_sentence() -> None:
    text = brief.paragraph(facts(placements=[]), DEMO_TODAY, "zh")
    assert text == (
        "第一批63名抽调干部，历时五个多月，配合基层干部丈量各类房屋3720多户，"
        "丈量面积157万多平方米，签约2400余户，拆除1720多户。"
    )


@pytest.mark.parametrize(
    ("placements", "zh", "en"),
    [
        (
            [("高新区", ManagementMode.STATIONED_VILLAGE)],
            "赴高新区，实行蹲点模式，",
            ", sent to 高新区 under the stationed-by-village mode,",
        ),
        (
            [("湖塘镇", ManagementMode.PROJECT_BASED), ("牛塘镇", ManagementMode.PROJECT_BASED)],
            "分赴湖塘镇和牛塘镇，均实行项目管理模式，",
            ", sent to 湖塘镇 and 牛塘镇, all under the project-based mode,",
        ),
        (
            [("湖塘镇", ManagementMode.BLOCK_AND_LINE), ("湖塘镇", ManagementMode.PROJECT_BASED)],
            "分赴湖塘镇（条块结合）和湖塘镇（项目管理），",
            ", sent to 湖塘镇 (block-and-line) and 湖塘镇 (project-based),",
        ),
    ],
)
def test_placements(placements, zh: str, en: str) -> None:
    assert zh in brief.paragraph(facts(placements=placements), DEMO_TODAY, "zh")
    assert en in brief.paragraph(facts(placements=placements), DEMO_TODAY, "en")


@pytest.mark.parametrize(
    ("closed_on", "zh", "en"),
    [
        (dt.date(2025, 3, 22), "仅用20天时间，就", "In just 20 days, the"),
        (dt.date(2025, 3, 3), "仅用1天时间，就", "In just a day, the"),
        (dt.date(2025, 4, 2), "仅用一个月时间，就", "In just a month, the"),
        (dt.date(2025, 5, 20), "仅用两个多月时间，就", "In just over 2 months, the"),
        (dt.date(2025, 6, 2), "历时三个月，", "for 3 months:"),
        (dt.date(2026, 3, 2), "历时一年，", "for a year:"),
        (dt.date(2026, 5, 2), "历时一年多，", "for over a year:"),
        (dt.date(2027, 3, 2), "历时两年，", "for 2 years:"),
        (dt.date(2028, 1, 2), "历时两年多，", "for over 2 years:"),
    ],
)
def test_spans(closed_on: dt.date, zh: str, en: str) -> None:
    assert zh in brief.paragraph(facts(closed_on=closed_on), DEMO_TODAY, "zh")
    assert en in brief.paragraph(facts(closed_on=closed_on), DEMO_TODAY, "en")


def test_a_batch_without_figures() -> None:
    empty = dict.fromkeys(METRIC_CODES, 0.0)
    closed = brief.paragraph(facts(totals=empty), DEMO_TODAY, "zh")
    assert closed.endswith("历时五个多月，未记录工作数据。")
    active = facts(totals=empty, state=BatchState.ACTIVE, closed_on=None)
    assert brief.paragraph(active, DEMO_TODAY, "zh").startswith("截至2026年11月27日，")
    assert "not yet reported" in brief.paragraph(active, DEMO_TODAY, "en")


def test_a_batch_being_formed() -> None:
    planning = facts(state=BatchState.PLANNING, number=4, cadres=12, closed_on=None)
    assert brief.paragraph(planning, DEMO_TODAY, "zh") == "第四批抽调干部正在组建，已落实12名。"
    assert brief.paragraph(planning, DEMO_TODAY, "en").startswith("Cadres for batch 4 ")


def test_area_alone_is_measured_not_covering() -> None:
    only_area = dict.fromkeys(METRIC_CODES, 0.0) | {"measured_area": 12_345.0}
    text = brief.paragraph(facts(totals=only_area), DEMO_TODAY, "en")
    assert "they measured more than 12,300 m²." in text


SPAN_KEYS = ("one_day", "days", "one_month", "one_month_more", "months", "months_more")
SPAN_KEYS += ("one_year", "one_year_more", "years", "years_more")


def test_every_key_built_at_run_time_exists() -> None:
    for lang in ("zh", "en"):
        keys = catalog(lang)
        for mode in ManagementMode:
            assert f"brief.mode.{mode.value}" in keys
        for month in range(1, 13):
            assert f"brief.month.{month}" in keys
        for code in METRIC_CODES:
            assert f"brief.figure.{code}" in keys
        for span in SPAN_KEYS:
            assert f"brief.span.{span}" in keys
