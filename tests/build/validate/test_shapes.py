"""SHACL shapes and the validator, tested from files.

Each case in tests/shapes/cases is added to tests/shapes/base.ttl (a small clean city graph)
and validated; ``shape_cases`` reads a case's header, one line per (node shape, path,
constraint) that must fail:

    # expect: ProjectShape kyodo:category sh:MinCountConstraintComponent
    # expect-warning: ProjectRecommendedShape kyodo:sdgTarget kys:ProjectRecommendedShape-sdgGoal

The violations and warnings found must be exactly the ones listed (as a set of shape, path and
constraint), so a case proves that its one change, and nothing else, is what fails. A ``-valid``
case has no expect lines: it must produce neither violations nor warnings.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from kyodo_lod.build.validate import (
    SHAPES_NS,
    ValidationOutcome,
    load_shapes,
    validate,
    validate_file,
)
from kyodo_lod.errors import SourceError
from kyodo_lod.rdf.namespaces import KYODO, SH
from tests.build.validate.shape_cases import (
    BASE,
    CASE_NAME,
    CASES,
    SHAPES_DIR,
    check,
    expectations,
    found,
)
from tests.locations import SHAPE_CASES

HERE = SHAPE_CASES


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(SHAPES_DIR)


@pytest.fixture(scope="module")
def base() -> Graph:
    return Graph().parse(BASE, format="turtle")


def test_base_graph_is_clean(base: Graph, shapes: Graph) -> None:
    outcome = validate(base, shapes)
    assert outcome.conforms, outcome.text
    assert outcome.violations == [] and outcome.warnings == [], outcome.text


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case(case: Path, base: Graph, shapes: Graph) -> None:
    name = CASE_NAME.match(case.stem)
    assert name, f"{case.name}: name must be <Shape>-valid[-NN].ttl or <Shape>-invalid-NN.ttl"
    expected_violations, expected_warnings = expectations(case)
    outcome = check(base, shapes, case)

    if name["kind"] == "valid":
        assert not expected_violations and not expected_warnings, "a valid case expects nothing"
        assert outcome.conforms, outcome.text
        assert outcome.violations == [] and outcome.warnings == [], outcome.text
        return

    own = "kys:" + name["shape"]
    assert own in {shape for shape, _, _ in expected_violations | expected_warnings}, (
        f"{case.name} must expect a result of its own shape {own}"
    )
    assert found(outcome.violations) == expected_violations, outcome.text
    assert found(outcome.warnings) == expected_warnings, outcome.text
    # conforms means "no violation": a case that only expects warnings still conforms
    assert outcome.conforms is (not expected_violations), outcome.text


def node_shapes(shapes: Graph) -> set[str]:
    return {
        str(s).removeprefix(SHAPES_NS)
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, URIRef)
    }


def test_every_node_shape_has_valid_and_invalid_cases(shapes: Graph) -> None:
    kinds: dict[str, set[str]] = {}
    for case in CASES:
        name = CASE_NAME.match(case.stem)
        assert name, case.name
        kinds.setdefault(name["shape"], set()).add(name["kind"])
    all_shapes = node_shapes(shapes)
    assert all_shapes, "no node shapes loaded"
    missing = {s for s in all_shapes if kinds.get(s) != {"valid", "invalid"}}
    assert not missing, f"node shapes without both a valid and an invalid case: {sorted(missing)}"
    assert set(kinds) <= all_shapes, f"cases for unknown shapes: {sorted(set(kinds) - all_shapes)}"


def test_every_property_shape_fails_in_a_case(base: Graph, shapes: Graph) -> None:
    """Each property shape (and so each sh:property constraint) has an invalid case in which it
    fails; ``test_case`` holds each case to exactly the results it expects."""
    property_shapes = {
        "kys:" + str(s).removeprefix(SHAPES_NS) for s in shapes.subjects(RDF.type, SH.PropertyShape)
    }
    assert len(property_shapes) >= 68
    failing: dict[str, list[str]] = {}
    for case in CASES:
        if "-invalid-" in case.stem:
            outcome = check(base, shapes, case)
            for result in outcome.violations + outcome.warnings:
                failing.setdefault(result.source_shape, []).append(case.name)
    missing = sorted(property_shapes - set(failing))
    assert not missing, f"property shapes no case makes fail: {missing}"


def test_every_expected_shape_exists(shapes: Graph) -> None:
    all_shapes = node_shapes(shapes)
    for case in CASES:
        violations, warnings = expectations(case)
        for shape, _, _ in violations | warnings:
            assert shape.removeprefix("kys:") in all_shapes, f"{case.name}: unknown {shape}"


def test_shapes_are_named_and_explained(shapes: Graph) -> None:
    kinds = (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)
    shapes_and_constraints = {s for kind in kinds for s in shapes.subjects(RDF.type, kind)}
    assert len(shapes_and_constraints) > 100
    for node in shapes_and_constraints:
        assert isinstance(node, URIRef) and node.startswith(SHAPES_NS), node
        assert shapes.value(node, SH.name) is not None, f"{node}: no sh:name"
        messages = list(shapes.objects(node, SH.message))
        assert len(messages) == 1 and isinstance(messages[0], Literal), f"{node}: one sh:message"
    # every property shape hangs off a node shape, and every sh:property is declared as one
    for owner, prop in shapes.subject_objects(SH.property):
        assert (prop, RDF.type, SH.PropertyShape) in shapes, prop
        assert (owner, RDF.type, SH.NodeShape) in shapes, owner


def test_severities_follow_the_file(shapes: Graph) -> None:
    core = Graph().parse(SHAPES_DIR / "core.ttl")
    recommended = Graph().parse(SHAPES_DIR / "recommended.ttl")
    for graph, severity in ((core, SH.Violation), (recommended, SH.Warning)):
        for kind in (SH.NodeShape, SH.PropertyShape):
            for shape in graph.subjects(RDF.type, kind):
                # core property shapes rely on the default severity (sh:Violation)
                assert graph.value(shape, SH.severity, default=SH.Violation) == severity, shape


def test_shapes_use_only_defined_kyodo_terms(shapes: Graph) -> None:
    namespace = str(KYODO._NS)
    used = {
        str(node)
        for triple in shapes
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(namespace)
    }
    for query in shapes.objects(None, SH.select):
        used |= {namespace + t for t in re.findall(r"\bkyodo:([A-Za-z]+)", str(query))}
    assert used
    for iri in sorted(used):
        getattr(KYODO, iri.removeprefix(namespace))  # raises on a term the ontology lacks


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("072036", True),  # Koriyama
        ("131016", True),  # Chiyoda
        ("131041", True),  # Shinjuku: remainder 0 -> check digit 1
        ("011002", True),  # Sapporo
        ("130001", True),  # Tokyo (prefecture code)
        ("072037", False),
        ("131010", False),
        ("131040", False),
    ],
)
def test_local_government_check_digit(code: str, valid: bool, shapes: Graph) -> None:
    city = URIRef(f"https://kyodo-lod.example/id/{code}")
    data = Graph()
    data.add((city, RDF.type, KYODO.City))
    data.add((city, RDFS.label, Literal("市", lang="ja")))
    data.add((city, RDFS.label, Literal("City", lang="en")))
    data.add((city, KYODO.localGovernmentCode, Literal(code)))
    data.add((city, DCTERMS.identifier, Literal(code)))
    outcome = validate(data, shapes)
    failing = [r for r in outcome.violations if r.constraint == "kys:CityShape-checkDigit"]
    assert (not failing) is valid, outcome.text
    assert outcome.conforms is valid


# --- the outcome and its report ------------------------------------------------------------


@pytest.fixture(scope="module")
def failing_outcome(base: Graph, shapes: Graph) -> ValidationOutcome:
    return check(base, shapes, HERE / "cases" / "ProjectShape-invalid-08.ttl")


def test_records_are_readable(failing_outcome: ValidationOutcome) -> None:
    record = next(r for r in failing_outcome.violations if r.node_shape == "kys:ProjectShape")
    assert record.severity == "Violation"
    assert record.focus_node == "https://kyodo-lod.example/id/072036/plan/kyodo2/2025/project/10"
    assert record.path == "kyodo:sdgTarget"
    assert record.value == "sdg:18.1"
    assert record.source_shape == "kys:ProjectShape-sdgTarget"
    assert "UN SDG target" in record.message


def test_text_has_one_line_per_result(failing_outcome: ValidationOutcome) -> None:
    lines = failing_outcome.text.splitlines()
    results = failing_outcome.violations + failing_outcome.warnings
    assert lines[0].startswith("SHACL validation: does not conform")
    assert len(lines) == 1 + len(results)
    assert lines[1].split("\t")[:3] == [
        "Violation",
        results[0].focus_node,
        results[0].path or "-",
    ]


def test_report_is_blank_node_free_and_stable(
    base: Graph, shapes: Graph, failing_outcome: ValidationOutcome
) -> None:
    report = failing_outcome.report
    assert not any(isinstance(n, BNode) for triple in report for n in triple)
    results = set(report.subjects(RDF.type, SH.ValidationResult))
    assert len(results) == len(failing_outcome.violations) + len(failing_outcome.warnings)
    assert all(r.startswith("https://kyodo-lod.example/id/validation/result/") for r in results)
    assert (None, SH.conforms, Literal(False)) in report

    again = check(base, shapes, HERE / "cases" / "ProjectShape-invalid-08.ttl").report
    assert sorted(again.serialize(format="nt").splitlines()) == sorted(
        report.serialize(format="nt").splitlines()
    )


def test_warnings_alone_conform(base: Graph, shapes: Graph) -> None:
    outcome = check(base, shapes, HERE / "cases" / "ProjectRecommendedShape-invalid-01.ttl")
    assert outcome.conforms and outcome.violations == [] and len(outcome.warnings) == 1
    assert (None, SH.conforms, Literal(True)) in outcome.report


def test_validate_does_not_change_the_data(base: Graph, shapes: Graph) -> None:
    data = Graph()
    data += base
    before = len(data)
    validate(data, shapes)
    assert len(data) == before


def test_dataset_is_validated_as_the_union(base: Graph, shapes: Graph) -> None:
    # the city in one named graph, everything that refers to it in another
    city = URIRef("https://kyodo-lod.example/id/072036")
    dataset = Dataset()
    one = dataset.graph(URIRef("https://kyodo-lod.example/graph/asserted"))
    two = dataset.graph(URIRef("https://kyodo-lod.example/graph/ontology"))
    for triple in base:
        (one if triple[0] == city else two).add(triple)
    outcome = validate(dataset, shapes)
    assert outcome.conforms and outcome.violations == [], outcome.text


# --- validate_file ----------------------------------------------------------------------------


def test_validate_file_on_trig_uses_the_union(base: Graph, tmp_path: Path) -> None:
    # written by hand: rdflib's TriG serialiser warns (deprecated Dataset API)
    city = URIRef("https://kyodo-lod.example/id/072036")
    blocks = []
    for name, keep in (("asserted", True), ("ontology", False)):
        part = Graph()
        for triple in base:
            if (triple[0] == city) is keep:
                part.add(triple)
        body = part.serialize(format="nt")
        blocks.append(f"<https://kyodo-lod.example/graph/{name}> {{\n{body}}}\n")
    path = tmp_path / "build.trig"
    path.write_text("".join(blocks), encoding="utf-8")
    outcome = validate_file(path, SHAPES_DIR)
    assert outcome.conforms and outcome.warnings == [], outcome.text


def test_validate_file_reports_violations(tmp_path: Path) -> None:
    path = tmp_path / "city.ttl"
    path.write_text(
        "<https://kyodo-lod.example/id/131017> a <https://kyodo-lod.example/def/kyodo#City> ;\n"
        '  <http://www.w3.org/2000/01/rdf-schema#label> "千代田区"@ja, "Chiyoda"@en ;\n'
        '  <https://kyodo-lod.example/def/kyodo#localGovernmentCode> "131017" .\n',
        encoding="utf-8",
    )
    outcome = validate_file(path, SHAPES_DIR)
    assert not outcome.conforms
    assert "kys:CityShape-checkDigit" in {r.constraint for r in outcome.violations}


def test_validate_file_names_the_line_of_a_turtle_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(
        "@prefix ex: <http://example.org/> .\n"
        "ex:a ex:b ex:c .\n"
        "ex:d ex:e ex:f ex:g .\n"  # one object too many
        "ex:h ex:i ex:j .\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as raised:
        validate_file(path, SHAPES_DIR)
    problem = raised.value.problems[0]
    assert problem.location.file == str(path)
    assert problem.location.line == 3
    assert problem.location.column is not None and problem.location.column > 1
    assert f"{path}:3:" in str(raised.value)


def test_load_shapes_needs_shapes(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no SHACL shapes"):
        load_shapes(tmp_path)


def test_fixtures_validate_quickly(base: Graph, shapes: Graph) -> None:
    # a guard against losing the SPARQL parse cache: every case once, well under a second each
    started = time.perf_counter()
    for case in CASES[:20]:
        check(base, shapes, case)
    assert (time.perf_counter() - started) / 20 < 1.5
