"""projects.csv: one row per project per fiscal year, read back from the built graph by
SPARQL (the columns are ``model.PROJECT_COLUMNS``, the import template's)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pyoxigraph

from ...dist import PROJECTS_CSV
from ...model import DEPARTMENT_SEPARATOR, PROJECT_COLUMNS, sdg_code_key
from ...rdf.iris import SDG_BASE

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
  OPTIONAL {{  # a source may state no category
    ?project kyodo:category/skos:prefLabel ?category .
    FILTER(lang(?category) = "ja")
  }}
  ?city kyodo:localGovernmentCode ?cityCode ; rdfs:label ?cityName .
  FILTER(lang(?cityName) = "ja")
  ?policy kyodo:policyNumber ?policyNumber ; dct:title ?policyTitle .
  FILTER(lang(?policyTitle) = "ja")
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
