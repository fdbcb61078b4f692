"""dist/projects.xlsx: the rows of projects.csv with ja/en titles, the attribution on a second
sheet, the same bytes from the same rows, listed in the catalogue and VoID."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDFS

from kyodo_lod.build.attribution import attribution, citation
from kyodo_lod.build.publish.projects_csv import COLUMNS
from kyodo_lod.build.publish.projects_xlsx import ATTRIBUTION_SHEET, DATA_SHEET, xlsx_bytes
from kyodo_lod.model import PROJECT_COLUMNS
from kyodo_lod.rdf.iris import Iris

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(dist: Path) -> list[dict[str, str]]:
    with (dist / "projects.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_same_rows_as_projects_csv_with_ja_and_en_titles(dist: Path) -> None:
    book = load_workbook(dist / "projects.xlsx", read_only=True)
    assert book.sheetnames == [DATA_SHEET, ATTRIBUTION_SHEET]
    sheet = book[DATA_SHEET]
    header, *rows = list(sheet.iter_rows(max_col=len(PROJECT_COLUMNS), values_only=True))
    titles = {c.name: f"{c.title_ja}\n{c.title_en}" for c in COLUMNS}
    assert list(header) == [titles[name] for name in PROJECT_COLUMNS]
    expected = csv_rows(dist)
    assert len(rows) == len(expected) > 90
    for row, want in zip(rows, expected, strict=True):
        got = ["" if value is None else str(value) for value in row]
        assert got == [want[name] for name in PROJECT_COLUMNS]
    # codes keep their leading zero (text); years and numbers are numbers for Excel
    first = dict(zip(PROJECT_COLUMNS, rows[0], strict=True))
    assert first["city_code"] == "072036" and isinstance(first["fiscal_year"], int)


def test_the_second_sheet_attributes_the_source(build, dist: Path) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(dist / "projects.xlsx", read_only=True)
    cells = {str(v) for row in book[ATTRIBUTION_SHEET].iter_rows(values_only=True) for v in row}
    ja, en = attribution(*citation(build.plans[0]))
    assert {ja, en} <= cells
    assert any("CC BY 4.0 https://creativecommons.org/licenses/by/4.0/" in c for c in cells)


def test_two_builds_give_the_same_bytes(dist: Path, build) -> None:  # type: ignore[no-untyped-def]
    """openpyxl stamps the save time into docProps/core.xml and the zip entries: both are
    fixed, so a workbook written later (past the zip clock's 2 s step) is byte-identical."""
    rows = csv_rows(dist)
    attributions = [attribution(*citation(plan)) for plan in build.plans]
    first = xlsx_bytes(rows, attributions)
    time.sleep(2.1)
    assert xlsx_bytes(rows, attributions) == first == (dist / "projects.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("1980-01-01T00:00:00Z") == 2


def test_listed_in_the_catalogue_and_void(cat: Graph, iris: Iris) -> None:
    url = iris.dump("projects.xlsx")
    [distribution] = cat.subjects(DCAT.downloadURL, url)
    assert cat.value(distribution, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/" + XLSX
    )
    assert str(cat.value(distribution, DCTERMS.format)).endswith("/file-type/XLSX")
    assert cat.value(distribution, DCAT.byteSize).toPython() > 0
    assert url in set(cat.objects(iris.void_dataset(), RDFS.seeAlso))


def test_cells_read_back_as_written_whatever_they_hold() -> None:
    # the data rows are written as sheet XML of our own: Excel's reader must see the same text
    tricky = {
        "project_name": "  <b>A & B</b>  ",  # markup, and spaces kept at both ends
        "policy_title": "=SUM(A1:A9)",  # text, never a formula
        "department": "課\n係",
        "fiscal_year": "2025",
        "project_number": "012",  # a number for Excel (projects.csv's integer column)
        "city_code": "072036",  # a code keeps its leading zero
    }
    book = load_workbook(io.BytesIO(xlsx_bytes([tricky, {"uri": "urn:x"}], [("出典", "Source")])))
    sheet = book[DATA_SHEET]
    _, first, second = list(sheet.iter_rows(values_only=True))
    got = dict(zip(PROJECT_COLUMNS, first, strict=True))
    assert got["project_name"] == tricky["project_name"]
    assert got["policy_title"] == "=SUM(A1:A9)" and sheet["E2"].data_type == "s"
    assert got["department"] == "課\n係" and got["city_code"] == "072036"
    assert got["fiscal_year"] == 2025 and got["project_number"] == 12
    assert got["sdg_goals"] is None  # an empty cell stays empty
    assert dict(zip(PROJECT_COLUMNS, second, strict=True))["uri"] == "urn:x"


def test_a_character_a_worksheet_cannot_hold_is_refused() -> None:
    with pytest.raises(IllegalCharacterError):
        xlsx_bytes([{"project_name": "bell\x07"}], [])
