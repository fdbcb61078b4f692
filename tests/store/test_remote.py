"""RemoteStore against each real engine holding the build (Oxigraph server, Virtuoso): the same
answers as the embedded store, none of the engine's own graphs, rows cut and flagged, errors
mapped, our own deadline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kyodo_lod.config import Settings
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
    build_graphs,
)

from .oxigraph_server import BASE, CATALOG_GRAPH

KYODO = BASE + "def/kyodo#"


@pytest.fixture(scope="module")
def remote(engine: tuple[str, str], dist: Path, settings: Settings) -> RemoteStore:
    name, url = engine
    if name == "oxigraph":  # the graphs found in the engine, by their names' prefix
        store = RemoteStore(url, timeout_s=10, max_rows=50, graph_prefix=BASE + "graph/")
    else:  # the build's graphs, as the server names them (build.json and the catalogue)
        store = RemoteStore(url, timeout_s=10, max_rows=50, graphs=build_graphs(dist, settings))
    store.load()
    assert store.virtuoso is (name == "virtuoso")
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


def same(theirs: object, mine: object) -> bool:
    """The same rows in any order (a query without ORDER BY has none)."""
    assert isinstance(theirs, SelectResult) and isinstance(mine, SelectResult)
    return theirs.variables == mine.variables and sorted(map(str, theirs.rows)) == sorted(
        map(str, mine.rows)
    )


def test_the_engines_own_graphs_never_show(remote: RemoteStore, embedded: OxigraphStore) -> None:
    # Virtuoso holds its system graphs (about 2,500 triples in 4 graphs) beside ours
    for query in (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT ?s WHERE { ?s a <http://www.openlinksw.com/schemas/virtrdf#QuadMapFormat> }",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",  # (Virtuoso: one unbound row)
    ):
        assert same(remote.query(query), embedded.query(query)), query
    # a dataset named in part: the half left out is empty, as SPARQL (and the embedded) says
    sdg = BASE + "graph/sdg"
    for query in (
        f"SELECT DISTINCT ?g FROM <{sdg}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT (COUNT(*) AS ?n) FROM NAMED <{sdg}> WHERE {{ ?s ?p ?o }}",
        f"PREFIX g: <{BASE}graph/> SELECT DISTINCT ?g FROM NAMED g:sdg "
        "{ GRAPH ?g { ?s ?p ?o } }",
    ):
        assert same(remote.query(query), embedded.query(query)), query
    # the request's dataset: the half left out is the build's (the embedded store's reading)
    listing = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    mine = embedded.query(listing, default_graphs=[sdg])
    assert same(remote.query(listing, default_graphs=[sdg]), mine)


def test_describe_queries_give_the_embedded_stores_answer(
    remote: RemoteStore, embedded: OxigraphStore
) -> None:
    # (Virtuoso's own DESCRIBE gives a sample of both directions: the store asks it for CBD)
    row = embedded.query(f"SELECT ?p WHERE {{ ?p a <{KYODO}Project> }} ORDER BY ?p LIMIT 1")
    assert isinstance(row, SelectResult)
    iri = row.rows[0][0].value  # type: ignore[union-attr]
    query = f"PREFIX k: <{KYODO}> DESCRIBE <{iri}>"
    mine, theirs = embedded.query(query), remote.query(query)
    assert isinstance(mine, GraphResult) and isinstance(theirs, GraphResult)
    assert len(mine.triples) > 5 and set(theirs.triples) == set(mine.triples)
    nt = remote.query(query, result_format="nt")
    assert nt == embedded.query(query, result_format="nt")


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


def test_an_engine_without_the_builds_graphs_is_refused(engine: tuple[str, str]) -> None:
    # (a front end started for a build not yet loaded into the engine must not serve)
    store = RemoteStore(engine[1], graphs=[BASE + "graph/asserted", BASE + "graph/next"])
    with pytest.raises(StoreError, match=r"lacks the build's graph\(s\) .*graph/next: load"):
        store.load()
