"""Every IRI kyodo-lod mints comes from here. See the IRI table in README.md.

The pipeline mints under ``DEFAULT_BASE_IRI``; ``publish`` moves the whole output to the
configured base with ``rebase`` (so the ontology, shapes and data agree on one base).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..config import DEFAULT_BASE_IRI

GRAPH_NAMES = ("asserted", "inferred", "ontology", "sdg", "catalog")
SDG_BASE = "http://metadata.un.org/sdg/"
XSD_ANY_URI = URIRef("http://www.w3.org/2001/XMLSchema#anyURI")


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

    # the SHACL validation report (published blank-node free)
    def validation_report(self) -> URIRef:
        return self._id("validation/report")

    def validation_result(self, digest: str) -> URIRef:
        return self._id(f"validation/result/{digest}")

    # the catalogue's own nodes (DCAT-AP, VoID): named so the catalogue is blank-node free
    def home(self) -> URIRef:
        return URIRef(self.base)

    def catalog_page(self, page: int | None = None) -> URIRef:
        return URIRef(f"{self.base}catalog" + (f"?page={page}" if page else ""))

    def void_document(self) -> URIRef:
        return URIRef(f"{self.base}.well-known/void")

    def shapes(self) -> URIRef:
        return URIRef(f"{self.base}def/kyodo/shapes")

    def publisher(self) -> URIRef:
        return self._id("agent/kyodo-lod")

    def contact_point(self) -> URIRef:
        return self._id("agent/kyodo-lod/contact")

    def place(self, code: str) -> URIRef:
        return self._id(f"{code}/place")

    def fiscal_year(self, fiscal_year: int) -> URIRef:
        return self._id(f"fiscal-year/{fiscal_year}")

    def distribution(self, dataset: URIRef, key: str) -> URIRef:
        return URIRef(f"{dataset}/distribution/{key}")

    def checksum(self, distribution: URIRef) -> URIRef:
        return URIRef(f"{distribution}/checksum")

    def provenance(self, dataset: URIRef) -> URIRef:
        return URIRef(f"{dataset}/provenance")

    def void_dataset(self) -> URIRef:
        return self._id("dataset/kyodo-lod")

    def partition(self, kind: str, key: str) -> URIRef:
        return URIRef(f"{self.void_dataset()}/{kind}-partition/{normalise_segment(key)}")

    def linkset(self, name: str) -> URIRef:
        return URIRef(f"{self.void_dataset()}/linkset/{name}")

    # where an /id/ IRI's description lives (303 target); HTML/RDF chosen by conneg
    def document_of(self, iri: str) -> str | None:
        prefix = f"{self.base}id/"
        if iri.startswith(prefix):
            return f"{self.base}doc/{iri[len(prefix) :]}"
        return None


def sdg_target(code: str) -> URIRef:
    """The UN KOS IRI of a target code such as "17.17" or "3.a"."""
    return URIRef(SDG_BASE + code)


def sdg_goal(number: int | str) -> URIRef:
    return URIRef(f"{SDG_BASE}{int(number)}")


def skolemize(graph: Graph, base: str = DEFAULT_BASE_IRI) -> Graph:
    """A copy with every blank node replaced by a stable IRI under ``B .well-known/genid/``.

    The name is a hash of what the blank node says (recursively), so it does not depend on
    parser-assigned labels: the ontology's property-chain lists get the same IRIs every build.
    """
    blank_nodes = {t for triple in graph for t in triple if isinstance(t, BNode)}
    if not blank_nodes:
        return graph
    names: dict[BNode, str] = {}

    def describe(node: BNode, seen: frozenset[BNode]) -> str:
        if node in names:
            return names[node]
        parts = []
        for p, o in graph.predicate_objects(node):
            if isinstance(o, BNode):
                value = "cycle" if o in seen else describe(o, seen | {node})
            else:
                value = o.n3()
            parts.append(f"{p.n3()} {value}")
        for s, p in graph.subject_predicates(node):
            if not isinstance(s, BNode):
                parts.append(f"^{p.n3()} {s.n3()}")
        digest = hashlib.sha256("\n".join(sorted(parts)).encode("utf-8")).hexdigest()[:16]
        names[node] = digest
        return digest

    def name(term: Node) -> Node:
        if isinstance(term, BNode):
            return URIRef(f"{base}.well-known/genid/{describe(term, frozenset())}")
        return term

    skolemized = Graph()
    for prefix, ns in graph.namespaces():
        skolemized.bind(prefix, ns, override=True, replace=True)
    for s, p, o in graph:
        skolemized.add((name(s), p, name(o)))
    return skolemized


def rebase(graph: Graph, base: str) -> Graph:
    """A copy of ``graph`` with every IRI under the default base moved under ``base``."""
    if base == DEFAULT_BASE_IRI:
        return graph

    def move(node: Node) -> Node:
        if isinstance(node, URIRef) and node.startswith(DEFAULT_BASE_IRI):
            return URIRef(base + node[len(DEFAULT_BASE_IRI) :])
        if (
            isinstance(node, Literal)
            and node.datatype
            and node.datatype.startswith(DEFAULT_BASE_IRI)
        ):
            return Literal(node, datatype=URIRef(base + node.datatype[len(DEFAULT_BASE_IRI) :]))
        if (
            isinstance(node, Literal)
            and node.datatype == XSD_ANY_URI
            and str(node).startswith(DEFAULT_BASE_IRI)
        ):
            # an IRI written as a literal (SHACL's sh:namespace) moves with the others
            return Literal(base + str(node)[len(DEFAULT_BASE_IRI) :], datatype=XSD_ANY_URI)
        return node

    moved = Graph()
    for prefix, ns in graph.namespaces():
        moved.bind(prefix, move(URIRef(ns)), override=True, replace=True)
    for s, p, o in graph:
        moved.add((move(s), move(p), move(o)))
    return moved
