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
from collections.abc import Iterable, Sequence

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

# Terms of these namespaces are the reasoner's own machinery: a triple with one as predicate
# (owl:sameAs, rdfs:subClassOf, ...) or as the class of an rdf:type (owl:Thing, rdfs:Resource,
# owl:Nothing, owl:NamedIndividual, ...) says nothing about our data.
_MACHINERY = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))


def _is_machinery(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(_MACHINERY)


def data_nodes(
    asserted: Iterable[tuple[Node, Node, Node]], *vocabularies: Graph
) -> frozenset[URIRef]:
    """The IRIs that stand for our resources: those the asserted triples describe or point
    to, minus every term of the vocabularies and anything used as a predicate or class."""
    schema_positions: set[Node] = set()
    candidates: set[Node] = set()
    for s, p, o in asserted:
        schema_positions.add(p)
        candidates.add(s)
        if p == RDF.type:
            schema_positions.add(o)
        else:
            candidates.add(o)
    vocabulary: set[Node] = set()
    for graph in vocabularies:
        for s, p, o in graph:
            vocabulary.update((s, p, o))
    return frozenset(
        node
        for node in candidates
        if isinstance(node, URIRef)
        and node not in vocabulary
        and node not in schema_positions
        and not _is_machinery(node)
    )


def _useful(
    triple: tuple[Node, Node, Node], ours: frozenset[URIRef], literals: frozenset[Literal]
) -> bool:
    s, p, o = triple
    if not isinstance(s, URIRef) or isinstance(o, BNode):
        return False  # literal or blank subjects, and RDF lists, are reasoner bookkeeping
    if p == RDF.type:
        if _is_machinery(o):
            return False
    elif _is_machinery(p):
        return False
    if isinstance(o, Literal) and o not in literals:
        return False  # a literal owlrl rewrote (canonical form, datatype), not one we stated
    # about our resources, or a vocabulary term pointing at one of them (inverse properties)
    return s in ours or (o in ours and isinstance(o, URIRef))


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

    return new_useful_triples(closure, asserted, ontology, sdg)


def new_useful_triples(
    closure: Graph | Iterable[tuple[Node, Node, Node]],
    asserted: Graph | Sequence[Graph],
    ontology: Graph,
    sdg: Graph,
) -> Graph:
    """The triples of ``closure`` (an OWL RL closure of the inputs) that are in no input and
    say something about our data (see the module docstring). ``asserted`` may be several
    graphs, taken as their union."""
    # one set of every input triple: rdflib's lookups, graph by graph, would cost a batch of
    # cities dearly
    stated = set(asserted) if isinstance(asserted, Graph) else {t for g in asserted for t in g}
    ours = data_nodes(stated, ontology, sdg)
    stated.update(ontology)
    stated.update(sdg)
    literals = frozenset(o for _, _, o in stated if isinstance(o, Literal))
    inferred = Graph(store="SimpleMemory")
    for triple in closure:
        if triple in stated:
            continue
        if _useful(triple, ours, literals):
            inferred.add(triple)
    return inferred


def predicate_counts(graph: Graph) -> dict[URIRef, int]:
    """Triples per predicate, most frequent first (then by IRI), e.g. for build.json."""
    counts = Counter(p for p in graph.predicates() if isinstance(p, URIRef))
    return dict(sorted(counts.items(), key=lambda item: (-item[1], str(item[0]))))
