"""Every screen and dialog, driven in Chinese at 80×24 on the demo, shows no English:
the only ASCII words allowed are key names as the footer and help write them, the
program's own command lines, paths, and words that are the demo's own data (codes,
the operator's login). An English enum code such as ``open`` or ``stationed_village``,
or a word like "Loading" or "None", fails. One app run per screen group."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import openpyxl
import pytest
from textual.widgets import DataTable, Input

from cadre_tui import i18n
from cadre_tui.domain import enums
from cadre_tui.domain.identity import make_id_number
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database
from cadre_tui.ui.app import CadreApp
from cadre_tui.ui.screens import batch_actions, dashboard
from cadre_tui.ui.screens.batch import BatchScreen

TODAY = dt.date(2026, 11, 27)

WORD = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*")
KEY_NAMES = frozenset(
    {
        *("esc", "escape", "enter", "tab", "space", "backspace", "delete", "del", "insert"),
        *("pgup", "pgdn", "pageup", "pagedown", "home", "end", "up", "down", "left", "right"),
        *("ins", "shift", "ctrl", "alt"),
    }
)
"""Key names as Textual's footer and our help write them (case aside)."""

COMMAND_LINE = re.compile(r"cadre-tui(?:[\s│▏▎▊]+[a-z][a-z-]*)?(?:[\s│▏▎▊]+--?[a-z][\w-]*)*")
"""``cadre-tui status --not-reporting``: a command to type is shown as typed (even when
it wraps inside a frame)."""
PATH = re.compile(r"\S*/\S*")
EXTENSION = re.compile(r"(?<![A-Za-z0-9])\.(?:xlsx|xls|csv|lrmx|zip|json|md|toml|db)\b")
"""A file type is written as its extension (``.xlsx``)."""

DATA_COLUMNS = {
    "sending_units": ("code", "name"),
    "receiving_units": ("code", "name"),
    "cadres": ("name", "id_number", "current_post", "rank", "native_place", "ethnicity"),
    "audit_log": ("actor",),
    "figure_entries": ("entered_by",),
    "batches": ("name", "purpose"),
    "working_groups": ("name",),
    "villages": ("name",),
    "projects": ("name",),
    "logistics_items": ("title", "description", "owner", "raised_by", "resolution"),
    "meetings": ("title", "place", "decisions", "notes"),
    "training_sessions": ("title", "place"),
    "mentors": ("name", "post", "village"),
}
"""Columns whose text is shown as it is stored; their ASCII words are data."""


def enum_codes() -> set[str]:
    codes = {code for code in enums.METRIC_CODES}
    for value in vars(enums).values():
        if isinstance(value, type) and issubclass(value, enums.Labelled):
            codes.update(member.value for member in value)
    return {word for code in codes for word in WORD.findall(code)}


def data_words(path: Path) -> set[str]:
    """ASCII words in the demo's shown text, less any that are also enum codes."""
    conn = connect(path)
    words: set[str] = set()
    try:
        for table, wanted in DATA_COLUMNS.items():
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            for column in set(wanted) & present:
                for (value,) in conn.execute(f"SELECT DISTINCT {column} FROM {table}"):
                    if isinstance(value, str):
                        words.update(WORD.findall(value))
    finally:
        conn.close()
    return words - enum_codes()


def is_key(word: str) -> bool:
    parts = word.lower().split("+")
    return all(
        part in KEY_NAMES or len(part) <= 1 or re.fullmatch(r"f\d{1,2}", part) for part in parts
    )


def blank_commands(text: str) -> str:
    """Command lines replaced by spaces, keeping the line breaks."""
    return COMMAND_LINE.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), text)


def untranslated(text: str, allowed: set[str]) -> list[str]:
    text = EXTENSION.sub(" ", PATH.sub(" ", blank_commands(text)))
    return [
        word
        for word in (w.rstrip("-") for w in WORD.findall(text))
        if word and not is_key(word) and word not in allowed
    ]


class Recorder:
    """Reads the screen (and the notifications) after each step; keeps what is English."""

    def __init__(self, app: CadreApp, pilot, allowed: set[str], screen_text) -> None:  # noqa: ANN001
        self.app, self.pilot, self.allowed, self.screen_text = app, pilot, allowed, screen_text
        self.found: dict[str, list[str]] = {}
        self.seen_screens: set[str] = set()

    async def settle(self) -> None:
        for _ in range(2):
            await self.app.workers.wait_for_complete()
            await self.pilot.pause()

    async def press(self, *keys: str, label: str = "") -> None:
        await self.pilot.press(*keys)
        await self.settle()
        self.look(label or "+".join(keys))

    def look(self, label: str) -> None:
        name = type(self.app.screen).__name__
        self.seen_screens.add(name)
        text = self.screen_text(self.app)
        for note in self.app._notifications:
            text += f"\n{note.title}\n{note.message}"
        for line in blank_commands(text).splitlines():
            words = untranslated(line, self.allowed)
            if words:
                self.found.setdefault(f"{label} [{name}]: {line.strip()}", words)


