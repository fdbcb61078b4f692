"""projects.csv: one row per project per fiscal year, read back from the built graph by
SPARQL (the columns are ``model.PROJECT_COLUMNS``, the import template's), and ``COLUMNS``, the
one description of each column (titles, datatype, where it sits in the graph) from which the
CSVW metadata and the Excel dump's header are made."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph

from ...dist import PROJECTS_CSV
from ...model import DEPARTMENT_SEPARATOR, PROJECT_COLUMNS, sdg_code_key
from ...rdf.iris import SDG_BASE


@dataclass(frozen=True)
class Column:
    """A column of projects.csv as CSV on the Web describes it.

    ``about``/``property`` say which triple of the graph a cell is (CSVW ``aboutUrl`` and
    ``propertyUrl``; ``{base}`` is the base IRI, ``kyodo:`` the ontology's namespace): the
    subject (default: the row's project, ``{+uri}``) and the predicate; the cell is the literal.
    A column without ``property`` is not turned into triples (its graph form is not a plain
    literal of the row's project or city: a label reached through a path, an IRI a template
    cannot spell, a number of another row)."""

    name: str
    title_ja: str
    title_en: str
    datatype: str | dict[str, Any]  # a CSVW datatype
    required: bool = False
    separator: str | None = None
    about: str | None = None
    property: str | None = None
    lang: str | None = None  # the language of text cells


CODE = {"base": "string", "format": "[0-9]{6}"}
CITY = "{base}id/{city_code}"
COLUMNS: tuple[Column, ...] = (
    Column("city_code", "自治体コード", "local government code", CODE, True,
           about=CITY, property="kyodo:localGovernmentCode"),
    Column("city_name", "自治体名", "city name", "string", True,
           about=CITY, property="rdfs:label", lang="ja"),
    Column("fiscal_year", "年度", "fiscal year", "gYear", True, property="kyodo:fiscalYear"),
    Column("policy_number", "施策番号", "policy number",
           {"base": "string", "format": "[0-9]+(\\.[0-9]+)*"}, True),
    Column("policy_title", "施策名", "policy title", "string", True, lang="ja"),
    Column("project_number", "事業番号", "project number", "integer",
           property="kyodo:projectNumber"),
    # blank when the plan states no category ("not stated"; never a guessed 継続)
    Column("category", "区分", "category",
           {"base": "string", "format": "新規・追加|拡充|継続|再掲|完了・統合"}, lang="ja"),
    Column("project_name", "事業名", "project name", "string", True,
           property="rdfs:label", lang="ja"),
    # no triples: a department's IRI is its names NFKC-normalised (rdf/iris.py), which a URI
    # template cannot do (ＮＰＯ → NPO)
    Column("department", "担当課", "responsible department", "string", True),
    # a list cell: CSVW expands a valueUrl once per cell, not per item, so no triples
    Column("sdg_targets", "SDGsターゲット", "SDG targets",
           {"base": "string", "format": "[0-9]+\\.[0-9a-z]+"}, separator=" "),
    Column("relisted_from", "再掲元の事業番号", "relisted from project number", "integer"),
    # the row's subject ({+uri}); a string, so processors expand it as written
    Column("uri", "IRI", "IRI", {"base": "string", "format": "https?://\\S+"}, True),
    # the goals the city tagged itself (a list cell like sdg_targets: no triples)
    Column("sdg_goals", "SDGsゴール", "SDG goals",
           {"base": "integer", "minimum": 1, "maximum": 17}, separator=" "),
)  # fmt: skip


def described_columns(names: Iterable[str] = PROJECT_COLUMNS) -> list[Column]:
    """The description of each of ``names`` (the header); a column nobody described yet is
    described by its name as plain, optional text (a test requires a real description)."""
    known = {column.name: column for column in COLUMNS}
    return [known.get(name) or Column(name, name, name, "string") for name in names]


PROJECTS_QUERY = """
PREFIX kyodo: <{kyodo}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?project ?cityCode ?cityName ?year ?policyNumber ?policyTitle ?number ?category
       ?name ?department ?relistedNumber
       (GROUP_CONCAT(DISTINCT ?targetCode; separator=" ") AS ?targets)
       (GROUP_CONCAT(DISTINCT ?goalCode; separator=" ") AS ?goals)
WHERE {{
  ?project a kyodo:Project ;
      rdfs:label ?name ;
      kyodo:fiscalYear ?year ;
      kyodo:inPlan/kyodo:implementsPlan/dct:publisher ?city ;
      kyodo:underPolicy ?policy ;
      kyodo:responsibleDepartment ?department .
  FILTER(lang(?name) = "ja")
  ?city kyodo:localGovernmentCode ?cityCode ; rdfs:label ?cityName .
  FILTER(lang(?cityName) = "ja")
  ?policy kyodo:policyNumber ?policyNumber ; dct:title ?policyTitle .
  FILTER(lang(?policyTitle) = "ja")
  # the OPTIONALs after every required pattern: one between them made Oxigraph join the
  # rest per row (a 1,741-city build sat in this query for over 40 minutes; after them: 69 s)
  OPTIONAL {{  # a source may state no category
    ?project kyodo:category/skos:prefLabel ?category .
    FILTER(lang(?category) = "ja")
  }}
  OPTIONAL {{ ?project kyodo:projectNumber ?number }}
  OPTIONAL {{ ?project kyodo:relists/kyodo:projectNumber ?relistedNumber }}
  OPTIONAL {{
    ?project kyodo:sdgTarget ?target .
    BIND(STRAFTER(STR(?target), "{sdg}") AS ?targetCode)
  }}
  OPTIONAL {{
    ?project kyodo:statedSdgGoal ?goal .
    BIND(STRAFTER(STR(?goal), "{sdg}") AS ?goalCode)
  }}
}}
GROUP BY ?project ?cityCode ?cityName ?year ?policyNumber ?policyTitle ?number ?category
         ?name ?department ?relistedNumber
"""

DEPARTMENTS_QUERY = """
PREFIX kyodo: <{kyodo}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?department ?label ?parent WHERE {{
  ?department a kyodo:Department ; rdfs:label ?label ; org:subOrganizationOf ?parent .
  FILTER(lang(?label) = "ja")
}}
"""


def _value(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def project_rows(store: pyoxigraph.Store, kyodo_namespace: str) -> list[dict[str, str]]:
    """The projects.csv rows, read back from the built graph by SPARQL."""
    department_path = _department_paths(store, kyodo_namespace)
    rows = []
    for row in store.query(PROJECTS_QUERY.format(kyodo=kyodo_namespace, sdg=SDG_BASE)):
        targets = sorted(_value(row["targets"]).split(), key=sdg_code_key)
        goals = sorted(_value(row["goals"]).split(), key=int)
        rows.append(
            {
                "city_code": _value(row["cityCode"]),
                "city_name": _value(row["cityName"]),
                "fiscal_year": _value(row["year"]),
                "policy_number": _value(row["policyNumber"]),
                "policy_title": _value(row["policyTitle"]),
                "project_number": _value(row["number"]),
                "category": _value(row["category"]),
                "project_name": _value(row["name"]),
                "department": department_path(row["department"].value),
                "sdg_targets": " ".join(targets),
                "relisted_from": _value(row["relistedNumber"]),
                "uri": row["project"].value,
                "sdg_goals": " ".join(goals),
            }
        )
    return sorted(rows, key=_row_order)


def _department_paths(store: pyoxigraph.Store, kyodo_namespace: str) -> Callable[[str], str]:
    """A department's IRI → its names from the top ("保健福祉部/保健所/健康政策課")."""
    parents: dict[str, tuple[str, str]] = {}
    for row in store.query(DEPARTMENTS_QUERY.format(kyodo=kyodo_namespace)):
        parents[row["department"].value] = (row["label"].value, row["parent"].value)

    def department_path(iri: str) -> str:
        names = []
        while iri in parents:
            label, iri = parents[iri]
            names.append(label)
        return DEPARTMENT_SEPARATOR.join(reversed(names))

    return department_path


def _row_order(row: dict[str, str]) -> tuple:
    """City, year, numbered projects by number (then the completed ones), policy, IRI."""
    number = row["project_number"]
    return (
        row["city_code"],
        row["fiscal_year"],
        number == "",
        int(number) if number else 0,
        [int(p) for p in row["policy_number"].split(".")],
        row["uri"],
    )


def csv_bytes(columns: Iterable[str], rows: Iterable[Mapping[str, object]]) -> bytes:
    """CSV with a header row, "\\n" line ends, UTF-8."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_projects_csv(staging: Path, rows: Iterable[Mapping[str, object]]) -> None:
    (staging / PROJECTS_CSV).write_bytes(csv_bytes(PROJECT_COLUMNS, rows))
