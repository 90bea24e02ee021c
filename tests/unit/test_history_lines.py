"""Audit rows in the user's words: a phrase for every change the store writes, field
labels in both languages, codes and ids as names, local time, numbers masked,
undo rows named, and summaries cut to a width in terminal cells."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from cadre_tui import i18n
from cadre_tui.domain import model
from cadre_tui.i18n import catalog
from cadre_tui.services import history
from cadre_tui.services.history import action_phrase, detail_text, history_line, local_time
from cadre_tui.store import export_audit
from cadre_tui.store.audit_queries import AuditRow, log_entries
from cadre_tui.store.connection import connect

STORE = Path(history.__file__).resolve().parent.parent / "store"
AT = "2026-11-27T01:05:09+00:00"
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def row(entity: str, action: str, before=None, after=None, **kw) -> AuditRow:  # noqa: ANN001
    values = {"id": 41, "at": AT, "actor": "zhaomin", "entity_id": 7, "undoes": None, **kw}
    return AuditRow(action=action, entity=entity, before=before, after=after, **values)


def written_pairs() -> set[tuple[str, str]]:
    """Every (entity, action) the store's source writes with a literal name."""
    pairs = {(export_audit.ENTITY, export_audit.ACTION)}
    for path in STORE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if name == "record" and len(texts) >= 2 and all(isinstance(x, str) for x in texts[:2]):
                pairs.add((texts[1], texts[0]))
            if name == "insert_rows":
                for keyword in node.keywords:
                    if keyword.arg == "entity" and isinstance(keyword.value, ast.Constant):
                        pairs.add((keyword.value.value, "bulk_insert"))
            if name == "_add_place" and len(node.args) >= 3:
                entity = node.args[2]
                if isinstance(entity, ast.Constant):
                    pairs.add((entity.value, "create"))
    return pairs


def test_the_source_scan_finds_the_stores_writes() -> None:
    pairs = written_pairs()
    for expected in [
        ("cadre", "update"),
        ("placement", "move"),
        ("figure_entry", "correct"),
        ("recommendation", "withdraw"),
        ("cadre", "bulk_insert"),
        ("village", "create"),
        ("export", "export_unmasked"),
    ]:
        assert expected in pairs
    assert len(pairs) > 50


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_change_the_store_writes_has_a_phrase(lang: str) -> None:
    missing = sorted(
        f"history.action.{entity}.{action}"
        for entity, action in written_pairs()
        if f"history.action.{entity}.{action}" not in catalog(lang)
    )
    assert not missing


