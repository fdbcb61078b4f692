"""A table file read into rows of cells that know where they are.

Reading is the only job here: decoding, the header, one ``Row`` per record. What the cells
mean is for the readers of each template (``plan_cells``, ``kpi_csv``). Every problem is
collected with its location (file, the physical line where the record starts, the 1-based
column and its name) in ``Problems``, so a reader can report them all at once.

The one format today is CSV in UTF-8, with or without BOM.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ...errors import Location, Problem, Severity

NOT_UTF8 = "the file is not UTF-8 (save it as UTF-8, with or without BOM)"


class Problems:
    """The problems found in the sources of one plan so far, in the order found: the errors
    (``found``, which stop the import) and the warnings (listed, never blocking)."""

    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, location: Location, message: str, value: str | None) -> None:
        self.found.append(Problem(location, message, value))

    def warn(self, location: Location, message: str, value: str | None) -> None:
        self.warnings.append(Problem(location, message, value, Severity.WARNING))

    def __len__(self) -> int:
        """The number of errors (a warning leaves a row readable)."""
        return len(self.found)


@dataclass(frozen=True)
class Cell:
    text: str  # without the spaces around it
    location: Location  # file, line where the record starts, column and column name


@dataclass(frozen=True)
class Row:
    """One record of a table: its cells by column name."""

    file: str
    line: int  # the physical line where the record starts
    last_line: int
    columns: Mapping[str, int]  # column name → 1-based column, shared by a table's rows
    texts: Mapping[str, str]  # column name → the cell's text, without the spaces around it

    def text(self, name: str) -> str:
        """The cell's text; "" for an optional column the file does not have."""
        return self.texts.get(name, "")

    def cell(self, name: str) -> Cell:
        return Cell(self.text(name), self.location(name))

    def location(self, name: str) -> Location:
        """Where the cell of column ``name`` is (no column number if the file lacks it)."""
        return Location(self.file, self.line, self.columns.get(name), name)


@dataclass(frozen=True)
class Table:
    file: str
    header: tuple[str, ...]
    rows: list[Row]


def read_csv_table(
    path: Path, required: Iterable[str], optional: Iterable[str], problems: Problems
) -> Table | None:
    """The records of a CSV file, or ``None`` if it cannot be read (bad encoding, unusable
    header, a quoting error). Blank lines are skipped; rows with the wrong number of cells are
    reported and left out."""
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.add(Location(where), f"cannot read the file: {exc.strerror}", None)
        return None
    text = decode_utf8(data, where, problems)
    if text is None:
        return None
    return _parse_csv(text, where, required, optional, problems)


def decode_utf8(data: bytes, where: str, problems: Problems) -> str | None:
    """UTF-8 text (a BOM is dropped); on bad bytes, one problem per bad line, naming its cell."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    header = data.split(b"\n", 1)[0].decode("utf-8-sig", "replace").strip().split(",")
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            index = raw[: exc.start].count(b",")
            cell = raw.split(b",")[index] if index < len(raw.split(b",")) else raw
            field = header[index].strip() if index < len(header) else None
            problems.add(
                Location(where, number, index + 1, field),
                NOT_UTF8,
                cell.decode("utf-8", "backslashreplace").strip(),
            )
    return None


def _parse_csv(
    text: str, where: str, required: Iterable[str], optional: Iterable[str], problems: Problems
) -> Table | None:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[Row] = []
    previous_end = 0
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if header is None:
                header = [cell.strip() for cell in cells]
                if not _header_is_usable(header, required, optional, start, where, problems):
                    return None
                columns = {name: index for index, name in enumerate(header, start=1)}
                continue
            if not any(cell.strip() for cell in cells):
                continue  # blank line
            if len(cells) != len(header):
                _report_row_width(cells, header, start, where, problems)
                continue
            texts = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
            rows.append(Row(where, start, previous_end, columns, texts))
    except csv.Error as exc:
        problems.add(Location(where, reader.line_num), f"the CSV does not parse: {exc}", None)
        return None
    if header is None:
        problems.add(Location(where, 1), "the file is empty: it needs a header row", None)
        return None
    return Table(where, tuple(header), rows)


def _report_row_width(
    cells: list[str], header: list[str], line: int, where: str, problems: Problems
) -> None:
    missing = len(cells) < len(header)
    name = header[len(cells)] if missing else None
    problems.add(
        # the first missing cell, or the first cell past the header
        Location(where, line, min(len(cells), len(header)) + 1, name),
        f"the row has {len(cells)} cells but the header has {len(header)} (a comma or line "
        'break in a cell must be inside double quotes: "a, b")',
        ",".join(cells),
    )


def _header_is_usable(
    header: list[str],
    required: Iterable[str],
    optional: Iterable[str],
    line: int,
    where: str,
    problems: Problems,
) -> bool:
    """Whether the header names every required column, and only known columns, once each."""
    required, allowed = list(required), {*required, *optional}
    usable = True
    for index, name in enumerate(header, start=1):
        if name not in allowed:
            usable = False
            problems.add(
                Location(where, line, index, name or None),
                f"unknown column; the columns are: {', '.join([*required, *optional])}",
                name,
            )
        elif header.index(name) != index - 1:
            usable = False
            problems.add(Location(where, line, index, name), "the column is repeated", name)
    missing = [name for name in required if name not in header]
    if missing:
        usable = False
        problems.add(
            Location(where, line), f"missing column(s): {', '.join(missing)}", ",".join(header)
        )
    return usable
