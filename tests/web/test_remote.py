"""Our server started with KYODO_STORE=<the query endpoint of a real Oxigraph server holding the
build> answers as the server on the embedded store does (RemoteStore itself: tests/store)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from tests.store.oxigraph_server import BASE, needs_oxigraph, oxigraph_server

from .conftest import KYODO, LiveServer, start_server, stop_server

pytestmark = needs_oxigraph


@pytest.fixture(scope="module")
def remote_live(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with oxigraph_server(dist, tmp_path_factory.mktemp("oxigraph")) as oxigraph:
        server = start_server(dist, tmp_path_factory.mktemp("remote"), KYODO_STORE=oxigraph)
        yield server
        stop_server(server)


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
