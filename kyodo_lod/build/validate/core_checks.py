"""The checks of the set-wise SHACL core constraints (``core`` plans which shapes): focus nodes
from one query per target, value nodes from one query per path, the instances of each
``sh:class`` from one query, then each component's test in Python on the rdflib terms, as
pySHACL 0.40's component of the same name decides it. ``add_results`` writes the results as
pySHACL writes them into its report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from ...rdf.namespaces import SH
from .core import NODE_KINDS, VALUE_PARAMETERS, CorePlan, CoreShape

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
Values = dict[Node, set[Node]]  # focus node → its value nodes
Found = Iterable[tuple[Node, Node | None, URIRef]]  # focus, value, component


def _check(plan_: CorePlan, shape: CoreShape, values: Values, data: _Data) -> Iterable[Result]:
    """The results of one shape's parameters, in the order of its parameters; the qualified
    counts last."""
    params = shape.params
    for p, rule in params:
        if p in VALUE_PARAMETERS:
            found = _value_results(data.check(plan_, p, rule), values, _COMPONENT[p])
        elif p in _FOCUS_CHECKS:
            found = _FOCUS_CHECKS[p](plan_, p, rule, values, data)
        else:
            continue  # sh:qualified*: below
        for focus, value, component in found:
            yield shape, focus, value, component
    qualified = next((o for p, o in params if p == SH.qualifiedValueShape), None)
    if qualified is not None:
        for focus, value, component in _qualified_results(plan_, params, qualified, values, data):
            yield shape, focus, value, component


def _value_results(ok: ValueCheck, values: Values, component: URIRef) -> Found:
    for f, vs in values.items():
        for v in vs:
            if not ok(v):
                yield f, v, component


def _count_results(plan_: CorePlan, p: Node, rule: Node, values: Values, data: _Data) -> Found:
    limit = rule.value  # type: ignore[attr-defined]
    at_least, component = p == SH.minCount, _COMPONENT[p]  # not per focus node
    for f, vs in values.items():
        if (len(vs) < limit) if at_least else (len(vs) > limit):
            yield f, None, component


def _unique_lang_results(
    plan_: CorePlan, p: Node, rule: Node, values: Values, data: _Data
) -> Found:
    if rule != Literal(True):
        return
    for f, vs in values.items():
        seen: set[str] = set()
        duplicated: set[str] = set()
        for v in vs:
            if isinstance(v, Literal) and v.language:
                lang = str(v.language).lower()
                (duplicated if lang in seen else seen).add(lang)
        for _ in duplicated:  # pySHACL: one result per duplicated language
            yield f, None, _COMPONENT[p]


def _has_value_results(plan_: CorePlan, p: Node, rule: Node, values: Values, data: _Data) -> Found:
    for f, vs in values.items():
        if not any(v == rule for v in vs):
            yield f, None, _COMPONENT[p]


def _equals_results(plan_: CorePlan, p: Node, rule: Node, values: Values, data: _Data) -> Found:
    other = data.values(rule)
    for f, vs in values.items():
        compare = other.get(f, set())
        for v in (vs - compare) | (compare - vs):
            yield f, v, _COMPONENT[p]


def _less_than_or_equals_results(
    plan_: CorePlan, p: Node, rule: Node, values: Values, data: _Data
) -> Found:
    other = data.values(rule)
    for f, vs in values.items():
        for v in vs:
            for c in other.get(f, set()):
                if not _less_or_equal(v, c):
                    yield f, v, _COMPONENT[p]


def _or_results(plan_: CorePlan, p: Node, rule: Node, values: Values, data: _Data) -> Found:
    alternatives = [_conformance(plan_, plan_.nested[n], data) for n in plan_.lists[rule]]
    for f, vs in values.items():
        for v in vs:
            if not any(conforms(v) for conforms in alternatives):
                yield f, v, _COMPONENT[p]


# the checks of a focus node's values taken together, by parameter
_FOCUS_CHECKS: dict[Node, Callable[[CorePlan, Node, Node, Values, _Data], Found]] = {
    SH.minCount: _count_results,
    SH.maxCount: _count_results,
    SH.uniqueLang: _unique_lang_results,
    SH.hasValue: _has_value_results,
    SH.equals: _equals_results,
    SH.lessThanOrEquals: _less_than_or_equals_results,
    SH["or"]: _or_results,
}


def _qualified_results(
    plan_: CorePlan,
    params: tuple[tuple[URIRef, Node], ...],
    qualified: Node,
    values: Values,
    data: _Data,
) -> Found:
    low = next((o.value for p, o in params if p == SH.qualifiedMinCount), None)  # type: ignore[attr-defined]
    high = next((o.value for p, o in params if p == SH.qualifiedMaxCount), None)  # type: ignore[attr-defined]
    conforms = _conformance(plan_, plan_.nested[qualified], data)
    for f, vs in values.items():
        conforming = sum(1 for v in vs if conforms(v))
        if high is not None and conforming > high:
            yield f, None, SH.QualifiedMaxCountConstraintComponent
        if low is not None and conforming < low:
            yield f, None, SH.QualifiedMinCountConstraintComponent


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
        kinds = NODE_KINDS[rule]  # type: ignore[index]
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
