"""The server's battery on each real remote engine: our server started with
KYODO_STORE=<the SPARQL endpoint of Oxigraph server, then of Virtuoso, each holding the build>
answers as the server on the embedded store does (``live``), byte for byte: the SPARQL protocol
(and its ETags), content negotiation and documents, the pages, the catalogue, the comparison,
and the limits (on a strict server per engine). RemoteStore itself: tests/store.

Representative checks per engine rather than every web test again: each family of URLs is
asked, and its answer compared whole with the embedded server's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.store.conftest import ENGINES
from tests.store.oxigraph_server import BASE, oxigraph_server
from tests.tools import OXIGRAPH, require

from .conftest import KYODO, LiveServer, start_server, stop_server

PROJECT = f"SELECT ?p WHERE {{ ?p a <{KYODO}Project> ; <{KYODO}hasKPI> ?k }} ORDER BY ?p LIMIT 1"


@pytest.fixture(scope="module", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Each real engine in turn holding the build: its SPARQL endpoint URL."""
    if request.param == "virtuoso":
        yield request.getfixturevalue("virtuoso").url
        return
    require(OXIGRAPH)  # a skip with how to get it; an error when CI=true
    with oxigraph_server(dist, tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="module")
def remote_live(
    engine: str, dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    server = start_server(dist, tmp_path_factory.mktemp("remote"), KYODO_STORE=engine)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def remote_strict(
    engine: str, dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """As ``strict_live``, on the engine: 2 s per query, 5 result rows."""
    server = start_server(
        dist,
        tmp_path_factory.mktemp("remote-strict"),
        KYODO_STORE=engine,
        KYODO_QUERY_TIMEOUT_S="2",
        KYODO_MAX_RESULT_ROWS="5",
    )
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def project_path(live: LiveServer) -> str:
    return live.select(PROJECT)[0]["p"].replace(BASE + "id/", "/id/")


def same_answer(theirs: requests.Response, mine: requests.Response) -> None:
    """The same status, media type and bytes (each server's own address aside: the sitemap
    names it)."""
    assert theirs.status_code == mine.status_code, theirs.text[:500]
    assert theirs.headers.get("Content-Type") == mine.headers.get("Content-Type")
    if _own_address_out(theirs) != _own_address_out(mine):  # the lines that differ, readable
        import difflib

        a = _own_address_out(theirs).decode("utf-8", "replace").splitlines()
        b = _own_address_out(mine).decode("utf-8", "replace").splitlines()
        raise AssertionError(theirs.url + "\n" + "\n".join(difflib.unified_diff(a, b, lineterm="")))


def _own_address_out(response: requests.Response) -> bytes:
    own = "/".join(response.url.split("/")[:3]).encode()
    return response.content.replace(own, b"http://SERVER")


def test_protocol(remote_live: LiveServer, live: LiveServer, project_path: str) -> None:
    iri = project_path.replace("/id/", BASE + "id/")
    queries = [
        (PROJECT, "application/sparql-results+json"),
        (f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} ORDER BY ?p ?o", "text/csv"),
        ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", "application/json"),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+xml"),
        (f"ASK {{ <{iri}> a <{KYODO}Project> }}", "application/sparql-results+json"),
        (f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}", "text/turtle"),
        (f"DESCRIBE <{iri}>", "application/n-triples"),
    ]
    for query, accept in queries:
        theirs, mine = remote_live.sparql(query, accept), live.sparql(query, accept)
        same_answer(theirs, mine)
        # the same build gives the same ETag, whatever the engine: a cache in front may mix them
        assert theirs.headers["ETag"] == mine.headers["ETag"]
        again = requests.get(
            remote_live.url + "/sparql",
            params={"query": query},
            headers={"Accept": accept, "If-None-Match": theirs.headers["ETag"]},
            timeout=30,
        )
        assert again.status_code == 304
    # POST, form-encoded and direct
    form = requests.post(remote_live.url + "/sparql", data={"query": PROJECT}, timeout=30)
    direct = requests.post(
        remote_live.url + "/sparql",
        data=PROJECT.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert form.json() == direct.json() == live.sparql(PROJECT).json()
    assert remote_live.sparql("SELEKT * WHERE { ?s ?p ?o }").status_code == 400
    # (Virtuoso refuses a sorted LIMIT above its MaxSortedTopRows: the script raises it)
    sorted_top = remote_live.sparql(
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 20000", "text/csv"
    )
    assert sorted_top.status_code == 200, sorted_top.text
    assert sorted_top.headers["Kyodo-Result-Truncated"] == "true"  # (10,205 triples > 10,000)
    # what only Virtuoso would run (a pragma that can switch on its crawler, its own functions,
    # the prefixes it declares by itself) is a 400, as on the embedded store
    for query in (
        'define input:grab-all "yes" SELECT * WHERE { ?s ?p ?o } LIMIT 1',
        "SELECT ?l WHERE { ?s rdfs:label ?l } LIMIT 1",
    ):
        assert remote_live.sparql(query).status_code == live.sparql(query).status_code == 400
    # a function the engine lacks (an engine's own, or none's), or an unknown built-in: 400 on
    # every engine, as on the embedded store (each engine's message: Oxigraph server and
    # Virtuoso answer an unknown IRI function with a 500, which the remote store reads)
    for query in (
        "SELECT (<bif:file_to_string>('/etc/passwd') AS ?x) WHERE {}",
        "SELECT (<http://example.org/nofn>(1) AS ?x) {}",
        "SELECT (nofn(1) AS ?x) {}",
    ):
        theirs, mine = remote_live.sparql(query), live.sparql(query)
        assert theirs.status_code == mine.status_code == 400, (query, theirs.text[:300])
        assert theirs.text.startswith("Malformed query:")
    assert remote_live.sparql("DROP ALL").status_code == 403


def test_conneg_and_documents(remote_live: LiveServer, live: LiveServer, project_path: str) -> None:
    redirect = remote_live.get(project_path, headers={"Accept": "text/turtle"})
    assert redirect.status_code == 303
    assert redirect.headers["Location"].endswith(project_path.replace("/id/", "/doc/"))
    for accept in ("text/turtle", "application/n-triples", "application/ld+json", "text/html"):
        headers = {"Accept": accept}
        theirs = remote_live.get(project_path, headers=headers, allow_redirects=True)
        same_answer(theirs, live.get(project_path, headers=headers, allow_redirects=True))
        assert theirs.headers["ETag"] == live.get(project_path, headers=headers).headers.get(
            "ETag", theirs.headers["ETag"]
        )
    assert 'class="kpis"' in remote_live.get(project_path, allow_redirects=True).text


def test_pages(remote_live: LiveServer, live: LiveServer) -> None:
    # the home page counts and lists the graphs: none of the engine's own may appear
    home = remote_live.get("/")
    assert "openlinksw" not in home.text and "localuriqaserver" not in home.text
    pages = ("/", "/sdg/", "/sdg/11", "/sdg/11.2", "/graph/asserted", "/graph/catalog")
    for path in (*pages, "/def/kyodo"):
        same_answer(remote_live.get(path), live.get(path))


def test_catalogue(remote_live: LiveServer, live: LiveServer) -> None:
    for path in ("/catalog", "/catalog.ttl", "/.well-known/void", "/sitemap.xml"):
        same_answer(remote_live.get(path), live.get(path))
    assert remote_live.get("/graph/catalog.ttl").status_code == 200


def test_compare(remote_live: LiveServer, live: LiveServer) -> None:
    same_answer(remote_live.get("/compare"), live.get("/compare"))
    same_answer(
        remote_live.get("/compare", headers={"Accept": "text/csv"}),
        live.get("/compare", headers={"Accept": "text/csv"}),
    )


def test_limits(remote_strict: LiveServer) -> None:
    cut = remote_strict.sparql(f"SELECT ?p WHERE {{ ?p a <{KYODO}Project> }}")
    assert cut.status_code == 200 and len(cut.json()["results"]["bindings"]) == 5
    assert cut.headers["Kyodo-Result-Truncated"] == "true"
    assert cut.headers["Kyodo-Result-Limit"] == "5"
    # a query the engine would work on for long: our 503 after our 2 s, and answers go on
    explosive = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c != ?i) }"
    stopped = remote_strict.sparql(explosive)
    assert stopped.status_code == 503 and stopped.elapsed.total_seconds() < 2 + 1.5
    assert stopped.headers["Retry-After"] == "5"
    assert remote_strict.sparql("ASK { ?s ?p ?o }").json()["boolean"] is True
