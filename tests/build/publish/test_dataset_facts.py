"""What the catalogue says of each dataset, read from publish's store by SPARQL as by walking a
plain graph: the same facts."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef

from kyodo_lod.build.publish.dataset_facts import (
    DatasetFacts,
    kyodo_namespace,
    mover,
    read_datasets,
)
from kyodo_lod.build.publish.union import GraphUnion, lossless_store
from kyodo_lod.rdf.iris import SDG_BASE, Iris
from kyodo_lod.rdf.ntriples import SortedTriples
from kyodo_lod.rdf.turtle import Prefixes

# plain namespaces: pytest's collector trips over rdflib's DefinedNamespace at module level
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def _datasets_both_ways(data: Graph, path: Path) -> tuple[list[DatasetFacts], list[DatasetFacts]]:
    path.write_text("".join(SortedTriples.of(data).lines()), encoding="utf-8")
    stored = GraphUnion.of_store(lossless_store(path), Prefixes({}))
    kyodo = kyodo_namespace(data)
    assert kyodo_namespace(stored.graph) == kyodo
    move = mover(kyodo, Iris("https://elsewhere.example/"))  # rebased: IRIs move
    return read_datasets(stored, kyodo, move), read_datasets(GraphUnion(data), kyodo, move)


def test_datasets_in_the_store_as_by_walking(union: Graph, build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # the publish store is read with SPARQL, a plain graph by walking it: the same datasets
    in_store, walked = _datasets_both_ways(union, tmp_path / "union.nt")
    assert in_store == walked
    assert len(walked) == len(build.plans)
    assert all(plan.projects and plan.goals for plan in walked)


def test_datasets_in_the_store_as_by_walking_odd_data(tmp_path: Path) -> None:
    kyodo = Namespace("https://kyodo-lod.example/def/kyodo#")
    ids = "https://kyodo-lod.example/id/"
    data = Graph()

    def plan(key: str, year: str) -> URIRef:
        node = URIRef(f"{ids}500003/plan/{key}/{year}")
        data.add((node, RDF.type, kyodo.ImplementationPlan))
        data.add((node, DCTERMS.publisher, URIRef(f"{ids}500003")))
        data.add((node, kyodo.fiscalYear, Literal(year, datatype=XSD.gYear)))
        data.add((node, kyodo.implementsPlan, URIRef(f"{ids}500003/plan/{key}")))
        data.add((node, DCTERMS.title, Literal(f"計画 {year}", lang="ja")))
        return node

    data.add((URIRef(f"{ids}500003"), kyodo.localGovernmentCode, Literal("500003")))
    data.add((URIRef(f"{ids}500003"), RDFS_LABEL, Literal("市", lang="ja")))
    numbered, listed_only, untyped = plan("a", "2025"), plan("a", "2024"), URIRef(f"{ids}x")
    for i, (in_plan, targets) in enumerate(
        [
            (numbered, [URIRef(f"{SDG_BASE}3.4"), URIRef(f"{SDG_BASE}3.5")]),
            (numbered, [URIRef(f"{SDG_BASE}11"), Literal(f"{SDG_BASE}7.1")]),  # no dot; a literal
            (numbered, [URIRef("urn:other:3.4"), Literal("12.1")]),  # neither is an SDG IRI
            (listed_only, [URIRef(f"{SDG_BASE}5.1")]),
            (untyped, [URIRef(f"{SDG_BASE}6.1")]),
        ]
    ):
        project = URIRef(f"{ids}500003/project/{i}")
        data.add((project, kyodo.inPlan, in_plan))
        if in_plan != listed_only:
            data.add((project, kyodo.projectNumber, Literal(i, datatype=XSD.integer)))
        for target in targets:
            data.add((project, kyodo.sdgTarget, target))
    in_store, walked = _datasets_both_ways(data, tmp_path / "odd.nt")
    assert in_store == walked
    [only] = walked
    assert str(only.plan).endswith("/plan/a/2025") and only.plan.startswith("https://elsewhere")
    assert (only.goals, len(only.projects), only.fiscal_year) == ((3, 7, 11), 3, 2025)


RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
