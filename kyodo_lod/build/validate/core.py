"""SHACL core constraints evaluated set-wise over a pyoxigraph store.

pySHACL walks every property shape focus node by focus node through rdflib, and validates a
nested shape (``sh:qualifiedValueShape [ sh:languageIn ( "ja" ) ]``) once per value node: at
~100 projects a city that is about a second of CPU per city, most of a many-city build. Here
a node shape's focus nodes come from one query per target, a property shape's value nodes from
one query, the instances of each ``sh:class`` from one query, and the checks run in Python on
the rdflib terms the data was made of. Each check follows pySHACL 0.40's component of the same
name, and each result carries the triples pySHACL writes (type, component, shape, severity,
focus node, value where pySHACL gives one, the property shape's path, the shape's messages),
so the report is the same: tests/test_validate_fast.py validates every shape fixture both ways.

Only what is written here is taken: a node shape is evaluated here when its targets, its own
parameters and those of its property shapes (and their nested shapes) are all in the subset
below and every shape that can produce a result has an sh:message. Anything else stays with
pySHACL, whole.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from ...rdf.namespaces import SH

# Parameters that only describe a shape (pySHACL ignores them when validating).
_DESCRIPTIVE = frozenset({SH.name, SH.description, SH.order, SH.group, SH.message, SH.severity})
# parameters whose values are shapes (sh:and/or/xone hold theirs in RDF lists)
_SHAPE_REFERENCES = (SH.node, SH.property, SH.qualifiedValueShape, SH["not"], RDF.first)
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
# Checks of one value node at a time; a nested shape may use only these.
_VALUE_PARAMETERS = frozenset(
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
_COMPONENT = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
}
_NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
# pySHACL's test of a literal's Python value for the datatypes it knows
_VALUE_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
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
        elif p in _VALUE_PARAMETERS or p == SH.hasValue:
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
        if p in _VALUE_PARAMETERS or p in _FOCUS_PARAMETERS:
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
            if not isinstance(o, URIRef) or (p == SH.nodeKind and o not in _NODE_KINDS):
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
        if p not in _VALUE_PARAMETERS:
            return False  # a path, targets, a severity (it would change conformance)…
        params.append((p, o))
    if not params or not _parameters_ready(shapes, params, tables):
        return False
    tables.nested[node] = CoreShape(node, None, SH.Violation, (), tuple(params))
    return True


# --- evaluation ----------------------------------------------------------------------------

ToRdflib = Callable[[object], Node]
Result = tuple[CoreShape, Node, Node | None, URIRef]  # shape, focus, value, component


class _Data:
    """What the checks read from the store, each asked once."""

    def __init__(self, store: ox.Store, to_rdflib: ToRdflib):
        self.store = store
        self.to_rdflib = to_rdflib
        self._instances: dict[Node, frozenset[Node]] = {}
        self._values: dict[Node, dict[Node, set[Node]]] = {}
        self._checks: dict[tuple[Node, Node], ValueCheck] = {}

    def check(self, plan_: CorePlan, p: Node, rule: Node) -> ValueCheck:
        made = self._checks.get((p, rule))
        if made is None:
            made = self._checks[(p, rule)] = _value_check(plan_, p, rule, self)
        return made

    def rows(self, query: str) -> Iterable[tuple[Node, ...]]:
        convert = self.to_rdflib
        for solution in self.store.query(query):  # type: ignore[union-attr]
            yield tuple(convert(solution[i]) for i in range(len(solution)))  # type: ignore[arg-type,index]

    def instances(self, cls: Node) -> frozenset[Node]:
        found = self._instances.get(cls)
        if found is None:
            query = f"SELECT DISTINCT ?x WHERE {{ ?x <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> }}"
            found = frozenset(row[0] for row in self.rows(query))
            self._instances[cls] = found
        return found

    def values(self, predicate: Node) -> dict[Node, set[Node]]:
        """subject → objects of ``predicate``, for every subject."""
        found = self._values.get(predicate)
        if found is None:
            found = defaultdict(set)
            for s, o in self.rows(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"):
                found[s].add(o)
            self._values[predicate] = found
        return found

    def focus_nodes(self, targets: Iterable[tuple[URIRef, Node]]) -> set[Node]:
        focus: set[Node] = set()
        for kind, target in targets:
            if kind == SH.targetNode:
                focus.add(target)
            elif kind == SH.targetClass:
                focus |= self.instances(target)
            elif kind == SH.targetSubjectsOf:
                focus.update(self.values(target))
            else:
                focus.update(o for objects in self.values(target).values() for o in objects)
        return focus


def evaluate(plan_: CorePlan, store: ox.Store, to_rdflib: ToRdflib) -> list[Result]:
    """Every result of the plan's shapes over the store's default graph."""
    data = _Data(store, to_rdflib)
    results: list[Result] = []
    for node_shape in plan_.node_shapes:
        focus = data.focus_nodes(node_shape.targets)
        if not focus:
            continue
        if node_shape.own.params:
            own = {f: {f} for f in focus}  # a node shape's value node is its focus node
            results.extend(_check(plan_, node_shape.own, own, data))
        for shape in node_shape.properties:
            assert shape.path is not None
            by_subject = data.values(shape.path)
            values = {f: by_subject.get(f, set()) for f in focus}
            results.extend(_check(plan_, shape, values, data))
    return results


ValueCheck = Callable[[Node], bool]


def _check(
    plan_: CorePlan, shape: CoreShape, values: dict[Node, set[Node]], data: _Data
) -> Iterable[Result]:
    params = shape.params
    qualified = next((o for p, o in params if p == SH.qualifiedValueShape), None)
    for p, rule in params:
        if p in _VALUE_PARAMETERS:
            component = _COMPONENT[p]
            ok = data.check(plan_, p, rule)
            for f, vs in values.items():
                for v in vs:
                    if not ok(v):
                        yield shape, f, v, component
        elif p in (SH.minCount, SH.maxCount):
            limit = rule.value  # type: ignore[union-attr]
            at_least, component = p == SH.minCount, _COMPONENT[p]  # not per focus node
            for f, vs in values.items():
                if (len(vs) < limit) if at_least else (len(vs) > limit):
                    yield shape, f, None, component
        elif p == SH.uniqueLang:
            if rule != Literal(True):
                continue
            for f, vs in values.items():
                seen: set[str] = set()
                duplicated: set[str] = set()
                for v in vs:
                    if isinstance(v, Literal) and v.language:
                        lang = str(v.language).lower()
                        (duplicated if lang in seen else seen).add(lang)
                for _ in duplicated:  # pySHACL: one result per duplicated language
                    yield shape, f, None, _COMPONENT[p]
        elif p == SH.hasValue:
            for f, vs in values.items():
                if not any(v == rule for v in vs):
                    yield shape, f, None, _COMPONENT[p]
        elif p == SH.equals:
            other = data.values(rule)
            for f, vs in values.items():
                compare = other.get(f, set())
                for v in (vs - compare) | (compare - vs):
                    yield shape, f, v, _COMPONENT[p]
        elif p == SH.lessThanOrEquals:
            other = data.values(rule)
            for f, vs in values.items():
                for v in vs:
                    for c in other.get(f, set()):
                        if not _less_or_equal(v, c):
                            yield shape, f, v, _COMPONENT[p]
        elif p == SH["or"]:
            alternatives = [_conformance(plan_, plan_.nested[n], data) for n in plan_.lists[rule]]
            for f, vs in values.items():
                for v in vs:
                    if not any(conforms(v) for conforms in alternatives):
                        yield shape, f, v, _COMPONENT[p]
    if qualified is not None:
        low = next((o.value for p, o in params if p == SH.qualifiedMinCount), None)  # type: ignore[union-attr]
        high = next((o.value for p, o in params if p == SH.qualifiedMaxCount), None)  # type: ignore[union-attr]
        conforms = _conformance(plan_, plan_.nested[qualified], data)
        for f, vs in values.items():
            conforming = sum(1 for v in vs if conforms(v))
            if high is not None and conforming > high:
                yield shape, f, None, SH.QualifiedMaxCountConstraintComponent
            if low is not None and conforming < low:
                yield shape, f, None, SH.QualifiedMinCountConstraintComponent


def _conformance(plan_: CorePlan, shape: CoreShape, data: _Data) -> ValueCheck:
    """Whether a value node conforms to a nested shape (all its checks pass)."""
    checks = [data.check(plan_, p, rule) for p, rule in shape.params]
    return lambda v: all(ok(v) for ok in checks)


def _value_check(plan_: CorePlan, p: Node, rule: Node, data: _Data) -> ValueCheck:
    """The test of one value-level parameter, as pySHACL's component decides it."""
    if p == SH["class"]:
        members = data.instances(rule)
        return lambda v: not isinstance(v, Literal) and v in members
    if p == SH.datatype:
        return lambda v: _datatype_ok(v, rule)
    if p == SH.nodeKind:
        kinds = _NODE_KINDS[rule]  # type: ignore[index]
        return lambda v: isinstance(v, kinds)
    if p == SH.languageIn:
        wanted = {str(i.value).lower() for i in plan_.lists[rule]}  # type: ignore[attr-defined]

        def language_in(v: Node) -> bool:
            if not isinstance(v, Literal) or not v.language:
                return False
            lang = str(v.language).lower()
            return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted

        return language_in
    if p == SH.pattern:
        matcher = plan_.patterns[rule]

        def pattern(v: Node) -> bool:
            if isinstance(v, BNode):
                return False
            text = _string(v)
            return bool(matcher.match(text) or matcher.search(text))

        return pattern
    if p in (SH.minLength, SH.maxLength):
        limit = rule.value  # type: ignore[union-attr]
        if p == SH.minLength:
            return lambda v: limit == 0 or (not isinstance(v, BNode) and len(_string(v)) >= limit)
        return lambda v: not isinstance(v, BNode) and len(_string(v)) <= limit
    if p == SH.minInclusive:
        return lambda v: _at_least(v, rule)  # type: ignore[arg-type]
    if p == SH["in"]:
        allowed = frozenset(plan_.lists[rule])
        return lambda v: v in allowed
    raise ValueError(f"not a value parameter: {p}")


