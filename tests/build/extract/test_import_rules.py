# ruff: noqa: E501  (each message is kept whole, as the user reads it)
"""Every import rule (projects.csv and kpis.csv templates) has a fixture that breaks it, and the
exact message it gives: file, line, column, field, what is wrong and the value. One problem per
fixture unless the fixture says otherwise (many-errors.csv: every problem at once).

The fixtures are in tests/fixtures/invalid/ (rules/: one rule each; a ``.kpis.csv`` beside a
fixture is its KPI file). They are made-up cities, not real data. test_importer checks that
``kyodo-lod import`` writes nothing for any of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kyodo_lod.build import vocab
from kyodo_lod.build.extract.csv_plan import read_plan_csv
from kyodo_lod.build.extract.csv_template import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from kyodo_lod.config import Settings
from kyodo_lod.errors import SourceError
from tests.locations import FIXTURES

INVALID = FIXTURES / "invalid"
COLUMNS = ", ".join([*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS])

# fixture (under tests/fixtures/invalid) -> its problems, as printed ({columns}: every column)
RULES: list[tuple[str, list[str]]] = [
    (
        "category-unknown.csv",
        [
            "category-unknown.csv:2:7 [category]: unknown category '継続中'; allowed: 新規・追加 (new), 拡充 (expanded), 継続 (continued), 再掲 (relisted), 完了・統合 (completed) (value: '継続中')"
        ],
    ),
    (
        "city-code-check-digit.csv",
        [
            "city-code-check-digit.csv:2:1 [city_code]: the city code's check digit is wrong (expected 079995) (value: '079996')"
        ],
    ),
    (
        "city-code-format.csv",
        [
            "city-code-format.csv:2:1 [city_code]: the city code must be the 6-digit local government code (e.g. 072036) (value: '72036')"
        ],
    ),
    (
        "city-name-missing.csv",
        ["city-name-missing.csv:2:2 [city_name]: the city name is missing (value: '')"],
    ),
    (
        "fiscal-year-missing.csv",
        ["fiscal-year-missing.csv:2:3 [fiscal_year]: the fiscal year is missing (value: '')"],
    ),
    (
        "many-errors.csv",
        [
            "many-errors.csv:2:1 [city_code]: the city code must be the 6-digit local government code (e.g. 072036) (value: '07999X')",
            "many-errors.csv:2:2 [city_name]: the city name is missing (value: '')",
            "many-errors.csv:2:7 [category]: unknown category '継続中'; allowed: 新規・追加 (new), 拡充 (expanded), 継続 (continued), 再掲 (relisted), 完了・統合 (completed) (value: '継続中')",
            "many-errors.csv:2:10 [sdg_targets]: SDG target 18.1 does not exist in the UN SDG vocabulary (value: '18.1')",
            "many-errors.csv:3:6 [project_number]: project number 1 is used twice in FY2025 (line 2) (value: '1')",
            "many-errors.csv:4:11 [relisted_from]: relisted_from points to project 7, which is not in FY2025 (value: '7')",
        ],
    ),
    (
        "neither-utf8-nor-shift-jis.csv",
        [
            "neither-utf8-nor-shift-jis.csv:2:8 [project_name]: the file is neither UTF-8 nor Shift_JIS (CP932): save it as CSV UTF-8 or as CSV from Excel; most of it reads as UTF-8, but not byte 0xe9 (byte 53 of the line) (value: 'Caf\\\\xe9 1')"
        ],
    ),
    (
        "policy-title-levels.csv",
        [
            "policy-title-levels.csv:2:5 [policy_title]: the policy title has 3 parts for the 2 levels of policy 1.2: give one title per level joined by '/', or only the title of 1.2 (value: '協働のまち / 市民参加 / 余分')",
            "policy-title-levels.csv:3:5 [policy_title]: policy 2 has no title: on at least one row, write the titles of every level joined by '/' (value: '2')",
        ],
    ),
    (
        "project-number-duplicate.csv",
        [
            "project-number-duplicate.csv:4:6 [project_number]: project number 1 is used twice in FY2025 (line 2) (value: '1')"
        ],
    ),
    (
        "relisted-from-missing-project.csv",
        [
            "relisted-from-missing-project.csv:3:11 [relisted_from]: relisted_from points to project 9, which is not in FY2025 (value: '9')"
        ],
    ),
    (
        "sdg-unknown.csv",
        [
            "sdg-unknown.csv:2:10 [sdg_targets]: SDG target 18.1 does not exist in the UN SDG vocabulary (value: '18.1')"
        ],
    ),
    (
        "sdg-goals-miss-target.csv",
        [
            "sdg-goals-miss-target.csv:2:12 [sdg_goals]: SDG target 17.17 belongs to goal 17, which sdg_goals (3 11) does not include: add the goal, or leave sdg_goals empty (value: '3 11')"
        ],
    ),
    (
        "sdg-goal-unknown.csv",
        [
            "sdg-goal-unknown.csv:2:12 [sdg_goals]: not an SDG goal number (1 to 17); separate goals by spaces (value: '18')",
            "sdg-goal-unknown.csv:2:12 [sdg_goals]: not an SDG goal number (1 to 17); separate goals by spaces (value: '3.8')",
        ],
    ),
    (
        "unquoted-comma.csv",
        [
            "unquoted-comma.csv:3:12: the row has 12 cells but the header has 11 (a comma or line break in a cell must be inside double quotes: \"a, b\") (value: '079995,架空市,2025,1,協働のまち,2,継続,事業2,市民部/協働推進課,11.3, 16.7,')"
        ],
    ),
    (
        "rules/city-code-missing.csv",
        ["city-code-missing.csv:2:1 [city_code]: the city code is missing (value: '')"],
    ),
    (
        "rules/city-name-differs.csv",
        [
            "city-name-differs.csv:3:2 [city_name]: the city name differs from line 2's '架空市' (value: '別の市')"
        ],
    ),
    (
        "rules/department-empty-unit.csv",
        [
            "department-empty-unit.csv:2:9 [department]: the department must be its units from the top joined by '/' (総務部/総務課) (value: '市民部//協働推進課')"
        ],
    ),
    (
        "rules/does-not-parse.csv",
        ["does-not-parse.csv:3: the CSV does not parse: ',' expected after '\"'"],
    ),
    ("rules/empty-file.csv", ["empty-file.csv:1: the file is empty: it needs a header row"]),
    (
        "rules/fiscal-year-not-a-year.csv",
        [
            "fiscal-year-not-a-year.csv:2:3 [fiscal_year]: the fiscal year must be a year like 2025 (value: '令和7')"
        ],
    ),
    ("rules/header-only.csv", ["header-only.csv: the file has a header but no project rows"]),
    (
        "rules/kpi-city-code.csv",
        [
            "kpi-city-code.kpis.csv:2:1 [city_code]: the city code is not the plan's (079995) (value: '079996')"
        ],
    ),
    (
        "rules/kpi-missing-column.csv",
        [
            "kpi-missing-column.kpis.csv:1: missing column(s): value, unit (value: 'city_code,fiscal_year,project_number,kpi_text')"
        ],
    ),
    (
        "rules/kpi-project-unknown.csv",
        [
            "kpi-project-unknown.kpis.csv:2:3 [project_number]: no project with this fiscal year and number in the projects file (value: '2025 9')"
        ],
    ),
    (
        "rules/kpi-text-missing.csv",
        ["kpi-text-missing.kpis.csv:2:4 [kpi_text]: the KPI text is missing (value: '')"],
    ),
    (
        "rules/kpi-unit-without-value.csv",
        ["kpi-unit-without-value.kpis.csv:2:6 [unit]: a unit needs a value (value: '人')"],
    ),
    (
        "rules/kpi-value-not-number.csv",
        [
            "kpi-value-not-number.kpis.csv:2:5 [value]: the value must be a number (600, 12.5) (value: 'たくさん')"
        ],
    ),
    (
        "rules/kpi-value-without-unit.csv",
        [
            "kpi-value-without-unit.kpis.csv:2:6 [unit]: a value needs a unit (人, 件, %) (value: '600')"
        ],
    ),
    (
        "rules/missing-column.csv",
        [
            "missing-column.csv:1: missing column(s): department (value: 'city_code,city_name,fiscal_year,policy_number,policy_title,project_number,category,project_name,sdg_targets,relisted_from')"
        ],
    ),
    (
        "rules/other-year-row.csv",
        [
            "other-year-row.csv:3:3 [fiscal_year]: the file's plan year is 2025: rows of another year may only be 完了・統合 projects of FY2024 without a project number (value: '2024')"
        ],
    ),
    (
        "rules/plan-key-format.csv",
        [
            "plan-key-format.csv:2:12 [plan_key]: the plan key must be lower-case ASCII letters, digits and '-' (e.g. kyodo2) (value: 'Kyodo 2')"
        ],
    ),
    (
        "rules/policy-level-untitled.csv",
        [
            "policy-level-untitled.csv:2:5 [policy_title]: policy 1 has no title: on at least one row, write the titles of every level joined by '/' (value: '1')"
        ],
    ),
    (
        "rules/policy-number-format.csv",
        [
            "policy-number-format.csv:2:4 [policy_number]: the policy number must be a number or a dotted path of levels (1, 2.3, 2.3.1) (value: '一')"
        ],
    ),
    (
        "rules/policy-number-missing.csv",
        ["policy-number-missing.csv:2:4 [policy_number]: the policy number is missing (value: '')"],
    ),
    (
        "rules/policy-title-missing.csv",
        ["policy-title-missing.csv:2:5 [policy_title]: the policy title is missing (value: '')"],
    ),
    (
        "rules/project-name-missing.csv",
        ["project-name-missing.csv:2:8 [project_name]: the project name is missing (value: '')"],
    ),
    (
        "rules/project-number-missing.csv",
        [
            "project-number-missing.csv:2:6 [project_number]: the project number is missing (only 完了・統合 projects may have none) (value: '')"
        ],
    ),
    (
        "rules/project-number-not-whole.csv",
        [
            "project-number-not-whole.csv:2:6 [project_number]: the project number must be a whole number from 1 (value: '1.5')"
        ],
    ),
    (
        "rules/relisted-from-missing.csv",
        [
            "relisted-from-missing.csv:3:11 [relisted_from]: a 再掲 row needs relisted_from: the № of the project it relists (value: '')"
        ],
    ),
    (
        "rules/relisted-from-not-a-number.csv",
        [
            "relisted-from-not-a-number.csv:3:11 [relisted_from]: relisted_from must be the № of the project this row relists (value: '一')"
        ],
    ),
    (
        "rules/relisted-from-not-relisted.csv",
        [
            "relisted-from-not-relisted.csv:3:11 [relisted_from]: relisted_from is only for 再掲 rows (value: '1')"
        ],
    ),
    (
        "rules/relisted-from-other-year.csv",
        [
            "relisted-from-other-year.csv:4:11 [relisted_from]: relisted_from points to project 5, which is not in FY2025 (value: '5')"
        ],
    ),
    (
        "rules/relisted-itself.csv",
        ["relisted-itself.csv:3:11 [relisted_from]: a row cannot relist itself (value: '2')"],
    ),
    (
        "rules/repeated-column.csv",
        ["repeated-column.csv:1:12 [city_name]: the column is repeated (value: 'city_name')"],
    ),
    (
        "rules/sdg-code-format.csv",
        [
            "sdg-code-format.csv:2:10 [sdg_targets]: not an SDG target code (like 3.4 or 17.a); separate codes by spaces (value: 'sdg17')"
        ],
    ),
    (
        "rules/unknown-column.csv",
        [
            "unknown-column.csv:1:12 [budget]: unknown column; the columns are: {columns} (value: 'budget')"
        ],
    ),
]


@pytest.fixture(scope="module")
def known_targets() -> frozenset[str]:
    settings = Settings.from_env({})
    return frozenset(vocab.target_codes(vocab.load_sdg(settings.vocab_dir)))


def problems_of(path: Path, known: frozenset[str]) -> list[str]:
    kpis = path.with_name(path.stem + ".kpis.csv")
    with pytest.raises(SourceError) as raised:
        read_plan_csv(path, kpis if kpis.exists() else None, known_targets=known)
    return [str(p).replace(f"{path.parent}/", "") for p in raised.value.problems]


@pytest.mark.parametrize(("fixture", "expected"), RULES, ids=[name for name, _ in RULES])
def test_a_broken_rule_gives_its_exact_message(
    fixture: str, expected: list[str], known_targets: frozenset[str]
) -> None:
    wanted = [message.replace("{columns}", COLUMNS) for message in expected]
    assert problems_of(INVALID / fixture, known_targets) == wanted


def test_every_invalid_fixture_has_its_messages_listed() -> None:
    listed = {name for name, _ in RULES}
    files = {
        str(p.relative_to(INVALID))
        for p in INVALID.rglob("*.csv")
        if not p.name.endswith(".kpis.csv")
    }
    assert files == listed
