"""Which reader reads a table file, and where a plan's KPI lines are: a CSV file (``table``) or
a workbook's sheet (``xlsx_table``), told apart by the file's suffix."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ...errors import Location
from .table import Problems, Table, read_csv_table
from .xlsx_table import KPI_SHEET, XLSX_SUFFIXES, read_xlsx_table, sheet_names


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() in XLSX_SUFFIXES


def read_table(
    path: Path,
    required: Iterable[str],
    optional: Iterable[str],
    problems: Problems,
    sheet: str | None = None,
) -> Table | None:
    """The records of a CSV file or of a workbook's ``sheet``; ``None`` if it cannot be read."""
    if is_workbook(path):
        return read_xlsx_table(path, required, optional, problems, sheet)
    if path.suffix.lower() == ".xls":  # the binary format before 2007: openpyxl cannot read it
        message = "an .xls workbook (Excel 97-2003) cannot be read: save it as .xlsx or CSV"
        problems.add(Location(str(path)), message, None)
        return None
    if sheet is not None:
        problems.add(Location(str(path)), "a sheet is named but the file is not .xlsx", sheet)
        return None
    return read_csv_table(path, required, optional, problems)


def kpi_source(plan: Path, kpis: Path | None, problems: Problems) -> tuple[Path, str | None] | None:
    """Where the KPI lines of the plan in ``plan`` are, as (file, sheet): the ``kpis`` file
    when given (a workbook's sheet named ``kpis``, else its first sheet); else the plan
    workbook's sheet named ``kpis``, if it has one; else nowhere."""
    if kpis is not None:
        if not is_workbook(kpis):
            return kpis, None
        names = sheet_names(kpis, problems) or []
        return kpis, KPI_SHEET if KPI_SHEET in names else (names[0] if names else None)
    if is_workbook(plan) and KPI_SHEET in (sheet_names(plan, problems) or []):
        return plan, KPI_SHEET
    return None
