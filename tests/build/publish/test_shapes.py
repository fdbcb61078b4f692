"""shapes.ttl: the shapes as published, the same bytes whatever the blank nodes were called."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from kyodo_lod.build.publish.shapes import shapes_turtle, stable_blank_nodes
from kyodo_lod.build.validate import load_shapes
from kyodo_lod.rdf.namespaces import prefixes
from tests.locations import ROOT

EX = "https://kyodo-lod.example/def/shapes#"


def relabelled(graph: Graph, order: int) -> Graph:
    """A copy with fresh blank nodes, drawn in the order of the old labels (or reversed)."""
    nodes = sorted(
        {t for triple in graph for t in triple if isinstance(t, BNode)}, reverse=order < 0
    )
    fresh = {node: BNode() for node in nodes}
    copy = Graph()
    for triple in graph:
        copy.add(tuple(fresh.get(t, t) for t in triple))  # type: ignore[arg-type]
    return copy


def awkward() -> Graph:
    """Blank nodes alike in all but their place: identical lists under different property
    shapes, identical siblings, nested blank nodes, a blank node with no parent."""
    g = Graph()
    for name in ("A", "B"):
        prop = URIRef(EX + name)
        g.add((URIRef(EX + "S"), SH.property, prop))
        for parent in (prop, BNode()):
            if parent != prop:
                g.add((prop, SH.qualifiedValueShape, parent))
            head = BNode()
            Collection(g, head, [Literal("ja"), Literal("en")])
            g.add((parent, SH.languageIn, head))
    for _ in range(2):  # two identical siblings
        entry = BNode()
        g.add((URIRef(EX + "S"), SH.declare, entry))
        g.add((entry, SH.prefix, Literal("ex")))
    root = BNode()
    g.add((root, SH.message, Literal("no parent")))
    return g


@pytest.mark.parametrize("make", [awkward, lambda: load_shapes(ROOT / "shapes")])
def test_the_bytes_do_not_depend_on_blank_node_labels(make) -> None:  # type: ignore[no-untyped-def]
    graph = make()
    written = {shapes_turtle(relabelled(graph, order), prefixes()) for order in (1, -1)}
    assert len(written) == 1
    [turtle] = written
    assert isomorphic(Graph().parse(data=turtle, format="turtle"), graph)
    assert b"_:" not in turtle or make is awkward


def test_every_blank_node_gets_its_own_label() -> None:
    graph = awkward()
    labels = stable_blank_nodes(graph)
    nodes = {t for triple in graph for t in triple if isinstance(t, BNode)}
    assert set(labels) == nodes
    assert len(set(labels.values())) == len(nodes)


def test_a_blank_node_cycle_is_refused() -> None:
    g = Graph()
    a, b = BNode(), BNode()
    g.add((URIRef(EX + "S"), SH.property, a))
    g.add((a, SH.node, b))
    g.add((b, SH.node, a))
    with pytest.raises(ValueError, match="cycle"):
        shapes_turtle(g, prefixes())


def test_the_same_bytes_in_other_processes() -> None:
    script = (
        "import sys; from kyodo_lod.build.publish.shapes import shapes_turtle;"
        "from kyodo_lod.build.validate import load_shapes;"
        "from kyodo_lod.rdf.namespaces import prefixes;"
        "sys.stdout.buffer.write(shapes_turtle(load_shapes('shapes'), prefixes()))"
    )
    outputs = set()
    for seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert outputs == {shapes_turtle(load_shapes(ROOT / "shapes"), prefixes())}
