"""dist/shapes.ttl: the SHACL shapes the build validated with, as Turtle whose bytes depend on
the shapes alone (not on the process that wrote them).

Shapes hold blank nodes (sh:declare entries, sh:in and sh:languageIn lists, qualified value
shapes). rdflib's Turtle writer inlines them (``[ ]`` and ``( )``) but orders them by their
labels: a random prefix per parse and a counter, so the order follows how the files were read
(measured: relabelling our shapes' blank nodes changes rdflib's bytes). So each blank node is
first named after what it says (its triples, recursively) and where it hangs (the IRI above it
and the predicates on the way), and the triples go into the written graph in sorted order
(tests/build/publish/test_shapes.py).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.term import Node

from ...dist import SHAPES


def write_shapes(staging: Path, shapes: Graph, prefixes: Mapping[str, str]) -> None:
    (staging / SHAPES).write_bytes(shapes_turtle(shapes, prefixes))


def shapes_turtle(shapes: Graph, prefixes: Mapping[str, str]) -> bytes:
    """``shapes`` as Turtle, ``prefixes`` declared where used; the same bytes for the same
    graph in every process. A blank-node cycle raises ValueError (SHACL shapes have none)."""
    labels = stable_blank_nodes(shapes)

    def named(term: Node) -> Node:
        return labels[term] if isinstance(term, BNode) else term

    written = Graph(bind_namespaces="none")
    for prefix, namespace in sorted(prefixes.items()):
        written.bind(prefix, namespace)
    triples = [(named(s), named(p), named(o)) for s, p, o in shapes]
    for triple in sorted(triples, key=lambda t: tuple(term.n3() for term in t)):
        written.add(triple)
    return written.serialize(format="turtle", encoding="utf-8")


def stable_blank_nodes(graph: Graph) -> dict[BNode, BNode]:
    """A new label for each blank node of ``graph``: a hash of where it hangs (the label or IRI
    of its parent, and the predicate) and of what it says. Blank nodes with the same place and
    content are interchangeable in a tree of blank nodes (what Turtle's ``[ ]`` and ``( )``
    make), so the order in which they are numbered does not show in the written graph."""
    content = _content_digests(graph)
    labels: dict[BNode, BNode] = {}
    frontier = [
        (f"{s.n3()} {p.n3()}", o)
        for s, p, o in graph
        if isinstance(o, BNode) and not isinstance(s, BNode)
    ]
    frontier += [("", node) for node in content if (None, None, node) not in graph]
    while frontier:
        numbered: Counter[str] = Counter()
        below = []
        for key, node in sorted((f"{place} {content[node]}", node) for place, node in frontier):
            if node in labels:  # reached from two places: the first (in sorted order) names it
                continue
            digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
            label = BNode(f"b{digest}" + (f"n{numbered[key]}" if numbered[key] else ""))
            numbered[key] += 1
            labels[node] = label
            below += [
                (f"{label} {p.n3()}", o)
                for p, o in graph.predicate_objects(node)
                if isinstance(o, BNode)
            ]
        frontier = below
    return labels


def _content_digests(graph: Graph) -> dict[BNode, str]:
    """Each blank node's hash of its triples, its blank objects by their own hash (depth
    first without recursion: an RDF list is as deep as it is long)."""
    digests: dict[BNode, str] = {}
    nodes = {t for triple in graph for t in (triple[0], triple[2]) if isinstance(t, BNode)}
    for start in nodes:
        stack: list[tuple[BNode, bool]] = [(start, False)]
        on_path: set[BNode] = set()
        while stack:
            node, children_done = stack.pop()
            if node in digests:
                continue
            if children_done:
                on_path.discard(node)
                parts = sorted(
                    f"{p.n3()} {digests[o] if isinstance(o, BNode) else o.n3()}"
                    for p, o in graph.predicate_objects(node)
                )
                digests[node] = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
                continue
            if node in on_path:
                raise ValueError(f"the shapes hold a blank-node cycle through {node.n3()}")
            on_path.add(node)
            stack.append((node, True))
            stack += [(o, False) for o in graph.objects(node) if isinstance(o, BNode)]
    return digests
