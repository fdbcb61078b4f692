"""The usefulness filter both reasoners apply to what they derive.

An OWL RL closure also restates the vocabularies, types every node ``owl:Thing`` /
``rdfs:Resource``, makes every node ``owl:sameAs`` itself and types literals. What a reader of
the data wants are triples about our resources (cities, plans, policies, projects, KPIs,
departments, sources) and inverse links from vocabulary terms to them
(``sdg:3.8 kyodo:servedByProject <project>``). ``TermKinds`` says how to read a term, so the
same filter runs on rdflib's terms (owlrl) and on the store's (the rules).
"""

from __future__ import annotations

from collections.abc import Iterable, Set

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ...rdf.graphs import Triple

# Terms of these namespaces are the reasoner's own machinery: a triple with one as predicate
# (owl:sameAs, rdfs:subClassOf, ...) or as the class of an rdf:type (owl:Thing, rdfs:Resource,
# owl:Nothing, owl:NamedIndividual, ...) says nothing about our data.
MACHINERY_NAMESPACES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))


class TermKinds:
    """How the usefulness filter reads a term: rdflib's terms here. The rules reasoner filters
    its store's terms (where a literal is an opaque IRI) with a subclass, so the filter runs
    before anything goes back to rdflib, with hashing done by the store's terms."""

    rdf_type: object = RDF.type

    def iri(self, term: object) -> str | None:
        """The IRI of ``term``, None for a literal or a blank node."""
        return str(term) if isinstance(term, URIRef) else None

    def is_literal(self, term: object) -> bool:
        return isinstance(term, Literal)


RDFLIB_TERMS = TermKinds()


def _is_machinery(node: object, kinds: TermKinds) -> bool:
    iri = kinds.iri(node)
    return iri is not None and iri.startswith(MACHINERY_NAMESPACES)


def data_nodes(asserted: Iterable[Triple], *vocabularies: Graph) -> frozenset[URIRef]:
    """The IRIs that stand for our resources: those the asserted triples describe or point
    to, minus every term of the vocabularies and anything used as a predicate or class."""
    vocabulary = {term for graph in vocabularies for triple in graph for term in triple}
    return our_nodes(asserted, vocabulary, RDFLIB_TERMS)  # type: ignore[return-value]


def our_nodes(asserted: Iterable[tuple], vocabulary: Set[object], kinds: TermKinds) -> frozenset:
    """``data_nodes``, for terms of any kind, given the vocabularies' terms."""
    schema_positions: set[object] = set()
    candidates: set[object] = set()
    rdf_type = kinds.rdf_type
    for s, p, o in asserted:
        schema_positions.add(p)
        candidates.add(s)
        if p == rdf_type:
            schema_positions.add(o)
        else:
            candidates.add(o)
    candidates -= schema_positions
    candidates -= vocabulary
    return frozenset(
        node
        for node in candidates
        if (iri := kinds.iri(node)) is not None and not iri.startswith(MACHINERY_NAMESPACES)
    )


def useful(triple: tuple, ours: frozenset, literals: Set[object], kinds: TermKinds) -> bool:
    """Whether a new triple says something about our data (see the module docstring)."""
    s, p, o = triple
    if kinds.iri(s) is None:
        return False  # literal or blank subjects are reasoner bookkeeping
    if kinds.is_literal(o):
        if o not in literals:
            return False  # a literal owlrl rewrote (canonical form, datatype), not one we stated
    elif kinds.iri(o) is None:
        return False  # blank objects: RDF lists and other bookkeeping
    if p == kinds.rdf_type:
        if _is_machinery(o, kinds):
            return False
    elif _is_machinery(p, kinds):
        return False
    # about our resources, or a vocabulary term pointing at one of them (inverse properties)
    return s in ours or o in ours
