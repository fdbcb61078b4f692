"""A publish to kill: ``python -m tests.build.publish.killable DIST TRIPLES VARIANT`` publishes
TRIPLES generated triples (their labels differ by VARIANT) into DIST, in three processes,
printing "publishing" when it starts and "published" when done.
Also what the tests check a build folder with."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kyodo_lod.build.publish import Published, publish
from kyodo_lod.dist import BUILD_JSON, file_facts
from kyodo_lod.rdf.iris import Iris

EX = "https://kyodo-lod.example/id/test/"


def generated(triples: int, variant: str) -> dict[str, Graph]:
    """Two graphs of made-up labels (not real data)."""
    graphs = {"asserted": Graph(), "inferred": Graph()}
    for i in range(triples):
        name = "asserted" if i % 3 else "inferred"
        graphs[name].add((URIRef(f"{EX}s{i}"), RDFS.label, Literal(f"label {i} {variant}")))
    return graphs


def run(dist: Path, triples: int, variant: str, parallel_from: int = 0) -> Published:
    graphs = generated(triples, variant)
    return publish(dist, graphs, Iris(), Graph(), [], {}, parallel_from=parallel_from)


def check_complete(folder: Path) -> str:
    """The content hash of the build in ``folder``, after checking that its files are exactly
    those its build.json lists and hash to its content hash (one build, whole, not mixed)."""
    info = json.loads((folder / BUILD_JSON).read_text(encoding="utf-8"))
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(info["files"]), f"{folder}: {names} != {info['files']}"
    digest = hashlib.sha256()
    for name in sorted(n for n in names if n != BUILD_JSON):
        size, sha256 = file_facts(folder / name)
        digest.update(f"{name}\0{size}\0{sha256}\n".encode())
    assert digest.hexdigest() == info["content_hash"], f"{folder}: mixed or torn files"
    return info["content_hash"]


if __name__ == "__main__":
    graphs = generated(int(sys.argv[2]), sys.argv[3])
    print("publishing", flush=True)  # what a test times its kill from
    publish(Path(sys.argv[1]), graphs, Iris(), Graph(), [], {}, parallel_from=0)
    print("published", flush=True)
