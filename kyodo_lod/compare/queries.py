"""The comparison's SPARQL: one SELECT per table, answering per city, and the VALUES rows that
choose the city-years. ``Vocabulary`` fills in the names a server's data is written in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import NOT_STATED
from ..rdf.iris import Iris
from ..rdf.namespaces import sparql_prologue
from .runners import CompareError, Runner, select_once

PREFIXES = ("kyodo", "rdfs", "skos", "dct", "sdgo", "schema", "xsd")

# the ontology tells which base a server publishes under (publish may have rebased it)
ONTOLOGY_QUERY = """SELECT DISTINCT ?ontology WHERE {
  ?ontology a <http://www.w3.org/2002/07/owl#Ontology> .
  FILTER(STRENDS(STR(?ontology), "/def/kyodo"))
} ORDER BY ?ontology LIMIT 1"""

# each city's fiscal years with their number of plan projects (numbered, not 再掲)
# (no BIND inside the pattern: it splits the join and made this 250× slower at 100 cities)
# the prefecture is there for the cities of the registry of local governments only
CITIES_QUERY = """SELECT ?code ?name (STR(?y) AS ?year) (COUNT(DISTINCT ?project) AS ?projects)
  ?prefecture ?prefecture_ja ?prefecture_en
WHERE {{
  ?city a kyodo:City ; kyodo:localGovernmentCode ?code ; rdfs:label ?name .
  FILTER(lang(?name) = "ja")
  OPTIONAL {{
    ?city kyodo:prefecture ?p . ?p kyodo:prefectureCode ?prefecture ;
      rdfs:label ?prefecture_ja , ?prefecture_en .
    FILTER(lang(?prefecture_ja) = "ja" && lang(?prefecture_en) = "en")
  }}
  ?plan a kyodo:ImplementationPlan ; dct:publisher ?city ; kyodo:fiscalYear ?y .
  ?project kyodo:inPlan ?plan ; kyodo:projectNumber ?number .
  FILTER NOT EXISTS {{ ?project kyodo:category <{relisted}> }}
}} GROUP BY ?code ?name ?y ?prefecture ?prefecture_ja ?prefecture_en ORDER BY ?code ?y"""

# the plan projects of the chosen city-years; {values} binds ?code and ?y (city_year_values:
# the year as a typed xsd:gYear, so it joins on the index instead of a FILTER over all plans)
_PLAN_PROJECTS = """  VALUES (?code ?y) {{ {values} }}
  ?city kyodo:localGovernmentCode ?code .
  ?plan a kyodo:ImplementationPlan ; dct:publisher ?city ; kyodo:fiscalYear ?y .
  ?project kyodo:inPlan ?plan ; kyodo:projectNumber ?number .
  FILTER NOT EXISTS {{ ?project kyodo:category <{relisted}> }}"""

# a project serves a goal it states (kyodo:statedSdgGoal) or the goal of one of its targets;
# counted once either way (DISTINCT). The path works on any kyodo-lod store, inferred graph or not.
GOAL_PATH = "kyodo:sdgTarget/sdgo:isTargetOf|kyodo:statedSdgGoal"

GOALS_QUERY = (
    "SELECT ?code ?goal (COUNT(DISTINCT ?project) AS ?projects) WHERE {{\n"
    + _PLAN_PROJECTS
    + f"""
  ?project {GOAL_PATH} ?goal .
}}}} GROUP BY ?code ?goal"""
)

TARGETS_QUERY = (
    "SELECT ?code ?target (COUNT(DISTINCT ?project) AS ?projects) WHERE {{\n"
    + _PLAN_PROJECTS
    + """
  ?project kyodo:sdgTarget ?target .
}} GROUP BY ?code ?target"""
)

KINDS_QUERY = (
    "SELECT ?code ?kind (COUNT(DISTINCT ?project) AS ?projects) WHERE {{\n"
    + _PLAN_PROJECTS
    + """
  ?project kyodo:responsibleDepartment/kyodo:departmentKind/skos:notation ?kind .
}} GROUP BY ?code ?kind"""
)

# the projects behind one cell of a table ({cell} narrows to a goal, target or kind)
CELL_QUERY = (
    "SELECT DISTINCT ?project ?number ?name WHERE {{\n"
    + _PLAN_PROJECTS
    + """
  ?project rdfs:label ?name . FILTER(lang(?name) = "ja")
  {cell}
}} ORDER BY ?number"""
)
CELL_PATTERNS = {
    "goal": f"?project {GOAL_PATH} <{{value}}> .",
    "target": "?project kyodo:sdgTarget <{value}> .",
    "kind": "?project kyodo:responsibleDepartment/kyodo:departmentKind/skos:notation {value} .",
}

# between two years: the categories of year B's projects, plus year A's completed projects
CHANGES_QUERY = """SELECT ?code ?category (COUNT(DISTINCT ?project) AS ?projects) WHERE {{
  VALUES (?code ?yearA ?yearB) {{ {values} }}
  ?city kyodo:localGovernmentCode ?code .
  ?plan a kyodo:ImplementationPlan ; dct:publisher ?city ; kyodo:fiscalYear ?y .
  {{ BIND(?yearB AS ?y) }} UNION {{ BIND(?yearA AS ?y) BIND("completed" AS ?category) }}
  ?project kyodo:inPlan ?plan ; kyodo:category/skos:notation ?category .
}} GROUP BY ?code ?category"""

# ... and year B's projects whose source states no category, counted under {not_stated}. A
# query of its own: folding it into CHANGES_QUERY (OPTIONAL + COALESCE) made that 4x slower
# at 100 synthetic cities, this pair costs about 2x the old query alone.
NOT_STATED_QUERY = """SELECT ?code ("{not_stated}" AS ?category)
       (COUNT(DISTINCT ?project) AS ?projects) WHERE {{
  VALUES (?code ?yearA ?yearB) {{ {values} }}
  ?city kyodo:localGovernmentCode ?code .
  ?plan a kyodo:ImplementationPlan ; dct:publisher ?city ; kyodo:fiscalYear ?yearB .
  ?project kyodo:inPlan ?plan .
  FILTER NOT EXISTS {{ ?project kyodo:category ?any }}
}} GROUP BY ?code"""

# labels and colours of the 17 goals and kinds (from the SDG vocabulary and the ontology)
GOAL_LABELS_QUERY = """SELECT ?goal ?label ?color WHERE {{
  ?goal a sdgo:Goal .
  OPTIONAL {{ ?goal skos:altLabel ?label . FILTER(lang(?label) = "ja") }}
  OPTIONAL {{ ?goal schema:color ?color }}
}}"""

KIND_LABELS_QUERY = """SELECT ?kind ?label WHERE {{
  ?concept skos:inScheme <{scheme}> ; skos:notation ?kind ; skos:prefLabel ?label .
  FILTER(lang(?label) = "ja")
}}"""


def string_literal(text: str) -> str:
    """``text`` as a SPARQL string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _year(fiscal_year: int) -> str:
    return f'"{int(fiscal_year)}"^^xsd:gYear'


