"""The pool table's columns (fixed widths from the data's declared sizes, so no
cell is ever measured) and the one-line description of the active filters."""

from __future__ import annotations

from cadre_tui.domain.pool_query import PoolFilter, PoolSort
from cadre_tui.i18n import t
from cadre_tui.ui.widgets.pool_grid import Column

POOL_COLUMNS = [
    Column(PoolSort.NAME, "pool.col_name", 8, lambda r: r.name),
    Column(PoolSort.GENDER, "pool.col_gender", 4, lambda r: t(f"short.gender.{r.gender.value}")),
    Column(PoolSort.AGE, "pool.col_age", 4, lambda r: str(r.age), right=True),
    Column(PoolSort.UNIT, "pool.col_unit", 14, lambda r: r.sending_unit),
    Column(PoolSort.POST, "pool.col_post", 8, lambda r: r.post),
    Column(PoolSort.CATEGORY, "pool.col_category", 8, lambda r: t(f"short.category.{r.category}")),
    Column(PoolSort.PARTY, "pool.col_party", 8, lambda r: t(f"short.party.{r.party_status}")),
    Column(PoolSort.STATUS, "pool.col_status", 6, lambda r: t(f"short.status.{r.status}")),
    Column(PoolSort.GROUP, "pool.col_group", 8, lambda r: r.group),
]
"""2 + 68 + 9 separators = 79 cells: the whole row fits an 80-column terminal."""


def describe_filter(flt: PoolFilter) -> str:
    """What narrows the list now, in words (never only a colour)."""
    parts: list[str] = []
    if flt.statuses:
        parts.append(t("pool.f_status", values="/".join(s.label() for s in sorted(flt.statuses))))
    if flt.categories:
        parts.append(
            t("pool.f_category", values="/".join(c.label() for c in sorted(flt.categories)))
        )
    if flt.party_statuses:
        parts.append(
            t("pool.f_party", values="/".join(p.label() for p in sorted(flt.party_statuses)))
        )
    if flt.sending_unit_ids:
        parts.append(t("pool.f_units", count=len(flt.sending_unit_ids)))
    if flt.age_min is not None or flt.age_max is not None:
        low = "" if flt.age_min is None else str(flt.age_min)
        high = "" if flt.age_max is None else str(flt.age_max)
        parts.append(t("pool.f_age", low=low, high=high))
    if flt.eligible_only:
        parts.append(t("pool.f_eligible"))
    if not parts:
        return t("pool.f_none")
    return t("pool.f_prefix") + t("pool.f_separator").join(parts)
