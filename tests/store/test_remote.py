"""RemoteStore against a real Oxigraph server holding the build: the same answers as the
embedded store, rows cut and flagged, errors mapped, our own deadline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kyodo_lod.store import (
    AskResult,
    GraphResult,
    OxigraphStore,
    QuerySyntaxError,
    QueryTimeout,
    RemoteStore,
    SelectResult,
    Serialized,
    StoreError,
)

from .oxigraph_server import BASE, CATALOG_GRAPH

KYODO = BASE + "def/kyodo#"


@pytest.fixture(scope="module")
def remote(oxigraph: str) -> RemoteStore:
    store = RemoteStore(oxigraph, timeout_s=10, max_rows=50)
    store.load()
    return store


@pytest.fixture(scope="module")
def embedded(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    store = OxigraphStore(
        dist,
        workers=1,
        max_rows=50,
        catalog_graph=CATALOG_GRAPH,
        cache_dir=tmp_path_factory.mktemp("stores"),
    )
    yield store
    store.close()


def test_named_graphs_and_the_union(remote: RemoteStore, embedded: OxigraphStore) -> None:
    assert remote.graph_names() == embedded.graph_names()
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a <{KYODO}Project> }}"
    assert remote.query(count) == embedded.query(count)
    # the whole union, every graph included (Oxigraph's default graph is empty here)
    every = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert remote.query(every) == embedded.query(every)
    sdg = BASE + "graph/sdg"
    ask = f"ASK {{ ?p a <{KYODO}Project> }}"
    assert remote.query(ask, default_graphs=[sdg]) == AskResult(False)
    # a query's own FROM is left alone
    own = f"ASK FROM <{sdg}> {{ ?p a <{KYODO}Project> }}"
    assert remote.query(own) == embedded.query(own) == AskResult(False)


def test_describe_gives_the_same_document(remote: RemoteStore, embedded: OxigraphStore) -> None:
    row = embedded.query(f"SELECT ?p WHERE {{ ?p a <{KYODO}Project> }} ORDER BY ?p LIMIT 1")
    assert isinstance(row, SelectResult)
    iri = row.rows[0][0].value  # type: ignore[union-attr]
    mine, theirs = embedded.describe(iri), remote.describe(iri)
    assert isinstance(mine, GraphResult) and isinstance(theirs, GraphResult)
    assert len(theirs.triples) > 10 and set(theirs.triples) == set(mine.triples)
    ttl = remote.describe(iri, result_format="ttl")
    assert isinstance(ttl, Serialized)
    assert ttl.body == embedded.describe(iri, result_format="ttl").body  # type: ignore[union-attr]


def test_rows_cut_and_flagged_and_errors_mapped(remote: RemoteStore) -> None:
    result = remote.query("SELECT * WHERE { ?s ?p ?o }")
    assert isinstance(result, SelectResult) and len(result.rows) == 50 and result.truncated
    csv = remote.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", result_format="csv")
    assert isinstance(csv, Serialized) and len(csv.body.decode().splitlines()) == 4
    with pytest.raises(QuerySyntaxError):
        remote.query("SELEKT * WHERE { ?s ?p ?o }")


def test_our_deadline_holds(remote: RemoteStore) -> None:
    # a cross join that takes Oxigraph seconds (and then ends by itself)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . FILTER(?c != ?f) }"
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        remote.query(slow, timeout_s=0.5)
    assert time.monotonic() - started < 1.5
    assert remote.query("ASK { ?s ?p ?o }") == AskResult(True)


def test_not_an_endpoint_url() -> None:
    with pytest.raises(StoreError, match="store 'oxigraph:/x' is not an http"):
        RemoteStore("oxigraph:/x")
