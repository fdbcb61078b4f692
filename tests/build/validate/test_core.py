"""The shapes evaluated set-wise in pyoxigraph (SHACL-SPARQL constraints once each, core
constraints by build/validate/core.py and core_checks.py) give pySHACL's results exactly.

Every fixture of tests/shapes (and a few nasty literals) is validated both ways, and the whole
outcome must be equal: records (focus node, path, value, shapes, constraint, severity, message),
the text and the published report's N-Triples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kyodo_lod.build.validate import ValidationOutcome, load_shapes, validate
from kyodo_lod.build.validate.core import plan
from kyodo_lod.build.validate.sparql import store_constraints
from kyodo_lod.rdf.namespaces import KYODO, SCHEMA, SH
from tests.locations import ROOT, SHAPE_CASES

HERE = SHAPE_CASES
EX = Namespace("urn:example:")
CASES = sorted((HERE / "cases").glob("*.ttl"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT / "shapes")


@pytest.fixture(scope="module")
def base() -> Graph:
    return Graph().parse(HERE / "base.ttl", format="turtle")


def both_ways(data: Graph, shapes: Graph) -> tuple[ValidationOutcome, ValidationOutcome]:
    return validate(data, shapes, sparql_in_store=True), validate(
        data, shapes, sparql_in_store=False
    )


def assert_same(fast: ValidationOutcome, slow: ValidationOutcome) -> None:
    assert fast.violations == slow.violations
    assert fast.warnings == slow.warnings
    assert fast.infos == slow.infos
    assert fast.text == slow.text
    nt = sorted(fast.report.serialize(format="nt").splitlines())
    assert nt == sorted(slow.report.serialize(format="nt").splitlines())


def test_every_sparql_constraint_of_ours_runs_in_the_store(shapes: Graph) -> None:
    taken = {c.constraint for c in store_constraints(shapes)}
    assert taken == set(shapes.objects(None, SH.sparql))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case_gives_the_same_outcome(case: Path, base: Graph, shapes: Graph) -> None:
    data = Graph()
    data += base
    data.parse(case, format="turtle")
    fast, slow = both_ways(data, shapes)
    assert_same(fast, slow)


def test_the_sparql_results_are_there(base: Graph, shapes: Graph) -> None:
    # a case whose expected result comes from a SPARQL constraint, so the comparison above is
    # not only over empty sets
    data = Graph()
    data += base
    data.parse(HERE / "cases" / "CityShape-invalid-04.ttl", format="turtle")
    fast, _ = both_ways(data, shapes)
    assert any(r.constraint.startswith("kys:CityShape-") for r in fast.violations), fast.text


def test_nasty_values_are_kept_as_written(base: Graph, shapes: Graph) -> None:
    # lexical forms the store would normalise ("07.50"), braces in a message value, and a
    # value of a datatype the store does not know (no backslash: pySHACL's own re.sub of the
    # message would fail on it)
    data = Graph()
    data += base
    kpi = next(data.subjects(RDF.type, KYODO.KPI))
    for value in list(data.objects(kpi, SCHEMA.value)):
        data.remove((kpi, SCHEMA.value, value))
    for unit in list(data.objects(kpi, SCHEMA.unitText)):
        data.remove((kpi, SCHEMA.unitText, unit))
    data.add((kpi, SCHEMA.value, Literal("07.50", datatype=XSD.decimal)))
    data.add((kpi, SCHEMA.value, Literal("x", datatype=URIRef("urn:example:odd"))))
    data.add((kpi, SCHEMA.unitText, Literal("a {?value} {$this} %", lang="ja")))
    fast, slow = both_ways(data, shapes)
    assert fast.warnings or fast.violations
    assert_same(fast, slow)


def test_every_node_shape_of_ours_is_evaluated_in_the_store(shapes: Graph) -> None:
    taken = {
        s.node
        for s in plan(
            shapes, {(c.shape, c.constraint) for c in store_constraints(shapes)}
        ).node_shapes
    }
    assert taken == set(shapes.subjects(RDF.type, SH.NodeShape))


def test_odd_values_give_the_same_core_results(base: Graph, shapes: Graph) -> None:
    # a language subtag, a repeated language, a language not allowed, a literal where an IRI
    # belongs, an IRI where a literal belongs, an ill-typed integer
    data = Graph()
    data += base
    project = next(data.subjects(RDF.type, KYODO.Project))
    city = next(data.subjects(RDF.type, KYODO.City))
    data.add((project, RDFS.label, Literal("第二の名前", lang="ja-JP")))
    data.add((project, RDFS.label, Literal("三つ目", lang="JA")))
    data.add((project, RDFS.label, Literal("nom", lang="fr")))
    data.add((project, KYODO.category, Literal("継続")))
    data.add((project, KYODO.projectNumber, URIRef("urn:example:seven")))
    data.add((project, KYODO.projectNumber, Literal("seven", datatype=XSD.integer)))
    data.add((city, KYODO.localGovernmentCode, Literal("07203")))
    fast, slow = both_ways(data, shapes)
    assert len(fast.violations) >= 6, fast.text
    assert_same(fast, slow)


def test_data_with_blank_nodes_gives_the_same_results(base: Graph, shapes: Graph) -> None:
    # pySHACL validates such data alone (see validate.validate)
    data = Graph()
    data += base
    city = next(data.subjects(RDF.type, KYODO.City))
    data.add((city, KYODO.localGovernmentCode, BNode("b1")))
    fast, slow = both_ways(data, shapes)
    assert any(r.value == "b1" for r in fast.violations), fast.text
    assert_same(fast, slow)


SHAPES_OF_EVERY_KIND = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <urn:example:> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:Thing a sh:NodeShape ; sh:targetClass ex:Thing ; sh:nodeKind sh:IRI ; sh:message "node" ;
    sh:property ex:name, ex:start, ex:kind, ex:parent, ex:tag .
ex:name sh:path ex:name ; sh:minLength 2 ; sh:maxLength 4 ; sh:pattern "^[a-z]+$" ;
    sh:maxCount 1 ; sh:equals ex:alias ; sh:message "name" .
ex:start sh:path ex:start ; sh:minInclusive 3 ; sh:lessThanOrEquals ex:end ;
    sh:datatype xsd:integer ; sh:severity sh:Warning ; sh:message "start" .
ex:kind sh:path ex:kind ; sh:in ( ex:a ex:b ) ; sh:hasValue ex:a ; sh:message "kind" .
ex:parent sh:path ex:parent ; sh:or ( [ sh:class ex:Thing ] [ sh:nodeKind sh:Literal ] ) ;
    sh:qualifiedValueShape [ sh:class ex:Thing ] ; sh:qualifiedMaxCount 1 ; sh:message "parent" .
ex:tag sh:path ex:tag ; sh:node ex:Tag ; sh:message "tag: sh:node is left to pySHACL" .
ex:Tag a sh:NodeShape ; sh:datatype xsd:string .
ex:Other a sh:NodeShape ; sh:targetObjectsOf ex:parent ; sh:targetSubjectsOf ex:kind ;
    sh:targetNode ex:nowhere ; sh:message "other" ; sh:property ex:otherKind .
ex:otherKind sh:path ex:kind ; sh:minCount 1 ; sh:uniqueLang true ; sh:message "other kind" .
"""

