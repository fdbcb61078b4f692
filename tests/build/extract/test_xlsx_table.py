"""A workbook's sheet read into the same located cells as a CSV file: the cell's sheet, row
and column (A1), the sheet chosen by name, and what a workbook can get wrong."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from kyodo_lod.build.extract.table import Problems
from kyodo_lod.build.extract.table_file import kpi_source, read_table
from kyodo_lod.errors import Location

REQUIRED = ("a", "b")
OPTIONAL = ("c",)


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def read(path: Path, sheet: str | None = None):
    problems = Problems()
    table = read_table(path, REQUIRED, OPTIONAL, problems, sheet)
    return table, [(str(p.location), p.message, p.value) for p in problems.found]


def test_cells_know_their_sheet_row_and_column(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "t.xlsx",
        {"事業": [["a", "b", None], [" 1 ", "x\ny"], [], [2, 3.0]], "kpis": [["x"]]},
    )
    table, found = read(path)
    assert found == []
    first, second = table.rows
    assert (first.line, second.line, second.sheet) == (2, 4, "事業")
    assert first.cell("b").text == "x\ny"
    assert first.cell("a").text == "1"  # spaces around a cell are dropped
    assert (second.text("a"), second.text("b")) == ("2", "3")  # numbers as shown: not 3.0
    assert second.location("b") == Location(str(path), 4, 2, "b", "事業")
    assert str(second.location("b")) == f"{path}, sheet 事業, cell B4 [b]"
    assert second.location("c") == Location(str(path), 4, None, "c", "事業")


def test_a_sheet_is_chosen_by_name_else_the_first_not_named_kpis(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "t.xlsx",
        {
            "kpis": [["a", "b"], [9, 9]],
            "一": [["a", "b"], [1, 1]],
            "二": [["a", "b"], [2, 2]],
        },
    )
    assert read(path)[0].rows[0].text("a") == "1"
    assert read(path, "二")[0].rows[0].text("a") == "2"
    table, found = read(path, "三")
    assert table is None
    assert found == [(str(path), "the workbook has no sheet '三'; its sheets: kpis, 一, 二", "三")]


def test_header_problems_name_the_sheet_and_cell(tmp_path: Path) -> None:
    path = workbook(tmp_path / "t.xlsx", {"s": [["a", "a", "x"], [1, 2, 3]]})
    table, found = read(path)
    assert table is None
    assert found == [
        (f"{path}, sheet s, cell B1 [a]", "the column is repeated", "a"),
        (f"{path}, sheet s, cell C1 [x]", "unknown column; the columns are: a, b, c", "x"),
        (f"{path}, sheet s, row 1", "missing column(s): b", "a,a,x"),
    ]


def test_a_cell_right_of_the_header_is_reported_and_its_row_left_out(tmp_path: Path) -> None:
    path = workbook(tmp_path / "t.xlsx", {"s": [["a", "b"], [1, 2, None, "x"], [3, 4]]})
    table, found = read(path)
    assert [row.text("a") for row in table.rows] == ["3"]
    assert found == [
        (
            f"{path}, sheet s, cell D2",
            "a cell right of the header's last column (2: b); every column needs its name in row 1",
            "x",
        )
    ]


def test_an_empty_sheet_and_a_file_that_is_no_workbook(tmp_path: Path) -> None:
    assert read(workbook(tmp_path / "e.xlsx", {"s": []}))[1] == [
        (
            f"{tmp_path / 'e.xlsx'}, sheet s, row 1",
            "the sheet is empty: it needs a header row",
            None,
        )
    ]
    broken = tmp_path / "b.xlsx"
    broken.write_text("a,b\n1,2\n")
    table, found = read(broken)
    assert table is None
    assert [f[0] for f in found] == [str(broken)]
    assert found[0][1].startswith("not a readable .xlsx workbook")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert read(old)[1] == [
        (str(old), "an .xls workbook (Excel 97-2003) cannot be read: save it as .xlsx or CSV", None)
    ]
    assert read(tmp_path / "e.csv", "s")[1] == [
        (str(tmp_path / "e.csv"), "a sheet is named but the file is not .xlsx", "s")
    ]


def test_kpis_come_from_the_kpis_file_else_the_workbook_s_kpis_sheet(tmp_path: Path) -> None:
    problems = Problems()
    plan = workbook(tmp_path / "p.xlsx", {"事業": [["a"]], "kpis": [["a"]]})
    bare = workbook(tmp_path / "q.xlsx", {"事業": [["a"]]})
    other = workbook(tmp_path / "k.xlsx", {"指標": [["a"]]})
    assert kpi_source(plan, None, problems) == (plan, "kpis")
    assert kpi_source(bare, None, problems) is None
    assert kpi_source(plan, other, problems) == (other, "指標")
    assert kpi_source(plan, tmp_path / "k.csv", problems) == (tmp_path / "k.csv", None)
    assert kpi_source(tmp_path / "p.csv", None, problems) is None
    assert problems.found == []
