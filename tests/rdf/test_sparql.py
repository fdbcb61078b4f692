"""The SPARQL tokenizer shared by the guard and the stores."""

import pytest

from kyodo_lod.rdf.sparql import dataset_clauses, has_from_clause, query_form


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", True),
        ("select * from named <urn:g> where { graph ?g { ?s ?p ?o } }", True),
        ('SELECT * WHERE { ?s ?p "FROM" }', False),
        ("SELECT * WHERE { ?s ?p <urn:FROM> } # FROM <urn:g>", False),
        ("SELECT ?from WHERE { ?s ?p ?from }", False),
    ],
)
def test_has_from_clause(query: str, expected: bool) -> None:
    assert has_from_clause(query) is expected


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX x: <urn:x#> BASE <urn:b> select * { ?s ?p ?o }", "SELECT"),
        ("# a comment\nconstruct { ?s ?p ?o } where { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <urn:x>", "DESCRIBE"),
        ("ASK {}", "ASK"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", None),
        ("", None),
    ],
)
def test_query_form(query: str, form: str | None) -> None:
    assert query_form(query) == form


def test_dataset_clauses() -> None:
    query = (
        "PREFIX g: <urn:graph:> SELECT * FROM <urn:a> FROM g:b FROM NAMED g:c FROM NAMED <urn:d> "
        'FROM nope:e WHERE { ?s ?p "FROM <urn:no>" }'
    )
    assert dataset_clauses(query) == (["urn:a", "urn:graph:b", None], ["urn:graph:c", "urn:d"])
    assert dataset_clauses("SELECT * WHERE { ?s ?p ?o }") == ([], [])
