"""The union's lossless store and the rdflib view over it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from kyodo_lod.build.publish import union as union_module
from kyodo_lod.build.publish.union import GraphUnion, lossless_store, run_blocks
from kyodo_lod.rdf.ntriples import SortedTriples
from kyodo_lod.rdf.turtle import Prefixes

from .conftest import EX


def test_the_store_view_keeps_every_term(nasty: dict[str, Graph], tmp_path: Path) -> None:
    # the catalogue reads the union through this view: no literal may be merged or rewritten
    path = tmp_path / "union.nt"
    path.write_text("".join(SortedTriples.of(nasty["asserted"]).lines()), encoding="utf-8")
    view = GraphUnion.of_store(lossless_store(path), Prefixes({})).graph
    assert len(view) == len(nasty["asserted"])
    assert set(view) == set(nasty["asserted"])
    subject = URIRef(EX + "a")
    assert set(view.objects(subject, RDFS.comment)) == set(
        nasty["asserted"].objects(subject, RDFS.comment)
    )


def _line_by_line_store(path: Path) -> set:  # type: ignore[type-arg]
    """The store as the former per-line loader made it: the reference for lossless_store."""
    import pyoxigraph

    marker = '"^^<http://www.w3.org/2001/XMLSchema#'
    text = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        line += "\n"
        if marker in line and line.endswith("> .\n"):
            head, _, tail = line.rpartition(marker)
            line = f'{head}"^^<urn:x-kyodo-xsd:{tail}'
        text.append(line)
    store = pyoxigraph.Store()
    store.load("".join(text).encode("utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)
    return set(store)


def test_the_store_loads_in_blocks_as_it_did_line_by_line(
    nasty: dict[str, Graph], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = list(SortedTriples.of(nasty["asserted"]).lines())
    odd = URIRef("urn:example:datatype#odd")
    xsd_in_text = '"^^<http://www.w3.org/2001/XMLSchema#integer> and "^^<urn:x> .'
    for literal in (
        Literal(xsd_in_text, datatype=odd),  # the marker inside a lexical form
        Literal(xsd_in_text, datatype=XSD.integer),
        Literal(xsd_in_text),
        Literal("x > .", datatype=XSD.string),
    ):
        triple = (URIRef(EX + "edge"), RDFS.comment, literal)
        lines.extend(SortedTriples.of([triple]).lines())
    path = tmp_path / "union.nt"
    path.write_text("".join(sorted(set(lines))), encoding="utf-8")
    monkeypatch.setattr(union_module, "_LOAD_BLOCK", 64)  # many blocks, cut mid-line
    reference = _line_by_line_store(path)
    assert set(lossless_store(path)) == reference
    # as publish loads it: from graphs' sorted runs (lines shared by runs, several runs per
    # graph), not from the merged file
    half = len(lines) // 2
    runs = [
        SortedTriples([("".join(sorted(set(part)))).encode("utf-8")])
        for part in (lines[: half + 3], lines[half:], lines[::3])
    ]
    graphs = [SortedTriples(runs[0].runs + runs[1].runs), runs[2]]
    assert set(lossless_store(run_blocks(graphs))) == reference
