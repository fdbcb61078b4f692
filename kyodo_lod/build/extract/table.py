"""A table file read into rows of cells that know where they are.

Reading is the only job here: decoding, the header, one ``Row`` per record. What the cells
mean is for the readers of each template (``plan_cells``, ``kpi_csv``). Every problem is
collected with its location (file, the physical line where the record starts, the 1-based
column and its name) in ``Problems``, so a reader can report them all at once.

This module reads CSV, in UTF-8 (with or without BOM) or in CP932 (Shift_JIS, as Excel in
Japan saves CSV), told apart by which of the two decodes the whole file; ``xlsx_table`` reads a
workbook's sheet into the same rows, and ``table_file`` picks the reader for a file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ...errors import Location, Problem, Severity

UTF16 = "the file is UTF-16 (save it as UTF-8, with or without BOM)"
NOT_TEXT = (
    "the file is neither UTF-8 nor Shift_JIS (CP932): save it as CSV UTF-8 or as CSV from "
    "Excel; most of it reads as {encoding}, but not byte 0x{byte:02x} (byte {offset} of the line)"
)
UTF8_BOM = b"\xef\xbb\xbf"
ENCODINGS = ("utf-8", "cp932")  # tried in this order; CP932 is Microsoft's Shift_JIS
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


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
    line: int  # the physical line where the record starts (a workbook: the sheet's row)
    last_line: int
    columns: Mapping[str, int]  # column name → 1-based column, shared by a table's rows
    texts: Mapping[str, str]  # column name → the cell's text, without the spaces around it
    sheet: str | None = None  # the workbook's sheet the row is on; None for CSV

    def text(self, name: str) -> str:
        """The cell's text; "" for an optional column the file does not have."""
        return self.texts.get(name, "")

    def cell(self, name: str) -> Cell:
        return Cell(self.text(name), self.location(name))

    def location(self, name: str) -> Location:
        """Where the cell of column ``name`` is (no column number if the file lacks it)."""
        return Location(self.file, self.line, self.columns.get(name), name, self.sheet)


@dataclass(frozen=True)
class Table:
    file: str
    header: tuple[str, ...]
    rows: list[Row]
    sheet: str | None = None  # the workbook's sheet read; None for CSV


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
    text = decode_text(data, where, problems)
    if text is None:
        return None
    return _parse_csv(text, where, required, optional, problems)


def decode_text(data: bytes, where: str, problems: Problems) -> str | None:
    """The text of a file in UTF-8 (a BOM is dropped) or else CP932. A file that is neither
    gets one problem per line that does not decode, naming its cell and the byte: in the
    encoding that fails on fewer lines (a file with a UTF-8 BOM: in UTF-8)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # one problem, not one per garbled line
        problems.add(Location(where, 1), UTF16, data[:2].hex())
        return None
    encodings = ENCODINGS[:1] if data.startswith(UTF8_BOM) else ENCODINGS
    for encoding in encodings:
        if _first_bad_byte(data, encoding) is None:
            return data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    lines = data.removeprefix(UTF8_BOM).split(b"\n")
    failures = {
        encoding: [
            (number, bad)
            for number, raw in enumerate(lines, start=1)
            if (bad := _first_bad_byte(raw, encoding)) is not None
        ]
        for encoding in encodings
    }
    encoding = min(encodings, key=lambda e: len(failures[e]))  # UTF-8 on a tie
    header = lines[0].decode(encoding, "replace").strip().split(",")
    shown = "UTF-8" if encoding == "utf-8" else "Shift_JIS (CP932)"
    for number, start in failures[encoding]:
        raw = lines[number - 1]
        index = raw[:start].count(b",")
        cell = raw.split(b",")[index]
        field = header[index].strip() if index < len(header) else None
        problems.add(
            Location(where, number, index + 1, field),
            NOT_TEXT.format(encoding=shown, byte=raw[start], offset=start + 1),
            _shown_bytes(cell, encoding),
        )
    return None


def _shown_bytes(cell: bytes, encoding: str) -> str:
    """A cell's text with its bad bytes shown as escapes (\\xff), CP932's Private Use Area too."""
    text = cell.decode(encoding, "backslashreplace")
    escaped = _PRIVATE_USE.sub(
        lambda m: "".join(f"\\x{b:02x}" for b in m.group().encode(encoding)), text
    )
    return escaped.strip()


def _first_bad_byte(data: bytes, encoding: str) -> int | None:
    """Where ``data`` stops being ``encoding``; ``None`` if it all is. CP932 decodes its unused
    bytes (0x80, 0xA0, 0xFD-0xFF) and its user-defined characters to the Private Use Area:
    no text a city publishes, so they count as bad too."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.start
    private = _PRIVATE_USE.search(text) if encoding != "utf-8" else None
    if private is None:
        return None
    return len(text[: private.start()].encode(encoding))


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
                if not header_is_usable(header, required, optional, start, where, problems):
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


def header_is_usable(
    header: list[str],
    required: Iterable[str],
    optional: Iterable[str],
    line: int,
    where: str,
    problems: Problems,
    sheet: str | None = None,
) -> bool:
    """Whether the header names every required column, and only known columns, once each."""
    required, allowed = list(required), {*required, *optional}
    usable = True
    for index, name in enumerate(header, start=1):
        if name not in allowed:
            usable = False
            problems.add(
                Location(where, line, index, name or None, sheet),
                f"unknown column; the columns are: {', '.join([*required, *optional])}",
                name,
            )
        elif header.index(name) != index - 1:
            usable = False
            problems.add(Location(where, line, index, name, sheet), "the column is repeated", name)
    missing = [name for name in required if name not in header]
    if missing:
        usable = False
        problems.add(
            Location(where, line, None, None, sheet),
            f"missing column(s): {', '.join(missing)}",
            ",".join(header),
        )
    return usable
