"""The VoID description of the union: what it counts (``VoidCensus``, by SPARQL in publish's
store or by walking a plain rdflib graph; tests compare both ways) and the VoID graph made of
it, in the catalogue."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, VOID, XSD
from rdflib.term import Node

from ...rdf.iris import SDG_BASE, Iris
from ...rdf.terms import OPAQUE_XSD, to_rdflib
from .dataset_facts import DatasetFacts, Mover
from .dcat_vocabulary import DUMPS, FORMATS, IANA, LICENCE, SDG_SCHEME, SDG_VOID, add_texts
from .union import GraphUnion, sparql_string


@dataclass(frozen=True)
class VoidCensus:
    """What the VoID description counts in the union, as rdflib's terms would count it."""

    triples: int
    subjects: int  # distinct subjects
    entities: int  # distinct IRI subjects
    objects: int  # distinct objects
    predicates: dict[Node, int]  # triples per predicate
    classes: dict[Node, int]  # distinct members per rdf:type class
    links: dict[Node, int]  # per predicate: our IRIs (``ours``) → the UN SDG vocabulary


def void_census(union: GraphUnion, ours: str) -> VoidCensus:
    """Count in pyoxigraph when the union has publish's store (a Python walk over a national
    build's 10M+ triples takes minutes), else walk the rdflib graph."""
    if union.store is None:
        return census_by_walking(union.graph, ours)
    return census_in_store(union.store, ours)


def census_by_walking(data: Graph, ours: str) -> VoidCensus:
    predicates: Counter[Node] = Counter()
    subjects: set[Node] = set()
    objects: set[Node] = set()
    class_members: dict[Node, set[Node]] = defaultdict(set)
    links: Counter[Node] = Counter()
    for s, p, o in data:
        predicates[p] += 1
        subjects.add(s)
        objects.add(o)
        if p == RDF.type:
            class_members[o].add(s)
        if isinstance(o, URIRef) and o.startswith(SDG_BASE) and str(s).startswith(ours):
            links[p] += 1
    return VoidCensus(
        triples=len(data),
        subjects=len(subjects),
        entities=sum(1 for s in subjects if isinstance(s, URIRef)),
        objects=len(objects),
        predicates=dict(predicates),
        classes={cls: len(members) for cls, members in class_members.items()},
        links=dict(links),
    )


def census_in_store(store: pyoxigraph.Store, ours: str) -> VoidCensus:
    """As ``census_by_walking``, in SPARQL aggregates over publish's lossless store."""
    predicates = {
        to_rdflib(row["p"]): _number(row["n"])
        for row in _rows(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    }
    [row] = _rows(
        store,
        "SELECT (COUNT(?s) AS ?n) (SUM(IF(isIRI(?s), 1, 0)) AS ?iris)"
        " WHERE { SELECT DISTINCT ?s WHERE { ?s ?p ?o } }",
    )
    objects, sdg_iris = _distinct_objects(store)
    return VoidCensus(
        triples=len(store),
        subjects=_number(row["n"]),
        entities=_number(row["iris"]),
        objects=objects,
        predicates=predicates,
        classes=_class_members(store),
        links=_sdg_links(store, ours, sdg_iris),
    )


def _number(term: object) -> int:
    return int(term.value)  # type: ignore[attr-defined]


def _rows(store: pyoxigraph.Store, query: str) -> list[pyoxigraph.QuerySolution]:
    return list(store.query(query))  # type: ignore[arg-type]


def _distinct_objects(store: pyoxigraph.Store) -> tuple[int, list[pyoxigraph.NamedNode]]:
    """How many distinct objects rdflib would count, and the IRIs of the SDG vocabulary among
    them (for the linksets).

    rdflib normalises some XSD lexical forms ("0012"^^xsd:integer is "12"), so two objects
    the store keeps apart can be one rdflib term. One pass over the distinct objects gives
    the count of the others (?t unbound) and, one by one, each XSD-typed literal (counted
    here as rdflib terms) and each IRI of the SDG vocabulary."""
    objects = 0
    typed = set()
    sdg_iris = []
    for row in _rows(
        store,
        "SELECT ?t (COUNT(?o) AS ?n) WHERE { { SELECT DISTINCT ?o WHERE { ?s ?p ?o } }"
        " BIND(IF(isLiteral(?o),"
        f" IF(STRSTARTS(STR(DATATYPE(?o)), {sparql_string(OPAQUE_XSD)}), ?o, ?unbound),"
        f" IF(isIRI(?o) && STRSTARTS(STR(?o), {sparql_string(SDG_BASE)}), ?o, ?unbound))"
        " AS ?t) } GROUP BY ?t",
    ):
        term = row["t"]
        if term is None:
            objects += _number(row["n"])
        elif isinstance(term, pyoxigraph.NamedNode):
            objects += 1
            sdg_iris.append(term)
        else:
            typed.add(to_rdflib(term))
    return objects + len(typed), sdg_iris


def _class_members(store: pyoxigraph.Store) -> dict[Node, int]:
    """Distinct members per rdf:type class, classes as rdflib terms."""
    by_class: dict[Node, list[object]] = defaultdict(list)
    counts: dict[object, int] = {}
    for row in _rows(
        store, f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{RDF.type}> ?c }} GROUP BY ?c"
    ):
        by_class[to_rdflib(row["c"])].append(row["c"])
        counts[row["c"]] = _number(row["n"])
    classes = {}
    for cls, terms in by_class.items():
        if len(terms) == 1:
            classes[cls] = counts[terms[0]]
        else:  # store terms that are one rdflib term (see above): their members' union
            members = {
                quad.subject
                for term in terms
                for quad in store.quads_for_pattern(
                    None, pyoxigraph.NamedNode(str(RDF.type)), term, pyoxigraph.DefaultGraph()
                )
            }
            classes[cls] = len(members)
    return classes


