"""dist/projects.csv-metadata.json: CSV on the Web metadata, checked with the `csvw` library
(validation of projects.csv against it; its cell → triple mapping against the built graph)."""

from __future__ import annotations

import csv
import json
import shutil
import warnings
from pathlib import Path

import pytest
from csvw import CSVW
from csvw.jsonld import Triple
from rdflib import Graph, Literal, URIRef

from kyodo_lod.build.publish.csv_metadata import csv_metadata
from kyodo_lod.build.publish.projects_csv import COLUMNS
from kyodo_lod.model import PROJECT_COLUMNS
from kyodo_lod.rdf.iris import Iris

CSVW_PREFIXES = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}  # the ones we use
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture(scope="module")
def metadata(dist: Path) -> dict:
    return json.loads((dist / "projects.csv-metadata.json").read_text(encoding="utf-8"))


def test_every_header_column_is_described(dist: Path, metadata: dict) -> None:
    with (dist / "projects.csv").open(encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == PROJECT_COLUMNS
    described = {c.name: c for c in COLUMNS}
    columns = metadata["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == header
    for name, column in zip(header, columns, strict=True):
        assert name in described, f"projects_csv.COLUMNS does not describe {name!r}"
        assert column["titles"]["ja"] == described[name].title_ja != name
        assert column["titles"]["en"] == described[name].title_en
        assert column["datatype"] and isinstance(column["required"], bool)
    separated = {c["name"]: c.get("separator") for c in columns}
    assert separated["sdg_targets"] == " "


def test_a_new_column_is_described_from_its_definition() -> None:
    """The metadata follows the header it is given: an undescribed column still gets an entry
    (plain optional text), so the CSV stays valid against it until someone describes it."""
    names = (*PROJECT_COLUMNS, "future_column")
    columns = csv_metadata(Iris(), "https://kyodo-lod.example/def/kyodo#", [], names)
    last = columns["tableSchema"]["columns"][-1]
    assert last["name"] == "future_column" and last["required"] is False


def test_licence_and_attribution(metadata: dict) -> None:
    assert metadata["dc:license"] == {"@id": LICENCE}
    rights = {r["@language"]: r["@value"] for r in metadata["dc:rights"]}
    assert rights["ja"].startswith("出典：郡山市「") and rights["ja"].endswith("を加工して作成")
    assert rights["en"].startswith("Source: Koriyama City, ")


def validated(metadata_path: Path) -> CSVW:
    """The table, validated by csvw (which reports problems as warnings: the suite turns
    warnings into errors, so they are recorded here instead)."""
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        table = CSVW(str(metadata_path), validate=True)
        table.is_valid  # noqa: B018 (fills table.warnings)
    return table


def test_projects_csv_is_valid_against_its_metadata(dist: Path) -> None:
    table = validated(dist / "projects.csv-metadata.json")
    assert table.is_valid, table.warnings[:5]


@pytest.mark.parametrize(
    ("column", "bad"),
    # (csvw reads gYear as any string, so a required empty year stands for the year checks)
    [("city_code", "72036"), ("fiscal_year", ""), ("project_name", ""),
     ("sdg_targets", "3.4 three"), ("category", "その他"), ("project_number", "一")],
)  # fmt: skip
def test_a_broken_cell_makes_the_csv_invalid(
    dist: Path, tmp_path: Path, column: str, bad: str
) -> None:
    shutil.copy(dist / "projects.csv-metadata.json", tmp_path)
    with (dist / "projects.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[3][column] = bad
    with (tmp_path / "projects.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PROJECT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    table = validated(tmp_path / "projects.csv-metadata.json")
    assert not table.is_valid


def csvw_triples(metadata_path: Path) -> tuple[Graph, dict[str, list[str]]]:
    """What a CSVW processor makes of each cell (the csvw library's own template expansion and
    typed values, cell by cell as in its csv2json), as (subject, property, literal) triples;
    and each project's parsed sdg_targets list."""
    table = CSVW(str(metadata_path)).tables[0]
    columns = {c.header: c for c in table.tableSchema.columns}
    for column in columns.values():
        column.propertyUrl = column.inherit("propertyUrl")
        column.valueUrl = column.inherit("valueUrl")  # none of ours has one: cells are literals
    about_template = table.tableSchema.inherit("aboutUrl")
    graph, targets = Graph(), {}
    for number, (_, _, row) in enumerate(table.iterdicts(with_metadata=True), start=1):
        about = table.expand(about_template, row, _row=number)
        targets[about] = row["sdg_targets"]
        for name, value in row.items():
            column = columns[name]
            if column.suppressOutput or value in ("", None, []):
                continue
            cell = Triple.from_col(table, column, row, name, value, number)
            prefix, _, local = cell.property.partition(":")
            predicate = CSVW_PREFIXES.get(prefix, prefix + ":") + local
            graph.add((URIRef(cell.about or about), URIRef(predicate), Literal(str(cell.value))))
    return graph, targets


def test_the_csvw_conversion_agrees_with_the_graph(dist: Path, metadata: dict) -> None:
    converted, targets = csvw_triples(dist / "projects.csv-metadata.json")
    union = Graph().parse(dist / "kyodo-lod.nt", format="nt")
    predicates = {URIRef(p) for p in _property_urls(metadata)}
    assert len(predicates) >= 4
    expected = Graph()
    subjects = set(converted.subjects())
    for s, p, o in union:
        if s in subjects and p in predicates and (not isinstance(o, Literal) or o.language
                                                   in (None, "ja")):  # fmt: skip
            expected.add((s, p, o if isinstance(o, URIRef) else Literal(str(o))))
    assert set(converted) == set(expected)
    sdg_target = URIRef("https://kyodo-lod.example/def/kyodo#sdgTarget")
    for project, codes in targets.items():
        in_graph = {str(t).rsplit("/", 1)[-1] for t in union.objects(URIRef(project), sdg_target)}
        assert set(codes) == in_graph, project


def _property_urls(metadata: dict) -> list[str]:
    urls = []
    for column in metadata["tableSchema"]["columns"]:
        url = column.get("propertyUrl")
        if url:
            prefix, _, local = url.partition(":")
            urls.append(CSVW_PREFIXES.get(prefix, prefix + ":") + local)
    return urls
