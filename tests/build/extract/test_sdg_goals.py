"""SDG goals as well as targets in the projects.csv template: the ``sdg_goals`` cell rule, the
rule that a target implies its goal, and the stored import reading back the same goals.

The files are fictional test fixtures (tests/fixtures/README.md), not real data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kyodo_lod.build.extract import plan_cells
from kyodo_lod.build.extract.csv_plan import read_plan_csv
from kyodo_lod.build.extract.csv_template import WRITTEN_COLUMNS
from kyodo_lod.build.extract.normalised_csv import csv_text, plan_rows
from kyodo_lod.build.extract.table import Cell, Problems
from kyodo_lod.errors import Location
from tests.locations import FIXTURES

HERE = Location("p.csv", 2, 12, "sdg_goals")
GOALS_ONLY = FIXTURES / "goals-only-2025.csv"
BOTH = FIXTURES / "sdg-goals-and-targets.csv"


def _goals(text: str) -> tuple[tuple[int, ...], list[tuple[str, str | None]]]:
    problems = Problems()
    goals = plan_cells.sdg_goals(Cell(text, HERE), problems)
    return goals, [(p.message, p.value) for p in problems.found]


def test_goal_numbers_with_full_width_digits_and_stray_spaces() -> None:
    assert _goals(" １７　 3,3、11 ") == ((3, 11, 17), [])
    assert _goals("") == ((), [])


def test_a_goal_outside_1_to_17_is_reported_with_its_value() -> None:
    message = "not an SDG goal number (1 to 17); separate goals by spaces"
    assert _goals("0 3 18 goal3") == (
        (3,),
        [(message, "0"), (message, "18"), (message, "goal3")],
    )


def test_goals_must_include_each_targets_goal() -> None:
    problems = Problems()
    cell = Cell("3 11", HERE)
    ok = plan_cells.goals_include_targets(cell, (3, 11), ("3.8", "4.7", "16.10"), problems)
    assert not ok
    assert [(str(p.location), p.message, p.value) for p in problems.found] == [
        (
            "p.csv:2:12 [sdg_goals]",
            f"SDG target {target} belongs to goal {goal}, which sdg_goals (3 11) does not "
            "include: add the goal, or leave sdg_goals empty",
            "3 11",
        )
        for target, goal in (("4.7", 4), ("16.10", 16))
    ]


def test_targets_alone_or_goals_alone_need_nothing_more() -> None:
    problems = Problems()
    assert plan_cells.goals_include_targets(Cell("", HERE), (), ("3.8",), problems)
    assert plan_cells.goals_include_targets(Cell("5", HERE), (5,), (), problems)
    assert problems.found == []


def test_a_goals_only_plan_reads_its_goals() -> None:
    plan = read_plan_csv(GOALS_ONLY)
    by_number = {p.number: p for p in plan.projects}
    assert {n: p.sdg_goals for n, p in by_number.items()} == {
        1: (3, 11),
        2: (17,),
        3: (),
        4: (3, 4),
    }
    assert all(p.sdg_targets == () for p in plan.projects)


def test_goals_and_targets_side_by_side() -> None:
    plan = read_plan_csv(BOTH)
    assert [(p.sdg_targets, p.sdg_goals) for p in plan.projects] == [
        (("3.8", "17.17"), (3, 4, 17)),
        (("11.3",), ()),  # the goal a target implies is not stated
        ((), (11,)),
    ]


def test_the_stored_import_reads_back_the_same_goals(tmp_path: Path) -> None:
    for source in (GOALS_ONLY, BOTH):
        plan = read_plan_csv(source)
        projects, _ = plan_rows(plan)
        stored = tmp_path / source.name
        stored.write_text(csv_text(WRITTEN_COLUMNS, projects), encoding="utf-8")
        again = read_plan_csv(stored)
        # the same projects, but read from the stored file
        assert [replace(p, source=None) for p in again.projects] == [
            replace(p, source=None) for p in plan.projects
        ]
        assert any(p.sdg_goals for p in again.projects)
