"""The entailments of ``owlrl.infer`` from a few SPARQL UPDATE rules run in pyoxigraph.

owlrl computes the full OWL 2 RL closure, then ``owlrl.infer`` throws most of it away; that
costs ~5 s a city and grows worse than linearly with the graph. The triples we keep come from
six kinds of axiom only, so this module reads those axioms from the ontology and the SDG
vocabulary (``rdfs:subPropertyOf``, ``owl:equivalentProperty``, ``owl:inverseOf``,
``owl:SymmetricProperty``, ``rdfs:domain``/``rdfs:range``, ``rdfs:subClassOf``,
``owl:equivalentClass``, ``owl:TransitiveProperty``, ``owl:propertyChainAxiom``), turns each
kind into one UPDATE with the axioms as a VALUES table, and runs them to a fixed point. The
result goes through the same filter as owlrl's (``useful``), and tests/build/reason/test_rules.py
checks it equals owlrl's on the real plan.

An ontology that uses any other OWL construct (restrictions, sameAs, functional properties, ...)
is refused rather than half-reasoned: owlrl remains the reference (``Settings.reasoner``).
Plans do not link to each other, so one call may reason over many cities at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from ...rdf.graphs import Triple, Triples, as_graph
from ...rdf.terms import to_oxigraph, to_rdflib
from .useful import TermKinds, our_nodes, useful

# The OWL vocabulary the rules understand (as predicates or as classes in rdf:type). Anything
# else of OWL's in the schema makes ``Rules.of`` refuse.
_SUPPORTED_OWL = frozenset(
    {
        OWL.Ontology,
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.inverseOf,
        OWL.propertyChainAxiom,
        OWL.equivalentProperty,
        OWL.equivalentClass,
        OWL.versionInfo,
        OWL.imports,
    }
)


class UnsupportedAxiom(ValueError):
    """The schema uses an OWL construct the rules do not implement (use owlrl instead)."""


def _iri(term: Node) -> str:
    return f"<{term}>"


@dataclass(frozen=True)
class Rules:
    """The axioms of a schema, each kind as a table of IRI pairs, and the UPDATEs they make."""

    sub_properties: tuple[tuple[URIRef, URIRef], ...]
    inverses: tuple[tuple[URIRef, URIRef], ...]
    domains: tuple[tuple[URIRef, URIRef], ...]
    ranges: tuple[tuple[URIRef, URIRef], ...]
    sub_classes: tuple[tuple[URIRef, URIRef], ...]
    transitive: tuple[URIRef, ...]
    chains: tuple[tuple[URIRef, tuple[URIRef, ...]], ...]

    @classmethod
    def of(cls, *schemas: Graph) -> Rules:
        """Read the axioms of ``schemas`` (the ontology, the SDG vocabulary)."""
        schema = Graph()
        for graph in schemas:
            for triple in graph:
                schema.add(triple)
        _refuse_unsupported(schema)

        def pairs(*predicates: URIRef, both_ways: bool = False) -> set[tuple[URIRef, URIRef]]:
            out = set()
            for predicate in predicates:
                for s, o in schema.subject_objects(predicate):
                    if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o:
                        out.add((s, o))
                        if both_ways:
                            out.add((o, s))
            return out

        sub_properties = pairs(RDFS.subPropertyOf) | pairs(OWL.equivalentProperty, both_ways=True)
        inverses = pairs(OWL.inverseOf, both_ways=True)
        inverses |= {(p, p) for p in schema.subjects(RDF.type, OWL.SymmetricProperty)}  # type: ignore[misc]
        chains = []
        for prop, head in schema.subject_objects(OWL.propertyChainAxiom):
            steps = tuple(Collection(schema, head))
            if not isinstance(prop, URIRef) or not all(isinstance(p, URIRef) for p in steps):
                raise UnsupportedAxiom(f"property chain of {prop} with a non-IRI step")
            chains.append((prop, steps))
        return cls(
            sub_properties=tuple(sorted(sub_properties)),
            inverses=tuple(sorted(inverses)),
            # a datatype range (xsd:integer, rdf:langString) says nothing a rule could use
            domains=tuple(sorted(pairs(RDFS.domain))),
            ranges=tuple(
                sorted(
                    (p, c)
                    for p, c in pairs(RDFS.range)
                    if not str(c).startswith(str(XSD)) and c != RDF.langString
                )
            ),
            sub_classes=tuple(
                sorted(pairs(RDFS.subClassOf) | pairs(OWL.equivalentClass, both_ways=True))
            ),
            transitive=tuple(sorted(schema.subjects(RDF.type, OWL.TransitiveProperty))),  # type: ignore[arg-type]
            chains=tuple(sorted(chains)),
        )

    def updates(self) -> list[str]:
        """One SPARQL UPDATE per rule; running them all until nothing changes gives the closure
        (each rule reads the others' output, e.g. a sub-property's inverse, a range's super-class).
        """

        def values(variables: str, rows: Iterable[tuple[Node, ...]]) -> str:
            body = " ".join("(" + " ".join(_iri(t) for t in row) + ")" for row in rows)
            return f"VALUES ({variables}) {{ {body} }}"

        out = []
        if self.sub_properties:  # prp-spo1
            out.append(
                "INSERT { ?s ?q ?o } WHERE { "
                + values("?p ?q", self.sub_properties)
                + " ?s ?p ?o }"
            )
        if self.inverses:  # prp-inv1/2, prp-symp
            out.append(
                "INSERT { ?o ?q ?s } WHERE { "
                + values("?p ?q", self.inverses)
                + f" ?s ?p ?o {_NOT_LITERAL} }}"
            )
        if self.domains:  # prp-dom
            out.append(
                "INSERT { ?s a ?c } WHERE { " + values("?p ?c", self.domains) + " ?s ?p ?o }"
            )
        if self.ranges:  # prp-rng (a literal cannot be typed by a triple)
            out.append(
                "INSERT { ?o a ?c } WHERE { "
                + values("?p ?c", self.ranges)
                + f" ?s ?p ?o {_NOT_LITERAL} }}"
            )
        if self.sub_classes:  # cax-sco, cax-eqc1/2
            out.append(
                "INSERT { ?x a ?d } WHERE { " + values("?c ?d", self.sub_classes) + " ?x a ?c }"
            )
        for prop in self.transitive:  # prp-trp, one path query instead of repeated joins
            p = _iri(prop)
            out.append(f"INSERT {{ ?x {p} ?z }} WHERE {{ ?x {p} ?y . ?y {p}+ ?z }}")
        for prop, steps in self.chains:  # prp-spo2
            pattern = " . ".join(f"?x{i} {_iri(step)} ?x{i + 1}" for i, step in enumerate(steps))
            out.append(f"INSERT {{ ?x0 {_iri(prop)} ?x{len(steps)} }} WHERE {{ {pattern} }}")
        return out


def _refuse_unsupported(schema: Graph) -> None:
    owl = str(OWL)
    used = {p for p in schema.predicates() if str(p).startswith(owl)}
    used |= {o for o in schema.objects(None, RDF.type) if str(o).startswith(owl)}
    unknown = sorted(str(term) for term in used - _SUPPORTED_OWL)
    if unknown:
        raise UnsupportedAxiom(
            "the rules reasoner does not implement " + ", ".join(unknown) + "; use owlrl"
        )


# --- rdflib <-> pyoxigraph -------------------------------------------------------------------


# Literals enter the store as opaque IRIs: the store would rewrite some lexical forms
# ("7.0"^^xsd:decimal comes back as "7"), and no rule looks inside a literal anyway.
_LITERAL_PREFIX = "urn:x-kyodo-literal:"
_NOT_LITERAL = f'FILTER(!STRSTARTS(STR(?o), "{_LITERAL_PREFIX}"))'


class _StoreTerms(TermKinds):
    """rdflib terms as pyoxigraph terms, literals as opaque IRIs, and back; the way back returns
    the very term that went in (rules only copy terms, they never make new ones). As
    ``TermKinds`` it tells the usefulness filter which store terms are literals."""

    rdf_type = to_oxigraph(RDF.type)

    def __init__(self) -> None:
        self.to_ox: dict[Node, object] = {}
        self.back: dict[str, Node] = {}  # by the store term's IRI: a str hash, not rdflib's

    def ox(self, term: Node) -> object:
        found = self.to_ox.get(term)
        if found is not None:
            return found
        if isinstance(term, URIRef):
            made: object = to_oxigraph(term)
        elif isinstance(term, Literal):
            made = ox.NamedNode(f"{_LITERAL_PREFIX}{len(self.to_ox)}")
        else:
            raise TypeError(f"unexpected term {term!r} (the rules handle IRIs and literals)")
        self.to_ox[term] = made
        self.back[made.value] = term  # type: ignore[attr-defined]
        return made

    def copy(self) -> _StoreTerms:
        made = _StoreTerms()
        made.to_ox = dict(self.to_ox)
        made.back = dict(self.back)
        return made

    def rdflib(self, term: object) -> Node:
        assert isinstance(term, ox.NamedNode), term
        found = self.back.get(term.value)  # not `or`: Literal(0) is falsy
        return to_rdflib(term) if found is None else found

    def iri(self, term: object) -> str | None:
        if not isinstance(term, ox.NamedNode):
            return None
        value = term.value
        return None if value.startswith(_LITERAL_PREFIX) else value

    def is_literal(self, term: object) -> bool:
        return isinstance(term, ox.NamedNode) and term.value.startswith(_LITERAL_PREFIX)

    def literals(self) -> set[object]:
        return {made for term, made in self.to_ox.items() if isinstance(term, Literal)}


@dataclass
class _Vocabularies:
    """The schema side of a run, made once per (ontology, SDG) pair: a worker reasons batch
    after batch with the same two graphs, and reading the rules and turning ~20k vocabulary
    triples into store terms cost as much as the rules themselves."""

    ontology: Graph
    sdg: Graph
    rules: Rules
    updates: list[str]
    terms: _StoreTerms
    quads: list[object]  # what the rules read
    stated: frozenset[object]  # every vocabulary triple the store can hold, read or not
    vocabulary: frozenset[object]  # every IRI of the vocabularies
    size: int  # len(ontology) + len(sdg) when made: a changed size means they were edited


_cached: list[_Vocabularies] = []


def _vocabularies(ontology: Graph, sdg: Graph) -> _Vocabularies:
    for made in _cached:
        if made.ontology is ontology and made.sdg is sdg and made.size == len(ontology) + len(sdg):
            return made
    rules = Rules.of(ontology, sdg)
    terms = _StoreTerms()
    quads: list[object] = []
    stated: set[object] = set()
    vocabulary: set[object] = set()
    for graph, keep_literals in ((ontology, True), (sdg, False)):
        for triple in graph:
            vocabulary.update(terms.ox(t) for t in triple if isinstance(t, URIRef))
            if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):
                continue  # the ontology's list cells: read by Rules.of, no data rule uses them
            quad = ox.Quad(*(terms.ox(t) for t in triple))  # type: ignore[arg-type]
            stated.add(quad)
            # what owlrl sees in ``owlrl.infer``: literals of the vocabularies feed no rule
            if keep_literals or not isinstance(triple[2], Literal):
                quads.append(quad)
    size = len(ontology) + len(sdg)
    made = _Vocabularies(
        ontology,
        sdg,
        rules,
        rules.updates(),
        terms,
        quads,
        frozenset(stated),
        frozenset(vocabulary),
        size,
    )
    _cached[:] = [made]
    return made


def _useful_additions(asserted: Sequence[Triples], ontology: Graph, sdg: Graph) -> set[Triple]:
    """What the rules derive from the inputs that is in none of them and that
    ``useful`` keeps, filtered on the store's terms before anything goes back to rdflib.
    Triples of ``asserted`` with a blank node are left out (rdfize makes none)."""
    vocab = _vocabularies(ontology, sdg)
    terms = vocab.terms.copy()
    store = ox.Store()
    store.extend(vocab.quads)  # type: ignore[arg-type]
    quads = []
    convert = terms.ox
    for part in asserted:
        for s, p, o in part:
            if isinstance(s, BNode) or isinstance(o, BNode):
                continue
            quads.append(ox.Quad(convert(s), convert(p), convert(o)))  # type: ignore[arg-type]
    store.extend(quads)
    size = len(store)
    while True:
        for update in vocab.updates:
            store.update(update)
        grown = len(store)
        if grown == size:
            break
        size = grown
    stated = set(quads)
    ours = our_nodes((q.triple for q in quads), vocab.vocabulary, terms)  # type: ignore[attr-defined]
    literals = terms.literals()
    back = terms.rdflib
    return {
        (back(triple[0]), back(triple[1]), back(triple[2]))
        for q in store
        if q not in stated
        and q not in vocab.stated
        and useful(triple := tuple(q.triple), ours, literals, terms)
    }


def infer(asserted: Graph | Sequence[Graph], ontology: Graph, sdg: Graph) -> Graph:
    """Same contract and result as ``owlrl.infer``, from the rules above.

    ``asserted`` may hold many plans at once (they share no resource; a sequence of graphs is
    taken as their union)."""
    parts = [asserted] if isinstance(asserted, Graph) else asserted
    return as_graph(inferred_triples(parts, ontology, sdg))


def inferred_triples(asserted: Sequence[Triples], ontology: Graph, sdg: Graph) -> set[Triple]:
    """``infer`` for the union of ``asserted`` (graphs or sets of triples), as a set: how the
    pipeline reasons over a batch of cities at once, amortising the vocabularies' load. The
    usefulness filter (``useful``) runs on the store's terms."""
    return _useful_additions(asserted, ontology, sdg)
