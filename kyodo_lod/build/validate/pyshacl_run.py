"""What pySHACL validates: the shapes not evaluated in the store, on a read-only view of the
data whose SPARQL queries are parsed once per text."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from ...rdf.graphs import Triples, as_graph
from ...rdf.namespaces import SH

TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target)


def pyshacl_report(data: Sequence[Triples], shapes: Graph) -> Graph:
    """pySHACL's report of the union of ``data`` against ``shapes``; when no shape has a focus
    node, an empty report without making the union or running pySHACL."""
    if _has_targets(shapes):
        return _run_pyshacl(as_graph(*data), shapes)
    report = Graph()
    report.add((BNode(), RDF.type, SH.ValidationReport))
    return report


def shapes_left(
    shapes: Graph, sparql_taken: set[tuple[Node, Node]], core_taken: set[Node]
) -> Graph:
    """``shapes`` without what the store evaluates: the sh:sparql constraints taken (by
    (shape, constraint)) and the targets of the node shapes taken, so pySHACL finds no focus
    node for them."""
    left = Graph()
    for s, p, o in shapes:
        if (p == SH.sparql and (s, o) in sparql_taken) or (s in core_taken and p in TARGETS):
            continue
        left.add((s, p, o))
    return left


def _has_targets(shapes: Graph) -> bool:
    """Whether pySHACL would find any focus node: a target, or a shape that is a class."""
    if any((None, p, None) in shapes for p in TARGETS):
        return True
    shape_types = (SH.NodeShape, SH.PropertyShape)
    return any(
        (s, RDF.type, t) in shapes
        for cls in (RDFS.Class, OWL.Class)
        for s in shapes.subjects(RDF.type, cls)
        for t in shape_types
    )


def _run_pyshacl(data: Graph, shapes: Graph) -> Graph:
    # advanced=True makes pySHACL clone the data (SHACL-AF rules could write to it); our shapes
    # have no sh:rule, so it validates a read-only view in place. Should a rule appear, the
    # view gets its own copy of the triples so the caller's graph is never changed.
    has_rules = (None, SH.rule, None) in shapes
    view = _QueryCachingGraph(data, copy=has_rules)
    _, report, _ = pyshacl_validate(
        view,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        inplace=True,
        do_owl_imports=False,
        allow_warnings=True,
        allow_infos=True,
        abort_on_first=False,
    )
    return report


class _QueryCachingGraph(Graph):
    """A view of a graph (same store, nothing copied) whose queries are parsed once per text.

    pySHACL runs a SPARQL constraint once per focus node with the same text ($this comes in
    through initBindings) and rdflib parses it every time (~40 ms each): without this cache a
    city of 95 projects (~2,000 constraint runs) spends over a minute in the SPARQL parser.
    """

    def __init__(self, graph: Graph, copy: bool = False):
        if copy:
            super().__init__()
            for triple in graph:
                self.add(triple)
        else:
            super().__init__(store=graph.store, identifier=graph.identifier)

    def query(self, query_object, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=1024)
def _prepared(text: str) -> Query:
    # Keyed by the full text (prefixes and $PATH already substituted); a parsed query is
    # never modified by evaluation, so one parse serves every call.
    return prepareQuery(text)
