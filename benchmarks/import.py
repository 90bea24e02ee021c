"""Importing a 100,000-row roster: checked (``plan_import``) and written
(``apply_import``) into a pool that has the sending units but no cadres yet.

The roster is built once in the bench cache as Excel saves one: a shared-strings
table, dates as serial numbers under a date format, 出生年月 typed as text
(``1985.03``), all 17 columns of the pool, every row valid. Each run is a fresh
process on a fresh copy of the pool, so peak RSS is the import's own (the
interpreter and imports included); the rows:

- import: plan and apply together, what ``cadre-tui import`` costs;
- plan / apply: the two halves;
- reimport_unchanged: planning the same file again against the filled pool
  (every row "unchanged", nothing to write);
- import_no_phrases: the import with ``PYPINYIN_NO_PHRASES=1``, which keeps
  pypinyin's phrase tables (never consulted: names are spelled one character
  at a time) out of memory;
- calamine_read: python-calamine alone opening the roster and handing over every
  row, the floor under any import and a gauge of the machine's speed at the time
  (the issue measured ~1.2 s for such a file; on a shared VM this varies by 1.5x).

Targets (issue 7): import <= 8 s, peak RSS <= 200 MB. No baseline: ratio is empty.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from _common import cache_dir, parse_args, report, summarise

SEED = 7
UNITS = 40
COLUMNS = (
    "姓名", "性别", "民族", "籍贯", "出生年月", "身份证号", "手机", "政治面貌", "入党时间",
    "参加工作时间", "学历", "学位", "工作单位", "职务", "职级", "人员类别", "基层工作经历",
)  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志文斌宇浩凯鹏飞玲婷雪琳晨阳"
PLACES = ("江苏南京", "江苏常州", "江苏无锡", "安徽合肥", "浙江杭州", "山东济南", "河南郑州")
EDUCATION = (("大学", "学士"), ("研究生", "硕士"), ("大专", ""), ("研究生", "博士"))
CATEGORIES = ("新录用公务员", "后备干部", "其他年轻干部", "在职领导", "中层干部")
POSTS = ("科员", "副科长", "科长", "副主任", "主任科员")
RANKS = ("一级科员", "四级主任科员", "二级主任科员", "一级主任科员")
EPOCH = dt.date(1899, 12, 30)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def unit_name(index: int) -> str:
    return f"区基准单位{index:02d}"


def roster_rows(size: int):  # noqa: ANN201 - yields lists of cells
    """``size`` valid rows, the same every time (dates as ``datetime.date``)."""
    from cadre_tui.domain.identity import make_id_number

    rng = random.Random(SEED)
    for n in range(size):
        gender = "M" if rng.random() < 0.55 else "F"
        birth = dt.date(1966, 1, 1) + dt.timedelta(days=rng.randrange(34 * 365))
        region = f"{320100 + n // 500:06d}"
        id_number = make_id_number(region, birth, (n % 500) * 2, gender)
        member = rng.random() < 0.7
        education, degree = EDUCATION[rng.randrange(len(EDUCATION))]
        yield [
            SURNAMES[rng.randrange(len(SURNAMES))] + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
            "男" if gender == "M" else "女",
            "汉族" if rng.random() < 0.95 else "回族",
            PLACES[rng.randrange(len(PLACES))],
            f"{birth.year}.{birth.month:02d}",
            id_number,
            f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            "中共党员" if member else "群众",
            birth.replace(day=1) + dt.timedelta(days=365 * 24) if member else "",
            birth.replace(day=1) + dt.timedelta(days=365 * 22 + 200),
            education,
            degree,
            unit_name(rng.randrange(UNITS)),
            POSTS[rng.randrange(len(POSTS))],
            RANKS[rng.randrange(len(RANKS))],
            CATEGORIES[rng.randrange(len(CATEGORIES))],
            "驻村工作一年" if rng.random() < 0.2 else "",
        ]


def write_roster(path: Path, size: int) -> None:
    """SpreadsheetML as Excel writes it: shared strings, dates as styled serials."""
    strings: dict[str, int] = {}
    sheet = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n']
    sheet.append(f'<worksheet xmlns="{_MAIN}"><sheetData>')
    letters = [chr(ord("A") + i) for i in range(len(COLUMNS))]

    def row_xml(number: int, cells: list[object]) -> str:
        parts = [f'<row r="{number}">']
        for letter, value in zip(letters, cells, strict=True):
            ref = f"{letter}{number}"
            if isinstance(value, dt.date):
                parts.append(f'<c r="{ref}" s="1"><v>{(value - EPOCH).days}</v></c>')
            elif value != "":
                index = strings.setdefault(str(value), len(strings))
                parts.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
        parts.append("</row>")
        return "".join(parts)

    sheet.append(row_xml(1, list(COLUMNS)))
    for number, cells in enumerate(roster_rows(size), start=2):
        sheet.append(row_xml(number, cells))
    sheet.append("</sheetData></worksheet>")
    shared = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}"']
    shared.append(f' count="{len(strings)}" uniqueCount="{len(strings)}">')
    shared.extend(f"<si><t>{escape(text)}</t></si>" for text in strings)
    shared.append("</sst>")
    building = path.with_name(path.name + ".building")
    with zipfile.ZipFile(building, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in _PARTS.items():
            book.writestr(name, text)
        book.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
        book.writestr("xl/sharedStrings.xml", "".join(shared))
    building.rename(path)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}"'
        f' xmlns:r="{_REL}"><sheets><sheet name="干部名册" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        "</cellXfs></styleSheet>"
    ),
}


def build(size: int) -> tuple[Path, Path]:
    """The roster and an empty pool with its sending units, both built once."""
    from cadre_tui.store import units
    from cadre_tui.store.database import open_database
    from cadre_tui.store.migrate import migration_names

    roster = cache_dir() / f"import-roster-{size}.xlsx"
    if not roster.exists():
        started = time.perf_counter()
        log(f"building {roster.name}")
        write_roster(roster, size)
        log(f"  built in {time.perf_counter() - started:.0f} s")
    schema = migration_names()[-1][:4]
    pool = cache_dir() / f"import-pool-{schema}.db"
    if not pool.exists():
        building = pool.with_name(pool.name + ".building")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        conn = open_database(building).connect()
        try:
            units.insert_sending_units(
                conn, [{"code": f"B{i:02d}", "name": unit_name(i)} for i in range(UNITS)]
            )
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        building.rename(pool)
    return roster, pool


def child(kind: str, db: Path, roster: Path) -> None:
    """One import in this process; prints the timings and the peak RSS as JSON."""
    if kind == "calamine":
        from python_calamine import CalamineWorkbook

        started = time.perf_counter()
        sheet = CalamineWorkbook.from_path(str(roster)).get_sheet_by_index(0)
        rows = sum(1 for _ in sheet.iter_rows())
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"timings": {"calamine": seconds}, "rows": rows, "peak_rss_mb": peak}))
        return
    from cadre_tui.services.roster_import import apply_import, plan_import
    from cadre_tui.store.database import open_database

    conn = open_database(db).connect()
    timings: dict[str, float] = {}
    try:
        started = time.perf_counter()
        plan = plan_import(conn, roster)
        timings["plan"] = time.perf_counter() - started
        if plan.rejected:
            raise SystemExit(f"{plan.rejected} rows rejected: {plan.rejected_rows()[:3]}")
        if kind == "import":
            applied = time.perf_counter()
            result = apply_import(conn, plan)
            timings["apply"] = time.perf_counter() - applied
            timings["import"] = time.perf_counter() - started
            assert result.new == len(plan.rows)
        else:
            assert plan.unchanged == len(plan.rows)
    finally:
        conn.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"timings": timings, "peak_rss_mb": peak}))


def _run_child(kind: str, db: Path, roster: Path, env: dict[str, str]) -> dict:
    argv = [sys.executable, __file__, "--child", kind, str(db), str(roster)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed ({done.returncode}): {done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(size: int, runs: int) -> list[dict]:
    roster, pool = build(size)
    scratch = cache_dir() / f"import-scratch-{os.getpid()}.db"
    rows: list[dict] = []
    try:
        for label, extra in (("import", {}), ("import_no_phrases", {"PYPINYIN_NO_PHRASES": "1"})):
            env = dict(os.environ, **extra)
            times: dict[str, list[float]] = {"plan": [], "apply": [], "import": []}
            rss: list[float] = []
            for run in range(runs if label == "import" else max(1, runs // 3)):
                _fresh(pool, scratch)
                data = _run_child("import", scratch, roster, env)
                log(f"  {label} run {run + 1}: {data['timings']['import']:.2f} s")
                for op, seconds in data["timings"].items():
                    times[op].append(seconds)
                rss.append(data["peak_rss_mb"])
            if label == "import":
                for op in ("import", "plan", "apply"):
                    rows.append(summarise("import", op, size, times[op], rss))
                unchanged, unchanged_rss = [], []
                for _ in range(max(1, runs // 3)):
                    data = _run_child("reimport", scratch, roster, env)
                    unchanged.append(data["timings"]["plan"])
                    unchanged_rss.append(data["peak_rss_mb"])
                rows.append(
                    summarise("import", "reimport_unchanged", size, unchanged, unchanged_rss)
                )
            else:
                rows.append(summarise("import", label, size, times["import"], rss))
        reads, read_rss = [], []
        for _ in range(max(1, runs // 3)):
            data = _run_child("calamine", scratch, roster, dict(os.environ))
            reads.append(data["timings"]["calamine"])
            read_rss.append(data["peak_rss_mb"])
        rows.append(summarise("import", "calamine_read", size, reads, read_rss))
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return rows


def _fresh(pool: Path, scratch: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(pool, scratch)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        return
    args = parse_args(__doc__.splitlines()[0], [100_000])
    rows: list[dict] = []
    for size in args.sizes:
        rows.extend(measure(size, args.runs))
    report(rows, args.json)


if __name__ == "__main__":
    main()
