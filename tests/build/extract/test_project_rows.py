"""One row of the project table read into name, department, SDG targets and plan text."""

from __future__ import annotations

from pathlib import Path

import pytest

from kyodo_lod.build.extract.meta import read_meta
from kyodo_lod.build.extract.plan_source import Line, PlanSource
from kyodo_lod.build.extract.project_rows import RowBlock, read_row
from kyodo_lod.build.extract.project_table import ROW_LINE
from kyodo_lod.errors import SourceError
from tests.locations import SOURCES

SOURCE = PlanSource(Path("plan.txt"), [], read_meta(SOURCES / "koriyama-kyodo-2025.txt"))


def row(first: str, *under: str) -> RowBlock:
    line = Line(10, first)
    match = ROW_LINE.match(first)
    assert match is not None
    return RowBlock(line, match, "2", [Line(11 + i, t) for i, t in enumerate(under)])


def test_a_one_line_row_splits_name_plan_text_and_department() -> None:
    read = read_row(SOURCE, row("9 継続 事業名 計画の本文 総務部総務課 11.3"), {10: 1})
    assert (read.name, read.plan_text) == ("事業名", "計画の本文")
    assert read.department.path == ("総務部", "総務課")
    assert read.sdg_targets == ("11.3",)
    assert (read.span.first_line, read.span.page) == (10, 1)


def test_a_wrapped_department_and_a_relist_note() -> None:
    block = row(
        "12 再掲",
        "名前の",
        "事業",
        "",
        "（施策１再掲）",
        "本文です。",
        "文化スポーツ観光部スポーツ振",
        "興課",
        "",
        "３.４",
        "17.17",
    )
    read = read_row(SOURCE, block, {})
    assert read.name == "名前の事業"
    assert read.department.path == ("文化スポーツ観光部", "スポーツ振興課")
    assert read.department.source_text == "文化スポーツ観光部スポーツ振\n興課"
    assert (read.relist_note, read.relist_note_line) == ("1", 14)
    assert read.plan_text == "本文です。"
    assert read.sdg_targets == ("3.4", "17.17")


def test_a_bad_goal_is_named_by_line_and_column() -> None:
    with pytest.raises(SourceError) as caught:
        read_row(SOURCE, row("9 継続 事業名 総務部総務課", "18.1"), {})
    assert str(caught.value.problems[0]) == (
        "plan.txt:11:1 [sdg_target]: project 9: SDG goal 18 does not exist (goals are 1–17)"
        " (value: '18.1')"
    )
