"""The document of one resource from the two DESCRIBE queries, on a real in-memory pyoxigraph
store: own triples, labels of what it links to, one page of inbound links with their labels."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kyodo_lod.store.describe import describe_triples

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
