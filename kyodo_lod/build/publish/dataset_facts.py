"""What the catalogue says of each dataset (one implementation plan: city × plan × fiscal year),
read from the union graph: by SPARQL in publish's store, or by walking a plain rdflib graph.
Both ways are kept on purpose: tests read the same union both ways and compare.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from ...config import DEFAULT_BASE_IRI
from ...rdf.iris import SDG_BASE, Iris, sdg_goal
from ...rdf.terms import to_rdflib
from .union import GraphUnion, sparql_string

Mover = Callable[[Node], Node]


@dataclass(frozen=True)
class DatasetFacts:
    """One implementation plan (city × plan × fiscal year) as the union graph states it."""

    plan: URIRef
    city: URIRef
    code: str
    plan_key: str
    fiscal_year: int
    title: tuple[Literal, ...]
    city_names: tuple[Literal, ...]
    source: URIRef | None
    source_file: str | None
    projects: tuple[URIRef, ...]
    goals: tuple[int, ...]
    # the source document's dct:bibliographicCitation and its terms of use (labels), ja and en
    citation: tuple[Literal, ...] = ()
    source_rights: tuple[Literal, ...] = ()


def kyodo_namespace(data: Graph) -> Namespace:
    """The ontology namespace the data uses (default base, or the rebased one)."""
    for plan_class in data.subjects(RDFS.subClassOf, None):
        if str(plan_class).endswith("#ImplementationPlan"):
            return Namespace(str(plan_class)[: -len("ImplementationPlan")])
    for _, _, cls in data.triples((None, RDF.type, None)):
        if str(cls).endswith("/def/kyodo#ImplementationPlan"):
            return Namespace(str(cls)[: -len("ImplementationPlan")])
    return Namespace(DEFAULT_BASE_IRI + "def/kyodo#")


def mover(kyodo: Namespace, iris: Iris) -> Mover:
    """Map an IRI of the data's base onto the configured base (identity when they agree)."""
    data_base = str(kyodo)[: -len("def/kyodo#")]

    def move(node: Node) -> Node:
        if data_base != iris.base and isinstance(node, URIRef) and node.startswith(data_base):
            return URIRef(iris.base + node[len(data_base) :])
        return node

    return move


def read_datasets(union: GraphUnion, kyodo: Namespace, move: Mover) -> list[DatasetFacts]:
    """Implementation plans whose own project table is in the data (numbered projects): plan
    nodes known only from a later year's completed list do not make a dataset."""
    data = union.graph
    if union.store is None:
        projects, numbered, plan_goals = _projects_by_walking(data, kyodo)
    else:
        projects, numbered, plan_goals = _projects_in_store(union.store, kyodo)
    result = []
    for plan in sorted(data.subjects(RDF.type, kyodo.ImplementationPlan)):
        if plan not in numbered:
            continue
        city = data.value(plan, DCTERMS.publisher)
        code = data.value(city, kyodo.localGovernmentCode) if city is not None else None
        year = data.value(plan, kyodo.fiscalYear)
        basic = data.value(plan, kyodo.implementsPlan)
        if city is None or code is None or year is None or basic is None:
            continue
        source = data.value(plan, PROV.wasDerivedFrom)
        source_file = data.value(source, DCTERMS.source) if source is not None else None
        rights = data.value(source, DCTERMS.rights) if source is not None else None
        result.append(
            DatasetFacts(
                plan=move(plan),
                city=move(city),
                code=str(code),
                plan_key=str(basic).rstrip("/").rsplit("/", 1)[-1],
                fiscal_year=int(str(year)[:4]),
                title=tuple(sorted(literals(data, plan, DCTERMS.title, RDFS.label))),
                city_names=tuple(sorted(literals(data, city, RDFS.label))),
                source=move(source) if isinstance(source, URIRef) else None,
                source_file=str(source_file) if source_file is not None else None,
                projects=tuple(sorted(move(p) for p in projects[plan])),
                goals=tuple(sorted(plan_goals.get(plan, ()))),
                citation=tuple(literals(data, source, DCTERMS.bibliographicCitation))
                if source is not None
                else (),
                source_rights=tuple(literals(data, rights, RDFS.label))
                if rights is not None
                else (),
            )
        )
    return result


