"""The checks of projects.csv across rows, on rows made here: each reports at the cell that
breaks it and returns the rows it failed."""

from __future__ import annotations

from kyodo_lod.build.extract import csv_checks
from kyodo_lod.build.extract.csv_template import TEMPLATE_COLUMNS
from kyodo_lod.build.extract.plan_cells import ProjectCells, read_project_cells
from kyodo_lod.build.extract.table import Problems, Row

COLUMNS = {name: index for index, name in enumerate(TEMPLATE_COLUMNS, start=1)}
GOOD = {
    "city_code": "079995",
    "city_name": "架空市",
    "fiscal_year": "2025",
    "policy_number": "1",
    "policy_title": "安心なまち",
    "project_number": "1",
    "category": "継続",
    "project_name": "事業",
    "department": "総務部/総務課",
    "sdg_targets": "3.4",
    "relisted_from": "",
}


def row(line: int, **cells: str) -> Row:
    return Row("p.csv", line, line, COLUMNS, {**GOOD, **cells})


def projects(*rows: Row) -> list[ProjectCells]:
    problems = Problems()
    read = [read_project_cells(r, None, problems) for r in rows]
    assert not problems.found
    return read


def found(problems: Problems) -> list[tuple]:
    return [(p.location.line, p.location.field, p.message, p.value) for p in problems.found]


def test_plan_wide_values_must_agree_with_the_first() -> None:
    rows = [row(2), row(3, city_name="架空町")]
    problems = Problems()
    values = [{"city_name": r.text("city_name")} for r in rows]
    stated = csv_checks.agreed_plan_values(rows, values, problems)
    assert stated["city_name"].value == "架空市"
    assert found(problems) == [
        (3, "city_name", "the city name differs from line 2's '架空市'", "架空町")
    ]


def test_a_number_used_twice_in_a_year_fails_the_second_row() -> None:
    problems = Problems()
    numbers, repeated = csv_checks.unique_numbers(projects(row(2), row(3)), 2025, problems)
    assert numbers == {(2025, 1): 2} and repeated == {3}
    assert found(problems) == [
        (3, "project_number", "project number 1 is used twice in FY2025 (line 2)", "1")
    ]


def test_rows_of_the_year_before_are_completed_projects_without_a_number() -> None:
    read = projects(
        row(2),
        row(3, fiscal_year="2024", category="完了・統合", project_number=""),
        row(4, fiscal_year="2024", project_number="2"),
    )
    problems = Problems()
    assert csv_checks.other_year_rows(read, csv_checks.plan_year(read), problems) == {4}
    assert [f[:2] for f in found(problems)] == [(4, "fiscal_year")]


def test_a_policy_spelled_two_ways_is_warned_and_an_untitled_level_is_named() -> None:
    read = projects(
        row(2, policy_number="1.1", policy_title="子育て"),
        row(3, policy_number="1.1", policy_title="子育て支援"),
    )
    problems = Problems()
    titles = csv_checks.policy_titles(read, problems)
    csv_checks.every_level_titled(titles, problems)
    # a tie: the spelling seen first is the title, the other an alternative
    assert titles.titles["1.1"] == ("子育て", 2) and titles.alternatives["1.1"] == ("子育て支援",)
    assert [(p.location.line, p.location.field, p.message, p.value) for p in problems.warnings] == [
        (
            3,
            "policy_title",
            "policy 1.1 is spelled '子育て支援' here but '子育て' on 1 row(s) (from line 2): "
            "'子育て' becomes its title and this spelling an alternative label",
            "子育て支援",
        )
    ]
    assert found(problems) == [
        (
            2,
            "policy_title",
            "policy 1 has no title: on at least one row, write the titles of every level"
            " joined by '/'",
            "1",
        ),
    ]


def test_the_most_frequent_spelling_wins_and_each_other_row_is_warned() -> None:
    city = "潤いに満ちた快適な都市環境の創造"
    life = "潤いに満ちた快適な生活環境の創造"
    read = projects(
        row(2, policy_title=city),
        row(3, project_number="2", policy_title=life),
        row(4, project_number="3", policy_title=life),
        row(5, project_number="4", policy_title=f" {city} "),
        row(6, project_number="5", policy_title=life),
    )
    problems = Problems()
    titles = csv_checks.policy_titles(read, problems)
    assert titles.titles["1"] == (life, 3) and titles.alternatives["1"] == (city,)
    assert not problems.found  # never an error: the import goes on
    assert [(w.location.line, w.location.column, w.severity) for w in problems.warnings] == [
        (2, 5, "warning"),
        (5, 5, "warning"),
    ]
    assert f"but '{life}' on 3 row(s) (from line 3)" in problems.warnings[0].message


def test_relists_point_inside_the_file_and_not_to_themselves() -> None:
    read = projects(
        row(2),
        row(3, project_number="2", category="再掲", relisted_from="9"),
        row(4, project_number="3", category="再掲", relisted_from="3"),
    )
    problems = Problems()
    numbers, _ = csv_checks.unique_numbers(read, 2025, problems)
    csv_checks.relists_inside_the_file(read, 2025, numbers, problems)
    assert found(problems) == [
        (3, "relisted_from", "relisted_from points to project 9, which is not in FY2025", "9"),
        (4, "relisted_from", "a row cannot relist itself", "3"),
    ]


def test_the_plan_key_comes_from_the_column_else_the_uri_else_plan() -> None:
    problems = Problems()
    uri = "https://x.example/id/079995/plan/kyodo2/2025/project/1"
    assert csv_checks.basic_plan_key({}, [row(2, uri=uri)], problems) == "kyodo2"
    assert csv_checks.basic_plan_key({}, [row(2)], problems) == "plan"
    rows = [row(2, plan_key="Bad Key")]
    stated = csv_checks.agreed_plan_values(rows, [{"plan_key": "Bad Key"}], problems)
    assert csv_checks.basic_plan_key(stated, rows, problems) == "Bad Key"
    assert [f[:2] for f in found(problems)] == [(2, "plan_key")]
