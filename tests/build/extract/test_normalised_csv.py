"""The normalised CSV an import stores reads back as the same plan."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kyodo_lod.build.extract.csv_plan import read_plan_csv
from kyodo_lod.build.extract.csv_template import KPI_COLUMNS, WRITTEN_COLUMNS
from kyodo_lod.build.extract.normalised_csv import csv_text, plan_rows
from tests.locations import FIXTURES


def test_the_written_rows_read_back_as_the_plan(tmp_path: Path) -> None:
    plan = read_plan_csv(FIXTURES / "kaku-2025.csv", FIXTURES / "kaku-2025.kpis.csv")
    projects, kpis = plan_rows(plan)
    assert projects[0]["policy_title"] == "安心して暮らせるまち / 子育て支援"
    written = tmp_path / "kaku-2025.csv"
    written.write_text(csv_text(WRITTEN_COLUMNS, projects), encoding="utf-8")
    (tmp_path / "kaku-2025.kpis.csv").write_text(csv_text(KPI_COLUMNS, kpis), encoding="utf-8")
    again = read_plan_csv(written, tmp_path / "kaku-2025.kpis.csv")

    def without_lines(p):  # the quoted plan text of the fixture spans two lines there
        return tuple(replace(x, source=replace(x.source, first_line=0, last_line=0)) for x in p)

    assert without_lines(again.projects) == without_lines(plan.projects)
    assert (again.city, again.policies, again.basic_plan_key) == (
        plan.city,
        plan.policies,
        plan.basic_plan_key,
    )


def test_csv_text_writes_the_header_and_unix_line_ends() -> None:
    assert csv_text(["a", "b"], [{"a": "x,y", "b": ""}]) == 'a,b\n"x,y",\n'
