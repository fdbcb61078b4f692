"""dist/projects.xlsx: the rows of projects.csv as an Excel workbook, for people who open the
data in Excel first (a UTF-8 CSV without BOM shows as mojibake in Excel on Japanese Windows).

The first sheet has a header row with each column's Japanese and English titles (from
``projects_csv.COLUMNS``, as the CSVW metadata) and the same rows and cells as projects.csv;
the second sheet has the attribution and the licence. The bytes are deterministic: openpyxl
stamps the workbook with the time it is saved and the zip entries with the clock, so both are
set to ``FIXED_TIME`` after saving.

openpyxl writes the workbook and the header row; the data rows are written here, as the same
inline-string and number cells openpyxl writes, straight into the sheet's XML: openpyxl builds
an element per cell, and the national table (86,926 rows) took 106 s that way. A cell is always
text or a number (openpyxl would have made a text starting with "=" a formula).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet._write_only import WriteOnlyWorksheet as Worksheet

from ...dist import PROJECTS_XLSX
from ...model import PROJECT_COLUMNS
from .dcat_vocabulary import LICENCE
from .projects_csv import Column, described_columns

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FIXED_STAMP = "1980-01-01T00:00:00Z"
DATA_SHEET = "projects"
DATA_SHEET_PART = "xl/worksheets/sheet1.xml"  # (the first sheet made)
ATTRIBUTION_SHEET = "出典・ライセンス"
NUMBER_TYPES = {"integer", "gYear"}  # cells Excel should see as numbers (codes stay text)


def xlsx_bytes(
    rows: Iterable[Mapping[str, object]],
    attributions: Iterable[tuple[str, str]],
    names: Iterable[str] = PROJECT_COLUMNS,
) -> bytes:
    """The workbook: the ``names`` columns of ``rows`` with ja/en titles, then the
    attribution sheet; the same bytes for the same input."""
    columns = described_columns(names)
    book = Workbook(write_only=True)
    book.properties.creator = "kyodo-lod"
    _header(book.create_sheet(DATA_SHEET), columns)
    _attribution_sheet(book.create_sheet(ATTRIBUTION_SHEET), attributions)
    saved = io.BytesIO()
    book.save(saved)
    return _finish(saved.getvalue(), _rows_xml(columns, rows))


def _header(sheet: Worksheet, columns: list[Column]) -> None:
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, f"{column.title_ja}\n{column.title_en}")
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)


def _rows_xml(columns: list[Column], rows: Iterable[Mapping[str, object]]) -> bytes:
    """The data rows (from row 2) as the sheet's XML, cell for cell as openpyxl writes them."""
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    out = []
    for number, row in enumerate(rows, start=2):
        cells = [f'<row r="{number}">']
        for letter, column in zip(letters, columns, strict=True):
            value = _cell(column, row.get(column.name, ""))
            if value is None:
                continue
            if isinstance(value, int):
                cells.append(f'<c r="{letter}{number}" t="n"><v>{value}</v></c>')
                continue
            text = value[:32767]  # (Excel's limit, as openpyxl cuts)
            if ILLEGAL_CHARACTERS_RE.search(text):
                raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
            stripped = text.strip()
            space = ' xml:space="preserve"' if stripped and stripped != text else ""
            cells.append(f'<c r="{letter}{number}" t="inlineStr">')
            cells.append(f"<is><t{space}>{xml_escape(text)}</t></is></c>")
        cells.append("</row>")
        out.append("".join(cells))
    return "".join(out).encode()


def _cell(column: Column, value: object) -> str | int | None:
    text = "" if value is None else str(value)
    if (
        text
        and isinstance(column.datatype, str)
        and column.datatype in NUMBER_TYPES
        and text.isdigit()
    ):
        return int(text)
    return text or None  # an empty CSV cell is an empty Excel cell


def _attribution_sheet(sheet: Worksheet, attributions: Iterable[tuple[str, str]]) -> None:
    sheet.append(["出典 / Source"])
    for ja, en in attributions:
        sheet.append([ja])
        sheet.append([en])
    sheet.append([])
    sheet.append(["ライセンス / Licence", f"CC BY 4.0 {LICENCE}"])
    sheet.append(["作成 / Made by", "kyodo-lod (projects.csv と同じ行 / the rows of projects.csv)"])


def _finish(data: bytes, data_rows: bytes) -> bytes:
    """The workbook with the data rows in its first sheet, its created/modified stamps and its
    zip entries' times fixed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == DATA_SHEET_PART:
                content = content.replace(b"</sheetData>", data_rows + b"</sheetData>", 1)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + FIXED_STAMP.encode() + rb"\g<3>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()


def write_projects_xlsx(
    staging: Path, rows: Iterable[Mapping[str, object]], attributions: Iterable[tuple[str, str]]
) -> None:
    (staging / PROJECTS_XLSX).write_bytes(xlsx_bytes(rows, attributions))
