"""An export re-imports to the same pool: the pool written by ``cadre-tui export
pool --unmasked`` (xlsx and csv) imports back with every row unchanged, and into
an empty database as the same cadres."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cadre_tui.cli import main
from cadre_tui.services.roster_import import apply_import, plan_import
from cadre_tui.store.connection import connect
from cadre_tui.store.database import open_database

FIELDS = (
    "name, gender, ethnicity, native_place, birth_date, id_number, phone, party_status,"
    " party_joined_on, work_started_on, education, degree, post, rank, category,"
    " grassroots_experience, (SELECT name FROM sending_units u WHERE u.id = sending_unit_id)"
)


def pool_rows(path: Path) -> set[tuple]:
    conn = connect(path)
    try:
        rows = conn.execute(f"SELECT {FIELDS} FROM cadres WHERE status != 'archived'")
        return {tuple(row) for row in rows}
    finally:
        conn.close()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_pool_exported_imports_back_unchanged(
    demo_copy: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"pool{suffix}"
    result = CliRunner().invoke(
        main,
        ["--lang", "zh", "--db", str(demo_copy), "export", "pool", "--unmasked", "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    conn = connect(demo_copy)
    try:
        plan = plan_import(conn, out)
    finally:
        conn.close()
    assert plan.rejected == 0, [r.reasons for r in plan.rejected_rows()][:3]
    assert (plan.new, plan.updated) == (0, 0)
    assert plan.unchanged == len(pool_rows(demo_copy))

    fresh = tmp_path / "fresh.db"
    conn = open_database(fresh).connect()
    try:
        plan = plan_import(conn, out, create_units=True)
        assert plan.rejected == 0
        apply_import(conn, plan)
    finally:
        conn.close()
    assert pool_rows(fresh) == pool_rows(demo_copy)
