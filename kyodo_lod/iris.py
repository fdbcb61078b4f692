"""Every IRI kyodo-lod mints comes from here. See the IRI table in README.md.

The pipeline mints under ``DEFAULT_BASE_IRI``; ``publish`` moves the whole output to the
configured base with ``rebase`` (so the ontology, shapes and data agree on one base).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .config import DEFAULT_BASE_IRI

GRAPH_NAMES = ("asserted", "inferred", "ontology", "sdg", "catalog")
SDG_BASE = "http://metadata.un.org/sdg/"


def normalise_segment(text: str) -> str:
    """One path segment of an IRI: NFKC (full-width → half-width), no white space; Japanese
    stays readable (an IRI, as in ja.dbpedia.org); ASCII outside the unreserved set is escaped."""
    text = "".join(unicodedata.normalize("NFKC", text).split())
    return "".join(c if ord(c) > 127 else quote(c, safe="-._~") for c in text)


@dataclass(frozen=True)
class Iris:
    """IRI factory for one base. ``Iris()`` is the canonical (default-base) factory."""

    base: str = DEFAULT_BASE_IRI

    def _id(self, path: str) -> URIRef:
        return URIRef(f"{self.base}id/{path}")

    # the vocabulary
    def ontology(self) -> URIRef:
        return URIRef(f"{self.base}def/kyodo")

    def category_scheme(self) -> URIRef:
        return self._id("category")

    def category(self, key: str) -> URIRef:
        return self._id(f"category/{key}")

    def department_kind_scheme(self) -> URIRef:
        return self._id("department-kind")

    def department_kind(self, key: str) -> URIRef:
        return self._id(f"department-kind/{key}")

    # cities, plans, policies, projects
    def city(self, code: str) -> URIRef:
        return self._id(code)

    def basic_plan(self, code: str, plan: str) -> URIRef:
        return self._id(f"{code}/plan/{plan}")

    def implementation_plan(self, code: str, plan: str, fiscal_year: int) -> URIRef:
        return self._id(f"{code}/plan/{plan}/{fiscal_year}")

    def policy(self, code: str, plan: str, number: str) -> URIRef:
        return self._id(f"{code}/plan/{plan}/policy/{number}")

    def policy_summary(self, code: str, plan: str, fiscal_year: int, number: str) -> URIRef:
        return self._id(f"{code}/plan/{plan}/{fiscal_year}/summary/{number}")

    def project(self, code: str, plan: str, fiscal_year: int, number_or_key: int | str) -> URIRef:
        return self._id(f"{code}/plan/{plan}/{fiscal_year}/project/{number_or_key}")

    def kpi(self, project: URIRef, position: int) -> URIRef:
        return URIRef(f"{project}/kpi/{position}")

    def department(self, code: str, path: tuple[str, ...]) -> URIRef:
        return self._id(f"{code}/org/" + "/".join(normalise_segment(p) for p in path))

    def source_document(self, code: str, document: str) -> URIRef:
        stem = document.rsplit(".", 1)[0]
        return self._id(f"{code}/source/{normalise_segment(stem)}")

    def source_excerpt(self, document: URIRef, first_line: int, last_line: int) -> URIRef:
        return URIRef(f"{document}/lines/{first_line}-{last_line}")

    # publishing
    def graph(self, name: str) -> URIRef:
        if name not in GRAPH_NAMES:
            raise ValueError(f"unknown graph {name!r}; known: {', '.join(GRAPH_NAMES)}")
        return URIRef(f"{self.base}graph/{name}")

    def catalog(self) -> URIRef:
        return self._id("catalog")

    def dataset(self, code: str, plan: str, fiscal_year: int) -> URIRef:
        return self._id(f"{code}/dataset/{plan}-{fiscal_year}")

    def sparql_service(self) -> URIRef:
        return self._id("service/sparql")

    def sparql_endpoint(self) -> URIRef:
        return URIRef(f"{self.base}sparql")

    def dump(self, file_name: str) -> URIRef:
        return URIRef(f"{self.base}dumps/{file_name}")

    # where an /id/ IRI's description lives (303 target); HTML/RDF chosen by conneg
    def document_of(self, iri: str) -> str | None:
        prefix = f"{self.base}id/"
        if iri.startswith(prefix):
            return f"{self.base}doc/{iri[len(prefix):]}"
        return None


def sdg_target(code: str) -> URIRef:
    """The UN KOS IRI of a target code such as "17.17" or "3.a"."""
    return URIRef(SDG_BASE + code)


def sdg_goal(number: int | str) -> URIRef:
    return URIRef(f"{SDG_BASE}{int(number)}")


def rebase(graph: Graph, base: str) -> Graph:
    """A copy of ``graph`` with every IRI under the default base moved under ``base``."""
    if base == DEFAULT_BASE_IRI:
        return graph

    def move(node: Node) -> Node:
        if isinstance(node, URIRef) and node.startswith(DEFAULT_BASE_IRI):
            return URIRef(base + node[len(DEFAULT_BASE_IRI):])
        if isinstance(node, Literal) and node.datatype and node.datatype.startswith(
            DEFAULT_BASE_IRI
        ):
            return Literal(node, datatype=URIRef(base + node.datatype[len(DEFAULT_BASE_IRI):]))
        return node

    moved = Graph()
    for prefix, ns in graph.namespaces():
        moved.bind(prefix, move(URIRef(ns)), override=True, replace=True)
    for s, p, o in graph:
        moved.add((move(s), move(p), move(o)))
    return moved
