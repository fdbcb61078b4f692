"""The outcome of a report in pySHACL's form: results in a fixed order, a summary text, and a
report graph with IRIs for its blank nodes that depend on the content only."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kyodo_lod.build.validate.report import outcome
from kyodo_lod.rdf.namespaces import SH

EX = "urn:example:"


def pyshacl_form(order: list[str]) -> Graph:
    report = Graph()
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    for name in order:
        result = BNode()
        severity = SH.Warning if name == "w" else SH.Violation
        report.add((node, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.resultSeverity, severity))
        report.add((result, SH.focusNode, URIRef(EX + name)))
        report.add((result, SH.sourceShape, URIRef(EX + "Shape")))
        report.add((result, SH.sourceConstraintComponent, SH.MinCountConstraintComponent))
        report.add((result, SH.resultMessage, Literal(f"message {name}")))
    return report


def test_violations_first_then_by_focus_node_and_the_same_bytes_either_way() -> None:
    first = outcome(pyshacl_form(["w", "b", "a"]), Graph())
    second = outcome(pyshacl_form(["a", "w", "b"]), Graph())
    assert not first.conforms
    assert [r.focus_node for r in first.violations] == [EX + "a", EX + "b"]
    assert first.text.splitlines() == [
        "SHACL validation: does not conform (2 violations, 1 warnings, 0 infos)",
        f"Violation\t{EX}a\t-\tmessage a",
        f"Violation\t{EX}b\t-\tmessage b",
        f"Warning\t{EX}w\t-\tmessage w",
    ]
    assert not any(isinstance(t, BNode) for triple in first.report for t in triple)
    assert sorted(first.report.serialize(format="nt").splitlines()) == sorted(
        second.report.serialize(format="nt").splitlines()
    )
