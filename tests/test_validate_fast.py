"""The SHACL-SPARQL constraints run once each in pyoxigraph give pySHACL's results exactly.

Every fixture of tests/shapes (and a few nasty literals) is validated both ways, and the whole
outcome must be equal: records (focus node, path, value, shapes, constraint, severity, message),
the text and the published report's N-Triples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kyodo_lod.namespaces import KYODO, SCHEMA, SH
from kyodo_lod.validate import ValidationOutcome, _store_constraints, load_shapes, validate

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "shapes"
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
    taken = {c.constraint for c in _store_constraints(shapes)}
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