async def dashboard_and_progress(rec: Recorder) -> None:
    rec.look("start")
    for _ in range(3):
        await rec.press("pagedown")
    await rec.press("pageup", "pageup", "pageup")
    await rec.press("enter", label="progress of batch")
    await rec.press("2")
    await rec.press("t", label="target dialog")
    await rec.press("escape")
    await rec.press("escape")
    await rec.press("p", label="programme progress")
    await rec.press("enter", label="a batch's units")
    await rec.press("escape", "escape")


async def help_and_palette(rec: Recorder) -> None:
    await rec.press("question_mark", label="help")
    await rec.press("escape")
    await rec.press("ctrl+p", label="palette")
    await rec.press(*"主题", label="palette search")
    await rec.press(*"无此命令", label="palette, nothing found")
    await rec.pilot.pause(0.6)  # Textual says "no matches" after half a second
    rec.look("palette, nothing found")
    await rec.press("escape")
    await rec.press("f3", "ctrl+p", label="palette on the pool")
    await rec.press("escape")


def write_roster(path: Path) -> Path:
    header = ["姓名", "性别", "出生年月", "身份证号", "工作单位", "职务", "人员类别"]
    birth = dt.date(1994, 5, 6)
    book = openpyxl.Workbook()
    book.active.append(header)
    good = make_id_number("320102", birth, 3, "M")
    book.active.append(["新干部", "男", birth, good, "区财政局", "科员", "后备干部"])
    book.active.append(["错号码", "女", birth, "320102199405060000", "无此单位", "科员", "后备"])
    book.save(path)
    return path


async def pool(rec: Recorder) -> None:
    rec.look("start")
    await rec.press("f", label="filters")
    await rec.press("escape")
    await rec.press("slash", *"张", label="search")
    await rec.press("enter", label="searched")
    await rec.press("enter", label="detail")
    await rec.press("v", label="revealed")
    await rec.press("h", label="history")
    await rec.press("enter", label="history detail")
    await rec.press("escape", "escape", "escape")
    await rec.press("e", label="edit form")
    await rec.press("escape")
    await rec.press("a", label="new form")
    await rec.press("escape")
    await rec.press("space", "t", label="status choice")
    await rec.press("escape")
    await rec.press("x", label="archive prompt")
    await rec.press("escape")
    await rec.press("n", label="nominated")
    await rec.press("ctrl+s", label="save filter prompt")
    await rec.press("escape")
    await rec.press("o", label="export")
    await rec.press("escape")
    await rec.press("i", label="import prompt")
    roster = write_roster(rec.app.roster_path)  # type: ignore[attr-defined]
    rec.app.screen.query_one(Input).value = str(roster)
    await rec.press("enter", label="import preview")
    await rec.press("escape")


async def round_board(rec: Recorder) -> None:
    rec.look("start")
    await rec.press("l", label="late units")
    await rec.press("l")
    await rec.press("enter", label="unit")
    await rec.press("down")
    await rec.press("n", label="nominate dialog")
    await rec.press(*"王", label="nominate search")
    await rec.press("ctrl+t", label="everyone")
    await rec.press("escape")
    await rec.press("m", label="meeting prompt")
    await rec.press("escape")
    await rec.press("q", label="quota prompt")
    await rec.press("escape")
    await rec.press("r", label="return prompt")
    await rec.press("escape")
    await rec.press("escape")
    await rec.press("c", label="create round")
    await rec.press("escape")


async def go_to_group(rec: Recorder, name: str) -> None:
    screen = rec.app.screen
    assert isinstance(screen, BatchScreen)
    todo = list(screen.tree.root.children)
    while todo:
        node = todo.pop(0)
        view = screen.find(node.data)
        if node.data[0] == "group" and getattr(getattr(view, "group", None), "name", "") == name:
            screen.tree.move_cursor(node)
            await rec.settle()
            return
        todo.extend(node.children)
    raise AssertionError(f"no group {name}")


async def batches(rec: Recorder) -> None:
    rec.look("start")
    await rec.press("h", label="batch history")
    await rec.press("escape")
    await rec.press("c", label="evaluations")
    await rec.press("enter", label="grade choice")
    await rec.press("escape")
    await rec.press("escape")
    await rec.press("n", label="new batch form")
    await rec.press("escape")
    await go_to_group(rec, "湖塘镇工作组")
    rec.look("group")
    await rec.press("a", label="member picker")
    await rec.press(*"李", label="picker search")
    await rec.press("ctrl+t", label="picker scope")
    await rec.press("ctrl+f", label="picker filters")
    await rec.press("escape")
    await rec.press("escape")
    await rec.press("e", label="group form")
    await rec.press("escape")
    await rec.press("g", label="new group form")
    await rec.press("escape")
    await rec.press("o", label="mode choice")
    await rec.press("escape")
    await rec.press("f", label="figure entry")
    await rec.press("escape")
    await rec.press("enter", "down", label="member")
    await rec.press("p", label="place dialog")
    await rec.press("escape")
    await rec.press("m", label="move choice")
    await rec.press("escape")
    await rec.press("r", label="role choice")
    await rec.press("escape")
    await rec.press("x", label="end placement")
    await rec.press("escape")
    await go_to_group(rec, "高新区第一工作组")
    await rec.press("v", label="villages dialog")
    await rec.press("escape")
    await rec.press("enter", "down", label="stationed member")
    await rec.press("p", label="stationed place dialog")
    await rec.press("escape")


