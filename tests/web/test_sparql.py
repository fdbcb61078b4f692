"""The SPARQL 1.1 Protocol on the live server, through real clients."""

from __future__ import annotations

import csv
import io

import pytest
import requests
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from .conftest import KYODO, LiveServer

PROJECTS = f"""PREFIX kyodo: <{KYODO}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?p ?label WHERE {{ ?p a kyodo:Project ; rdfs:label ?label }} ORDER BY ?p LIMIT 5"""
CONSTRUCT = f"""PREFIX kyodo: <{KYODO}>
CONSTRUCT {{ ?p a kyodo:Project }} WHERE {{ ?p a kyodo:Project }} LIMIT 5"""


def _wrapper(live: LiveServer, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(live.url + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json_and_xml(live: LiveServer, method: str) -> None:
    rows = _wrapper(live, PROJECTS, JSON, method).queryAndConvert()["results"]["bindings"]
    assert len(rows) == 5 and all(r["label"]["xml:lang"] == "ja" for r in rows)
    doc = _wrapper(live, PROJECTS, XML, method).queryAndConvert()
    assert len(doc.getElementsByTagName("result")) == 5


def test_sparqlwrapper_csv_and_tsv(live: LiveServer) -> None:
    text = _wrapper(live, PROJECTS, CSV).queryAndConvert().decode()
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["p", "label"] and len(table) == 6
    tsv = _wrapper(live, PROJECTS, TSV).queryAndConvert().decode().splitlines()
    assert tsv[0] == "?p\t?label" and tsv[1].startswith("<https://")


def test_sparqlwrapper_ask(live: LiveServer) -> None:
    ask = f"ASK {{ ?p a <{KYODO}Project> }}"
    assert _wrapper(live, ask, JSON).queryAndConvert()["boolean"] is True
    assert "true" in _wrapper(live, ask, CSV).queryAndConvert().decode()


# rdflib's JSON-LD parser and SPARQLWrapper still build a ConjunctiveGraph internally
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", [TURTLE, N3, JSONLD, RDFXML])
def test_sparqlwrapper_construct(live: LiveServer, fmt: str) -> None:
    result = _wrapper(live, CONSTRUCT, fmt).query()
    graph = result.convert()
    if not isinstance(graph, Graph):  # turtle and n3 come back as bytes
        parsed = Graph()
        parsed.parse(data=graph, format="turtle")
        graph = parsed
    assert len(graph) == 5


def test_n_triples_by_accept(live: LiveServer) -> None:
    response = live.sparql(CONSTRUCT, accept="application/n-triples")
    assert response.headers["Content-Type"].startswith("application/n-triples")
    assert len(Graph().parse(data=response.text, format="nt")) == 5


def test_rdflib_sparqlstore_as_client(live: LiveServer) -> None:
    store = SPARQLStore(live.url + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(PROJECTS))
    assert len(rows) == 5
    assert graph.query(f"ASK {{ ?p a <{KYODO}Project> }}").askAnswer is True


def test_post_direct_body_and_graph_parameters(live: LiveServer) -> None:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a <{KYODO}Project> }}"
    response = requests.post(
        live.url + "/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        timeout=30,
    )
    assert response.status_code == 200 and int(response.text.split()[1]) > 0
    only_sdg = requests.post(
        live.url + "/sparql",
        params={"default-graph-uri": "https://kyodo-lod.example/graph/sdg"},
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        timeout=30,
    )
    assert only_sdg.text.split()[1] == "0"
    named = live.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    )
    assert {r["g"].rsplit("/", 1)[-1] for r in named} >= {"asserted", "inferred", "ontology", "sdg"}
    form = requests.post(
        live.url + "/sparql",
        data={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": "https://kyodo-lod.example/graph/ontology",
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    graphs = [b["g"]["value"] for b in form.json()["results"]["bindings"]]
    assert graphs == ["https://kyodo-lod.example/graph/ontology"]


def test_format_parameter_for_browsers(live: LiveServer) -> None:
    response = requests.get(
        live.url + "/sparql", params={"query": PROJECTS, "format": "csv"}, timeout=30
    )
    assert response.headers["Content-Type"].startswith("text/csv")
    html = requests.get(
        live.url + "/sparql", params={"query": PROJECTS, "format": "html"}, timeout=30
    )
    assert html.headers["Content-Type"].startswith("text/html") and "<table" in html.text


def test_service_description(live: LiveServer) -> None:
    response = live.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    union = graph.query(f"ASK {{ ?s <{sd}feature> <{sd}UnionDefaultGraph> }}").askAnswer
    assert union
    names = {str(o) for o in graph.objects(None, graph.namespace_manager.expand_curie("sd:name"))}
    assert "https://kyodo-lod.example/graph/asserted" in names
    assert (
        live.get("/sparql", headers={"Accept": "text/html"})
        .headers["Content-Type"]
        .startswith("text/html")
    )


def test_cors(live: LiveServer) -> None:
    response = requests.options(
        live.url + "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <http://a.example/s> <http://a.example/p> 1 }",
        "PREFIX x: <http://a.example/> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "SELECT * WHERE { SERVICE <http://dbpedia.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_refused_with_403_and_a_message(live: LiveServer, query: str) -> None:
    response = requests.post(live.url + "/sparql", data={"query": query}, timeout=30)
    assert response.status_code == 403
    assert response.text.startswith("Forbidden:")


def test_update_protocol_refused(live: LiveServer) -> None:
    for data, ctype in (
        ("INSERT DATA { <a:s> <a:p> 1 }", "application/sparql-update"),
        ("update=INSERT+DATA+%7B%7D", "application/x-www-form-urlencoded"),
    ):
        response = requests.post(
            live.url + "/sparql", data=data, headers={"Content-Type": ctype}, timeout=30
        )
        assert response.status_code == 403 and "read-only" in response.text


def test_malformed_query_is_400_with_parser_message(live: LiveServer) -> None:
    response = live.sparql("SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert response.text.startswith("Malformed query:") and "1:" in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        # an IRI function the engine does not have: found when evaluated, not when parsed
        (
            "SELECT (<http://example.org/nofn>(1) AS ?x) {}",
            "The custom function <http://example.org/nofn> is not supported",
        ),
        ("SELECT (nofn(1) AS ?x) {}", "error at 1:"),  # an unknown built-in: a parse error
    ],
)
def test_an_unknown_function_is_400_with_the_engine_message(
    live: LiveServer, query: str, message: str
) -> None:
    response = live.sparql(query)
    assert response.status_code == 400 and message in response.text, response.text[:300]
    assert live.sparql("ASK {}").status_code == 200  # and the worker answers on


def test_not_acceptable(live: LiveServer) -> None:
    assert live.sparql(PROJECTS, accept="image/png").status_code == 406


def test_get_answers_carry_an_etag_and_revalidate_with_304(live: LiveServer) -> None:
    """A cache in front (CDN, Varnish) can keep GET answers: ETag from build + query + format,
    Cache-Control, and If-None-Match answered 304 with no body."""
    first = live.sparql(PROJECTS)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and "max-age=" in first.headers["Cache-Control"]
    assert live.sparql(PROJECTS).headers["ETag"] == etag  # the same request, the same tag
    again = requests.get(
        live.url + "/sparql",
        params={"query": PROJECTS},
        headers={"Accept": "application/sparql-results+json", "If-None-Match": etag},
        timeout=30,
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag and "Accept" in again.headers["Vary"]
    other_format = live.sparql(PROJECTS, accept="text/csv").headers["ETag"]
    other_query = live.sparql(PROJECTS.replace("LIMIT 5", "LIMIT 6")).headers["ETag"]
    assert len({etag, other_format, other_query}) == 3
    stale = requests.get(
        live.url + "/sparql",
        params={"query": PROJECTS},
        headers={"Accept": "text/csv", "If-None-Match": etag},
        timeout=30,
    )
    assert stale.status_code == 200 and stale.content.startswith(b"p,label")


def test_post_answers_are_not_cached(live: LiveServer) -> None:
    response = requests.post(
        live.url + "/sparql",
        data={"query": PROJECTS},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200
    assert "ETag" not in response.headers and "Cache-Control" not in response.headers
