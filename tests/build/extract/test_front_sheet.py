"""The front sheet of the real plan: headline, summary table and the two lists."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kyodo_lod.build.extract.front_sheet import read_front_sheet
from kyodo_lod.build.extract.meta import read_meta
from kyodo_lod.build.extract.plan_source import Line, PlanSource, read_lines
from kyodo_lod.errors import SourceError
from tests.locations import SOURCES

TEXT = SOURCES / "koriyama-kyodo-2025.txt"


@pytest.fixture(scope="module")
def source() -> PlanSource:
    return PlanSource(TEXT, read_lines(TEXT), read_meta(TEXT))


def test_the_front_sheet_of_the_plan(source: PlanSource) -> None:
    sheet = read_front_sheet(source)
    assert sheet.stated_total == 95
    assert list(sheet.summaries) == [str(n) for n in range(1, 8)]
    assert sheet.total_row is not None and sheet.total_row.project_count == 95
    assert sheet.expanded and sheet.completed
    assert source.lines[sheet.table_start].text.strip() in (source.table_title(), "№")


def test_a_minus_outside_the_completed_column_is_refused(source: PlanSource) -> None:
    lines = list(source.lines)
    index = next(i for i, line in enumerate(lines) if line.text.startswith("基本施策３ "))
    lines[index] = Line(lines[index].no, "基本施策３ △８ ０ ０ ８ ０ ８ ")
    with pytest.raises(SourceError, match="outside the 完了・統合 column"):
        read_front_sheet(replace(source, lines=lines))
