"""The cell rules of projects.csv, one by one: the field each reads, or its exact message."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kyodo_lod.build.extract import plan_cells
from kyodo_lod.build.extract.table import Cell, Problems
from kyodo_lod.errors import Location
from kyodo_lod.model import Category

HERE = Location("p.csv", 2, 5, "x")


def apply(rule: Callable[..., object], text: str, *args: object) -> tuple[object, list[tuple]]:
    problems = Problems()
    value = rule(Cell(text, HERE), *args, problems)
    assert all(p.location == HERE for p in problems.found)
    return value, [(p.message, p.value) for p in problems.found]


@pytest.mark.parametrize(
    ("rule", "text", "args", "value", "messages"),
    [
        (plan_cells.city_code, "０７２０３６", (), "072036", []),
        (plan_cells.city_code, "", (), None, [("the city code is missing", "")]),
        (plan_cells.city_name, "架空市", (), "架空市", []),
        (plan_cells.fiscal_year, "２０２５", (), 2025, []),
        (
            plan_cells.fiscal_year,
            "R7",
            (),
            None,
            [("the fiscal year must be a year like 2025", "R7")],
        ),
        (plan_cells.category, "再掲", (), Category.RELISTED, []),
        (plan_cells.project_number, "１２", (Category.NEW,), 12, []),
        (plan_cells.project_number, "", (Category.COMPLETED,), None, []),
        (
            plan_cells.project_number,
            "",
            (Category.NEW,),
            None,
            [("the project number is missing (only 完了・統合 projects may have none)", "")],
        ),
        (
            plan_cells.project_number,
            "0",
            (Category.NEW,),
            None,
            [("the project number must be a whole number from 1", "0")],
        ),
        (plan_cells.policy_number, "02.３", (), "2.3", []),
        (
            plan_cells.policy_number,
            "2-3",
            (),
            None,
            [
                (
                    "the policy number must be a number or a dotted path of levels (1, 2.3, 2.3.1)",
                    "2-3",
                )
            ],
        ),
        (plan_cells.policy_title, "子育て", ("2.3",), (("2.3", "子育て"),), []),
        (
            plan_cells.policy_title,
            "まち / 子育て",
            ("2.3",),
            (("2", "まち"), ("2.3", "子育て")),
            [],
        ),
        (
            plan_cells.policy_title,
            "まち / ",
            ("2.3",),
            None,
            [("the policy title is missing", "まち / ")],
        ),
        (plan_cells.department, "総務部 / 総務課", (), ("総務部", "総務課"), []),
        (
            plan_cells.department,
            "総務部/",
            (),
            ("総務部", ""),
            [
                (
                    "the department must be its units from the top joined by '/' (総務部/総務課)",
                    "総務部/",
                )
            ],
        ),
        (plan_cells.sdg_targets, "17.A、３．４ 3.4", (None,), ("3.4", "17.a"), []),
        (
            plan_cells.sdg_targets,
            "3.4 18.1 x",
            (frozenset({"3.4"}),),
            ("3.4",),
            [
                ("SDG target 18.1 does not exist in the UN SDG vocabulary", "18.1"),
                ("not an SDG target code (like 3.4 or 17.a); separate codes by spaces", "x"),
            ],
        ),
        (plan_cells.relisted_from, "3", (Category.RELISTED,), 3, []),
        (
            plan_cells.relisted_from,
            "3",
            (Category.NEW,),
            None,
            [("relisted_from is only for 再掲 rows", "3")],
        ),
        (
            plan_cells.relisted_from,
            "",
            (Category.RELISTED,),
            None,
            [("a 再掲 row needs relisted_from: the № of the project it relists", "")],
        ),
    ],
)
def test_rule(rule, text, args, value, messages) -> None:
    assert apply(rule, text, *args) == (value, messages)


def test_a_policy_title_needs_one_part_or_one_per_level() -> None:
    _, messages = apply(plan_cells.policy_title, "a / b", "1.2.3")
    assert messages == [
        (
            "the policy title has 2 parts for the 3 levels of policy 1.2.3: give one title per"
            " level joined by '/', or only the title of 1.2.3",
            "a / b",
        )
    ]


def test_check_digit_of_local_government_codes() -> None:
    assert plan_cells.check_digit("07203") == 6 and plan_cells.check_digit("13101") == 6
    assert plan_cells.city_code_problem("072036") is None
    assert "expected 072036" in (plan_cells.city_code_problem("072037") or "")
