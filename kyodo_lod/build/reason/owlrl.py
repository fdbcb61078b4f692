"""OWL RL entailments about our data: owlrl's full closure, then only the new, useful triples.

owlrl (``OWLRL_Semantics``) runs on a copy of asserted + ontology + SDG vocabulary; its closure
also restates the vocabularies, types every node ``owl:Thing``/``rdfs:Resource``, makes every node
``owl:sameAs`` itself and types literals. :func:`infer` keeps only what a reader of the data wants
(``useful``: triples about our resources, and inverse links from vocabulary terms to them).
The result has no blank node, so its serialisation is deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import owlrl
from rdflib import Graph, Literal, URIRef

from ...rdf.graphs import Triple, Triples, as_graph
from .useful import RDFLIB_TERMS, data_nodes, useful


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
    say something about our data (``useful``). ``asserted`` may be several
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