def _sdg_links(
    store: pyoxigraph.Store, ours: str, sdg_iris: Iterable[pyoxigraph.NamedNode]
) -> dict[Node, int]:
    """Per predicate, the triples from our IRIs to those SDG IRIs (the object index finds
    them)."""
    sdg_values = " ".join(f"<{term.value}>" for term in sdg_iris)
    return {
        to_rdflib(row["p"]): _number(row["n"])
        for row in _rows(
            store,
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ VALUES ?o {{ {sdg_values} }} ?s ?p ?o"
            f" FILTER(STRSTARTS(STR(?s), {sparql_string(ours)})) }} GROUP BY ?p",
        )
    }


# --- the VoID graph --------------------------------------------------------------------------


def add_void(
    g: Graph,
    iris: Iris,
    census: VoidCensus,
    move: Mover,
    datasets: list[DatasetFacts],
    files: Mapping[str, tuple[int, str]],
) -> None:
    """The VoID dataset of the union (and its description document) into ``g``: where to get
    it, its counts, its class and property partitions, its links to the UN SDG vocabulary."""
    void = iris.void_dataset()
    _void_document(g, iris, void)
    _access(g, iris, void, datasets, files)
    _statistics(g, void, census, move)
    _partitions(g, iris, void, census, move)
    _sdg_linksets(g, iris, void, census, move)


def _void_document(g: Graph, iris: Iris, void: URIRef) -> None:
    document = iris.void_document()
    g.add((document, RDF.type, VOID.DatasetDescription))
    add_texts(g, document, DCTERMS.title, "kyodo-lodのVoID記述", "VoID description of kyodo-lod")
    g.add((document, FOAF.primaryTopic, void))

    g.add((void, RDF.type, VOID.Dataset))
    add_texts(g, void, DCTERMS.title, "kyodo-lod 全データ", "kyodo-lod: all data")
    add_texts(g, void, DCTERMS.description,
              "データ・推論結果・オントロジー・SDG語彙の全グラフの和。",
              "The union of every graph: asserted data, inferred triples, ontology, "
              "SDG vocabulary.")  # fmt: skip
    g.add((void, DCTERMS.publisher, iris.publisher()))
    g.add((void, DCTERMS.license, LICENCE))
    g.add((void, FOAF.homepage, iris.home()))


