"""SHACL-SPARQL constraints run once each in pyoxigraph over all focus nodes.

pySHACL runs a node shape's sh:sparql query once per focus node in rdflib's SPARQL engine
(~1,900 runs a city, most of validation's time). The standard alternative: leave $this
unbound, join it with the shape's targets and select it, so one query finds the results of
every focus node. Only constraints whose meaning this keeps exactly are taken (see
``store_constraints``); pySHACL still evaluates every other constraint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from ...rdf.namespaces import SH
from ...rdf.terms import TermMap

_UNSUPPORTED_SPARQL = re.compile(
    r"\$(shapesGraph|currentShape|PATH|value)\b|[?$]failure\b|\b(VALUES|MINUS|SERVICE)\b"
    r"|SELECT\s+(DISTINCT\s+|REDUCED\s+)?\*",
    re.IGNORECASE,
)
_SELECTS_THIS = re.compile(r"^\s*SELECT\b[^{]*[?$]this\b", re.IGNORECASE)


@dataclass(frozen=True)
class StoreConstraint:
    shape: Node
    constraint: Node
    query: str  # prefixes + the select with the shape's targets joined in
    severity: Node
    shape_messages: tuple[Literal, ...]
    messages: tuple[Literal, ...]  # the constraint's own, minus those of the shape


def _prefix_header(shapes: Graph, constraint: Node) -> str:
    """PREFIX lines from sh:prefixes/sh:declare, as pySHACL collects them."""
    ontologies = set(shapes.subjects(RDF.type, OWL.Ontology))
    everywhere = {d for o in ontologies for d in shapes.objects(o, SH.declare)}
    prefixes: dict[str, str] = {}
    for holder in shapes.objects(constraint, SH.prefixes):
        own = set(shapes.objects(holder, SH.declare))
        for declaration in own if own and holder in ontologies else everywhere | own:
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                prefixes[str(prefix)] = str(namespace)
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())


def _target_pattern(shapes: Graph, shape: Node) -> str | None:
    """The shape's focus nodes as a graph pattern over ?this, or None when its targets are of
    a kind this module does not reproduce (pySHACL keeps the constraint then)."""
    targeting = {SH.targetClass, SH.targetNode}
    other = (SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    if any((shape, p, None) in shapes for p in other):
        return None
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        return None  # implicit class target
    branches = []
    for p in targeting:
        for target in shapes.objects(shape, p):
            if not isinstance(target, URIRef):
                return None
            if p == SH.targetClass:
                branches.append(f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* <{target}> }}")
            else:
                branches.append(f"{{ BIND(<{target}> AS ?this) }}")
    return " UNION ".join(sorted(branches)) if branches else None


def store_constraints(shapes: Graph) -> list[StoreConstraint]:
    """The sh:sparql constraints that can run once over all focus nodes with pySHACL's
    results: on a node shape that nothing else refers to, with class/node targets, a SELECT
    that projects $this, and none of $value, $PATH, $shapesGraph, $currentShape, ?failure,
    VALUES, MINUS, SERVICE or SELECT *."""
    out = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if (shape, SH.path, None) in shapes or (None, None, shape) in shapes:
            continue
        if _true(shapes.value(shape, SH.deactivated)):
            continue
        selects = list(shapes.objects(constraint, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            continue
        if _true(shapes.value(constraint, SH.deactivated)):
            continue  # pySHACL skips it as well; let it say so
        text = str(selects[0])
        if _UNSUPPORTED_SPARQL.search(text) or not _SELECTS_THIS.search(text):
            continue
        targets = _target_pattern(shapes, shape)
        brace = text.find("{")
        shape_messages = tuple(m for m in shapes.objects(shape, SH.message))
        own = tuple(m for m in shapes.objects(constraint, SH.message) if m not in shape_messages)
        if targets is None or brace < 0 or not (shape_messages or own):
            continue
        if not all(isinstance(m, Literal) for m in (*shape_messages, *own)):
            continue
        joined = f"{text[: brace + 1]} {{ SELECT DISTINCT ?this WHERE {{ {targets} }} }} "
        out.append(
            StoreConstraint(
                shape=shape,
                constraint=constraint,
                query=_prefix_header(shapes, constraint) + "\n" + joined + text[brace + 1 :],
                severity=shapes.value(shape, SH.severity) or SH.Violation,
                shape_messages=shape_messages,  # type: ignore[arg-type]
                messages=own,  # type: ignore[arg-type]
            )
        )
    return sorted(out, key=lambda c: (str(c.shape), str(c.constraint)))


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.value is True


def _format(message: str, bound: dict[str, Node]) -> str:
    # as pySHACL does it (re.sub with the value as replacement), so the texts are the same
    for name, value in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def add_store_results(
    report: Graph, store: ox.Store, terms: TermMap, constraints: list[StoreConstraint]
) -> None:
    """Run each constraint once and add its results to pySHACL's report, triple for triple
    what pySHACL would have written."""
    report_node = next(report.subjects(RDF.type, SH.ValidationReport))
    for c in constraints:
        solutions = store.query(c.query)
        names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
        seen: set[tuple] = set()
        for solution in solutions:
            row = {}
            for i, name in enumerate(names):
                value = solution[i]  # type: ignore[index]
                if value is not None:
                    row[name] = terms.rdflib(value)
            this = row.pop("this")
            path = row.pop("path", None)
            value = row.pop("value", None)
            if value is None:
                value = this  # a node shape's value node is its focus node
            key = (this, path, value, tuple(row.items()))
            if key in seen:
                continue
            seen.add(key)
            bound = {**row, "this": this, **({"path": path} if path is not None else {})}
            bound["value"] = value
            result = BNode()
            report.add((report_node, SH.result, result))
            report.add((result, RDF.type, SH.ValidationResult))
            report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            report.add((result, SH.sourceShape, c.shape))
            report.add((result, SH.resultSeverity, c.severity))
            report.add((result, SH.focusNode, this))
            report.add((result, SH.value, value))
            if path is not None:
                report.add((result, SH.resultPath, path))
            report.add((result, SH.sourceConstraint, c.constraint))
            for message in (*c.messages, *c.shape_messages):
                report.add((result, SH.resultMessage, Literal(_format(str(message), bound))))
