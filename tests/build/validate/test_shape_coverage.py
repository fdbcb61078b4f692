"""Every constraint of our shapes fails in a case: each (node shape, path, constraint) that
``shape_constraints`` reads from shapes/ must be expected, and found, by some invalid case in
tests/shapes/cases (``test_shapes.test_case`` holds each case to exactly what it expects).

A constraint no valid change to the graph can make fail on its own terms is listed in
``CANNOT_FAIL`` with the reason; the list is checked too, so an entry cannot hide a
constraint that a case covers or that no longer exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kyodo_lod.build.validate import load_shapes
from kyodo_lod.rdf.namespaces import SH
from tests.build.validate.shape_cases import (
    BASE,
    CASES,
    SHAPES_DIR,
    Expected,
    check,
    expectations,
    found,
)
from tests.build.validate.shape_constraints import enumerate_constraints

# (node shape, path, constraint) -> why no graph can make it fail
CANNOT_FAIL: dict[Expected, str] = {}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(SHAPES_DIR)


@pytest.fixture(scope="module")
def covered(shapes: Graph) -> dict[Expected, list[str]]:
    """Each constraint an invalid case both expects and makes fail, with those cases."""
    base = Graph().parse(BASE, format="turtle")
    cases: dict[Expected, list[str]] = {}
    for case in CASES:
        if "-invalid-" not in case.stem:
            continue
        outcome = check(base, shapes, case)
        violations, warnings = expectations(case)
        met = (violations & found(outcome.violations)) | (warnings & found(outcome.warnings))
        for constraint in met:
            cases.setdefault(constraint, []).append(case.name)
    return cases


def test_every_constraint_fails_in_a_case(
    shapes: Graph, covered: dict[Expected, list[str]]
) -> None:
    constraints = enumerate_constraints(shapes)
    assert len(constraints) >= 283, "fewer constraints than the shapes had: is the reading broken?"
    missing = sorted(constraints - set(covered) - set(CANNOT_FAIL))
    listing = "\n".join(" ".join(constraint) for constraint in missing)
    assert not missing, (
        f"{len(missing)} of {len(constraints)} constraints fail in no case:\n{listing}"
    )


def test_what_cannot_fail_is_a_real_uncovered_constraint(
    shapes: Graph, covered: dict[Expected, list[str]]
) -> None:
    constraints = enumerate_constraints(shapes)
    for constraint, reason in CANNOT_FAIL.items():
        assert constraint in constraints, f"not a constraint of the shapes: {constraint}"
        assert constraint not in covered, f"{constraint} fails in {covered[constraint]}"
        assert reason.strip(), constraint


def test_every_result_of_a_case_is_an_enumerated_constraint(
    shapes: Graph, covered: dict[Expected, list[str]]
) -> None:
    # the enumeration reads the shapes as the validator does: nothing a case makes fail is
    # missing from it (a component it does not know, a path a SPARQL constraint binds)
    unknown = sorted(set(covered) - enumerate_constraints(shapes))
    assert not unknown, f"results no shape enumerates: {unknown}"


def test_an_unknown_parameter_is_an_error() -> None:
    shapes = Graph()
    shape, prop = URIRef("https://kyodo-lod.example/def/shapes#XShape"), BNode()
    shapes.add((shape, RDF.type, SH.NodeShape))
    shapes.add((shape, SH.property, prop))
    shapes.add((prop, SH.path, URIRef("https://example.org/p")))
    shapes.add((prop, SH.minCount, Literal(1)))
    assert enumerate_constraints(shapes) == {
        ("kys:XShape", "<https://example.org/p>", "sh:MinCountConstraintComponent")
    }
    shapes.add((prop, SH.sparqlish, Literal(1)))
    with pytest.raises(ValueError, match="not in the table of components"):
        enumerate_constraints(shapes)


def test_an_expect_line_names_its_constraint(tmp_path: Path) -> None:
    case = tmp_path / "ProjectShape-invalid-01.ttl"
    case.write_text(
        "# expect: ProjectShape kyodo:category sh:MaxCountConstraintComponent\n"
        "# expect-warning: ProjectRecommendedShape kyodo:planText "
        "kys:ProjectRecommendedShape-planTextUnlessCompleted\n",
        encoding="utf-8",
    )
    assert expectations(case) == (
        {("kys:ProjectShape", "kyodo:category", "sh:MaxCountConstraintComponent")},
        {
            (
                "kys:ProjectRecommendedShape",
                "kyodo:planText",
                "kys:ProjectRecommendedShape-planTextUnlessCompleted",
            )
        },
    )
    # the old form without the constraint is refused, not read as expecting nothing
    case.write_text("# comment\n# expect: ProjectShape kyodo:category\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ProjectShape-invalid-01.ttl:2: expect needs"):
        expectations(case)
