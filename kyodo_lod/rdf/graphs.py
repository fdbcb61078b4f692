"""Whole-graph transforms: sets of triples as a Graph, a sorted copy, blank nodes named by
their content (skolemised), and every IRI moved from the default base to another."""

from __future__ import annotations

import hashlib
from collections.abc import Collection

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..config import DEFAULT_BASE_IRI
from .namespaces import bind_prefixes

XSD_ANY_URI = URIRef("http://www.w3.org/2001/XMLSchema#anyURI")

Triple = tuple[Node, Node, Node]
# a set of triples or a Graph: both iterate as triples, as often as needed
Triples = Collection[Triple]


def as_graph(*parts: Triples) -> Graph:
    """The union of ``parts`` as a Graph (one Graph is returned as it is)."""
    if len(parts) == 1 and isinstance(parts[0], Graph):
        return parts[0]
    graph = Graph()
    for part in parts:
        for triple in part:
            graph.add(triple)
    return graph


def sorted_graph(graph: Graph) -> Graph:
    """A copy whose insertion order is the sorted order of its N-Triples terms."""
    copy = Graph(bind_namespaces="none")
    bind_prefixes(copy)
    for triple in sorted(graph, key=lambda t: tuple(term.n3() for term in t)):
        copy.add(triple)
    return copy


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
