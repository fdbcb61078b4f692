"""Reading the kpis.csv beside a projects.csv (or a workbook's sheet of the same columns): KPI
lines by (fiscal year, №), in file order.

Each row names its project by city code, fiscal year and №; every bad cell is reported (the
problems join those of the projects file) and the row left out.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from ...model import KPI
from .csv_template import KPI_COLUMNS
from .plan_cells import nfkc
from .table import Problems, Row
from .table_file import read_table

ProjectKey = tuple[int, int]  # (fiscal year, №)


def read_kpis(
    path: Path,
    city_code: str,
    numbers: dict[ProjectKey, int],
    problems: Problems,
    sheet: str | None = None,
) -> dict[ProjectKey, list[KPI]]:
    """The KPIs of the projects in ``numbers`` (the (year, №)s of the projects file) of the city
    ``city_code``, by project; ``sheet`` names a workbook's sheet."""
    table = read_table(Path(path), KPI_COLUMNS, (), problems, sheet)
    kpis: dict[ProjectKey, list[KPI]] = {}
    for row in table.rows if table is not None else ():
        before = len(problems)
        _same_city(row, city_code, problems)
        key = _project_key(row, numbers, problems)
        _kpi_text(row, problems)
        value = _value(row, problems)
        _unit_with_value(row, problems)
        if len(problems) == before and key is not None:
            kpis.setdefault(key, []).append(
                KPI(row.text("kpi_text"), value, row.text("unit") or None)
            )
    return kpis


def _same_city(row: Row, city_code: str, problems: Problems) -> None:
    if nfkc(row.text("city_code")) != city_code:
        message = f"the city code is not the plan's ({city_code})"
        problems.add(row.location("city_code"), message, row.text("city_code"))


def _project_key(row: Row, numbers: dict[ProjectKey, int], problems: Problems) -> ProjectKey | None:
    year, number = nfkc(row.text("fiscal_year")), nfkc(row.text("project_number"))
    key = (int(year), int(number)) if year.isdigit() and number.isdigit() else None
    if key is None or key not in numbers:
        message = "no project with this fiscal year and number in the projects file"
        problems.add(row.location("project_number"), message, f"{year} {number}".strip())
    return key


def _kpi_text(row: Row, problems: Problems) -> None:
    if not row.text("kpi_text"):
        problems.add(row.location("kpi_text"), "the KPI text is missing", row.text("kpi_text"))


def _figure(row: Row) -> str:
    """The value cell as a number's text: NFKC, thousands separators dropped."""
    return nfkc(row.text("value")).replace(",", "")


def _value(row: Row, problems: Problems) -> Decimal | None:
    figure = _figure(row)
    if not figure:
        return None
    try:
        value = Decimal(figure)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        message = "the value must be a number (600, 12.5)"
        problems.add(row.location("value"), message, row.text("value"))
        return None
    return value


def _unit_with_value(row: Row, problems: Problems) -> None:
    """A figure and its unit come together (as the shapes require)."""
    unit = row.text("unit")
    if bool(unit) != bool(_figure(row)):
        message = "a unit needs a value" if unit else "a value needs a unit (人, 件, %)"
        problems.add(row.location("unit"), message, unit or row.text("value"))
