"""SHACL validation: the graph (already reasoned, see ``reason``) against the shapes in shapes/.

pySHACL is the reference, run with inference "none" (reasoning is done before, and is 6x slower
inside pySHACL), SHACL-SPARQL enabled and owl:imports never fetched. A build conforms when it
has no sh:Violation; sh:Warning results are reported and published but do not fail it.

What pySHACL would do one focus node at a time is done set-wise in pyoxigraph where the result
is the same: the SHACL-SPARQL constraints (``sparql``) and the core constraints (``core``, the
plan, and ``core_checks``); pySHACL (``pyshacl_run``) gets what is left. ``report`` turns the
results into the published, deterministic report; ``parse`` reads RDF files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import RDF

from ...errors import Location, Problem, SourceError
from ...rdf.graphs import Triples
from ...rdf.namespaces import SH, bind_prefixes
from ...rdf.terms import TermMap
from . import core as shacl_core
from .core_checks import add_results, evaluate
from .parse import parse_rdf_file, union_graph
from .pyshacl_run import pyshacl_report, shapes_left
from .report import SHAPES_NS, ValidationOutcome, ValidationResult, outcome
from .sparql import add_store_results, store_constraints

__all__ = [
    "SHAPES_NS",
    "ValidationOutcome",
    "ValidationResult",
    "load_shapes",
    "validate",
    "validate_file",
]


def load_shapes(shapes_dir: Path) -> Graph:
    """Every ``*.ttl`` in ``shapes_dir`` (sorted) as one shapes graph."""
    files = sorted(Path(shapes_dir).glob("*.ttl"))
    if not files:
        raise SourceError(Problem(Location(str(shapes_dir)), "no SHACL shapes (*.ttl) found"))
    shapes = Graph()
    bind_prefixes(shapes)
    for file in files:
        shapes += parse_rdf_file(file)
    return shapes


def validate(
    data: Graph | Sequence[Triples], shapes: Graph, sparql_in_store: bool = True
) -> ValidationOutcome:
    """Validate ``data``: a Graph, or the union of a sequence of graphs or sets of triples (a
    Dataset is validated as the union of its graphs too).

    With ``sparql_in_store`` (the default) the data is loaded into pyoxigraph once: the
    shapes' SHACL-SPARQL constraints run there once each over all focus nodes, and the node
    shapes ``core`` can evaluate are checked set-wise there too; pySHACL gets only what
    is left (nothing, for our shapes). The results are the same either way
    (tests/build/validate/test_core.py compares both ways on every fixture)."""
    if isinstance(data, ConjunctiveGraph):  # Dataset too: pySHACL would check graph by graph
        data = union_graph(data)
    parts = [data] if isinstance(data, Graph) else list(data)
    loaded = _store_of(parts) if sparql_in_store else None
    if loaded is not None and loaded[1].has_blank_nodes():
        # pySHACL copies a blank node's description into the report, and rdflib's STR() of a
        # blank node is its label where the standard's is an error: pySHACL does it all then
        loaded = None
    if loaded is None:
        report = pyshacl_report(parts, shapes)
    else:
        report = _validate_in_store(parts, shapes, *loaded)
    return outcome(report, shapes)


def validate_file(path: Path, shapes_dir: Path) -> ValidationOutcome:
    """Parse any RDF file (format from the extension; TriG/N-Quads as the union of their
    graphs) and validate it. A parse error raises SourceError naming file, line and column."""
    return validate(parse_rdf_file(Path(path)), load_shapes(shapes_dir))


def _validate_in_store(
    parts: Sequence[Triples], shapes: Graph, store: ox.Store, terms: TermMap
) -> Graph:
    """The report in pySHACL's form: the store's results added to pySHACL's on the rest."""
    in_store = store_constraints(shapes)
    sparql_taken = {(c.shape, c.constraint) for c in in_store}
    core = shacl_core.plan(shapes, sparql_taken)
    core_taken = {s.node for s in core.node_shapes}
    report = pyshacl_report(parts, shapes_left(shapes, sparql_taken, core_taken))
    add_store_results(report, store, terms, in_store)
    if core.node_shapes:
        report_node = next(report.subjects(RDF.type, SH.ValidationReport))
        add_results(report, report_node, evaluate(core, store, terms.rdflib))
    return report


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
