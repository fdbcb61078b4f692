"""A table file read into rows of cells that know their file, line, column and column name;
CSV in UTF-8 (with or without BOM) or CP932, told apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from kyodo_lod.build.extract.table import NOT_TEXT, Problems, read_csv_table
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


def test_bytes_that_are_neither_utf8_nor_cp932_are_named_by_their_cell(tmp_path: Path) -> None:
    table, found = read(tmp_path, b"a,b\n1,\xff2\n")
    assert table is None
    message = NOT_TEXT.format(encoding="UTF-8", byte=0xFF, offset=3)
    assert found == [(2, 2, "b", message, "\\xff2")]


TEXT = 'a,b,c\n1,"潤いに満ちた\n快適な生活環境",①～③\n'


@pytest.mark.parametrize(
    "data",
    [TEXT.encode("utf-8"), TEXT.encode("utf-8-sig"), TEXT.encode("cp932")],
    ids=["utf-8", "utf-8 with BOM", "cp932"],
)
def test_utf8_with_or_without_bom_and_cp932_read_the_same(tmp_path: Path, data: bytes) -> None:
    table, found = read(tmp_path, data)
    assert found == []
    (row,) = table.rows  # type: ignore[attr-defined]
    assert (row.text("b"), row.text("c"), row.last_line) == (
        "潤いに満ちた\n快適な生活環境",
        "①～③",
        3,
    )


def test_a_mostly_cp932_file_is_reported_in_cp932(tmp_path: Path) -> None:
    """The encoding that fails on fewer lines is the one the file was meant to be in."""
    data = "a,b\n架空,市\n架空,市\n".encode("cp932") + b"x,\x81\x20\n"
    table, found = read(tmp_path, data)
    assert table is None
    message = NOT_TEXT.format(encoding="Shift_JIS (CP932)", byte=0x81, offset=3)
    assert found == [(4, 2, "b", message, "\\x81")]


def test_a_byte_cp932_leaves_unused_is_shown_as_a_byte(tmp_path: Path) -> None:
    table, found = read(tmp_path, "a,b\n架空,市\n".encode("cp932") + b"1,\xff2\n")
    assert table is None
    message = NOT_TEXT.format(encoding="Shift_JIS (CP932)", byte=0xFF, offset=3)
    assert found == [(3, 2, "b", message, "\\xff2")]


def test_a_file_with_a_utf8_bom_is_utf8_only(tmp_path: Path) -> None:
    table, found = read(tmp_path, "\ufeffa,b\n架空,".encode() + "市\n".encode("cp932"))
    assert table is None
    assert [(f[0], f[1], f[2]) for f in found] == [(2, 2, "b")]
    assert "reads as UTF-8" in found[0][3]


def test_empty_file_and_bad_quoting(tmp_path: Path) -> None:
    assert read(tmp_path, b"")[1] == [
        (1, None, None, "the file is empty: it needs a header row", None)
    ]
    table, found = read(tmp_path, b'a,b\n1,"2\n')
    assert table is None
    assert [f[:2] for f in found] == [(2, None)]
    assert found[0][3].startswith("the CSV does not parse: ")
