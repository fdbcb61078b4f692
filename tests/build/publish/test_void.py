"""VoID: the census of the union, in publish's store as by walking a graph, and the VoID
description in dist/catalog.ttl, counted from the data."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef

from kyodo_lod.build.publish import dcat_vocabulary as vocabulary
from kyodo_lod.build.publish.union import GraphUnion, lossless_store
from kyodo_lod.build.publish.void import census_by_walking, void_census
from kyodo_lod.rdf.iris import SDG_BASE, Iris
from kyodo_lod.rdf.ntriples import SortedTriples
from kyodo_lod.rdf.turtle import Prefixes

from .conftest import DUMP_FILES

# plain namespaces: pytest's collector trips over rdflib's DefinedNamespace at module level
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def test_void_counts_are_computed_from_the_data(cat: Graph, union: Graph, iris: Iris) -> None:
    void = iris.void_dataset()
    assert cat.value(void, VOID.triples).toPython() == len(union)
    assert cat.value(void, VOID.properties).toPython() == len(set(union.predicates()))
    classes = set(union.objects(None, RDF.type))
    assert cat.value(void, VOID.classes).toPython() == len(classes)
    entities = {s for s in union.subjects() if isinstance(s, URIRef)}
    assert cat.value(void, VOID.entities).toPython() == len(entities)
    partitions = list(cat.objects(void, VOID.propertyPartition))
    assert sum(cat.value(p, VOID.triples).toPython() for p in partitions) == len(union)
    assert len(list(cat.objects(void, VOID.classPartition))) == len(classes)
    assert cat.value(void, VOID.sparqlEndpoint) == iris.sparql_endpoint()
    assert set(cat.objects(void, VOID.dataDump)) == {
        iris.dump(n) for n in DUMP_FILES if n.startswith("kyodo-lod")
    }
    assert list(cat.objects(void, VOID.exampleResource))
    assert iris.ontology() in set(cat.objects(void, VOID.vocabulary)) or any(
        str(v).startswith(str(iris.ontology())) for v in cat.objects(void, VOID.vocabulary)
    )


def test_void_linkset_counts_links_to_the_sdg_vocabulary(
    cat: Graph,
    union: Graph,
    build,
    iris: Iris,  # type: ignore[no-untyped-def]
) -> None:
    linksets = list(cat.subjects(RDF.type, VOID.Linkset))
    assert linksets
    ours = f"{iris.base}id/"
    for linkset in linksets:
        predicate = cat.value(linkset, VOID.linkPredicate)
        expected = sum(
            1
            for s, _, o in union.triples((None, predicate, None))
            if str(s).startswith(ours) and str(o).startswith(SDG_BASE)
        )
        assert cat.value(linkset, VOID.triples).toPython() == expected > 0
        assert cat.value(linkset, VOID.objectsTarget) == vocabulary.SDG_VOID
    # the asserted project→target links are all counted
    target_links = sum(len(p.sdg_targets) for plan in build.plans for p in plan.projects)
    by_predicate = {str(cat.value(ls, VOID.linkPredicate)): ls for ls in linksets}
    sdg_target = next(k for k in by_predicate if k.endswith("#sdgTarget"))
    assert cat.value(by_predicate[sdg_target], VOID.triples).toPython() == target_links


def test_void_counts_in_the_store_as_rdflib_counts(union: Graph, tmp_path: Path) -> None:
    # the publish store is counted with SPARQL, a plain graph by walking it: same numbers,
    # also where rdflib makes one term of two lexical forms ("0012" and "12" as xsd:integer)
    ours = "https://kyodo-lod.example/id/"
    path = tmp_path / "union.nt"
    path.write_text("".join(SortedTriples.of(union).lines()), encoding="utf-8")
    stored = GraphUnion.of_store(lossless_store(path), Prefixes({}))
    assert void_census(stored, ours) == census_by_walking(stored.graph, ours)
    assert void_census(stored, ours) == void_census(GraphUnion(union), ours)

    odd = tmp_path / "odd.nt"
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    odd.write_text(
        f'<{ours}a> <urn:p> "0012"^^{integer} .\n'
        f'<{ours}a> <urn:p> "12"^^{integer} .\n'
        f'<{ours}a> <urn:p> "12" .\n'
        f'<{ours}a> <{RDF.type}> "01"^^{integer} .\n'
        f'<{ours}b> <{RDF.type}> "1"^^{integer} .\n'
        f"<{ours}b> <{RDF.type}> <urn:C> .\n"
        f"<{ours}b> <urn:q> <{SDG_BASE}1> .\n"
        f"<urn:x> <urn:q> <{SDG_BASE}1> .\n",
        encoding="utf-8",
    )
    stored = GraphUnion.of_store(lossless_store(odd), Prefixes({}))
    census = void_census(stored, ours)
    assert census == census_by_walking(stored.graph, ours)
    assert census.objects == 5  # 12, "12", 1, urn:C and the SDG goal
    assert census.classes == {Literal("1", datatype=XSD.integer): 2, URIRef("urn:C"): 1}
    assert census.links == {URIRef("urn:q"): 1}
