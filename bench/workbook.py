"""Template rows written as an .xlsx workbook the way staff's files come: figures stored as
numbers with a display format, everything else as text; one sheet per table.

Used by the fixture generator (bench/real_shape.py) and the import tests, so a workbook and the
CSV it was written from hold the same data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

# column → the number format its figures are shown with; other columns are stored as text
NUMBER_FORMATS: Mapping[str, str] = {
    "fiscal_year": "0",
    "project_number": "General",
    "relisted_from": "General",
    "value": "#,##0",  # a figure with decimals is shown as General
    # a code stored as a number keeps its leading zero only through its format
    "city_code": "000000",
}
_FIGURE = re.compile(r"\d+(\.\d+)?")


def write_workbook(
    path: Path, sheets: Mapping[str, tuple[Sequence[str], Sequence[Mapping[str, str]]]]
) -> None:
    """Write ``{sheet: (columns, rows)}``, each sheet's header first. A cell of a column in
    ``NUMBER_FORMATS`` that holds a plain figure is stored as a number with that format."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, (columns, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(columns))
        for number, row in enumerate(rows, start=2):
            for column, key in enumerate(columns, start=1):
                cell = sheet.cell(number, column, _value(key, row.get(key, "")))
                if isinstance(cell.value, int):
                    cell.number_format = NUMBER_FORMATS[key]
    book.save(path)


def _value(column: str, text: str) -> object:
    if column not in NUMBER_FORMATS or not _FIGURE.fullmatch(text):
        return text or None
    return float(text) if "." in text else int(text)
