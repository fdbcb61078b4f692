"""A blank ``category`` means "not stated": accepted, the project has no category (never 継続
by default); the rules that depend on the category still hold (a № is needed unless the row
is 完了・統合, relisted_from only on 再掲 rows). Fictional rows, not real data."""

from __future__ import annotations

from pathlib import Path

from kyodo_lod.build.extract import plan_cells
from kyodo_lod.build.extract.csv_plan import read_plan_csv
from kyodo_lod.build.extract.table import Cell, Problems
from kyodo_lod.build.rdfize import rdfize
from kyodo_lod.errors import Location, SourceError
from kyodo_lod.rdf.namespaces import KYODO
from tests.locations import FIXTURES

HERE = Location("p.csv", 2, 7, "category")
HEADER = (
    "city_code,city_name,fiscal_year,policy_number,policy_title,project_number,category,"
    "project_name,department,sdg_targets,relisted_from\n"
)


def test_a_blank_category_is_not_stated_and_no_problem() -> None:
    problems = Problems()
    assert plan_cells.category(Cell("", HERE), problems) is None
    assert plan_cells.category(Cell("　", HERE), problems) is None  # a full-width space
    assert problems.found == []


def test_the_goals_only_fixture_has_a_project_without_category() -> None:
    plan = read_plan_csv(FIXTURES / "goals-only-2025.csv")
    assert plan.project(3).category is None
    graph = rdfize(plan)
    assert len(set(graph.subjects(KYODO.category, None))) == 3  # the other three keep theirs
    project = next(s for s, o in graph.subject_objects(KYODO.projectNumber) if o.toPython() == 3)
    assert list(graph.objects(project, KYODO.category)) == []


def _problems(tmp_path: Path, row: str) -> list[tuple[int | None, str | None, str]]:
    path = tmp_path / "p.csv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    try:
        read_plan_csv(path)
    except SourceError as error:
        return [(p.location.column, p.location.field, p.message) for p in error.problems]
    return []


def test_without_a_category_a_row_still_needs_its_number(tmp_path: Path) -> None:
    assert _problems(tmp_path, "079995,架空市,2025,1,協働のまち,,,事業1,市民部/協働推進課,,") == [
        (
            6,
            "project_number",
            "the project number is missing (only 完了・統合 projects may have none)",
        )
    ]


def test_without_a_category_a_row_cannot_relist(tmp_path: Path) -> None:
    row = "079995,架空市,2025,1,協働のまち,2,,事業2,市民部/協働推進課,,1"
    assert _problems(tmp_path, row) == [
        (11, "relisted_from", "relisted_from is only for 再掲 rows")
    ]


def test_a_bad_category_is_reported_once_not_again_at_the_number(tmp_path: Path) -> None:
    row = "079995,架空市,2025,1,協働のまち,,継続中,事業1,市民部/協働推進課,,"
    found = _problems(tmp_path, row)
    assert [(column, field) for column, field, _ in found] == [(7, "category")]
