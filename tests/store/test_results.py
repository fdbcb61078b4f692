"""pyoxigraph answers as plain results and their serialisations, on a real in-memory pyoxigraph
store: the terms as the web layer reads them, the W3C result formats, sorted RDF."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kyodo_lod.store import AskResult, GraphResult, SelectResult, Serialized, Term
from kyodo_lod.store.results import (
    GRAPH_FORMATS,
    NATIVE_JSON_BYTES_PER_ROW,
    SELECT_FORMATS,
    convert,
    select_json,
    to_term,
)
from kyodo_lod.web import conneg

KYODO = "https://kyodo-lod.example/def/kyodo#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DATA = f"""
<urn:ex:p> <{KYODO}projectNumber> "1"^^<{XSD}integer> .
<urn:ex:p> <http://www.w3.org/2000/01/rdf-schema#label> "子ども食堂支援事業"@ja .
<urn:ex:p> <http://www.w3.org/2000/01/rdf-schema#comment> "a \\"quoted\\", two\\nlines" .
<urn:ex:p> <{KYODO}hasKPI> _:k .
"""
ROWS = "SELECT ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.load(DATA.encode(), format=ox.RdfFormat.N_TRIPLES)
    return s


def test_terms_as_plain_values(store: ox.Store) -> None:
    result = convert(store.query(ROWS), None, 100)
    assert isinstance(result, SelectResult) and result.variables == ("p", "o")
    objects = {row["p"].value: row["o"] for row in result.dicts()}
    assert objects[KYODO + "projectNumber"] == Term("literal", "1", XSD + "integer")
    assert objects["http://www.w3.org/2000/01/rdf-schema#label"].lang == "ja"
    # xsd:string is the plain literal: no datatype
    assert objects["http://www.w3.org/2000/01/rdf-schema#comment"].datatype is None
    assert objects[KYODO + "hasKPI"].kind == "bnode"
    assert to_term(None) is None


def test_rows_past_the_cap_are_cut_and_flagged(store: ox.Store) -> None:
    cut = convert(store.query(ROWS), None, 3)
    assert isinstance(cut, SelectResult) and len(cut.rows) == 3 and cut.truncated
    whole = convert(store.query(ROWS), "json", 4)
    assert isinstance(whole, Serialized) and whole.count == 4 and not whole.truncated


def test_select_in_the_w3c_formats(store: ox.Store) -> None:
    def body(fmt: str) -> str:
        result = convert(store.query(ROWS), fmt, 100)
        assert isinstance(result, Serialized) and result.kind == "select"
        return result.body.decode()

    bindings = json.loads(body("json"))["results"]["bindings"]
    assert {"type": "literal", "value": "1", "datatype": XSD + "integer"} in [
        b["o"] for b in bindings
    ]
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    xml = ET.fromstring(body("xml"))
    assert len(xml.findall("r:results/r:result", ns)) == 4
    rows = list(csv.reader(io.StringIO(body("csv"))))
    assert (
        rows[0] == ["p", "o"]
        and ["http://www.w3.org/2000/01/rdf-schema#comment", 'a "quoted", two\nlines'] in rows
    )
    tsv = body("tsv").splitlines()
    assert tsv[0] == "?p\t?o" and '"a \\"quoted\\", two\\nlines"' in "\n".join(tsv)


TRICKY = """SELECT ?s ?o ?t ?none WHERE {
  ?s ?p ?o BIND(TRIPLE(?s, ?p, ?o) AS ?t) OPTIONAL { ?s <urn:ex:nothing> ?none } } ORDER BY ?p"""


def test_pyoxigraphs_json_and_ours_are_the_same_bytes(store: ox.Store) -> None:
    # the worker has pyoxigraph write JSON; past the row cap or its bytes it writes row by row
    for query in (ROWS, TRICKY):
        ours = convert(store.query(query), "json", 100)
        native = select_json(lambda q=query: store.query(q), 100)
        assert native == ours and native.count == 4 and not native.truncated
        cut = select_json(lambda q=query: store.query(q), 2)
        assert cut == convert(store.query(query), "json", 2)
        assert isinstance(cut, Serialized) and cut.truncated and cut.count == 2
        assert len(json.loads(cut.body)["results"]["bindings"]) == 2
    triple = json.loads(native.body)["results"]["bindings"][0]["t"]  # (SPARQL 1.2's form)
    assert triple["type"] == "triple" and set(triple["value"]) == {"subject", "predicate", "object"}
    assert select_json(lambda: store.query("ASK { ?s ?p ?o }"), 1) == convert(
        store.query("ASK { ?s ?p ?o }"), "json", 1
    )


def test_an_answer_too_large_for_its_row_cap_is_written_row_by_row_and_cut() -> None:
    store = ox.Store()
    long = "長" * NATIVE_JSON_BYTES_PER_ROW  # each row alone past the bytes a row may take
    for n in range(5):
        subject = ox.NamedNode(f"urn:ex:{n}")
        store.add(ox.Quad(subject, ox.NamedNode("urn:ex:p"), ox.Literal(f"{n}{long}")))
    runs = []

    def run() -> ox.QuerySolutions:
        runs.append(1)
        return store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s")

    cut = select_json(run, 3)
    assert len(runs) == 2  # pyoxigraph's answer was given up, then asked again
    assert cut == convert(run(), "json", 3)
    assert isinstance(cut, Serialized) and cut.truncated and cut.count == 3


def test_ask_in_every_format(store: ox.Store) -> None:
    assert convert(store.query("ASK { ?s ?p ?o }"), None, 1) == AskResult(True)
    for fmt in SELECT_FORMATS:
        answer = convert(store.query("ASK { <urn:x> ?p ?o }"), fmt, 1)
        assert isinstance(answer, Serialized) and answer.kind == "ask"
        assert b"false" in answer.body


def test_graphs_sorted_with_the_prefixes_in_use(store: ox.Store) -> None:
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(!isBlank(?o)) }"
    plain = convert(store.query(construct), None, 100)
    assert isinstance(plain, GraphResult) and len(plain.triples) == 3
    ttl = convert(store.query(construct), "ttl", 100)
    assert isinstance(ttl, Serialized) and ttl.kind == "graph"
    assert b"@prefix kyodo:" in ttl.body and b"@prefix dcat:" not in ttl.body
    # the same triples in another order: the same bytes
    triples = list(store.query(construct))
    again = convert(list(reversed(triples)), "ttl", 100)
    assert isinstance(again, Serialized) and again.body == ttl.body
    rdflib_names = {f.key: f.rdflib for f in conneg.GRAPH_FORMATS}
    for fmt in GRAPH_FORMATS:
        written = convert(store.query(construct), fmt, 100)
        assert isinstance(written, Serialized)
        assert len(Graph().parse(data=written.body, format=rdflib_names[fmt])) == 3


def test_the_store_writes_every_format_the_web_layer_negotiates() -> None:
    assert [f.key for f in conneg.SELECT_FORMATS] == list(SELECT_FORMATS)
    assert [f.key for f in conneg.GRAPH_FORMATS] == list(GRAPH_FORMATS)
