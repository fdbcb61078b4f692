"""The query guard, as a pure function: keywords in strings, IRIs and comments do not count."""

from __future__ import annotations

import pytest

from kyodo_lod.web.guard import Refused, check_query

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
