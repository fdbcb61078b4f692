"""The union of the published graphs as its readers get it: a lossless pyoxigraph store, and a
read-only rdflib Graph over that store.

projects.csv and the catalogue read the union after publish has loaded it from the graphs'
sorted runs. The store answers SPARQL (counts and joins in Rust, not in a Python walk); the view
lets the same readers use rdflib's Graph API without an rdflib copy of the union (tens of GB
for a national build).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Graph, URIRef
from rdflib.store import Store
from rdflib.term import Node

from ...rdf.ntriples import SortedTriples
from ...rdf.terms import OPAQUE_XSD, XSD, to_oxigraph, to_rdflib
from ...rdf.turtle import Prefixes


@dataclass(frozen=True)
class GraphUnion:
    """The union to read: an rdflib Graph, and the lossless store under it when publish loaded
    one (None for a plain rdflib graph: readers then walk ``graph`` instead)."""

    graph: Graph
    store: pyoxigraph.Store | None = None

    @classmethod
    def of_store(cls, store: pyoxigraph.Store, prefixes: Prefixes) -> GraphUnion:
        """``store`` with a read-only rdflib Graph over its default graph."""
        view = _OxigraphView(store, prefixes.prefixes)
        return cls(Graph(store=view, bind_namespaces="none"), store)


class _OxigraphView(Store):
    """Just enough of rdflib's Store over a pyoxigraph store for reading. Literals come back as
    the store keeps them (see rdf.terms)."""

    def __init__(self, store: pyoxigraph.Store, prefixes: Mapping[str, str]):
        super().__init__()
        self.ox = store
        self.bound = {p: URIRef(ns) for p, ns in prefixes.items()}
        self.cache: dict[object, Node] = {}

    def _rdflib(self, term: object) -> Node:
        found = self.cache.get(term)
        if found is not None:
            return found
        made = to_rdflib(term)
        if isinstance(term, pyoxigraph.NamedNode) and len(self.cache) < 2_000_000:
            self.cache[term] = made
        return made

    @staticmethod
    def _ox(term: Node | None) -> object:
        return None if term is None else to_oxigraph(term, opaque_xsd=True)

    def triples(self, triple_pattern, context=None):  # type: ignore[no-untyped-def,override]
        pattern = [self._ox(t) for t in triple_pattern]
        for quad in self.ox.quads_for_pattern(*pattern, pyoxigraph.DefaultGraph()):
            triple = (
                self._rdflib(quad.subject),
                self._rdflib(quad.predicate),
                self._rdflib(quad.object),
            )
            yield triple, iter(())

    def __len__(self, context=None) -> int:  # type: ignore[no-untyped-def,override]
        return len(self.ox)

    def bind(self, prefix, namespace, override=True):  # type: ignore[no-untyped-def,override]
        self.bound[prefix] = URIRef(namespace)

    def namespace(self, prefix):  # type: ignore[no-untyped-def,override]
        return self.bound.get(prefix)

    def prefix(self, namespace):  # type: ignore[no-untyped-def,override]
        return next((p for p, ns in self.bound.items() if ns == namespace), None)

    def namespaces(self):  # type: ignore[no-untyped-def,override]
        yield from self.bound.items()


# The datatype of a line's object: the line's last '"^^<xsd:' (no later one: the lookahead)
# on a line that ends in "> .\n". One re.sub per block of lines, in C: a Python loop over the
# lines of a national build took minutes.
_XSD_MARKER = re.escape(f'"^^<{XSD}'.encode())
_XSD_DATATYPE = re.compile(_XSD_MARKER + rb"(?=(?:(?!" + _XSD_MARKER + rb")[^\n])*> \.\n)")
_LOAD_BLOCK = 4 << 20  # bytes of whole lines per load (bigger blocks measured no faster)


def lossless_store(ntriples: Path | Iterable[bytes]) -> pyoxigraph.Store:
    """N-Triples (a file, or blocks of whole lines) in a pyoxigraph store, XSD datatypes under
    ``OPAQUE_XSD``."""
    store = pyoxigraph.Store()
    opaque = f'"^^<{OPAQUE_XSD}'.encode()
    for block in _file_blocks(ntriples) if isinstance(ntriples, Path) else ntriples:
        store.load(_XSD_DATATYPE.sub(opaque, block), pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _file_blocks(ntriples: Path) -> Iterator[bytes]:
    with ntriples.open("rb") as lines:
        while block := lines.read(_LOAD_BLOCK):
            if not block.endswith(b"\n"):
                block += lines.readline()  # whole lines only: a literal never spans two
            yield block


def run_blocks(graphs: Iterable[SortedTriples]) -> Iterator[bytes]:
    """The graphs' runs in blocks of whole lines (a line in several graphs comes once per
    graph: the store keeps one)."""
    for graph in graphs:
        for run in graph.runs:
            start = 0
            while start < len(run):
                end = run.find(b"\n", start + _LOAD_BLOCK)
                end = len(run) if end < 0 else end + 1
                yield run[start:end]
                start = end


def sparql_string(text: str) -> str:
    """``text`` as a SPARQL string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
