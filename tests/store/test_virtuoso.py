"""Virtuoso's dialect (kyodo_lod.store.virtuoso) on its own; the store on a real Virtuoso is
tested with every engine in test_remote and test_http."""

from __future__ import annotations

import pytest

from kyodo_lod.store import QuerySyntaxError
from kyodo_lod.store.virtuoso import DESCRIBE_MODE, check, rewrite, timeout_params

GRAPHS = ["urn:g:a", "urn:g:b"]


def test_an_empty_graph_pattern_becomes_the_named_graphs() -> None:
    query = 'SELECT ?g WHERE { GRAPH ?g { } FILTER(?g != "GRAPH ?h {}") } # GRAPH ?x {}'
    assert rewrite(query, "SELECT", GRAPHS) == (
        'SELECT ?g WHERE { VALUES ?g { <urn:g:a> <urn:g:b> } FILTER(?g != "GRAPH ?h {}") } '
        "# GRAPH ?x {}"
    )
    # a pattern with something in it, or a graph named by IRI, is left alone
    kept = "ASK { GRAPH ?g { ?s ?p ?o } GRAPH <urn:g:a> { } }"
    assert rewrite(kept, "ASK", GRAPHS) == kept


def test_a_select_without_limit_gets_ours_and_one_more() -> None:
    query = "SELECT * WHERE { ?s ?p ?o } OFFSET 5 # the end"
    assert rewrite(query, "SELECT", GRAPHS, 50) == query + "\nLIMIT 51"
    for kept in (
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s",  # (Virtuoso: MaxSortedTopRows)
        "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
        "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 } }",
        "SELECT * WHERE { ?s ?p ?o } VALUES ?s { <urn:a> }",
    ):
        assert rewrite(kept, "SELECT", GRAPHS, 50) == kept
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"  # (rows are not triples)
    assert rewrite(construct, "CONSTRUCT", GRAPHS, 50) == construct


def test_describe_asks_for_the_embedded_stores_answer() -> None:
    assert rewrite("DESCRIBE <urn:x>", "DESCRIBE", GRAPHS) == DESCRIBE_MODE + "DESCRIBE <urn:x>"
    assert rewrite("SELECT * {}", "SELECT", GRAPHS) == "SELECT * {}"


def test_its_own_time_limit_is_ours() -> None:
    assert timeout_params(2.5) == [("timeout", "2500")]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('define input:grab-all "yes" SELECT * { ?s ?p ?o }', "not a SPARQL query: 'define'"),
        ("SELECT * { ?s rdfs:label ?o }", r"prefix rdfs: is not declared"),
        ('SELECT (bif:file_to_string("/etc/passwd") AS ?x) {}', "prefix bif: is not declared"),
        ("SELECT (<bif:file_to_string>('/x') AS ?x) {}", "the engine's own functions"),
        ("PREFIX b: <sql:> SELECT (b:f() AS ?x) {}", "the engine's own functions"),
    ],
)
def test_what_only_virtuoso_would_run_is_refused(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        check(query)


def test_ordinary_queries_pass() -> None:
    check(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> BASE <urn:b> SELECT ?s { ?s "
        'rdfs:label "a:b"@ja ; <urn:x> _:b1 . FILTER(?s != <urn:y>) }'
    )
    check("ASK {}")
