"""SHACL-SPARQL constraints taken into the store: only those whose meaning is kept."""

from __future__ import annotations

from rdflib import Graph

from kyodo_lod.build.validate.sparql import store_constraints

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <urn:example:> .
ex:Shape a sh:NodeShape ;
    sh:targetClass ex:City ;
    sh:message "shape message" ;
    sh:sparql ex:taken, ex:path .
ex:taken sh:message "no label on {$this}" ;
    sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this ex:label ?l } }" .
ex:path sh:select "SELECT $this WHERE { $this $PATH ?v }" .
"""


def test_a_constraint_with_path_stays_with_pyshacl() -> None:
    (constraint,) = store_constraints(Graph().parse(data=SHAPES, format="turtle"))
    assert str(constraint.constraint) == "urn:example:taken"
    assert "SELECT DISTINCT ?this WHERE" in constraint.query
    assert "<urn:example:City>" in constraint.query
    assert [str(m) for m in constraint.messages] == ["no label on {$this}"]
    assert [str(m) for m in constraint.shape_messages] == ["shape message"]
