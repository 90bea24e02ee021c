"""Figures written the way a Chinese work briefing writes them: "3720多户",
"2400余户", "157万多平方米", "20多万平方米", "第一批", "一个多月"; and the same
figures in English ("more than 3,720", "more than 1.57 million").

The rule, read off the seed's sentence ("丈量各类房屋3720多户，丈量面积157万多平米，
签约2400余户，拆除1720多户"):

* **Truncate, never round up.** Keep the leading ``figures`` significant digits
  (three by default, as in 3720多, 1720多, 157万多) and drop the rest, so the
  written figure never exceeds the true one and is below it by less than one
  unit of the last kept digit. A figure with nothing dropped is written exactly
  (63名, 871户; with three figures every whole number below 1,000 is). The
  seed's "完成20多万平方米" is a one-figure headline (``figures=1``).
* **多 or 余.** When something was dropped the figure takes 余 if what is left
  is a round hundred (2400余, 100余, 300余万), 多 otherwise (3720多, 157万多,
  20多万); the two mean the same, 余 is what the writing puts after round
  figures.
* **万 and 亿.** From 10,000 the figure is counted in 万 (from 10⁸ in 亿), with
  decimals when the kept digits need them (22.2万多). The marker follows 万 when
  only part of a 万 was dropped (157万多: 157 to 158万) and comes before it when
  whole 万 were dropped (``figures=1``: 20多万, 20 to 30万), so the Chinese
  reading of the words always contains the true value.
* **Number words.** Counts are Arabic (63名, 3720多户); ordinals and spans are
  Chinese numerals (第一批, 一个多月, 两个多月), as the seed writes them.

English uses the same kept figure: "more than 3,720", "more than 1.57 million".
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_FIGURES = 3
WAN = 10_000
YI = 100_000_000
_DIGITS = "零一二三四五六七八九"
_PLACES = ("", "十", "百", "千")
_SECTIONS = ("", "万", "亿")


@dataclass(frozen=True)
class Approximation:
    """A figure cut to a few significant digits: ``kept`` ≤ value < ``kept + step``.

    ``dropped`` says whether anything was cut (the figure then takes 多/余 or
    "more than"); ``step`` is one unit of the last kept digit.
    """

    kept: int
    step: int
    dropped: bool


def approximate(value: float, figures: int = DEFAULT_FIGURES) -> Approximation:
    """Keep the leading ``figures`` significant digits of ``value`` (truncating)."""
    if figures < 1:
        raise ValueError("figures must be at least 1")
    if value < 0 or math.isnan(value) or math.isinf(value):
        raise ValueError(f"a figure must be a finite non-negative number, not {value!r}")
    exact = Decimal(repr(float(value)))
    whole = int(exact)
    if whole == 0:
        return Approximation(kept=0, step=1, dropped=exact > 0)
    step = 10 ** max(len(str(whole)) - figures, 0)
    kept = whole // step * step
    return Approximation(kept=kept, step=step, dropped=exact > kept)


def _mantissa(kept: int, unit: int) -> str:
    """``kept / unit`` written without trailing zeros: 1570000/万 → "157", 222000/万 → "22.2"."""
    text = format(Decimal(kept) / Decimal(unit), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def zh_figure(value: float, figures: int = DEFAULT_FIGURES) -> str:
    """The figure as a Chinese briefing writes it: "3770多", "2400余", "157万多", "20多万".

    A value below 1 that is not zero reads "不足1" (nothing whole to keep).
    """
    found = approximate(value, figures)
    if found.kept == 0:
        return "不足1" if found.dropped else "0"
    unit, unit_word = (
        (YI, "亿") if found.kept >= YI else (WAN, "万") if found.kept >= WAN else (1, "")
    )
    number = _mantissa(found.kept, unit)
    if not found.dropped:
        return f"{number}{unit_word}"
    marker = "余" if "." not in number and int(number) % 100 == 0 else "多"
    if unit > 1 and found.step > unit:
        return f"{number}{marker}{unit_word}"
    return f"{number}{unit_word}{marker}"


def en_figure(value: float, figures: int = DEFAULT_FIGURES) -> str:
    """The same kept figure in English: "more than 3,770", "more than 1.57 million", "871"."""
    found = approximate(value, figures)
    if found.kept == 0:
        return "less than 1" if found.dropped else "0"
    if found.kept >= 1_000_000_000:
        number = f"{_mantissa(found.kept, 1_000_000_000)} billion"
    elif found.kept >= 1_000_000:
        number = f"{_mantissa(found.kept, 1_000_000)} million"
    else:
        number = f"{found.kept:,}"
    return f"more than {number}" if found.dropped else number


def chinese_numeral(n: int, *, counting: bool = False) -> str:
    """``n`` in Chinese numerals (一, 十二, 一百零五, 十万一千, 一亿零一千); 0 ≤ n < 10¹².

    ``counting`` writes a lone 2 as 两, as before a measure word (两个多月);
    ordinals keep 二 (第二批).
    """
    if not 0 <= n < 10**12:
        raise ValueError(f"no Chinese numeral for {n}")
    if n == 2 and counting:
        return "两"
    if n == 0:
        return _DIGITS[0]
    text = str(n)
    out: list[str] = []
    gap = False
    for index, char in enumerate(text):
        section, place = divmod(len(text) - 1 - index, 4)
        if char == "0":
            gap = True
        else:
            if gap and out:
                out.append(_DIGITS[0])
            gap = False
            out.append(_DIGITS[int(char)] + _PLACES[place])
        if place == 0 and section and int(text[max(0, index - 3) : index + 1]):
            out.append(_SECTIONS[section])
            gap = False
    written = "".join(out)
    return written[1:] if written.startswith("一十") else written


@dataclass(frozen=True)
class Span:
    """Whole calendar months from a start date to an end date, and the days over."""

    months: int
    days: int

    @property
    def years(self) -> int:
        return self.months // 12


def span_between(start: dt.date, end: dt.date) -> Span:
    """Whole calendar months from ``start`` to ``end`` and the days left over
    (3 Mar → 29 Aug: 5 months 26 days), so "五个多月" never overstates the span."""
    if end < start:
        raise ValueError("a span cannot end before it starts")
    months = (end.year - start.year) * 12 + end.month - start.month
    if _add_months(start, months) > end:
        months -= 1
    return Span(months=months, days=(end - _add_months(start, months)).days)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or that month's last day when it is shorter."""
    year, month = divmod(day.month - 1 + months, 12)
    target = dt.date(day.year + year, month + 1, 1)
    following = dt.date(target.year + (target.month == 12), target.month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return target.replace(day=min(day.day, last))
