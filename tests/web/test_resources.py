"""Dereferencing: 303 from /id/, negotiation, caching headers, 404/406, HEAD."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef

from .conftest import LiveServer

RDF_CASES = [
    ("text/turtle", "turtle", "ttl"),
    ("application/ld+json", "json-ld", "jsonld"),
    ("application/rdf+xml", "xml", "rdf"),
    ("application/n-triples", "nt", "nt"),
]


def test_id_redirects_303_to_doc(live: LiveServer, sample_project: dict[str, str]) -> None:
    response = live.get(sample_project["path"], headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(sample_project["doc"])


# rdflib's JSON-LD parser and SPARQLWrapper still build a ConjunctiveGraph internally
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize(("accept", "rdflib_format", "ext"), RDF_CASES)
def test_document_by_accept_extension_and_parameter(
    live: LiveServer, sample_project: dict[str, str], accept: str, rdflib_format: str, ext: str
) -> None:
    iri = URIRef(sample_project["p"])
    for response in (
        live.get(sample_project["path"], headers={"Accept": accept}, allow_redirects=True),
        live.get(f"{sample_project['doc']}.{ext}"),
        live.get(sample_project["doc"], params={"format": ext}),
    ):
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(accept)
        graph = Graph().parse(data=response.content, format=rdflib_format)
        assert (iri, None, URIRef(sample_project["target"])) in graph
        # labels of what it links to, and it is linked from its department's page
        assert any(graph.objects(URIRef(sample_project["dept"]), None))


def test_html_by_default_and_headers(live: LiveServer, sample_project: dict[str, str]) -> None:
    response = live.get(sample_project["doc"], headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Accept" in response.headers["Vary"]
    link = response.headers["Link"]
    for media in (
        "text/turtle",
        "application/ld+json",
        "application/rdf+xml",
        "application/n-triples",
    ):
        assert f'rel="alternate"; type="{media}"' in link
    assert response.headers["ETag"] and response.headers["Last-Modified"]


def test_conditional_get_and_head(live: LiveServer, sample_project: dict[str, str]) -> None:
    first = live.get(sample_project["doc"] + ".ttl")
    etag = first.headers["ETag"]
    again = live.get(sample_project["doc"] + ".ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    since = live.get(
        sample_project["doc"] + ".ttl",
        headers={"If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert since.status_code == 304
    import requests

    head = requests.head(live.url + sample_project["doc"] + ".ttl", timeout=30)
    assert head.status_code == 200 and not head.content
    assert head.headers["ETag"] == etag


def test_etag_tied_to_the_build(live: LiveServer, dist) -> None:  # type: ignore[no-untyped-def]
    info = json.loads((dist / "build.json").read_text())
    digest = next(v for k, v in info.items() if "hash" in k and isinstance(v, str))
    response = live.get("/doc/072036.ttl")
    assert digest.removeprefix("sha256:")[:20] in response.headers["ETag"]


def test_unknown_is_404_and_unproducible_is_406(
    live: LiveServer, sample_project: dict[str, str]
) -> None:
    assert live.get("/id/072036/plan/kyodo2/2025/project/99999").status_code == 404
    assert live.get("/doc/072036/plan/kyodo2/2025/project/99999.ttl").status_code == 404
    assert live.get(sample_project["doc"], headers={"Accept": "image/png"}).status_code == 406
    assert live.get(sample_project["doc"], params={"format": "pdf"}).status_code == 406


def test_department_path_in_japanese(live: LiveServer, sample_project: dict[str, str]) -> None:
    dept_doc = sample_project["dept"].replace("https://kyodo-lod.example/id/", "/doc/")
    response = live.get(dept_doc + ".ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    # inbound: the department's projects
    assert (URIRef(sample_project["p"]), None, URIRef(sample_project["dept"])) in graph


@pytest.mark.parametrize(
    "path",
    [
        "/id/072036",
        "/id/prefecture/07",
        "/id/category/continued",
        "/id/072036/plan/kyodo2/policy/1",
        "/id/catalog",
    ],
)
def test_every_kind_of_iri_dereferences(live: LiveServer, path: str) -> None:
    response = live.get(path, allow_redirects=True, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, path
    assert len(Graph().parse(data=response.content, format="turtle")) > 0


def test_ontology_namespace(live: LiveServer) -> None:
    response = live.get("/def/kyodo", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.content, format="turtle")
    kyodo = "https://kyodo-lod.example/def/kyodo#"
    assert (URIRef(kyodo + "Project"), None, None) in graph
    assert (URIRef(kyodo + "sdgTarget"), None, None) in graph
    html = live.get("/def/kyodo", headers={"Accept": "text/html"})
    assert 'id="Project"' in html.text


def test_path_to_iri_escapes_each_ascii_character_as_the_iris_were_minted() -> None:
    from urllib.parse import quote

    from kyodo_lod.web.resources import path_to_iri

    def one_by_one(path: str) -> str:  # the rule, character by character
        return "".join(c if ord(c) > 127 or c == "/" else quote(c, safe="-._~") for c in path)

    paths = [chr(i) for i in range(300)] + ["072036/org/市民部/ダイバーシティ推進課", "a b/c(d)"]
    for path in paths:
        assert path_to_iri("B/", path) == "B/" + one_by_one(path), repr(path)
