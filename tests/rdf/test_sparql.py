"""The SPARQL tokenizer shared by the guard and the stores."""

import pytest

from kyodo_lod.rdf.sparql import has_from_clause


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
