"""The outcome of a validation: readable results in a fixed order, a summary text, and the
report graph with its blank nodes re-minted as IRIs derived from each result's content, so the
same data gives the same bytes (dist/validation-report.ttl)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, NamespaceManager
from rdflib.term import Node

from ...rdf.iris import Iris
from ...rdf.namespaces import SH, bind_prefixes

SHAPES_NS = "https://kyodo-lod.example/def/shapes#"

_SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result in readable form. Nodes are shown compact (``kyodo:category``) where a
    prefix is known; ``focus_node`` is the full IRI so it can be looked up."""

    severity: str  # "Violation", "Warning" or "Info"
    focus_node: str
    path: str | None
    value: str | None
    message: str
    source_shape: str  # the shape that produced it (a property shape or a node shape)
    node_shape: str  # the NodeShape that owns source_shape
    constraint: str  # constraint component, or the SPARQL constraint's IRI

    def __str__(self) -> str:
        return f"{self.severity}\t{self.focus_node}\t{self.path or '-'}\t{self.message}"


@dataclass(frozen=True)
class ValidationOutcome:
    conforms: bool  # no Violation (warnings and infos allowed)
    violations: list[ValidationResult]
    warnings: list[ValidationResult]
    report: Graph  # sh:ValidationReport, blank-node free
    text: str  # a summary line, then one line per result
    infos: list[ValidationResult] = field(default_factory=list)


def outcome(pyshacl_report: Graph, shapes: Graph) -> ValidationOutcome:
    """The outcome of a report in pySHACL's form (results as blank nodes) for ``shapes``."""
    names = Graph()
    bind_prefixes(names)
    names.bind("kys", SHAPES_NS)
    nsm = names.namespace_manager
    owner = {ps: ns for ns, ps in shapes.subject_objects(SH.property)}

    records: list[ValidationResult] = []
    minted: dict[Node, URIRef] = {}
    for result in pyshacl_report.subjects(RDF.type, SH.ValidationResult):
        record = _record(pyshacl_report, result, shapes, owner, nsm)
        records.append(record)
        minted[result] = Iris().validation_result(_digest(record))
    records.sort(key=_sort_key)

    by_severity: dict[str, list[ValidationResult]] = {"Violation": [], "Warning": [], "Info": []}
    for record in records:
        by_severity.setdefault(record.severity, []).append(record)
    violations = by_severity["Violation"]
    conforms = not violations
    return ValidationOutcome(
        conforms=conforms,
        violations=violations,
        warnings=by_severity["Warning"],
        infos=by_severity["Info"],
        report=_deterministic_report(pyshacl_report, minted, conforms),
        text=_text(records),
    )


def _record(
    report: Graph,
    result: Node,
    shapes: Graph,
    owner: dict[Node, Node],
    nsm: NamespaceManager,
) -> ValidationResult:
    def one(predicate: URIRef) -> Node | None:
        return report.value(result, predicate)

    source_shape = one(SH.sourceShape)
    path = one(SH.resultPath)
    value = one(SH.value)
    constraint = one(SH.sourceConstraint) or one(SH.sourceConstraintComponent)
    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    # pySHACL adds the shape's own sh:message to a SPARQL constraint's message; keep the
    # more specific one.
    generic = {str(m) for m in shapes.objects(source_shape, SH.message)}
    specific = [m for m in messages if m not in generic] or messages
    severity = one(SH.resultSeverity)
    return ValidationResult(
        severity=_SEVERITY_NAMES.get(severity, str(severity)),  # type: ignore[arg-type]
        focus_node=str(one(SH.focusNode)),
        path=_render_path(report, path, nsm) if path is not None else None,
        value=_show(value, nsm) if value is not None else None,
        message="; ".join(specific),
        source_shape=_show(source_shape, nsm),
        node_shape=_show(owner.get(source_shape, source_shape), nsm),
        constraint=_show(constraint, nsm),
    )


def _show(node: Node | None, nsm: NamespaceManager) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef | Literal):
        return node.n3(nsm)
    return str(node)


def _render_path(graph: Graph, path: Node, nsm: NamespaceManager) -> str:
    """A SHACL property path in SPARQL syntax (``^kyodo:hasKPI``, ``a/b``, ``(a|b)*``)."""
    if isinstance(path, URIRef):
        return path.n3(nsm)
    if (path, RDF.first, None) in graph:
        return "/".join(_render_path(graph, p, nsm) for p in graph.items(path))
    for predicate, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(_render_path(graph, inner, nsm))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_render_path(graph, p, nsm) for p in graph.items(alternatives)) + ")"
    return str(path)


def _digest(record: ValidationResult) -> str:
    # The value is part of the key: one shape can fail on several values of one focus node.
    key = "\n".join(
        [
            record.focus_node,
            record.path or "",
            record.source_shape,
            record.constraint,
            record.value or "",
            record.message,
        ]
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _sort_key(record: ValidationResult) -> tuple[int, str, str, str, str, str, str]:
    # the constraint last: two components of one shape can fail alike on one value
    return (
        _SEVERITY_ORDER.get(record.severity, 9),
        record.focus_node,
        record.path or "",
        record.source_shape,
        record.value or "",
        record.message,
        record.constraint,
    )


def _text(records: list[ValidationResult]) -> str:
    counts = {name: 0 for name in _SEVERITY_ORDER}
    for record in records:
        counts[record.severity] = counts.get(record.severity, 0) + 1
    head = (
        f"SHACL validation: {'conforms' if not counts['Violation'] else 'does not conform'}"
        f" ({counts['Violation']} violations, {counts['Warning']} warnings,"
        f" {counts['Info']} infos)"
    )
    return "\n".join([head, *(str(r) for r in records)]) + "\n"


def _deterministic_report(report: Graph, minted: dict[Node, URIRef], conforms: bool) -> Graph:
    """The report with the report node and each result re-minted as IRIs; any other blank node
    (a complex result path) gets an IRI from its canonical (content-derived) label."""
    report_iri = Iris().validation_report()
    for node in report.subjects(RDF.type, SH.ValidationReport):
        minted[node] = report_iri

    def swap(node: Node) -> Node:
        return minted.get(node, node)

    staged = Graph()
    for s, p, o in report:
        if p == SH.conforms:
            continue
        staged.add((swap(s), p, swap(o)))
    staged.add((report_iri, SH.conforms, Literal(conforms)))

    if any(isinstance(n, BNode) for triple in staged for n in triple):
        staged = to_canonical_graph(staged)
    out = Graph()
    bind_prefixes(out)
    out.bind("kys", SHAPES_NS)

    def skolem(node: Node) -> Node:
        return URIRef(f"{report_iri}/node/{node}") if isinstance(node, BNode) else node

    for s, p, o in staged:
        out.add((skolem(s), p, skolem(o)))
    return out
