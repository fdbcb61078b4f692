"""The document of one resource from the two DESCRIBE queries, on a real in-memory pyoxigraph
store: own triples, labels of what it links to, one page of inbound links with their labels."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kyodo_lod.dist import CATALOG, TRIG
from kyodo_lod.store.describe import describe_by_patterns, describe_triples

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DEPT = "urn:ex:dept"
DATA = f"""
<{DEPT}> <{LABEL}> "政策課"@ja <urn:ex:g> .
<{DEPT}> <urn:ex:partOf> <urn:ex:city> <urn:ex:g> .
<urn:ex:city> <{LABEL}> "架空市"@ja <urn:ex:g> .
<urn:ex:city> <urn:ex:population> "1000" <urn:ex:g> .
<urn:ex:Class> <{TYPE}> <{DEPT}> <urn:ex:g> .
""" + "".join(
    f"<urn:ex:p{i}> <urn:ex:dept> <{DEPT}> <urn:ex:g> .\n"
    f'<urn:ex:p{i}> <{LABEL}> "事業{i}"@ja <urn:ex:g> .\n'
    for i in range(1, 5)
)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.load(DATA.encode(), format=ox.RdfFormat.N_QUADS)
    return s


def document(store: ox.Store, limit: int, offset: int) -> set[tuple[str, str, str]]:
    found = describe_triples(
        lambda q: store.query(q, use_default_graph_as_union=True), DEPT, limit, offset, 1000
    )
    return {(t.subject.value, t.predicate.value, t.object.value) for t in found}


def test_own_triples_and_labels_of_what_it_links_to(store: ox.Store) -> None:
    doc = document(store, 100, 0)
    assert (DEPT, LABEL, "政策課") in doc and (DEPT, "urn:ex:partOf", "urn:ex:city") in doc
    assert ("urn:ex:city", LABEL, "架空市") in doc
    assert ("urn:ex:city", "urn:ex:population", "1000") not in doc  # a label, not a document


def test_one_page_of_inbound_links_with_their_labels(store: ox.Store) -> None:
    first, second = document(store, 3, 0), document(store, 3, 3)
    inbound = {s for s, p, o in first | second if o == DEPT}
    assert inbound == {f"urn:ex:p{i}" for i in range(1, 5)}  # rdf:type is not an inbound link
    assert {s for s, p, o in first if o == DEPT} == {"urn:ex:p1", "urn:ex:p2", "urn:ex:p3"}
    assert ("urn:ex:p4", LABEL, "事業4") in second and ("urn:ex:p4", LABEL, "事業4") not in first


# ---------------------------------------------------------- by index lookups, on the real build


@pytest.fixture(scope="module")
def build_store(dist: Path) -> ox.Store:
    s = ox.Store()
    s.load(path=str(dist / TRIG), format=ox.RdfFormat.TRIG)
    s.load(
        path=str(dist / CATALOG),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode("urn:x-test:catalog"),
    )
    return s


def by_sparql(data: ox.Store, iri: str, limit: int, offset: int) -> set[ox.Triple]:
    run = lambda q: data.query(q, use_default_graph_as_union=True)  # noqa: E731
    return set(describe_triples(run, iri, limit, offset, 1_000_000))


def by_patterns(data: ox.Store, iri: str, limit: int, offset: int) -> set[ox.Triple]:
    found = describe_by_patterns(data, iri, limit, offset, max_inbound=1_000_000)
    assert found is not None
    assert len(found) == len(set(found))  # no triple twice
    return set(found)


def test_every_resource_has_the_same_document_both_ways(build_store: ox.Store) -> None:
    iris = sorted(
        {q.subject.value for q in build_store if isinstance(q.subject, ox.NamedNode)}
        | {q.object.value for q in build_store if isinstance(q.object, ox.NamedNode)}
    )
    assert len(iris) > 1000  # the whole build: projects, KPIs, departments, SDG, catalogue
    differ = [
        i for i in iris if by_sparql(build_store, i, 100, 0) != by_patterns(build_store, i, 100, 0)
    ]
    assert differ == []


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_pages_of_inbound_links_are_the_same_both_ways(build_store: ox.Store, limit: int) -> None:
    # the resources with the most inbound links, every page of them
    counts: dict[str, int] = {}
    for q in build_store:
        if isinstance(q.object, ox.NamedNode):
            counts[q.object.value] = counts.get(q.object.value, 0) + 1
    hubs = sorted(counts, key=lambda i: (-counts[i], i))[:5]
    for iri in hubs:
        # (every page for the larger pages; the first 30 one-link pages)
        for offset in range(0, min(counts[iri], 30 * limit, 400) + limit, limit):
            assert by_sparql(build_store, iri, limit, offset) == by_patterns(
                build_store, iri, limit, offset
            )


def test_a_hub_is_left_to_sparql(build_store: ox.Store) -> None:
    kyodo_project = "https://kyodo-lod.example/def/kyodo#Project"  # every project's type
    assert describe_by_patterns(build_store, kyodo_project, 100, 0, max_inbound=50) is None
    assert describe_by_patterns(build_store, kyodo_project, 100, 0, max_inbound=100_000) is not None