DATA_OF_EVERY_KIND = """
@prefix ex: <urn:example:> .
ex:one a ex:Thing ; ex:name "abc", "ABCDEF" ; ex:alias "abc", "zz" ; ex:start 1, "x" ; ex:end 0 ;
    ex:kind ex:c ; ex:parent ex:two, ex:three, ex:four, "free" ; ex:tag 5 .
ex:two a ex:Thing ; ex:name "ok" ; ex:alias "ok" ; ex:start 4 ; ex:end 9 ;
    ex:kind ex:a, "x"@en, "y"@en .
ex:three a ex:Thing ; ex:kind ex:a ; ex:tag "fine" .
"""


def test_every_kind_of_core_check_gives_pyshacls_results() -> None:
    shapes = Graph().parse(data=SHAPES_OF_EVERY_KIND, format="turtle")
    data = Graph().parse(data=DATA_OF_EVERY_KIND, format="turtle")
    taken = {s.node for s in plan(shapes, set()).node_shapes}
    assert taken == {EX.Other}  # ex:Thing uses sh:node (and ex:Tag is only referred to)
    pieces = Graph()
    for triple in shapes:  # the same shapes without sh:node: taken whole
        if triple[1] != SH.node and triple[0] != EX.tag:
            pieces.add(triple)
    pieces.remove((EX.Thing, SH.property, EX.tag))
    assert {s.node for s in plan(pieces, set()).node_shapes} == {EX.Thing, EX.Other}
    for shapes_graph in (shapes, pieces):
        fast, slow = both_ways(data, shapes_graph)
        assert_same(fast, slow)
    components = {r.constraint for r in fast.violations + fast.warnings}
    assert len(components) >= 12, fast.text