async def coordination(rec: Recorder) -> None:
    rec.look("start")
    await rec.press("n", label="item form")
    await rec.press("escape")
    await rec.press("s", label="state form")
    await rec.press("escape")
    await rec.press("e", label="edit item")
    await rec.press("escape")
    await rec.press("2", label="meetings")
    await rec.press("n", label="meeting form")
    await rec.press("escape")
    await rec.press("3", label="training")
    await rec.press("n", label="training form")
    await rec.press("escape")
    table = rec.app.screen.query_one("#training-table", DataTable)
    keys = [row.key.value for row in table.ordered_rows]
    table.move_cursor(row=next(i for i, key in enumerate(keys) if key.startswith("member:")))
    await rec.press("m", label="mentor form")
    await rec.press("escape")
    await rec.press("1", "o", label="every state")
    await rec.press("c", "b", "u", label="filters cycled")
    await rec.press("question_mark", label="help")
    await rec.press("escape")


GROUPS: dict[str, tuple[str, Callable[[Recorder], Awaitable[None]], set[str]]] = {
    "dashboard": ("dashboard", dashboard_and_progress, {"DashboardScreen", "ProgressScreen"}),
    "help_palette": ("dashboard", help_and_palette, {"HelpScreen", "TranslatedCommandPalette"}),
    "pool": (
        "pool",
        pool,
        {
            "PoolScreen",
            "PoolFiltersScreen",
            "CadreDetailScreen",
            "HistoryScreen",
            "HistoryDetailScreen",
            "CadreFormScreen",
            "ImportPreviewScreen",
        },
    ),
    "round": ("round", round_board, {"RoundBoardScreen", "RoundUnitScreen", "RoundNominateScreen"}),
    "batches": (
        "batches",
        batches,
        {
            "BatchScreen",
            "BatchCloseScreen",
            "BatchFormScreen",
            "GroupFormScreen",
            "MemberPickerScreen",
            "FigureEntryScreen",
            "PlaceScreen",
            "VillagesScreen",
        },
    ),
    "coordination": (
        "coordination",
        coordination,
        {
            "CoordinationScreen",
            "ItemFormScreen",
            "ItemStateScreen",
            "MeetingFormScreen",
            "TrainingFormScreen",
            "MentorFormScreen",
            "HelpScreen",
        },
    ),
}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's day; and a config folder short enough that help shows its path whole."""
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent/cfg")
    monkeypatch.setattr(batch_actions, "today", lambda: TODAY)
    monkeypatch.setattr(dashboard, "today", lambda: TODAY)


@pytest.fixture(scope="module")
def allowed(demo_db: Path) -> set[str]:
    return data_words(demo_db)


def test_the_allowlist_is_strict(allowed: set[str]) -> None:
    """The words this test must catch are not excused as data or keys."""
    text = "Loading None True row of Search open stationed_village Quit Keys Theme"
    assert untranslated(text, allowed) == text.split()
    assert untranslated("^p 命令  ctrl+s 保存  Shift+Tab  f1 帮助  pgdn  X  T03", allowed) == []
    assert untranslated("见 cadre-tui status --not-reporting  /root/.config/a.toml", allowed) == []
    assert untranslated("（参见 cadre-tui │\n│ config） 名册.xlsx、.csv", allowed) == []
    assert untranslated("加 --create-units 导入", allowed) == ["create-units"]


@pytest.mark.parametrize("group", list(GROUPS))
async def test_every_screen_speaks_chinese(
    group: str, demo_copy: Path, tmp_path: Path, allowed: set[str], screen_text
) -> None:
    start, drive, screens = GROUPS[group]
    i18n.set_language("zh")
    app = CadreApp(open_database(demo_copy), start=start)
    app.roster_path = tmp_path / "名册.xlsx"  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 24)) as pilot:
        rec = Recorder(app, pilot, allowed, screen_text)
        await rec.settle()
        await drive(rec)
    missing = screens - rec.seen_screens
    assert not missing, f"the drive never reached {sorted(missing)}"
    report = "\n".join(f"{where}  ->  {words}" for where, words in rec.found.items())
    assert not rec.found, f"English on screen:\n{report}"
