"""SHACL core constraints evaluated set-wise over a pyoxigraph store: the plan of what is taken.

pySHACL walks every property shape focus node by focus node through rdflib, and validates a
nested shape (``sh:qualifiedValueShape [ sh:languageIn ( "ja" ) ]``) once per value node: at
~100 projects a city that is about a second of CPU per city, most of a many-city build. Here
a node shape's focus nodes come from one query per target, a property shape's value nodes from
one query, the instances of each ``sh:class`` from one query, and the checks run in Python on
the rdflib terms the data was made of (``core_checks``). Each check follows pySHACL 0.40's
component of the same name, and each result carries the triples pySHACL writes (type,
component, shape, severity, focus node, value where pySHACL gives one, the property shape's
path, the shape's messages), so the report is the same: tests/build/validate/test_core.py
validates every shape fixture both ways.

Only what is written here is taken: a node shape is evaluated here when its targets, its own
parameters and those of its property shapes (and their nested shapes) are all in the subset
below and every shape that can produce a result has an sh:message. Anything else stays with
pySHACL, whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from ...rdf.namespaces import SH

# Parameters that only describe a shape (pySHACL ignores them when validating).
_DESCRIPTIVE = frozenset({SH.name, SH.description, SH.order, SH.group, SH.message, SH.severity})
# parameters whose values are shapes (sh:and/or/xone hold theirs in RDF lists)
_SHAPE_REFERENCES = (SH.node, SH.property, SH.qualifiedValueShape, SH["not"], RDF.first)
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
# Checks of one value node at a time; a nested shape may use only these.
VALUE_PARAMETERS = frozenset(
    {
        SH["class"],
        SH.datatype,
        SH.nodeKind,
        SH.languageIn,
        SH.pattern,
        SH.minLength,
        SH.maxLength,
        SH.minInclusive,
        SH["in"],
    }
)
_FOCUS_PARAMETERS = frozenset(
    {
        SH.minCount,
        SH.maxCount,
        SH.uniqueLang,
        SH.hasValue,
        SH.equals,
        SH.lessThanOrEquals,
        SH.qualifiedValueShape,
        SH.qualifiedMinCount,
        SH.qualifiedMaxCount,
        SH["or"],
    }
)
NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


@dataclass(frozen=True)
class CoreShape:
    """A shape evaluated here: a node shape's own constraints (``path`` None) or a property
    shape, or a nested shape (no messages, no severity: only its conformance is used)."""

    node: Node
    path: URIRef | None
    severity: Node
    messages: tuple[Node, ...]
    params: tuple[tuple[URIRef, Node], ...]  # (parameter, object), as in the shapes graph


@dataclass(frozen=True)
class CoreNodeShape:
    node: Node
    targets: tuple[tuple[URIRef, Node], ...]
    own: CoreShape
    properties: tuple[CoreShape, ...]


@dataclass(frozen=True)
class CorePlan:
    """The node shapes this module takes, with what their checks need from the shapes graph."""

    node_shapes: tuple[CoreNodeShape, ...]
    nested: dict[Node, CoreShape]  # nested shapes by node
    lists: dict[Node, tuple[Node, ...]]  # RDF lists used by sh:in, sh:languageIn, sh:or
    patterns: dict[Node, re.Pattern[str]]


@dataclass
class _Tables:
    """What the checks read from the shapes graph besides the parameters, filled while
    planning: RDF lists (sh:in, sh:languageIn, sh:or), compiled patterns, nested shapes."""

    lists: dict[Node, tuple[Node, ...]] = field(default_factory=dict)
    patterns: dict[Node, re.Pattern[str]] = field(default_factory=dict)
    nested: dict[Node, CoreShape] = field(default_factory=dict)


def plan(shapes: Graph, sparql_taken: set[tuple[Node, Node]]) -> CorePlan:
    """The node shapes of ``shapes`` evaluated here (see the module docstring); a node shape
    with sh:sparql constraints is taken only when all of them are in ``sparql_taken``."""
    tables = _Tables()
    taken = []
    for node in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        if any((None, p, node) in shapes for p in _SHAPE_REFERENCES):
            continue  # also used from another shape: pySHACL's
        made = _node_shape(shapes, node, sparql_taken, tables)
        if made is not None:
            taken.append(made)
    return CorePlan(tuple(taken), tables.nested, tables.lists, tables.patterns)


def _node_shape(
    shapes: Graph,
    node: Node,
    sparql_taken: set[tuple[Node, Node]],
    tables: _Tables,
) -> CoreNodeShape | None:
    if (node, RDF.type, RDFS.Class) in shapes or (node, RDF.type, SH.PropertyShape) in shapes:
        return None  # implicit class target, or a property shape
    targets = []
    own: list[tuple[URIRef, Node]] = []
    properties = []
    for p, o in sorted(shapes.predicate_objects(node)):
        if p in _TARGETS:
            targets.append((p, o))
        elif p == SH.property:
            made = _property_shape(shapes, o, tables)
            if made is None:
                return None
            properties.append(made)
        elif p == SH.sparql:
            if (node, o) not in sparql_taken:
                return None
        elif p == RDF.type or p in _DESCRIPTIVE or not str(p).startswith(str(SH)):
            continue
        elif p in VALUE_PARAMETERS or p == SH.hasValue:
            own.append((p, o))
        else:
            return None
    if not targets:
        return None
    messages = tuple(shapes.objects(node, SH.message))
    if own and not messages:
        return None
    if not _parameters_ready(shapes, own, tables):
        return None
    severity = shapes.value(node, SH.severity) or SH.Violation
    return CoreNodeShape(
        node=node,
        targets=tuple(targets),
        own=CoreShape(node, None, severity, messages, tuple(own)),
        properties=tuple(sorted(properties, key=lambda s: str(s.node))),
    )


def _property_shape(
    shapes: Graph,
    node: Node,
    tables: _Tables,
) -> CoreShape | None:
    path = shapes.value(node, SH.path)
    if not isinstance(path, URIRef) or len(list(shapes.subjects(SH.property, node))) != 1:
        return None
    if isinstance(node, BNode):
        return None  # pySHACL copies a blank source shape's description into the report
    params: list[tuple[URIRef, Node]] = []
    for p, o in sorted(shapes.predicate_objects(node)):
        if p in (SH.path, RDF.type) or p in _DESCRIPTIVE or not str(p).startswith(str(SH)):
            continue
        if p in VALUE_PARAMETERS or p in _FOCUS_PARAMETERS:
            params.append((p, o))
        elif p == SH.qualifiedValueShapesDisjoint and o == Literal(False):
            continue
        else:
            return None  # targets, sh:node, sh:deactivated, sh:flags…: pySHACL's
    messages = tuple(shapes.objects(node, SH.message))
    if not messages or not _parameters_ready(shapes, params, tables):
        return None
    qualified = [o for p, o in params if p == SH.qualifiedValueShape]
    if len(qualified) > 1:
        return None
    severity = shapes.value(node, SH.severity) or SH.Violation
    return CoreShape(node, path, severity, messages, tuple(params))


def _parameters_ready(
    shapes: Graph,
    params: Iterable[tuple[URIRef, Node]],
    tables: _Tables,
) -> bool:
    """Read what the parameters point to (lists, patterns, nested shapes) into the plan's
    tables; False when one is of a form this module does not evaluate."""
    for p, o in params:
        if p in (SH["in"], SH.languageIn, SH["or"]):
            items = tuple(shapes.items(o))
            if not items:
                return False
            if p == SH.languageIn and not all(
                isinstance(i, Literal) and isinstance(i.value, str) for i in items
            ):
                return False
            tables.lists[o] = items
            if p == SH["or"] and not all(_nested(shapes, item, tables) for item in items):
                return False
        elif p == SH.pattern:
            if not isinstance(o, Literal):
                return False
            text = str(o.value) if o.value is not None and len(o.value) > 1 else str(o)
            tables.patterns[o] = re.compile(text)
        elif p == SH.qualifiedValueShape:
            if not _nested(shapes, o, tables):
                return False
        elif p in (SH.equals, SH.lessThanOrEquals, SH["class"], SH.datatype, SH.nodeKind):
            if not isinstance(o, URIRef) or (p == SH.nodeKind and o not in NODE_KINDS):
                return False
        elif p in (SH.minCount, SH.maxCount, SH.qualifiedMinCount, SH.qualifiedMaxCount):
            if not isinstance(o, Literal) or not isinstance(o.value, int):
                return False
        elif p in (SH.minLength, SH.maxLength):
            if not isinstance(o, Literal) or not isinstance(o.value, int) or o.value < 0:
                return False
        elif p == SH.minInclusive:
            if not isinstance(o, Literal):
                return False
        elif p == SH.uniqueLang and o not in (Literal(True), Literal(False)):
            return False
    return True


def _nested(
    shapes: Graph,
    node: Node,
    tables: _Tables,
) -> bool:
    if node in tables.nested:
        return True
    params: list[tuple[URIRef, Node]] = []
    for p, o in sorted(shapes.predicate_objects(node)):
        if p == RDF.type and o in (SH.NodeShape, SH.Shape):
            continue
        if p in (SH.name, SH.description, SH.message) or not str(p).startswith(str(SH)):
            continue
        if p not in VALUE_PARAMETERS:
            return False  # a path, targets, a severity (it would change conformance)…
        params.append((p, o))
    if not params or not _parameters_ready(shapes, params, tables):
        return False
    tables.nested[node] = CoreShape(node, None, SH.Violation, (), tuple(params))
    return True
