"""The query guard, as a pure function: keywords in strings, IRIs and comments do not count."""

from __future__ import annotations

import pytest

from kyodo_lod.web.guard import REMEMBERED_QUERY_CHARS, Refused, check_query

LOCAL = ["https://kyodo-lod.example/"]


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> LOAD" } # SERVICE <http://x/>',
        "SELECT ?load WHERE { ?s <http://x.example/SERVICE> ?load FILTER(?a < ?b && ?c > 1) }",
        "SELECT * FROM <https://kyodo-lod.example/graph/sdg> WHERE { ?s ?p ?o }",
        "ASK { SERVICE <https://ok.example/sparql> { ?s ?p ?o } }",
        "prefix ex: <http://ex.example/> select * { ?s ex:service ?o }",
    ],
)
def test_allowed(query: str) -> None:
    check_query(query, LOCAL, ["https://ok.example/"])


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("INSERT DATA { <a:s> <a:p> 1 }", "read-only"),
        ("PREFIX a: <a:> with <a:g> delete { ?s ?p ?o } where { ?s ?p ?o }", "read-only"),
        ("LOAD <http://example.org/x>", "read-only"),
        ("PREFIX e: <http://evil.example/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * { SERVICE SILENT ?x { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM NAMED <http://example.org/g> { }", "FROM NAMED"),
    ],
)
def test_refused(query: str, word: str) -> None:
    with pytest.raises(Refused, match=word):
        check_query(query, LOCAL, ["https://ok.example/"])


def test_form_and_from_graphs() -> None:
    checked = check_query(
        "BASE <http://b/> PREFIX g: <https://kyodo-lod.example/graph/> "
        "construct { ?s ?p ?o } FROM g:asserted WHERE { ?s ?p ?o }",
        LOCAL,
        [],
    )
    assert checked.form == "CONSTRUCT"
    assert checked.from_graphs == ("https://kyodo-lod.example/graph/asserted",)


def test_nesting_is_counted_outside_strings_iris_and_comments() -> None:
    from kyodo_lod.rdf.sparql import sparql_tokens
    from kyodo_lod.web.guard import nesting_depth

    assert nesting_depth(sparql_tokens("SELECT * WHERE { ?s ?p ?o FILTER((?o > 1)) }")) == 3
    hidden = 'SELECT * WHERE { ?s ?p "{{{{((((" . ?s ?q """[[[[""" } # {{{{{{{{'
    assert nesting_depth(sparql_tokens(hidden)) == 1


def test_too_deep_a_query_is_refused_before_the_store() -> None:
    from kyodo_lod.web.guard import TooComplex

    deep = "SELECT * WHERE " + "{" * 101 + "?s ?p ?o" + "}" * 101
    with pytest.raises(TooComplex, match="101 levels deep; this endpoint allows at most 100"):
        check_query(deep, LOCAL, [], max_nesting=100)
    assert check_query(deep, LOCAL, [], max_nesting=101).form == "SELECT"


def test_a_remembered_check_answers_as_the_first_for_the_same_settings_only() -> None:
    remote = "SELECT * { SERVICE <https://ok.example/sparql> { ?s ?p ?o } }"
    for _ in range(2):  # refused each time: a refusal is never remembered as a pass
        with pytest.raises(Refused, match="SERVICE"):
            check_query(remote, LOCAL, [])
    assert check_query(remote, LOCAL, ["https://ok.example/"]).form == "SELECT"
    with pytest.raises(Refused, match="SERVICE"):  # another allow-list: checked again
        check_query(remote, LOCAL, [])
    long = "SELECT * { SERVICE <http://x.example/> { ?s ?p ?o } }" + " " * REMEMBERED_QUERY_CHARS
    with pytest.raises(Refused, match="SERVICE"):  # too long to remember: checked as ever
        check_query(long, LOCAL, [])