# per plan: its projects, whether any is numbered, the SDG goals its projects serve
_PlanProjects = tuple[dict[Node, list[Node]], set[Node], dict[Node, set[int]]]


def _goal_number(target: str) -> int:
    """The goal of an SDG IRI (``…/sdg/3.4`` → 3)."""
    return int(target[len(SDG_BASE) :].split(".")[0])


def _projects_by_walking(data: Graph, kyodo: Namespace) -> _PlanProjects:
    projects: dict[Node, list[Node]] = defaultdict(list)
    numbered: set[Node] = set()
    goals: dict[Node, set[int]] = defaultdict(set)
    for project, _, plan in data.triples((None, kyodo.inPlan, None)):
        projects[plan].append(project)
        if (project, kyodo.projectNumber, None) in data:
            numbered.add(plan)
        for target in data.objects(project, kyodo.sdgTarget):
            if str(target).startswith(SDG_BASE):
                goals[plan].add(_goal_number(str(target)))
    return projects, numbered, goals


def _projects_in_store(store: pyoxigraph.Store, kyodo: Namespace) -> _PlanProjects:
    """As ``_projects_by_walking``, by SPARQL on a publish store: a Python walk over every
    project and its targets through the rdflib view took seconds a few hundred cities."""
    in_plan, number = f"<{kyodo.inPlan}>", f"<{kyodo.projectNumber}>"
    target, base = f"<{kyodo.sdgTarget}>", sparql_string(SDG_BASE)

    def plans(query: str) -> Iterator[tuple[Node, pyoxigraph.QuerySolution]]:
        for row in store.query(query):  # type: ignore[union-attr]
            yield to_rdflib(row["plan"]), row

    # a row per plan (IRIs hold no space): a row per project cost more than the work it did
    projects: dict[Node, list[Node]] = {}
    numbered: set[Node] = set()
    for plan, row in plans(
        "SELECT ?plan (GROUP_CONCAT(STR(?project); separator=' ') AS ?projects)"
        f" (SUM(IF(EXISTS {{ ?project {number} ?number }}, 1, 0)) AS ?numbered)"
        f" WHERE {{ ?project {in_plan} ?plan }} GROUP BY ?plan"
    ):
        projects[plan] = [URIRef(p) for p in row["projects"].value.split(" ")]  # type: ignore[union-attr]
        if int(row["numbered"].value):  # type: ignore[union-attr]
            numbered.add(plan)
    # a row per plan and goal: the first segment after the SDG base ("…/sdg/3.4" → "3")
    goals: dict[Node, set[int]] = defaultdict(set)
    for plan, row in plans(
        f"SELECT DISTINCT ?plan ?goal WHERE {{ ?project {in_plan} ?plan ; {target} ?target"
        f" FILTER(STRSTARTS(STR(?target), {base}))"
        f" BIND(STRBEFORE(CONCAT(STRAFTER(STR(?target), {base}), '.'), '.') AS ?goal) }}"
    ):
        goals[plan].add(int(row["goal"].value))  # type: ignore[union-attr]
    return projects, numbered, goals


def literals(data: Graph, subject: Node, *predicates: URIRef) -> list[Literal]:
    """Literals of the first predicate that has any, one per language."""
    for predicate in predicates:
        found: dict[str | None, Literal] = {}
        for value in sorted(data.objects(subject, predicate)):
            if isinstance(value, Literal):
                found.setdefault(value.language, value)
        if found:
            return list(found.values())
    return []


def text_in(values: Iterable[Literal], language: str, fallback: str = "") -> str:
    """The text of the first of ``values`` in ``language``, else ``fallback``."""
    for value in values:
        if value.language == language:
            return str(value)
    return fallback


def goal_labels(data: Graph, numbers: Iterable[int]) -> dict[int, tuple[Literal, ...]]:
    """The SDG goals' labels in English and Japanese, as the union holds them."""
    return {
        number: tuple(
            x
            for x in literals(data, sdg_goal(number), SKOS.prefLabel)
            if x.language in {"en", "ja"}
        )
        for number in sorted(set(numbers))
    }