def city_year_values(pairs: Iterable[tuple[str, int]]) -> str:
    """The VALUES rows (?code ?y) of the plan-project queries."""
    return " ".join(f"({string_literal(code)} {_year(year)})" for code, year in pairs)


def change_values(spans: Iterable[tuple[str, int, int]]) -> str:
    """The VALUES rows (?code ?yearA ?yearB) of CHANGES_QUERY."""
    return " ".join(f"({string_literal(code)} {_year(a)} {_year(b)})" for code, a, b in spans)


@dataclass(frozen=True)
class Vocabulary:
    """The names a server's data is written in: its kyodo namespace and base IRI."""

    kyodo: str
    base: str

    @property
    def iris(self) -> Iris:
        """The IRIs of the server's own things (its base)."""
        return Iris(self.base)

    @classmethod
    def of(cls, runner: Runner) -> Vocabulary:
        rows = select_once(runner, ONTOLOGY_QUERY)
        if not rows:
            raise CompareError(f"{runner.name}: no kyodo ontology found (is it a kyodo-lod store?)")
        ontology = rows[0]["ontology"]
        return cls(kyodo=ontology + "#", base=ontology[: -len("def/kyodo")])

    def query(self, template: str, **values: str) -> str:
        fill = {
            "kyodo": self.kyodo,
            "relisted": str(self.iris.category("relisted")),
            "not_stated": NOT_STATED,
        }
        return sparql_prologue(PREFIXES, kyodo=self.kyodo) + template.format(**fill, **values)
