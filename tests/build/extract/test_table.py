"""A table file read into rows of cells that know their file, line, column and column name."""

from __future__ import annotations

from pathlib import Path

from kyodo_lod.build.extract.table import NOT_UTF8, Problems, read_csv_table
from kyodo_lod.errors import Location

REQUIRED = ("a", "b")
OPTIONAL = ("c",)


def read(tmp_path: Path, data: bytes) -> tuple[object, list[tuple]]:
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    problems = Problems()
    table = read_csv_table(path, REQUIRED, OPTIONAL, problems)
    found = [
        (p.location.line, p.location.column, p.location.field, p.message, p.value)
        for p in problems.found
    ]
    return table, found


def test_cells_know_where_they_are(tmp_path: Path) -> None:
    table, found = read(tmp_path, '\ufeffa,b\n 1 ,"x\ny"\n\n2,3\n'.encode())
    assert found == []
    first, second = table.rows  # type: ignore[attr-defined]
    assert (first.line, first.last_line, second.line) == (2, 3, 5)
    cell = first.cell("b")
    assert cell.text == "x\ny"
    assert cell.location == Location(str(tmp_path / "t.csv"), 2, 2, "b")
    assert first.cell("a").text == "1"  # spaces around a cell are dropped


def test_an_optional_column_the_file_lacks_reads_empty_without_a_column(tmp_path: Path) -> None:
    table, _ = read(tmp_path, b"a,b\n1,2\n")
    row = table.rows[0]  # type: ignore[attr-defined]
    assert row.text("c") == ""
    assert row.location("c") == Location(str(tmp_path / "t.csv"), 2, None, "c")


def test_a_row_of_the_wrong_width_is_reported_and_left_out(tmp_path: Path) -> None:
    table, found = read(tmp_path, b"a,b\n1\n1,2,3\n4,5\n")
    message = (
        "the row has {} cells but the header has 2 (a comma or line break in a cell must be "
        'inside double quotes: "a, b")'
    )
    assert found == [
        (2, 2, "b", message.format(1), "1"),
        (3, 3, None, message.format(3), "1,2,3"),
    ]
    assert [row.text("a") for row in table.rows] == ["4"]  # type: ignore[attr-defined]


def test_header_problems_make_the_table_unreadable(tmp_path: Path) -> None:
    table, found = read(tmp_path, b"a,a,x\n1,2,3\n")
    assert table is None
    assert found == [
        (1, 2, "a", "the column is repeated", "a"),
        (1, 3, "x", "unknown column; the columns are: a, b, c", "x"),
        (1, None, None, "missing column(s): b", "a,a,x"),
    ]


def test_bytes_that_are_not_utf8_are_named_by_their_cell(tmp_path: Path) -> None:
    table, found = read(tmp_path, b"a,b\n1,\xff2\n")
    assert table is None
    assert found == [(2, 2, "b", NOT_UTF8, "\\xff2")]


def test_empty_file_and_bad_quoting(tmp_path: Path) -> None:
    assert read(tmp_path, b"")[1] == [
        (1, None, None, "the file is empty: it needs a header row", None)
    ]
    table, found = read(tmp_path, b'a,b\n1,"2\n')
    assert table is None
    assert [f[:2] for f in found] == [(2, None)]
    assert found[0][3].startswith("the CSV does not parse: ")