AUDITED = (
    model.Programme,
    model.SendingUnit,
    model.ReceivingUnit,
    model.Village,
    model.FieldTeam,
    model.Project,
    model.Officer,
    model.NewCadre,
    model.Batch,
    model.WorkingGroup,
    model.Placement,
    model.Evaluation,
    model.FigureEntry,
    model.Target,
)
EXTRA_FIELDS = (
    *("leader", "deputy", "villages", "unplaced", "added", "on", "placements_ended"),
    *("receiving_unit_ids", "fields", "count", "first_id", "last_id", "kind", "path", "rows"),
    *("filter", "year", "batch", "cadre", "quota", "unit", "meeting_date", "round_id"),
    *("nominations", "skipped", "deadline", "note", "state", "sending_unit_id"),
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_field_the_store_writes_has_a_label(lang: str) -> None:
    fields = {f.name for cls in AUDITED for f in dataclasses.fields(cls)} | set(EXTRA_FIELDS)
    i18n.set_language(lang)
    unlabelled = sorted(
        f"{cls}.{name}"
        for cls in ("cadre", "placement")
        for name in fields
        if history.field_label(cls, name) == name.replace("_", " ")
        and not catalog(lang).get(f"history.field.{name}")
    )
    assert not unlabelled


def test_cadre_fields_use_the_cadre_forms_labels() -> None:
    i18n.set_language("zh")
    assert history.field_label("cadre", "post") == catalog("zh")["form.label.post"]
    assert history.field_label("cadre", "name") == catalog("zh")["form.label.name"]
    assert history.field_label("working_group", "name") == catalog("zh")["history.field.name"]


def test_an_update_lists_each_changed_field_old_to_new() -> None:
    line = history_line(
        row(
            "cadre",
            "update",
            {"post": "科员", "rank": ""},
            {"post": "科长", "rank": "四级主任科员"},
        )
    )
    assert line.phrase == "Record updated"
    assert line.summary() == "Post: 科员 → 科长; Rank: — → 四级主任科员"
    i18n.set_language("zh")
    line = history_line(row("cadre", "update", {"post": "科员"}, {"post": "科长"}))
    assert line.phrase == "修改信息"
    assert line.summary() == f"{catalog('zh')['form.label.post']}：科员 → 科长"


def test_codes_become_labels_and_ids_names() -> None:
    i18n.set_language("zh")
    names = {("working_group", 3): "湖塘镇工作组", ("working_group", 4): "牛塘镇工作组"}
    move = row(
        "placement",
        "move",
        {"placement_id": 8, "group_id": 3},
        {"placement_id": 9, "group_id": 4, "on": "2026-11-20"},
    )
    assert (
        history_line(move, names).summary()
        == "工作组：湖塘镇工作组 → 牛塘镇工作组；日期：2026-11-20"
    )
    state = row("recommendation", "approve", {"state": "nominated"}, {"state": "approved"})
    assert history_line(state).summary() == "状态：已推荐 → 已审核"
    unknown = row("placement", "move", {"group_id": 3}, {"group_id": 99})
    assert history_line(unknown, names).summary() == "工作组：湖塘镇工作组 → #99"
    figure = row(
        "figure_entry",
        "create",
        None,
        {
            "metric_code": "measured_area",
            "value": 1234.5,
            "entry_date": "2026-11-20",
            "cadre_id": 7,
        },
    )
    assert history_line(figure).summary() == "指标：丈量面积；数值：1,234.5；日期：2026-11-20"


def test_phones_and_id_numbers_are_masked_everywhere() -> None:
    created = row(
        "cadre",
        "create",
        None,
        {"name": "张伟", "phone": "13812345678", "id_number": "320412199405170011"},
    )
    line = history_line(created)
    shown = " ".join([line.summary(), *detail_text(line), str(line.as_json())])
    assert "13812345678" not in shown and "138****5678" in shown
    assert "320412199405170011" not in shown and "3204**********0011" in shown
    assert line.summary().startswith("Name: 张伟")


def test_an_undo_names_the_row_it_reverses() -> None:
    undo = row("cadre", "update", {"post": "科长"}, {"post": "科员"}, undoes=12)
    line = history_line(undo)
    assert line.phrase == "Undo of #12"
    assert "Undo of #12" in detail_text(line)
    i18n.set_language("zh")
    assert history_line(undo).phrase == "撤销第 12 号操作"


def test_an_unknown_change_is_named_by_its_record_and_action() -> None:
    i18n.set_language("zh")
    assert action_phrase("batch", "frobnicate") == "抽调批次：frobnicate"
    assert action_phrase("cadre", "delete") == "从干部库删除"


def test_times_are_local() -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    assert local_time(AT, shanghai) == "2026-11-27 09:05"
    assert local_time("2026-11-27T20:30:00+00:00", shanghai) == "2026-11-28 04:30"
    assert history_line(row("cadre", "reveal"), tz=shanghai).at == "2026-11-27 09:05"


def test_a_summary_is_cut_to_its_width_in_terminal_cells() -> None:
    i18n.set_language("zh")
    note = "经审核，符合选派条件，同意推荐该同志参加第三批抽调工作"
    line = history_line(row("recommendation", "approve", {"note": ""}, {"note": note}))
    for width in (10, 21, 30):
        cut = line.summary(width)
        assert cell_len(cut) <= width and cut.endswith("…")
    assert line.summary(200) == line.summary()


def test_the_detail_shows_every_field_before_and_after() -> None:
    names = {("cadre", 7): "张伟"}
    line = history_line(
        row(
            "working_group",
            "set_leaders",
            {"leader": None, "deputy": 3},
            {"leader": 7, "deputy": 3},
        ),
        names,
    )
    assert line.summary() == "Leader: — → 张伟"
    text = detail_text(line)
    assert text[0] == "#41 · 2026-11-27 " + text[0].split(" ")[3] + " · zhaomin · Leaders set"
    assert "Leader: — → 张伟" in text and "Deputy: #3" in text


def test_json_keeps_the_raw_row_and_adds_the_words() -> None:
    data = history_line(
        row("cadre", "set_status", {"status": "available"}, {"status": "seconded"})
    ).as_json()
    assert data["action"] == "set_status" and data["before"] == {"status": "available"}
    assert data["phrase"] == "Status changed" and data["summary"] == "Status: In pool → Seconded"


def test_the_demo_log_reads_in_chinese_without_english_words(demo_db: Path) -> None:
    i18n.set_language("zh")
    conn = connect(demo_db)
    try:
        rows = log_entries(conn, limit=10_000)
        lines = history.history_lines(rows)
    finally:
        conn.close()
    assert len(lines) == len(rows) > 400
    for line in lines:
        words = [line.phrase, line.summary(), *detail_text(line)[1:]]
        english = [w for text in words for w in ENGLISH_WORD.findall(text)]
        assert not english, (line.row.entity, line.row.action, words)
