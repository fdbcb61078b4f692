"""Cross-city comparison: which SDG goals and targets each city's plan serves, and how.

Every figure comes from a SPARQL SELECT, so the same questions run against the embedded store
(``StoreRunner``) or any kyodo-lod server's endpoint (``EndpointRunner``, SPARQLWrapper). The
queries answer per city; what is *across* cities (shares, targets shared by all, targets only
one city covers) is derived from those rows in Python, the one place both the local and the
federated comparison meet (``merge``).

Counting rule: a city's plan in a fiscal year is its implementation plan(s) of that year; its
projects are the numbered rows of that year's table that are not 再掲 (a relisted row repeats a
project already counted). A project serves a goal when one of its targets is a target of that
goal (``sdgo:isTargetOf`` in the SDG vocabulary). Share = projects serving / projects in plan.
The year compared is each city's latest year with numbered projects, unless one is given.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import KyodoError
from ..model import Category, sdg_code_key
from ..rdf.iris import SDG_BASE
from ..rdf.namespaces import sparql_prologue
from ..store import SelectResult, Store


class CompareError(KyodoError):
    """The comparison cannot be made (unknown city, unreachable endpoint, ...)."""


class Runner(Protocol):
    """Something that answers SPARQL SELECT queries: rows of {variable: lexical value}."""

    name: str

    def select(self, sparql: str) -> list[dict[str, str]]: ...


class StoreRunner:
    """The store interface of kyodo_lod.store (embedded pyoxigraph by default)."""

    def __init__(self, store: Store, name: str = "local store") -> None:
        self.store = store
        self.name = name

    def select(self, sparql: str) -> list[dict[str, str]]:
        result = self.store.query(sparql, max_rows=1_000_000)
        if not isinstance(result, SelectResult):
            raise CompareError(f"{self.name}: expected SELECT rows, got {type(result).__name__}")
        if result.truncated:  # a cut table would give wrong counts: refuse it
            raise CompareError(f"{self.name}: more than 1,000,000 rows; compare fewer cities")
        return [{k: term.value for k, term in row.items()} for row in result.dicts()]


class EndpointRunner:
    """A remote SPARQL 1.1 endpoint (e.g. another kyodo-lod server's /sparql)."""

    def __init__(self, url: str, timeout_s: float = 30.0) -> None:
        self.name = url
        self.url = url
        self.timeout_s = timeout_s

    def select(self, sparql: str) -> list[dict[str, str]]:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper

        client = SPARQLWrapper(self.url, agent="kyodo-lod compare")
        client.setQuery(sparql)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(int(self.timeout_s))
        try:
            response = client.query()
            headers = {k.lower(): v for k, v in response.info().items()}
            answer = response.convert()
        except Exception as exc:  # SPARQLWrapper raises urllib and its own errors alike
            raise CompareError(f"{self.url}: {type(exc).__name__}: {exc}") from exc
        if headers.get("kyodo-result-truncated") == "true":  # cut rows would give wrong counts
            raise CompareError(
                f"{self.url}: the server cut the answer at {headers.get('kyodo-result-limit')} "
                "rows (its KYODO_MAX_RESULT_ROWS); compare fewer cities or raise that limit"
            )
        if not isinstance(answer, dict) or "results" not in answer:
            raise CompareError(f"{self.url}: not a SPARQL JSON SELECT result")
        return [
            {name: cell["value"] for name, cell in binding.items()}
            for binding in answer["results"]["bindings"]
        ]


# ---------------------------------------------------------------------------- the queries

PREFIXES = ("kyodo", "rdfs", "skos", "dct", "sdgo", "schema", "xsd")

# the ontology tells which base a server publishes under (publish may have rebased it)
ONTOLOGY_QUERY = """SELECT DISTINCT ?ontology WHERE {
  ?ontology a <http://www.w3.org/2002/07/owl#Ontology> .
  FILTER(STRENDS(STR(?ontology), "/def/kyodo"))
} ORDER BY ?ontology LIMIT 1"""

# each city's fiscal years with their number of plan projects (numbered, not 再掲)
# (no BIND inside the pattern: it splits the join and made this 250× slower at 100 cities)
CITIES_QUERY = """SELECT ?code ?name (STR(?y) AS ?year) (COUNT(DISTINCT ?project) AS ?projects)
WHERE {{
  ?city a kyodo:City ; kyodo:localGovernmentCode ?code ; rdfs:label ?name .
  FILTER(lang(?name) = "ja")
  ?plan a kyodo:ImplementationPlan ; dct:publisher ?city ; kyodo:fiscalYear ?y .
  ?project kyodo:inPlan ?plan ; kyodo:projectNumber ?number ; kyodo:category ?category .
  FILTER(?category != <{relisted}>)
}} GROUP BY ?code ?name ?y ORDER BY ?code ?y"""

# the plan projects of the chosen city-years; {values} binds ?code and ?y (city_year_values:
# the year as a typed xsd:gYear, so it joins on the index instead of a FILTER over all plans)
_PLAN_PROJECTS = """  VALUES (?code ?y) {{ {values} }}
  ?city kyodo:localGovernmentCode ?code .
  ?plan a kyodo:ImplementationPlan ; dct:publisher ?city ; kyodo:fiscalYear ?y .
  ?project kyodo:inPlan ?plan ; kyodo:projectNumber ?number ; kyodo:category ?category .
  FILTER(?category != <{relisted}>)"""

GOALS_QUERY = (
    "SELECT ?code ?goal (COUNT(DISTINCT ?project) AS ?projects) WHERE {{\n"
    + _PLAN_PROJECTS
    + """
  ?project kyodo:sdgTarget ?target . ?target sdgo:isTargetOf ?goal .
}} GROUP BY ?code ?goal"""
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
    "goal": "?project kyodo:sdgTarget/sdgo:isTargetOf <{value}> .",
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


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _year(fiscal_year: int) -> str:
    return f'"{int(fiscal_year)}"^^xsd:gYear'


def city_year_values(pairs: Iterable[tuple[str, int]]) -> str:
    """The VALUES rows (?code ?y) of the plan-project queries."""
    return " ".join(f"({_literal(code)} {_year(year)})" for code, year in pairs)


def change_values(spans: Iterable[tuple[str, int, int]]) -> str:
    """The VALUES rows (?code ?yearA ?yearB) of CHANGES_QUERY."""
    return " ".join(f"({_literal(code)} {_year(a)} {_year(b)})" for code, a, b in spans)


@dataclass(frozen=True)
class Vocabulary:
    """The names a server's data is written in: its kyodo namespace and base IRI."""

    kyodo: str
    base: str

    @classmethod
    def of(cls, runner: Runner) -> Vocabulary:
        rows = runner.select(ONTOLOGY_QUERY)
        if not rows:
            raise CompareError(f"{runner.name}: no kyodo ontology found (is it a kyodo-lod store?)")
        ontology = rows[0]["ontology"]
        return cls(kyodo=ontology + "#", base=ontology[: -len("def/kyodo")])

    def query(self, template: str, **values: str) -> str:
        fill = {"kyodo": self.kyodo, "relisted": f"{self.base}id/category/relisted"}
        return sparql_prologue(PREFIXES, kyodo=self.kyodo) + template.format(**fill, **values)


# ---------------------------------------------------------------------------- typed results


@dataclass(frozen=True)
class CityPlan:
    """One city-year in the comparison and where its data came from."""

    code: str
    name: str
    fiscal_year: int
    projects: int
    source: str = ""


@dataclass(frozen=True)
class Changes:
    """Projects of one city between two fiscal years, by category key (new, expanded, ...)."""

    code: str
    year_a: int
    year_b: int
    counts: dict[str, int]


@dataclass(frozen=True)
class Comparison:
    cities: tuple[CityPlan, ...]
    goals: dict[int, dict[str, int]]  # goal → city code → projects
    targets: dict[str, dict[str, int]]  # target code → city code → projects
    kinds: dict[str, dict[str, int]]  # department kind key → city code → projects
    changes: tuple[Changes, ...] = ()
    goal_labels: dict[int, str] = field(default_factory=dict)
    goal_colours: dict[int, str] = field(default_factory=dict)
    kind_labels: dict[str, str] = field(default_factory=dict)

    def city(self, code: str) -> CityPlan:
        return next(c for c in self.cities if c.code == code)

    def share(self, code: str, projects: int) -> float:
        total = self.city(code).projects
        return projects / total if total else 0.0

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.cities]

    def shared_targets(self) -> list[str]:
        """Targets every compared city's plan serves."""
        codes = set(self.codes)
        return [t for t, by in self.targets.items() if codes <= {c for c, n in by.items() if n}]

    def single_city_targets(self) -> list[tuple[str, str]]:
        """(target, city code) for targets exactly one of the compared cities serves."""
        out = []
        for target, by in self.targets.items():
            serving = [c for c, n in by.items() if n]
            if len(serving) == 1 and len(self.cities) > 1:
                out.append((target, serving[0]))
        return out


# ---------------------------------------------------------------------------- running


@dataclass(frozen=True)
class _Part:
    """What one runner answered for its cities."""

    runner: Runner
    vocabulary: Vocabulary
    cities: tuple[CityPlan, ...]
    goals: list[dict[str, str]]
    targets: list[dict[str, str]]
    kinds: list[dict[str, str]]
    changes: list[Changes]
    goal_labels: list[dict[str, str]]
    kind_labels: list[dict[str, str]]


def available_cities(runner: Runner) -> list[CityPlan]:
    """Every city-year a store holds, with its number of plan projects."""
    vocabulary = Vocabulary.of(runner)
    return _city_years(runner, vocabulary)


def _city_years(runner: Runner, vocabulary: Vocabulary) -> list[CityPlan]:
    return [
        CityPlan(r["code"], r["name"], int(r["year"]), int(r["projects"]), runner.name)
        for r in runner.select(vocabulary.query(CITIES_QUERY))
    ]


def _choose(city_years: Iterable[CityPlan], year: int | None) -> dict[str, CityPlan]:
    """Per city: the given year, else its latest."""
    chosen: dict[str, CityPlan] = {}
    for plan in city_years:
        if year is not None and plan.fiscal_year != year:
            continue
        if plan.code not in chosen or plan.fiscal_year > chosen[plan.code].fiscal_year:
            chosen[plan.code] = plan
    return chosen


def _ask(
    runner: Runner,
    cities: Sequence[CityPlan],
    changes: tuple[int, int] | None,
) -> _Part:
    vocabulary = Vocabulary.of(runner)
    values = city_year_values((c.code, c.fiscal_year) for c in cities)

    def select(template: str, **extra: str) -> list[dict[str, str]]:
        return runner.select(vocabulary.query(template, values=values, **extra))

    change_rows: list[Changes] = []
    if cities:
        spans = []
        for city in cities:
            year_a, year_b = changes or (city.fiscal_year - 1, city.fiscal_year)
            spans.append((city.code, year_a, year_b))
        rows = runner.select(vocabulary.query(CHANGES_QUERY, values=change_values(spans)))
        for code, a, b in spans:
            counts = {r["category"]: int(r["projects"]) for r in rows if r["code"] == code}
            change_rows.append(Changes(code, a, b, counts))
    scheme = f"{vocabulary.base}id/department-kind"
    return _Part(
        runner=runner,
        vocabulary=vocabulary,
        cities=tuple(cities),
        goals=select(GOALS_QUERY) if cities else [],
        targets=select(TARGETS_QUERY) if cities else [],
        kinds=select(KINDS_QUERY) if cities else [],
        changes=change_rows,
        goal_labels=runner.select(vocabulary.query(GOAL_LABELS_QUERY)),
        kind_labels=runner.select(vocabulary.query(KIND_LABELS_QUERY, scheme=scheme)),
    )


def compare(
    runners: Sequence[Runner],
    cities: Sequence[str] = (),
    *,
    year: int | None = None,
    changes: tuple[int, int] | None = None,
) -> Comparison:
    """Compare ``cities`` (local government codes) over one or more stores or endpoints.

    With one runner (the local store) every city must be in it. With several (one kyodo-lod
    server each), each city is taken from the first runner that has it; no ``cities`` means
    every city of every runner."""
    wanted = [c.strip() for c in cities if c.strip()]
    parts: list[_Part] = []
    taken: set[str] = set()
    for runner in runners:
        vocabulary = Vocabulary.of(runner)
        years = _city_years(runner, vocabulary)
        chosen = _choose(years, year)
        mine = [
            chosen[code]
            for code in (wanted or sorted(chosen))
            if code in chosen and code not in taken
        ]
        taken.update(c.code for c in mine)
        parts.append(_ask(runner, mine, changes))
    missing = [code for code in wanted if code not in taken]
    if missing:
        where = ", ".join(r.name for r in runners)
        in_year = f" with projects in FY{year}" if year is not None else ""
        raise CompareError(f"no city {', '.join(missing)}{in_year} in {where}")
    if not taken:
        raise CompareError("no city to compare")
    return merge(parts, order=wanted)


def merge(parts: Sequence[_Part], order: Sequence[str] = ()) -> Comparison:
    """One comparison from the answers of several stores (each about its own cities)."""
    cities = [c for part in parts for c in part.cities]
    rank = {code: i for i, code in enumerate(order)}
    cities.sort(key=lambda c: (rank.get(c.code, len(rank)), c.code))
    codes = [c.code for c in cities]

    def table(rows: Iterable[dict[str, str]], key: str, strip: str = "") -> dict[str, dict]:
        out: dict[str, dict[str, int]] = {}
        for row in rows:
            out.setdefault(row[key].removeprefix(strip), {})[row["code"]] = int(row["projects"])
        return {k: {code: by.get(code, 0) for code in codes} for k, by in out.items()}

    goal_rows = [r for p in parts for r in p.goals]
    target_rows = [r for p in parts for r in p.targets]
    kind_rows = [r for p in parts for r in p.kinds]
    goals = {int(k): v for k, v in table(goal_rows, "goal", SDG_BASE).items()}
    targets = table(target_rows, "target", SDG_BASE)
    kinds = table(kind_rows, "kind")
    goal_labels: dict[int, str] = {}
    goal_colours: dict[int, str] = {}
    kind_labels: dict[str, str] = {}
    for part in parts:
        for row in part.goal_labels:
            number = int(row["goal"].removeprefix(SDG_BASE))
            if "label" in row:
                goal_labels.setdefault(number, row["label"])
            if "color" in row:
                goal_colours.setdefault(number, row["color"])
        for row in part.kind_labels:
            kind_labels.setdefault(row["kind"], row["label"])
    return Comparison(
        cities=tuple(cities),
        goals=dict(sorted(goals.items())),
        targets=dict(sorted(targets.items(), key=lambda kv: sdg_code_key(kv[0]))),
        kinds=dict(sorted(kinds.items())),
        changes=tuple(
            sorted(
                (ch for p in parts for ch in p.changes),
                key=lambda ch: codes.index(ch.code),
            )
        ),
        goal_labels=goal_labels,
        goal_colours=goal_colours,
        kind_labels=kind_labels,
    )


def cell_projects(
    runner: Runner, code: str, fiscal_year: int, kind: str, value: str
) -> list[tuple[str, str, str]]:
    """(IRI, №, name) of the plan projects behind one table cell: ``kind`` is goal (value
    "3"), target ("3.a") or kind ("ka")."""
    if kind not in CELL_PATTERNS:
        raise CompareError(f"unknown cell kind {kind!r}; known: {', '.join(CELL_PATTERNS)}")
    if kind == "goal":
        if not value.isdigit():
            raise CompareError(f"not a goal number: {value!r}")
        term = f"{SDG_BASE}{int(value)}"
    elif kind == "target":
        term = f"{SDG_BASE}{value}"
        if not value or not all(part.isalnum() for part in value.split(".")):
            raise CompareError(f"not a target code: {value!r}")
    else:
        term = _literal(value)
    vocabulary = Vocabulary.of(runner)
    cell = CELL_PATTERNS[kind].format(value=term)
    values = city_year_values([(code, fiscal_year)])
    rows = runner.select(vocabulary.query(CELL_QUERY, values=values, cell=cell))
    return [(r["project"], r.get("number", ""), r.get("name", "")) for r in rows]


# ---------------------------------------------------------------------------- output

CATEGORY_ORDER = [c.value for c in Category]


def _cell(comparison: Comparison, code: str, projects: int) -> str:
    return f"{projects} ({comparison.share(code, projects):.1%})" if projects else "-"


def table_rows(comparison: Comparison) -> list[dict[str, str]]:
    """The comparison as long rows (one per table, key and city): what --csv writes."""
    rows: list[dict[str, str]] = []

    def add(section: str, key: str, label: str, code: str, projects: int, share: bool) -> None:
        city = comparison.city(code)
        rows.append(
            {
                "table": section,
                "key": key,
                "label": label,
                "city_code": code,
                "city_name": city.name,
                "fiscal_year": str(city.fiscal_year),
                "projects": str(projects),
                "share": f"{comparison.share(code, projects):.4f}" if share else "",
            }
        )

    for city in comparison.cities:
        add("plan", "projects", "plan projects", city.code, city.projects, True)
    for goal, by in comparison.goals.items():
        for code, n in by.items():
            add("goal", str(goal), comparison.goal_labels.get(goal, ""), code, n, True)
    for target, by in comparison.targets.items():
        for code, n in by.items():
            add("target", target, "", code, n, True)
    for target in comparison.shared_targets():
        for code in comparison.codes:
            add("shared-target", target, "", code, comparison.targets[target][code], True)
    for target, code in comparison.single_city_targets():
        add("single-city-target", target, "", code, comparison.targets[target][code], True)
    for kind, by in comparison.kinds.items():
        for code, n in by.items():
            add("department-kind", kind, comparison.kind_labels.get(kind, ""), code, n, True)
    for change in comparison.changes:
        for category in CATEGORY_ORDER:
            if category in change.counts:
                key = f"{change.year_a}-{change.year_b}:{category}"
                add("changes", key, category, change.code, change.counts[category], False)
    return rows


CSV_COLUMNS = (
    "table",
    "key",
    "label",
    "city_code",
    "city_name",
    "fiscal_year",
    "projects",
    "share",
)


def to_csv(comparison: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table_rows(comparison))
    return buffer.getvalue()


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def width(text: str) -> int:  # East Asian wide characters take two columns
        import unicodedata

        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = []
    for row in [header, *rows]:
        cells = [cell + " " * (w - width(cell)) for cell, w in zip(row, widths, strict=True)]
        out.append("  ".join(cells).rstrip())
    return out


def to_text(comparison: Comparison) -> str:
    """The comparison as plain-text tables for a terminal."""
    codes = comparison.codes
    names = [f"{c.name} {c.code} FY{c.fiscal_year}" for c in comparison.cities]
    lines = ["Plan projects (numbered, not 再掲): "]
    lines[0] += ", ".join(f"{c.name} {c.projects}" for c in comparison.cities)
    lines += ["", "Projects per SDG goal (share of the plan)"]
    goal_rows = [
        [f"{g} {comparison.goal_labels.get(g, '')}".strip()]
        + [_cell(comparison, c, by[c]) for c in codes]
        for g, by in comparison.goals.items()
    ]
    lines += _grid(["goal", *names], goal_rows)
    lines += ["", "Projects per SDG target (share of the plan)"]
    lines += _grid(
        ["target", *names],
        [
            [t] + [_cell(comparison, c, by[c]) for c in codes]
            for t, by in comparison.targets.items()
        ],
    )
    shared = comparison.shared_targets()
    lines += ["", f"Targets shared by all {len(codes)} cities: " + (" ".join(shared) or "none")]
    lines += ["", "Targets only one city covers"]
    single = comparison.single_city_targets()
    for code in codes:
        mine = [t for t, c in single if c == code]
        lines.append(f"  {comparison.city(code).name}: {' '.join(mine) or 'none'}")
    lines += ["", "Projects per department kind (the responsible unit)"]
    lines += _grid(
        ["kind", *names],
        [
            [f"{k} {comparison.kind_labels.get(k, '')}".strip()]
            + [_cell(comparison, c, by[c]) for c in codes]
            for k, by in comparison.kinds.items()
        ],
    )
    if comparison.changes:
        lines += ["", "Changes between fiscal years (year B's categories + year A's completed)"]
        rows = [
            [f"{comparison.city(ch.code).name} FY{ch.year_a}→FY{ch.year_b}"]
            + [str(ch.counts.get(cat, 0)) for cat in CATEGORY_ORDER]
            for ch in comparison.changes
        ]
        lines += _grid(["city", *CATEGORY_ORDER], rows)
    return "\n".join(lines) + "\n"


def parse_changes(text: str | None) -> tuple[int, int] | None:
    """ "2024:2025" → (2024, 2025)."""
    if not text:
        return None
    first, sep, second = text.partition(":")
    if not (sep and first.strip().isdigit() and second.strip().isdigit()):
        raise CompareError(f"--changes takes two fiscal years as A:B (2024:2025), not {text!r}")
    return int(first), int(second)


def run_compare(
    settings: object,
    cities: Sequence[str],
    endpoints: Sequence[str],
    year: int | None,
    changes: str | None,
    csv_file: object | None,
) -> str:
    """What ``kyodo-lod compare`` does: local store from dist/, or the given endpoints. Returns
    the text tables (or a one-line note when the CSV went to a file)."""
    from pathlib import Path

    from ..store import open_store

    span = parse_changes(changes)
    if endpoints:
        runners: list[Runner] = [EndpointRunner(url) for url in endpoints]
        result = compare(runners, cities, year=year, changes=span)
    else:
        if not cities:
            raise CompareError("name the cities to compare (local government codes)")
        store = open_store(settings, workers=1)
        try:
            result = compare([StoreRunner(store)], cities, year=year, changes=span)
        finally:
            store.close()
    if csv_file is not None:
        path = Path(str(csv_file))
        if str(path) == "-":
            return to_csv(result)
        path.write_text(to_csv(result), encoding="utf-8")
        return f"wrote {path} ({len(table_rows(result))} rows)\n"
    return to_text(result)
