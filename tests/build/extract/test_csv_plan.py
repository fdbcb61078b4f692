"""Reading a plan-year from the projects.csv template and its kpis.csv: every rule's problem
with file, line, column and value, and the plan the fixture city gives.

The second city is tests/fixtures/kaku-2025.csv: a fictional city (架空市, code 079995, a valid
check digit on a code no municipality uses) written for these tests, not real data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kyodo_lod.build import sources, vocab
from kyodo_lod.build.extract.csv_plan import read_plan_csv
from kyodo_lod.build.extract.csv_template import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    TEMPLATE_COLUMNS,
)
from kyodo_lod.errors import SourceError
from kyodo_lod.model import PROJECT_COLUMNS, Category
from tests.locations import FIXTURES, ROOT

INVALID = FIXTURES / "invalid"
KAKU = FIXTURES / "kaku-2025.csv"
KAKU_KPIS = FIXTURES / "kaku-2025.kpis.csv"
ALLOWED = (
    "新規・追加 (new), 拡充 (expanded), 継続 (continued), 再掲 (relisted), 完了・統合 (completed)"
)


@pytest.fixture(scope="module")
def known() -> frozenset[str]:
    return vocab.target_codes(vocab.load_sdg(ROOT / "data" / "vocab"))


# ---------------------------------------------------------------------------- the template


def test_template_and_example_follow_the_projects_csv_columns():
    # the columns after uri were added later: optional in the template; so is sdg_targets
    assert PROJECT_COLUMNS[: PROJECT_COLUMNS.index("uri")] == TEMPLATE_COLUMNS
    assert set(TEMPLATE_COLUMNS) - set(REQUIRED_COLUMNS) == {"sdg_targets"}
    assert set(PROJECT_COLUMNS) - set(REQUIRED_COLUMNS) <= set(OPTIONAL_COLUMNS)
    header = (ROOT / "data" / "templates" / "projects.csv").read_text(encoding="utf-8")
    assert header.strip().split(",") == list(TEMPLATE_COLUMNS)
    assert len(header.strip().splitlines()) == 1
    assert (ROOT / "data" / "templates" / "kpis.csv").read_text().strip().count("\n") == 0


def test_the_example_reads_cleanly_and_stays_out_of_the_sources(known):
    plan = read_plan_csv(
        ROOT / "data" / "examples" / "projects.csv",
        ROOT / "data" / "examples" / "kpis.csv",
        known,
    )
    assert plan.projects
    example = (ROOT / "data" / "examples").resolve()
    assert all(
        example not in p.resolve().parents for p in sources.discover(ROOT / "data" / "sources")
    )


def test_the_fixture_city_reads_with_two_policy_levels_and_kpis(known):
    plan = read_plan_csv(KAKU, KAKU_KPIS, known)
    assert (plan.city.code, plan.city.name_ja, plan.fiscal_year) == ("079995", "架空市", 2025)
    assert plan.basic_plan_key == "plan"
    assert [p.number for p in plan.policies] == ["1", "1.1", "1.2", "2", "2.1", "2.2", "3", "3.1"]
    titles = {p.number: p.title_ja for p in plan.policies}
    assert titles["1"] == "安心して暮らせるまち" and titles["1.1"] == "子育て支援"
    first = plan.project(1)
    # a quoted cell with a comma and a line break; the record starts on line 2 and ends on 3
    assert first.plan_text == "地域の子ども食堂に、運営費を補助する。\n食材の提供も行う。"
    assert (first.source.first_line, first.source.last_line) == (2, 3)
    assert first.sdg_targets == ("1.2", "2.1", "17.17")
    assert first.kpis[0].value == Decimal("20") and first.kpis[0].unit == "か所"
    assert [k.value for k in plan.project(3).kpis] == [Decimal("3000"), None]
    assert plan.project(10).relisted_from == 1
    assert plan.project(4).department.path == ("保健福祉部", "保健所", "健康推進課")
    completed = [p for p in plan.projects if p.number is None]
    assert [(p.key, p.fiscal_year, p.category) for p in completed] == [
        ("c1", 2024, Category.COMPLETED),
        ("c2", 2024, Category.COMPLETED),
    ]


def test_full_width_digits_and_stray_spaces_in_sdg_codes_are_normalised(known):
    plan = read_plan_csv(FIXTURES / "sdg-full-width.csv", known_targets=known)
    assert plan.projects[0].sdg_targets == ("4.7", "11.3", "17.17")


# ---------------------------------------------------------------------------- every rule fails

CASES: dict[str, list[tuple[int, int, str, str, str]]] = {
    "city-code-format.csv": [
        (
            2,
            1,
            "city_code",
            "the city code must be the 6-digit local government code (e.g. 072036)",
            "72036",
        ),
    ],
    "city-code-check-digit.csv": [
        (2, 1, "city_code", "the city code's check digit is wrong (expected 079995)", "079996"),
    ],
    "city-name-missing.csv": [(2, 2, "city_name", "the city name is missing", "")],
    "fiscal-year-missing.csv": [(2, 3, "fiscal_year", "the fiscal year is missing", "")],
    "project-number-duplicate.csv": [
        (4, 6, "project_number", "project number 1 is used twice in FY2025 (line 2)", "1"),
    ],
    "category-unknown.csv": [
        (2, 7, "category", f"unknown category '継続中'; allowed: {ALLOWED}", "継続中"),
    ],
    "sdg-unknown.csv": [
        (2, 10, "sdg_targets", "SDG target 18.1 does not exist in the UN SDG vocabulary", "18.1"),
    ],
    "sdg-goals-miss-target.csv": [
        (
            2,
            12,
            "sdg_goals",
            "SDG target 17.17 belongs to goal 17, which sdg_goals (3 11) does not include: add "
            "the goal, or leave sdg_goals empty",
            "3 11",
        ),
    ],
    "sdg-goal-unknown.csv": [
        (2, 12, "sdg_goals", "not an SDG goal number (1 to 17); separate goals by spaces", "18"),
        (2, 12, "sdg_goals", "not an SDG goal number (1 to 17); separate goals by spaces", "3.8"),
    ],
    "relisted-from-missing-project.csv": [
        (3, 11, "relisted_from", "relisted_from points to project 9, which is not in FY2025", "9"),
    ],
    "neither-utf8-nor-shift-jis.csv": [
        (
            2,
            8,
            "project_name",
            "the file is neither UTF-8 nor Shift_JIS (CP932): save it as CSV UTF-8 or as CSV "
            "from Excel; most of it reads as UTF-8, but not byte 0xe9 (byte 53 of the line)",
            "Caf\\xe9 1",
        ),
    ],
    "unquoted-comma.csv": [
        (
            3,
            12,
            None,  # type: ignore[list-item]
            "the row has 12 cells but the header has 11 (a comma or line break in a cell must "
            'be inside double quotes: "a, b")',
            "079995,架空市,2025,1,協働のまち,2,継続,事業2,市民部/協働推進課,11.3, 16.7,",
        ),
    ],
    "policy-title-levels.csv": [
        (
            2,
            5,
            "policy_title",
            "the policy title has 3 parts for the 2 levels of policy 1.2: give one title per "
            "level joined by '/', or only the title of 1.2",
            "協働のまち / 市民参加 / 余分",
        ),
        (
            3,
            5,
            "policy_title",
            "policy 2 has no title: on at least one row, write the titles of every level "
            "joined by '/'",
            "2",
        ),
    ],
    "many-errors.csv": [
        (
            2,
            1,
            "city_code",
            "the city code must be the 6-digit local government code (e.g. 072036)",
            "07999X",
        ),
        (2, 2, "city_name", "the city name is missing", ""),
        (2, 7, "category", f"unknown category '継続中'; allowed: {ALLOWED}", "継続中"),
        (2, 10, "sdg_targets", "SDG target 18.1 does not exist in the UN SDG vocabulary", "18.1"),
        (3, 6, "project_number", "project number 1 is used twice in FY2025 (line 2)", "1"),
        (4, 11, "relisted_from", "relisted_from points to project 7, which is not in FY2025", "7"),
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_rule_reports_file_line_column_and_value(name: str, known):
    path = INVALID / name
    with pytest.raises(SourceError) as caught:
        read_plan_csv(path, known_targets=known)
    problems = caught.value.problems
    assert all(p.location.file == str(path) for p in problems)
    found = [
        (p.location.line, p.location.column, p.location.field, p.message, p.value) for p in problems
    ]
    assert found == CASES[name]


def test_every_invalid_fixture_has_its_case():
    assert sorted(p.name for p in INVALID.glob("*.csv")) == sorted(CASES)


def test_kpi_problems_name_the_kpis_file(known):
    path = FIXTURES / "kpis-invalid.kpis.csv"
    with pytest.raises(SourceError) as caught:
        read_plan_csv(KAKU, path, known)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3:3 [project_number]: no project with this fiscal year and number in the "
        "projects file (value: '2025 99')",
        f"{path}:4:6 [unit]: a unit needs a value (value: '%')",
    ]
