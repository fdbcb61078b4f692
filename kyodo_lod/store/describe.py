"""The document of one resource (what a /doc/ page and DESCRIBE show): its own triples, the
labels of what it links to, and one page of its inbound links with their subjects' labels.

Two ways to the same triples: SPARQL CONSTRUCTs that any store answers (``describe_triples``),
and, where the pyoxigraph store is at hand, its index lookups (``describe_by_patterns``: about
a tenth of the time; tested equal on every resource of the build)."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ..rdf.namespaces import SCHEMA

RDF_TYPE = str(RDF.type)

# what names (or marks) a linked resource on its page
LABEL_PROPERTIES = (
    str(RDFS.label),
    str(SKOS.prefLabel),
    str(DCTERMS.title),
    str(SKOS.notation),
    str(SCHEMA.color),
)


def _label_patterns() -> str:
    """?x's label-like triples as ?x ?lp ?l: one pattern per property, with ?x bound before.
    Engines then look each up by subject and property; ``?x ?lp ?l FILTER(?lp IN (...))`` read
    every triple of ?x (pyoxigraph) or every label in the store (Virtuoso), and VALUES ?lp
    first made Oxigraph scan every label (1,741 cities, a project's linked nodes: pyoxigraph
    15.1 -> 2.9 ms, Virtuoso 134 -> 8 ms)."""
    return " UNION ".join(f"{{ ?x <{p}> ?l BIND(<{p}> AS ?lp) }}" for p in LABEL_PROPERTIES)


def describe_query(iri: str, inbound_limit: int = 100, inbound_offset: int = 0) -> str:
    """CONSTRUCT for the document of ``iri``: its own triples, the labels (and notation, colour)
    of what it links to, of its types and of the properties used, and one page of inbound links.
    The labels of that page's subjects come from ``labels_query`` (see ``describe_triples``)."""
    # what a resource links to, and the properties it uses, are sub-selects, so that engines
    # start there (1,741 cities in pyoxigraph: 15-23 ms, joined 38-43)
    labels = _label_patterns()
    return f"""
CONSTRUCT {{ ?s ?p ?o . ?x ?lp ?l . }}
WHERE {{
  {{ BIND(<{iri}> AS ?s) ?s ?p ?o . }}
  UNION
  {{ {{ SELECT DISTINCT ?x WHERE {{ <{iri}> ?q ?x . FILTER(isIRI(?x)) }} }} {labels} }}
  UNION
  {{ {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> . FILTER(?p != <{RDF_TYPE}>) }}
       ORDER BY ?p ?s LIMIT {int(inbound_limit)} OFFSET {int(inbound_offset)} }}
     BIND(<{iri}> AS ?o) }}
  UNION
  {{ {{ SELECT DISTINCT ?x WHERE {{ {{ <{iri}> ?x ?any . }} UNION {{ ?any ?x <{iri}> . }} }} }}
     {labels} }}
}}"""


def labels_query(iris: Iterable[str]) -> str:
    """CONSTRUCT of the labels (notation, colour) of ``iris``."""
    values = " ".join(f"<{i}>" for i in sorted(set(iris)))
    return f"CONSTRUCT {{ ?x ?lp ?l }} WHERE {{ VALUES ?x {{ {values} }} {_label_patterns()} }}"


def describe_triples(
    run: Callable[[str], Iterable[Any]],
    iri: str,
    inbound_limit: int,
    inbound_offset: int,
    max_rows: int,
) -> list[Any]:
    """The pyoxigraph triples of ``iri``'s document, with ``run(sparql)`` answering CONSTRUCTs.

    Two queries: with the page of inbound links known, their subjects' labels are a lookup by
    VALUES (one query with a sub-select took 50 ms for a city on the on-disk store, this 5)."""
    import pyoxigraph as ox

    def triples(sparql: str) -> list[Any]:
        out = []
        for t in run(sparql):
            out.append(t.triple if isinstance(t, ox.Quad) else t)
            if len(out) > max_rows:
                break
        return out

    found = triples(describe_query(iri, inbound_limit, inbound_offset))
    sources = {
        t.subject.value
        for t in found
        if isinstance(t.object, ox.NamedNode)
        and t.object.value == iri
        and isinstance(t.subject, ox.NamedNode)
        and t.predicate.value != RDF_TYPE
    }
    if sources:
        found += triples(labels_query(sources))
    return list(dict.fromkeys(found))  # the same label may come by both ways


# past this many inbound links the SPARQL way is taken, where the engine sorts them. Up to it,
# Python reads and orders them faster: at 1,741 cities a category every project links to (127k
# links) takes 2-4 s by patterns against 22-32 s by SPARQL (its query time limit is 10 s)
MAX_INBOUND_BY_PATTERNS = 2_000_000


def _sort_key(term: Any) -> tuple[int, str]:
    # SPARQL's ORDER BY: blank nodes before IRIs, each by its string (UTF-8 order = code points)
    import pyoxigraph as ox

    return (0 if isinstance(term, ox.BlankNode) else 1, term.value)


def describe_by_patterns(
    store: Any, iri: str, inbound_limit: int, inbound_offset: int, max_inbound: int
) -> list[Any] | None:
    """The pyoxigraph triples of ``iri``'s document (see ``describe_query``) from the indexes of
    the pyoxigraph ``store``, or None when ``iri`` has more than ``max_inbound`` inbound links."""
    import pyoxigraph as ox

    node = ox.NamedNode(iri)
    rdf_type = ox.NamedNode(RDF_TYPE)
    inbound_quads = list(islice(store.quads_for_pattern(None, None, node), max_inbound + 1))
    if len(inbound_quads) > max_inbound:
        return None
    outbound = list(dict.fromkeys(q.triple for q in store.quads_for_pattern(node, None, None)))

    # one page of inbound links (rdf:type excepted), ordered by property, then subject (a hub
    # has many links but few properties: each property's string is taken once)
    links = {(q.predicate, q.subject) for q in inbound_quads if q.predicate != rdf_type}
    names = {p: p.value for p in dict.fromkeys(q.predicate for q in inbound_quads)}
    end = inbound_offset + inbound_limit
    ordered = heapq.nsmallest(end, links, key=lambda ps: (names[ps[0]], _sort_key(ps[1])))
    page = ordered[inbound_offset:end]
    found = [*outbound, *(ox.Triple(s, p, node) for p, s in page)]

    # labels of what it links to, of the properties used both ways, and of the page's subjects
    named = [t.object for t in outbound if isinstance(t.object, ox.NamedNode)]
    named += [t.predicate for t in outbound] + list(names)
    named += [s for p, s in page if isinstance(s, ox.NamedNode)]
    found += label_triples(store, dict.fromkeys(named))
    return list(dict.fromkeys(found))


def label_triples(store: Any, nodes: Any) -> list[Any]:
    """The label-like triples (``LABEL_PROPERTIES``) of ``nodes``, in any graph."""
    import pyoxigraph as ox

    properties = [ox.NamedNode(p) for p in LABEL_PROPERTIES]
    # one lookup per node and property: a node may have hundreds of other triples (a plan
    # lists its projects), which a scan of all its triples would read for nothing
    out = []
    for node in nodes:
        for prop in properties:
            out.extend(q.triple for q in store.quads_for_pattern(node, prop, None))
    return out
