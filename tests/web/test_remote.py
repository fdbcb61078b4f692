"""The remote store against a real Oxigraph server (the ``oxigraph`` CLI from PyPI): the build
loaded through its Graph Store endpoint, then queried by RemoteStore and by our server started
with KYODO_STORE=<its query endpoint>."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef

from kyodo_lod.store import (
    AskResult,
    GraphResult,
    OxigraphStore,
    QuerySyntaxError,
    QueryTimeout,
    RemoteStore,
    SelectResult,
    Serialized,
)

from ..tools import OXIGRAPH as OXIGRAPH_TOOL
from ..tools import OXIGRAPH_PATH, needs
from .conftest import KYODO, LiveServer, _free_port, start_server, stop_server

OXIGRAPH = str(OXIGRAPH_PATH)
BASE = "https://kyodo-lod.example/"
CATALOG_GRAPH = BASE + "graph/catalog"

pytestmark = needs(OXIGRAPH_TOOL)


@pytest.fixture(scope="module")
def oxigraph(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on a loopback port holding the build; yields its query URL."""
    folder = tmp_path_factory.mktemp("oxigraph")
    port = _free_port()
    log = (folder / "oxigraph.log").open("wb")
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(url + "/query", params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(
                    "oxigraph did not start:\n" + (folder / "oxigraph.log").read_text()
                )
            time.sleep(0.2)
        # the SPARQL 1.1 Graph Store Protocol: the dataset, then the catalogue as its graph
        requests.post(
            url + "/store",
            data=(dist / "kyodo-lod.trig").read_bytes(),
            headers={"Content-Type": "application/trig"},
            timeout=120,
        ).raise_for_status()
        requests.post(
            url + "/store",
            params={"graph": CATALOG_GRAPH},
            data=(dist / "catalog.ttl").read_bytes(),
            headers={"Content-Type": "text/turtle"},
            timeout=120,
        ).raise_for_status()
        yield url + "/query"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


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


@pytest.fixture(scope="module")
def remote_live(
    oxigraph: str, dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    server = start_server(dist, tmp_path_factory.mktemp("remote"), KYODO_STORE=oxigraph)
    yield server
    stop_server(server)


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


def test_server_on_a_remote_store(remote_live: LiveServer, live: LiveServer) -> None:
    query = f"SELECT ?p WHERE {{ ?p a <{KYODO}Project> ; <{KYODO}hasKPI> ?k }} ORDER BY ?p LIMIT 1"
    rows = remote_live.select(query)
    assert rows == live.select(query)
    project = rows[0]["p"]
    path = project.replace(BASE + "id/", "/id/")
    # 303 and negotiation
    redirect = remote_live.get(path, headers={"Accept": "text/turtle"})
    assert redirect.status_code == 303
    assert redirect.headers["Location"].endswith(path.replace("/id/", "/doc/"))
    turtle = remote_live.get(path, headers={"Accept": "text/turtle"}, allow_redirects=True)
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.content, format="turtle")
    assert (URIRef(project), None, None) in graph
    # the project page, as people see it
    page = remote_live.get(path, headers={"Accept": "text/html"}, allow_redirects=True)
    assert page.status_code == 200 and 'class="kpis"' in page.text
    mine = live.get(path, headers={"Accept": "text/html"}, allow_redirects=True)
    assert page.text == mine.text
    assert remote_live.get("/graph/catalog.ttl").status_code == 200