def _access(
    g: Graph,
    iris: Iris,
    void: URIRef,
    datasets: list[DatasetFacts],
    files: Mapping[str, tuple[int, str]],
) -> None:
    """The endpoint, the URI space, the RDF dumps (the tabular ones, which VoID has no term
    for, as rdfs:seeAlso with their title and media type) and a few example resources."""
    g.add((void, VOID.sparqlEndpoint, iris.sparql_endpoint()))
    g.add((void, VOID.uriSpace, Literal(f"{iris.base}id/")))
    g.add((void, VOID.rootResource, iris.catalog()))
    for dump in DUMPS:
        if dump.rdf and dump.file_name in files:
            g.add((void, VOID.dataDump, iris.dump(dump.file_name)))
            if dump.feature:
                g.add((void, VOID.feature, URIRef(FORMATS + dump.feature)))
        elif dump.file_name in files:
            page = iris.dump(dump.file_name)
            g.add((void, RDFS.seeAlso, page))
            g.add((page, RDF.type, FOAF.Document))
            g.add((page, DCTERMS.format, URIRef(IANA + dump.media_type)))
            add_texts(g, page, DCTERMS.title, dump.label_ja, dump.label_en)
    for dataset in datasets[:1]:
        g.add((void, VOID.exampleResource, dataset.city))
        g.add((void, VOID.exampleResource, dataset.plan))
        if dataset.projects:
            g.add((void, VOID.exampleResource, dataset.projects[0]))


def _statistics(g: Graph, void: URIRef, census: VoidCensus, move: Mover) -> None:
    """The counts, and the vocabularies of the classes and properties used."""
    for predicate, count in (
        (VOID.triples, census.triples),
        (VOID.entities, census.entities),
        (VOID.distinctSubjects, census.subjects),
        (VOID.distinctObjects, census.objects),
        (VOID.classes, len(census.classes)),
        (VOID.properties, len(census.predicates)),
    ):
        g.add((void, predicate, Literal(count, datatype=XSD.integer)))
    vocabularies = {_namespace_of(str(p)) for p in census.predicates} | {
        _namespace_of(str(c)) for c in census.classes
    }
    for vocabulary in sorted(vocabularies):
        if vocabulary:
            g.add((void, VOID.vocabulary, move(URIRef(vocabulary))))


def _partitions(g: Graph, iris: Iris, void: URIRef, census: VoidCensus, move: Mover) -> None:
    """A class partition per class (its members), a property partition per predicate."""
    for cls, members in census.classes.items():
        node = iris.partition("class", _partition_key(g, move(cls)))
        g.add((void, VOID.classPartition, node))
        g.add((node, VOID["class"], move(cls)))
        g.add((node, VOID.entities, Literal(members, datatype=XSD.integer)))
    for predicate, count in census.predicates.items():
        node = iris.partition("property", _partition_key(g, move(predicate)))
        g.add((void, VOID.propertyPartition, node))
        g.add((node, VOID.property, move(predicate)))
        g.add((node, VOID.triples, Literal(count, datatype=XSD.integer)))


def _sdg_linksets(g: Graph, iris: Iris, void: URIRef, census: VoidCensus, move: Mover) -> None:
    """A linkset per predicate that links our resources to the UN SDG vocabulary."""
    g.add((SDG_VOID, RDF.type, VOID.Dataset))
    g.add((SDG_VOID, FOAF.homepage, SDG_SCHEME))
    g.add((SDG_VOID, RDFS.label, Literal("UN SDG Knowledge Organization System", lang="en")))
    for predicate, count in sorted(census.links.items()):
        node = iris.linkset(f"sdg-{_local(str(predicate))}")
        g.add((void, VOID.subset, node))
        g.add((node, RDF.type, VOID.Linkset))
        g.add((node, VOID.subjectsTarget, void))
        g.add((node, VOID.objectsTarget, SDG_VOID))
        g.add((node, VOID.linkPredicate, move(predicate)))
        g.add((node, VOID.triples, Literal(count, datatype=XSD.integer)))
        add_texts(g, node, RDFS.label, f"UN SDG語彙へのリンク（{_local(str(predicate))}）",
                  f"Links to the UN SDG vocabulary ({_local(str(predicate))})")  # fmt: skip


def _local(iri: str) -> str:
    for separator in ("#", "/"):
        if separator in iri.rstrip("/#"):
            return iri.rstrip("/#").rsplit(separator, 1)[-1]
    return iri


def _namespace_of(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _partition_key(g: Graph, iri: Node) -> str:
    """A readable, stable key for a partition IRI: prefix-local name (``kyodo-Project``)."""
    try:
        prefix, _, local = g.namespace_manager.compute_qname(str(iri), generate=False)
        return f"{prefix}-{local}"
    except (KeyError, ValueError):
        return hashlib.sha1(str(iri).encode()).hexdigest()[:12]
