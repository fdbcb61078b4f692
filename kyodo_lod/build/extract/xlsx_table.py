"""A workbook's sheet (.xlsx, through openpyxl) read into the same rows of located cells as a
CSV file (``table``).

The layout is the CSV template's: the header row first (row 1), one project per row after it,
blank rows skipped. Each cell is read as the text it shows (``shown_text``); a formula as the
value Excel last computed and saved. A cell's location is its sheet, row and column, shown as
``plan.xlsx, sheet 事業, cell J7 [sdg_targets]``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ...errors import Location
from .shown_text import shown_text
from .table import Problems, Row, Table, header_is_usable

XLSX_SUFFIXES = (".xlsx", ".xlsm")
KPI_SHEET = "kpis"  # a workbook's sheet of KPI lines, when no kpis file is given


def sheet_names(path: Path, problems: Problems) -> list[str] | None:
    """The names of a workbook's sheets in order, or ``None`` if it cannot be opened."""
    book = _open(path, problems)
    if book is None:
        return None
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def plan_sheet(names: Sequence[str]) -> str | None:
    """The sheet a plan is read from when none is named: the first one not named ``kpis``."""
    return next((name for name in names if name != KPI_SHEET), None)


def read_xlsx_table(
    path: Path,
    required: Iterable[str],
    optional: Iterable[str],
    problems: Problems,
    sheet: str | None = None,
) -> Table | None:
    """The records of ``sheet`` (default: ``plan_sheet``) of the workbook at ``path``, or
    ``None`` if it cannot be read (not a workbook, no such sheet, an unusable header)."""
    where = str(path)
    book = _open(path, problems)
    if book is None:
        return None
    try:
        name = sheet if sheet is not None else plan_sheet(book.sheetnames)
        if name not in book.sheetnames:
            message = f"the workbook has no sheet {name!r}; its sheets: " + ", ".join(
                book.sheetnames
            )
            problems.add(Location(where), message, name)
            return None
        return _read_sheet(book[name], where, name, list(required), list(optional), problems)
    finally:
        book.close()


def _open(path: Path, problems: Problems):  # -> openpyxl Workbook | None
    import openpyxl  # only a workbook needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        problems.add(Location(str(path)), f"not a readable .xlsx workbook: {exc}", None)
    except OSError as exc:
        problems.add(Location(str(path)), f"cannot read the file: {exc.strerror}", None)
    return None


def _read_sheet(
    worksheet,
    where: str,
    sheet: str,
    required: list[str],
    optional: list[str],
    problems: Problems,
) -> Table | None:
    worksheet.reset_dimensions()  # trust the cells, not a size a writer may have got wrong
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[Row] = []
    # read-only sheets yield every row from 1 (gaps filled) and every cell from column A
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        texts = [_text(cell) for cell in cells]
        if header is None:
            header = _header(texts)
            if not header_is_usable(header, required, optional, number, where, problems, sheet):
                return None
            columns = {name: index for index, name in enumerate(header, start=1)}
            continue
        if not any(text.strip() for text in texts):
            continue  # blank row
        beyond = next(
            (i for i, text in enumerate(texts[len(header) :], len(header)) if text.strip()), None
        )
        if beyond is not None:
            problems.add(
                Location(where, number, beyond + 1, None, sheet),
                f"a cell right of the header's last column ({len(header)}: "
                f"{header[-1]}); every column needs its name in row 1",
                texts[beyond].strip(),
            )
            continue
        texts += [""] * (len(header) - len(texts))
        cell_texts = {name: text.strip() for name, text in zip(header, texts, strict=False)}
        rows.append(Row(where, number, number, columns, cell_texts, sheet))
    if header is None:
        problems.add(
            Location(where, 1, None, None, sheet), "the sheet is empty: it needs a header row", None
        )
        return None
    return Table(where, tuple(header), rows, sheet)


def _text(cell) -> str:  # an openpyxl read-only cell
    value = cell.value
    if value is None or isinstance(value, str):
        return value or ""  # most cells: no format to look up
    return shown_text(value, getattr(cell, "number_format", None))


def _header(texts: list[str]) -> list[str]:
    """The header's names, without the empty cells right of the last name."""
    names = [text.strip() for text in texts]
    while names and not names[-1]:
        names.pop()
    return names
