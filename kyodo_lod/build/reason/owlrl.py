"""OWL RL entailments about our data: owlrl's full closure, then only the new, useful triples.

owlrl (``OWLRL_Semantics``) runs on a copy of asserted + ontology + SDG vocabulary; its closure
also restates the vocabularies, types every node ``owl:Thing``/``rdfs:Resource``, makes every node
``owl:sameAs`` itself and types literals. :func:`infer` keeps only what a reader of the data wants:
triples about our resources (cities, plans, policies, projects, KPIs, departments, sources) and
inverse links from vocabulary terms to them (``sdg:3.8 kyodo:servedByProject <project>``).
The result has no blank node, so its serialisation is deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence, Set

import owlrl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ...rdf.graphs import Triple, Triples, as_graph

# Terms of these namespaces are the reasoner's own machinery: a triple with one as predicate
# (owl:sameAs, rdfs:subClassOf, ...) or as the class of an rdf:type (owl:Thing, rdfs:Resource,
# owl:Nothing, owl:NamedIndividual, ...) says nothing about our data.
_MACHINERY = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))


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
    return iri is not None and iri.startswith(_MACHINERY)


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
        if (iri := kinds.iri(node)) is not None and not iri.startswith(_MACHINERY)
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


def infer(asserted: Graph, ontology: Graph, sdg: Graph) -> Graph:
    """The new, non-trivial OWL RL entailments about the data in ``asserted``.

    The inputs are not modified. The result holds no triple already in an input and no blank
    node: sdgGoal through the targets, the inverse properties, transitive sub-organisation,
    super-properties and super-classes.
    """
    closure = Graph()
    for graph in (asserted, ontology):
        for triple in graph:
            closure.add(triple)
    # The SDG graph is plain SKOS: its ~2,000 labels, notes and notations feed no rule that can
    # reach our data, and leaving them out halves owlrl's time (tests check the result is equal).
    for triple in sdg:
        if not isinstance(triple[2], Literal):
            closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)

    return as_graph(new_useful_triples(closure, asserted, ontology, sdg))


def new_useful_triples(
    closure: Iterable[Triple],
    asserted: Graph | Sequence[Triples],
    ontology: Graph,
    sdg: Graph,
) -> set[Triple]:
    """The triples of ``closure`` (an OWL RL closure of the inputs) that are in no input and
    say something about our data (see the module docstring). ``asserted`` may be several
    graphs or sets of triples, taken as their union."""
    # one set of every input triple: rdflib's lookups, graph by graph, would cost a batch of
    # cities dearly
    stated = set(asserted) if isinstance(asserted, Graph) else {t for g in asserted for t in g}
    ours = data_nodes(stated, ontology, sdg)
    stated.update(ontology)
    stated.update(sdg)
    literals = {o for _, _, o in stated if isinstance(o, Literal)}
    return {t for t in closure if t not in stated and useful(t, ours, literals, RDFLIB_TERMS)}


def predicate_counts(graph: Graph) -> dict[URIRef, int]:
    """Triples per predicate, most frequent first (then by IRI), e.g. for build.json."""
    counts = Counter(p for p in graph.predicates() if isinstance(p, URIRef))
    return dict(sorted(counts.items(), key=lambda item: (-item[1], str(item[0]))))
