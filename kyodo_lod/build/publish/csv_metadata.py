"""dist/projects.csv-metadata.json: W3C CSV on the Web metadata for projects.csv, made from the
column descriptions of ``projects_csv.COLUMNS`` (so a column added there is described here).

It gives each column its ja/en titles, datatype, whether it is required and its separator, and
the URI templates (``aboutUrl``/``propertyUrl``) with which a CSVW processor
(csv2rdf, csv2json) turns the cells into our own triples; the table's licence and the
attribution of every source (出典：…を加工して作成) come with it. The server links it from
/dumps/projects.csv (``Link: rel="describedby"``), where CSVW processors look for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph

from ...dist import CSV_METADATA, PROJECTS_CSV
from ...model import PROJECT_COLUMNS
from ...rdf.iris import Iris
from ...rdf.namespaces import sparql_prologue
from ..attribution import attribution
from .dcat_vocabulary import LICENCE
from .projects_csv import Column, described_columns

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"

CITATIONS_QUERY = """
SELECT ?document ?ja ?en WHERE {
  ?document a kyodo:SourceDocument ;
      dct:bibliographicCitation ?ja , ?en .
  FILTER(lang(?ja) = "ja" && lang(?en) = "en")
} ORDER BY ?document
"""


def source_attributions(store: pyoxigraph.Store, kyodo_namespace: str) -> list[tuple[str, str]]:
    """(ja, en) attribution of every source document in the build, in IRI order."""
    found = store.query(sparql_prologue(("kyodo", "dct"), kyodo_namespace) + CITATIONS_QUERY)
    return [attribution(row["ja"].value, row["en"].value) for row in found]  # type: ignore[index,union-attr]


def csv_metadata(
    iris: Iris,
    kyodo_namespace: str,
    attributions: Iterable[tuple[str, str]],
    names: Iterable[str] = PROJECT_COLUMNS,
) -> dict[str, Any]:
    """The CSVW table description of projects.csv with the header ``names``."""
    columns = [_column(c, iris.base, kyodo_namespace) for c in described_columns(names)]
    attributions = list(attributions)
    return {
        "@context": [CSVW_CONTEXT, {"@language": "ja"}],
        "url": PROJECTS_CSV,
        "dc:title": [
            {"@value": "事業一覧（年度ごとに1行）", "@language": "ja"},
            {"@value": "Projects, one row per project per fiscal year", "@language": "en"},
        ],
        "dc:license": {"@id": str(LICENCE)},
        "dc:publisher": {"@id": str(iris.publisher())},
        "dc:rights": [
            {"@value": text, "@language": language}
            for ja, en in attributions
            for text, language in ((ja, "ja"), (en, "en"))
        ],
        "dc:isPartOf": {"@id": str(iris.catalog())},
        "dialect": {"encoding": "utf-8", "header": True, "lineTerminators": ["\n"]},
        "tableSchema": {
            "columns": columns,
            "primaryKey": "uri",
            "aboutUrl": "{+uri}",
        },
    }


def _column(column: Column, base: str, kyodo: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": column.name,
        # the header cell is the name; CSVW matches it against the titles ("und": any language)
        "titles": {"und": column.name, "ja": column.title_ja, "en": column.title_en},
        "datatype": column.datatype,
        "required": column.required,
    }
    if column.separator is not None:
        out["separator"] = column.separator
    if column.lang is not None:
        out["lang"] = column.lang
    if column.property is None:
        out["suppressOutput"] = True  # no plain triple of the row (see projects_csv.Column)
        return out
    if column.about is not None:
        out["aboutUrl"] = _template(column.about, base)
    out["propertyUrl"] = _expand(column.property, kyodo)
    return out


def _template(template: str, base: str) -> str:
    return template.replace("{base}", base)


def _expand(name: str, kyodo: str) -> str:
    """``kyodo:term`` → the ontology's IRI; CSVW's own prefixes (rdfs:, dc:, …) stay."""
    prefix, _, local = name.partition(":")
    return kyodo + local if prefix == "kyodo" else name


def write_csv_metadata(
    staging: Path, iris: Iris, kyodo_namespace: str, attributions: Iterable[tuple[str, str]]
) -> None:
    metadata = csv_metadata(iris, kyodo_namespace, attributions)
    text = json.dumps(metadata, ensure_ascii=False, indent=1) + "\n"
    (staging / CSV_METADATA).write_text(text, encoding="utf-8")