def _datatype_ok(v: Node, rule: Node) -> bool:
    if not isinstance(v, Literal):
        return False
    if v.datatype == rule:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _value_matches(v, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD.string:
        return _value_matches(v, rule)
    if rule == RDF.langString and v.language:
        return _value_matches(v, rule)
    return False


def _value_matches(v: Literal, rule: Node) -> bool:
    expected = _VALUE_TYPES.get(rule)
    return True if expected is None else isinstance(v.value, expected)


def _string(v: Node) -> str:
    if (
        isinstance(v, Literal)
        and v.value is not None
        and v.datatype
        in (
            None,
            RDF.langString,
            XSD.string,
        )
    ):
        return str(v.value)
    return str(v)


def _at_least(v: Node, minimum: Literal) -> bool:
    if not isinstance(v, Literal):
        return False  # IRIs and blank nodes do not compare
    min_is_string = isinstance(minimum.value, str)
    v_is_string = isinstance(v.value, str)
    if min_is_string != v_is_string:
        return False
    try:
        return compare_literal(v, minimum) >= 0
    except (TypeError, NotImplementedError):
        return False


def _less_or_equal(v: Node, c: Node) -> bool:
    def comparable(node: Node) -> tuple[bool, object]:
        if isinstance(node, URIRef):
            return True, str(node)
        if isinstance(node, Literal) and isinstance(node.value, str):
            return True, node.value
        return False, node

    v_is_string, left = comparable(v)
    c_is_string, right = comparable(c)
    if v_is_string != c_is_string:
        return False
    return bool(left <= right)  # type: ignore[operator]


def add_results(report: Graph, report_node: Node, results: Iterable[Result]) -> None:
    """The results as pySHACL writes them into its report."""
    for shape, focus, value, component in results:
        result = BNode()
        report.add((report_node, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.sourceConstraintComponent, component))
        report.add((result, SH.sourceShape, shape.node))
        report.add((result, SH.resultSeverity, shape.severity))
        report.add((result, SH.focusNode, focus))
        if value is not None:
            report.add((result, SH.value, value))
        if shape.path is not None:
            report.add((result, SH.resultPath, shape.path))
        for message in shape.messages:
            report.add((result, SH.resultMessage, message))
