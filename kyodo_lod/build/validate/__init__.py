"""SHACL validation: the graph (already reasoned, see ``infer``) against the shapes in shapes/.

``validate`` runs pySHACL with inference "none" (reasoning is done before, and is 6x slower
inside pySHACL), SHACL-SPARQL enabled and owl:imports never fetched. A build conforms when it
has no sh:Violation; sh:Warning results are reported and published but do not fail it.

The report graph is published (dist/validation-report.ttl), so its blank nodes are re-minted
as IRIs derived from each result's content: the same data gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
import xml.sax
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import OWL, RDF, RDFS, NamespaceManager
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node
from rdflib.util import guess_format

from ...errors import Location, Problem, SourceError
from ...rdf.graphs import Triples, as_graph
from ...rdf.iris import Iris
from ...rdf.namespaces import SH, bind_prefixes
from ...rdf.terms import TermMap
from . import core as shacl_core

SHAPES_NS = "https://kyodo-lod.example/def/shapes#"
DATASET_FORMATS = frozenset({"trig", "nquads"})

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


def load_shapes(shapes_dir: Path) -> Graph:
    """Every ``*.ttl`` in ``shapes_dir`` (sorted) as one shapes graph."""
    files = sorted(Path(shapes_dir).glob("*.ttl"))
    if not files:
        raise SourceError(Problem(Location(str(shapes_dir)), "no SHACL shapes (*.ttl) found"))
    shapes = Graph()
    bind_prefixes(shapes)
    for file in files:
        shapes += _parse(file)
    return shapes


def validate(
    data: Graph | Sequence[Triples], shapes: Graph, sparql_in_store: bool = True
) -> ValidationOutcome:
    """Validate ``data``: a Graph, or the union of a sequence of graphs or sets of triples (a
    Dataset is validated as the union of its graphs too).

    With ``sparql_in_store`` (the default) the data is loaded into pyoxigraph once: the
    shapes' SHACL-SPARQL constraints run there once each over all focus nodes, and the node
    shapes ``shacl_core`` can evaluate are checked set-wise there too; pySHACL gets only what
    is left (nothing, for our shapes). The results are the same either way
    (tests/test_validate_fast.py compares both ways on every fixture)."""
    if isinstance(data, ConjunctiveGraph):  # Dataset too: pySHACL would check graph by graph
        data = _union(data)
    parts = [data] if isinstance(data, Graph) else list(data)
    loaded = _store_of(parts) if sparql_in_store else None
    if loaded is not None and loaded[1].has_blank_nodes():
        # pySHACL copies a blank node's description into the report, and rdflib's STR() of a
        # blank node is its label where the standard's is an error: pySHACL does it all then
        loaded = None
    in_store: list[_StoreConstraint] = []
    core = None
    if loaded is not None:
        in_store = _store_constraints(shapes)
        core = shacl_core.plan(shapes, {(c.shape, c.constraint) for c in in_store})
        if not core.node_shapes:
            core = None
    shacl = shapes
    if loaded is not None:
        taken = {(c.shape, c.constraint) for c in in_store}
        untargeted = {s.node for s in core.node_shapes} if core else set()
        shacl = Graph()
        for s, p, o in shapes:
            if (p == SH.sparql and (s, o) in taken) or (s in untargeted and p in _TARGETS):
                continue
            shacl.add((s, p, o))
    if _has_targets(shacl):
        pyshacl_report = _pyshacl_report(as_graph(*parts), shacl)
    else:  # every shape is evaluated in the store
        pyshacl_report = Graph()
        pyshacl_report.add((BNode(), RDF.type, SH.ValidationReport))
    if loaded is not None:
        store, terms = loaded
        _add_store_results(pyshacl_report, store, terms, in_store)
        if core is not None:
            report_node = next(pyshacl_report.subjects(RDF.type, SH.ValidationReport))
            results = shacl_core.evaluate(core, store, terms.rdflib)
            shacl_core.add_results(pyshacl_report, report_node, results)
    return _outcome(pyshacl_report, shapes)


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target)


def _has_targets(shapes: Graph) -> bool:
    """Whether pySHACL would find any focus node: a target, or a shape that is a class."""
    if any((None, p, None) in shapes for p in _TARGETS):
        return True
    shape_types = (SH.NodeShape, SH.PropertyShape)
    return any(
        (s, RDF.type, t) in shapes
        for cls in (RDFS.Class, OWL.Class)
        for s in shapes.subjects(RDF.type, cls)
        for t in shape_types
    )


def _pyshacl_report(data: Graph, shapes: Graph) -> Graph:
    # advanced=True makes pySHACL clone the data (SHACL-AF rules could write to it); our shapes
    # have no sh:rule, so it validates a read-only view in place. Should a rule appear, the
    # view gets its own copy of the triples so the caller's graph is never changed.
    has_rules = (None, SH.rule, None) in shapes
    view = _QueryCachingGraph(data, copy=has_rules)
    _, report, _ = pyshacl_validate(
        view,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        inplace=True,
        do_owl_imports=False,
        allow_warnings=True,
        allow_infos=True,
        abort_on_first=False,
    )
    return report


def validate_file(path: Path, shapes_dir: Path) -> ValidationOutcome:
    """Parse any RDF file (format from the extension; TriG/N-Quads as the union of their
    graphs) and validate it. A parse error raises SourceError naming file, line and column."""
    return validate(_parse(Path(path)), load_shapes(shapes_dir))


class _QueryCachingGraph(Graph):
    """A view of a graph (same store, nothing copied) whose queries are parsed once per text.

    pySHACL runs a SPARQL constraint once per focus node with the same text ($this comes in
    through initBindings) and rdflib parses it every time (~40 ms each): without this cache a
    city of 95 projects (~2,000 constraint runs) spends over a minute in the SPARQL parser.
    """

    def __init__(self, graph: Graph, copy: bool = False):
        if copy:
            super().__init__()
            for triple in graph:
                self.add(triple)
        else:
            super().__init__(store=graph.store, identifier=graph.identifier)

    def query(self, query_object, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=1024)
def _prepared(text: str) -> Query:
    # Keyed by the full text (prefixes and $PATH already substituted); a parsed query is
    # never modified by evaluation, so one parse serves every call.
    return prepareQuery(text)


# --- results ------------------------------------------------------------------------------


def _outcome(pyshacl_report: Graph, shapes: Graph) -> ValidationOutcome:
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


# --- parsing -------------------------------------------------------------------------------


def _parse(path: Path) -> Graph:
    fmt = guess_format(str(path))
    if fmt is None:
        raise SourceError(
            Problem(Location(str(path)), "unknown RDF format (by extension)", path.suffix)
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(Problem(Location(str(path)), f"cannot read: {exc}")) from exc
    try:
        if fmt in DATASET_FORMATS:
            # rdflib 7.6's Dataset.parse calls its own deprecated API (default_context)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                dataset = Dataset()
                dataset.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
                return _union(dataset)
        graph = Graph()
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
        return graph
    except Exception as exc:  # each rdflib parser raises its own types; report them alike
        raise SourceError(_parse_problem(path, fmt, text, exc)) from exc


def _union(dataset: ConjunctiveGraph) -> Graph:
    union = Graph()
    for prefix, namespace in dataset.namespaces():
        union.bind(prefix, namespace, override=True, replace=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _parse_problem(path: Path, fmt: str, text: str, exc: Exception) -> Problem:
    """The parse error with a 1-based line (and column where the parser knows it)."""
    where = str(path)
    if isinstance(exc, BadSyntax):  # Turtle, TriG, N3
        source = exc._str if isinstance(exc._str, bytes) else str(exc._str).encode("utf-8")
        line_start = source.rfind(b"\n", 0, exc._i) + 1
        column = len(source[line_start : exc._i].decode("utf-8", "replace")) + 1
        return Problem(Location(where, exc.lines + 1, column), f"{fmt}: {exc._why}")
    if isinstance(exc, xml.sax.SAXParseException):  # RDF/XML; expat columns are 0-based
        return Problem(
            Location(where, exc.getLineNumber(), exc.getColumnNumber() + 1),
            f"{fmt}: {exc.getMessage()}",
        )
    if isinstance(exc, json.JSONDecodeError):  # JSON-LD
        return Problem(Location(where, exc.lineno, exc.colno), f"{fmt}: {exc.msg}")
    if fmt in {"nt", "nquads"}:  # line-based parsers do not say which line: find it
        line = _first_bad_line(text, fmt)
        return Problem(Location(where, line), f"{fmt}: {exc}")
    return Problem(Location(where), f"{fmt}: {exc}")


def _first_bad_line(text: str, fmt: str) -> int | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Dataset.parse, as above
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                (Dataset() if fmt == "nquads" else Graph()).parse(data=line, format=fmt)
            except Exception:
                return number
    return None


# --- SHACL-SPARQL constraints, once per constraint in pyoxigraph ---------------------------
#
# pySHACL runs a node shape's sh:sparql query once per focus node in rdflib's SPARQL engine
# (~1,900 runs a city, most of validation's time). The standard alternative: leave $this
# unbound, join it with the shape's targets and select it, so one query finds the results of
# every focus node. Only constraints whose meaning this keeps exactly are taken (see
# ``_store_constraints``); pySHACL still evaluates every other constraint.

_UNSUPPORTED_SPARQL = re.compile(
    r"\$(shapesGraph|currentShape|PATH|value)\b|[?$]failure\b|\b(VALUES|MINUS|SERVICE)\b"
    r"|SELECT\s+(DISTINCT\s+|REDUCED\s+)?\*",
    re.IGNORECASE,
)
_SELECTS_THIS = re.compile(r"^\s*SELECT\b[^{]*[?$]this\b", re.IGNORECASE)


@dataclass(frozen=True)
class _StoreConstraint:
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


def _store_constraints(shapes: Graph) -> list[_StoreConstraint]:
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
            _StoreConstraint(
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


def _store_of(parts: Sequence[Triples]) -> tuple[ox.Store, TermMap] | None:
    """The union of ``parts`` in a pyoxigraph store (its default graph), built without an
    rdflib union: at a batch of cities that copy alone took longer than the checks."""
    terms = TermMap()
    convert = terms.ox
    try:
        quads = [
            ox.Quad(convert(s), convert(p), convert(o))  # type: ignore[arg-type]
            for part in parts
            for s, p, o in part
        ]
    except (ValueError, TypeError):  # e.g. a language tag the store refuses: pySHACL does all
        return None
    store = ox.Store()
    store.extend(quads)
    terms.learn_stored_forms()
    return store, terms


def _format(message: str, bound: dict[str, Node]) -> str:
    # as pySHACL does it (re.sub with the value as replacement), so the texts are the same
    for name, value in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def _add_store_results(
    report: Graph, store: ox.Store, terms: TermMap, constraints: list[_StoreConstraint]
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
