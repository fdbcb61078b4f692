"""Documents beyond the data: named graphs, the SHACL shapes (rebased with the base IRI), and the
cache of finished documents."""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH, VOID, XSD

from kyodo_lod.config import Settings
from kyodo_lod.rdf.graphs import rebase
from kyodo_lod.store import OxigraphStore, StoreError, open_store
from kyodo_lod.web import create_app

from .conftest import LiveServer

BASE = "https://kyodo-lod.example/"
OTHER = "http://data.example.org/lod/"


@pytest.mark.parametrize("name", ["asserted", "inferred", "ontology", "sdg", "catalog"])
def test_named_graphs_dereference(live: LiveServer, name: str) -> None:
    iri = URIRef(BASE + "graph/" + name)
    response = live.get(f"/graph/{name}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.content, format="turtle")
    triples = graph.value(iri, VOID.triples)
    counted = live.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
    assert triples is not None and int(triples) == int(counted[0]["n"]) > 0
    assert graph.value(iri, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    dump = graph.value(iri, VOID.dataDump)
    assert dump is not None and live.get(str(dump).replace(BASE, "/")).status_code == 200
    html = live.get(f"/graph/{name}", headers={"Accept": "text/html"})
    assert 'data-count="triples"' in html.text and 'href="/sparql' in html.text
    assert (
        live.get(f"/graph/{name}.jsonld").headers["Content-Type"].startswith("application/ld+json")
    )


def test_unknown_graph_is_404(live: LiveServer) -> None:
    assert live.get("/graph/private").status_code == 404
    assert live.get("/graph/asserted.pdf").status_code == 404


def test_shapes_served_where_the_catalogue_links_them(live: LiveServer) -> None:
    catalogue = Graph().parse(
        data=live.get("/catalog", headers={"Accept": "text/turtle"}).content, format="turtle"
    )
    shapes = URIRef(BASE + "def/kyodo/shapes")
    assert (None, None, shapes) in catalogue
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        response = live.get("/def/kyodo/shapes", headers={"Accept": accept})
        assert response.status_code == 200
        graph = Graph().parse(data=response.content, format=fmt)
        assert (None, SH.targetClass, URIRef(BASE + "def/kyodo#Project")) in graph
    html = live.get("/def/kyodo/shapes", headers={"Accept": "text/html"}).text
    assert 'href="/def/kyodo#Project"' in html


def test_rebase_moves_iris_written_as_literals() -> None:
    g = Graph()
    node = URIRef(BASE + "def/shapes/core")
    g.add((node, SH.namespace, Literal(BASE + "def/kyodo#", datatype=XSD.anyURI)))
    g.add((node, SH.namespace, Literal("https://schema.org/", datatype=XSD.anyURI)))
    g.add((node, SH.message, Literal(BASE + "def/kyodo# stays: plain text")))
    moved = rebase(g, OTHER)
    subject = URIRef(OTHER + "def/shapes/core")
    assert set(moved.objects(subject, SH.namespace)) == {
        Literal(OTHER + "def/kyodo#", datatype=XSD.anyURI),
        Literal("https://schema.org/", datatype=XSD.anyURI),
    }
    assert moved.value(subject, SH.message) == Literal(BASE + "def/kyodo# stays: plain text")


@pytest.fixture(scope="module")
def store(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    s = OxigraphStore(dist, workers=1, cache_dir=tmp_path_factory.mktemp("stores"))
    yield s
    s.close()


def test_shapes_rebased_under_another_base(dist: Path, store: OxigraphStore) -> None:
    app = create_app(Settings.from_env({}, dist_dir=dist, base_iri=OTHER), store)
    response = app.test_client().get("/def/kyodo/shapes.ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    # no IRI left under the old base, sh:namespace literals included (messages are prose)
    stale = [
        term
        for triple in graph
        for term in triple
        if (isinstance(term, URIRef) or getattr(term, "datatype", None) == XSD.anyURI)
        and str(term).startswith(BASE)
    ]
    assert not stale, stale[:5]
    assert (None, SH.targetClass, URIRef(OTHER + "def/kyodo#Project")) in graph
    assert (None, SH.namespace, Literal(OTHER + "def/kyodo#", datatype=XSD.anyURI)) in graph


def test_shapes_come_from_the_build(dist: Path, store: OxigraphStore, tmp_path: Path) -> None:
    # dist/shapes.ttl, not the shapes folder (the server needs no copy of shapes/)
    app = create_app(Settings.from_env({}, dist_dir=dist, shapes_dir=tmp_path / "none"), store)
    client = app.test_client()
    served = Graph().parse(data=client.get("/def/kyodo/shapes.ttl").get_data(), format="turtle")
    document = URIRef(BASE + "def/kyodo/shapes")
    assert (document, None, None) in served
    served.remove((document, None, None))  # the document's own description
    assert isomorphic(served, Graph().parse(dist / "shapes.ttl", format="turtle"))
    with client.get("/dumps/shapes.ttl") as dump:
        assert dump.status_code == 200 and dump.headers["Content-Type"].startswith("text/turtle")
        assert dump.get_data() == (dist / "shapes.ttl").read_bytes()
    # a build without shapes.ttl has no shapes to serve
    older = tmp_path / "dist"
    shutil.copytree(dist, older, ignore=shutil.ignore_patterns("shapes.ttl"))
    app = create_app(Settings.from_env({}, dist_dir=older), store)
    assert app.test_client().get("/def/kyodo/shapes.ttl").status_code == 404


def test_documents_are_made_once(dist: Path, store: OxigraphStore) -> None:
    app = create_app(Settings.from_env({}, dist_dir=dist), store)
    state = app.extensions["kyodo"]
    client = app.test_client()
    path = "/doc/072036"
    first = client.get(path, headers={"Accept": "text/html", "Accept-Language": "en"})
    misses = state.responses.misses
    again = client.get(path, headers={"Accept": "text/html", "Accept-Language": "en"})
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    assert state.responses.misses == misses and state.responses.hits >= 1
    # another language or format is another document
    japanese = client.get(path, headers={"Accept": "text/html", "Accept-Language": "ja"})
    assert '<html lang="ja">' in japanese.get_data(as_text=True)
    assert client.get(path + ".ttl").headers["Content-Type"].startswith("text/turtle")
    assert state.responses.misses == misses + 2
    # switched off, every request makes its document again
    cold = create_app(
        Settings.from_env({}, dist_dir=dist, response_cache_mb=0, page_store_mb=0), store
    )
    cold_client = cold.test_client()
    for _ in range(2):
        assert cold_client.get(path + ".ttl").status_code == 200
    assert cold.extensions["kyodo"].responses.hits == 0


# ---------------------------------------------------------------- made in the page workers

DOCUMENTS = [
    "/doc/072036/plan/kyodo2/2025/project/12",  # a project page: KPIs, targets, related
    "/doc/072036/plan/kyodo2/2025/project/12/kpi/1",
    "/doc/072036/org/市民部/ダイバーシティ推進課",  # a department, by its Japanese path
    "/doc/072036/plan/kyodo2/policy/2",
    "/doc/072036",
    "/doc/category/continued",  # a hub: every continued project links to it
    "/doc/072036/plan/kyodo2/2025/nothing",  # not published: 404 both ways
]


def test_page_workers_make_the_same_documents_as_the_web_process(
    dist: Path, live: LiveServer
) -> None:
    # the live server (server.py) makes documents in its page workers; an app over a store
    # opened as server.py opens it, but without page jobs, makes them in process: the bytes
    # must not tell them apart
    settings = Settings.from_env({}, dist_dir=dist, response_cache_mb=0, page_store_mb=0)
    store = open_store(settings)
    assert isinstance(store, OxigraphStore) and not store.pages_in_workers
    try:
        _same_documents(create_app(settings, store), live)
    finally:
        store.close()


def _same_documents(in_process: Flask, live: LiveServer) -> None:
    client = in_process.test_client(use_cookies=False)  # (as live.get: no cookie kept)
    made = 0
    for path in DOCUMENTS:
        for query, headers in (
            ("", {"Accept": "text/html", "Accept-Language": "ja"}),
            ("?lang=en", {"Accept": "text/html"}),
            ("?page=2", {"Accept": "text/html"}),
            ("", {"Accept": "text/turtle"}),
            ("", {"Accept": "application/ld+json"}),
            ("", {"Accept": "application/n-triples"}),
        ):
            here = client.get(path + query, headers=headers)
            there = live.get(path + query, headers=headers)
            assert there.status_code == here.status_code, path + query
            assert there.content == here.get_data(), path + query
            assert there.headers.get("Link") == here.headers.get("Link")
            made += here.status_code == 200
    assert made == 6 * 6  # every published document in every variant; the unpublished: 404


def test_a_page_job_runs_in_a_worker_process(dist: Path, tmp_path: Path) -> None:
    from functools import partial

    from kyodo_lod.web.page_worker import page_jobs

    settings = Settings.from_env({}, dist_dir=dist)
    with_jobs = OxigraphStore(
        dist, workers=1, page_workers=1, cache_dir=tmp_path, page_jobs=partial(page_jobs, settings)
    )
    try:
        assert with_jobs.pages_in_workers
        job = {
            "iri": BASE + "id/072036/plan/kyodo2/2025/project/12",
            "format": "html",
            "lang": "en",
            "doc_path": "/doc/072036/plan/kyodo2/2025/project/12",
            "page": 1,
            "path": "/doc/072036/plan/kyodo2/2025/project/12",
            "query": "",
        }
        status, body, has_next = with_jobs.run_job(job)
        assert status == "ok" and has_next is False
        assert b'<html lang="en">' in body and b"KPI" in body
        missing = with_jobs.run_job({**job, "iri": BASE + "id/072036/none", "path": "/doc/x"})
        assert missing[0] == "notfound" and "072036/none" in missing[1]
        # a worker that dies mid-job is replaced; the next job is answered
        pid = with_jobs.worker_pids("site")[0]
        os.kill(pid, signal.SIGKILL)
        for _ in range(50):
            try:
                assert with_jobs.run_job(job)[0] == "ok"
                break
            except StoreError:
                time.sleep(0.1)
        else:
            raise AssertionError("no page worker came back")
        assert pid not in with_jobs.worker_pids("site")
    finally:
        with_jobs.close()
