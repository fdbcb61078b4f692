"""publish and its dumps: every dump parses back to the very graphs, serial or in processes;
the writers; each file hashed once."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, XSD

from kyodo_lod.build.publish import publish
from kyodo_lod.build.publish.union import GraphUnion
from kyodo_lod.dist import FileHashes
from kyodo_lod.rdf.iris import Iris
from kyodo_lod.rdf.ntriples import SortedTriples

from .conftest import EX

IRIS = Iris()


def parse_dataset(path: Path) -> Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's Dataset.parse
        dataset = Dataset()
        dataset.parse(path, format="trig")
    return dataset


def check_dumps(dist: Path, graphs: dict[str, Graph]) -> None:
    union = Graph()
    for graph in graphs.values():
        union += graph
    nt = Graph().parse(dist / "kyodo-lod.nt", format="nt")
    assert isomorphic(nt, union)
    assert isomorphic(Graph().parse(dist / "kyodo-lod.ttl", format="turtle"), union)
    assert isomorphic(Graph().parse(dist / "kyodo-lod.jsonld", format="json-ld"), union)
    dataset = parse_dataset(dist / "kyodo-lod.trig")
    for name, graph in graphs.items():
        assert isomorphic(dataset.graph(IRIS.graph(name)), graph), name


def test_the_real_build_parses_back_to_its_graphs(dist: Path) -> None:
    # the TriG's named graphs are the reference; every other dump is their union
    dataset = parse_dataset(dist / "kyodo-lod.trig")
    names = ("asserted", "inferred", "ontology", "sdg")
    graphs = {}
    for name in names:
        graph = Graph()
        for triple in dataset.graph(IRIS.graph(name)):
            graph.add(triple)
        assert len(graph) > 0, name
        graphs[name] = graph
    check_dumps(dist, graphs)
    info = json.loads((dist / "build.json").read_text())
    assert info["triples"] == {name: len(g) for name, g in graphs.items()}


def test_nasty_terms_parse_back(nasty: dict[str, Graph], tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    prefixes = {
        "ex": EX,
        "kyodo": "https://kyodo-lod.example/def/kyodo#",
        "rdfs": str(RDFS),
        "xsd": str(XSD),
    }
    published = publish(dist, nasty, IRIS, Graph(), [], {}, prefixes=prefixes)
    text = (dist / "kyodo-lod.ttl").read_text(encoding="utf-8")
    assert "ex:1.2" in text and "<https://kyodo-lod.example/id/test/dot.>" in text
    check_dumps(dist, nasty)
    assert published.triples_per_graph == {"asserted": len(nasty["asserted"]), "inferred": 2}
    info = json.loads((dist / "build.json").read_text())
    union = Graph()
    for graph in nasty.values():
        union += graph
    assert info["triples_total"] == len(union)


def test_runs_merge_into_one_sorted_graph(nasty: dict[str, Graph]) -> None:
    whole = SortedTriples.of(nasty["asserted"])
    parts = SortedTriples()
    triples = sorted(nasty["asserted"])
    for chunk in (triples[::2], triples[1::2], triples[:3]):  # overlapping runs
        parts.add(SortedTriples.of(chunk))
    assert list(parts.lines()) == list(whole.lines())
    assert len(parts) == len(nasty["asserted"])


def test_blank_nodes_are_refused(tmp_path: Path) -> None:
    from rdflib import BNode

    graph = Graph()
    graph.add((BNode(), RDFS.label, Literal("x")))
    with pytest.raises(ValueError, match="blank node"):
        publish(tmp_path / "dist", {"asserted": graph}, IRIS, Graph(), [], {})


def test_the_second_process_writes_the_same_bytes(nasty: dict[str, Graph], tmp_path: Path) -> None:
    from kyodo_lod.build.validate import load_shapes
    from tests.locations import ROOT

    shapes = load_shapes(ROOT / "shapes")
    out = {
        mode: publish(tmp_path / mode, nasty, IRIS, Graph(), [], {}, shapes=shapes, parallel_from=n)
        for mode, n in (("serial", 10**9), ("parallel", 0))
    }
    serial, parallel = out["serial"], out["parallel"]
    names = sorted(p.name for p in serial.dist_dir.iterdir())
    assert "shapes.ttl" in names
    assert names == sorted(p.name for p in parallel.dist_dir.iterdir())
    for name in names:
        assert (serial.dist_dir / name).read_bytes() == (parallel.dist_dir / name).read_bytes()
    assert serial.content_hash == parallel.content_hash


class Describer:
    """A writer as the catalogue is: reads the union while the dumps are written, then
    describes every file in staging by its size and checksum."""

    def __init__(self) -> None:
        self.read_in: str | None = None

    def read(self, union: GraphUnion) -> int:
        import threading

        self.read_in = threading.current_thread().name
        assert union.store is not None
        return len(union.graph)

    def write(self, facts: int, staging: Path, hashes: FileHashes) -> list[Path]:
        out = staging / "described.txt"
        described = [hashes.facts(p) for p in sorted(staging.iterdir())]
        out.write_text(f"{facts} triples\n{described!r}\n", encoding="utf-8")
        return [out]


def test_a_writer_reads_the_union_in_the_loader_thread_then_writes(
    nasty: dict[str, Graph], tmp_path: Path
) -> None:
    import threading

    writer = Describer()
    published = publish(tmp_path / "dist", nasty, IRIS, Graph(), [], {}, writers=[writer])
    assert writer.read_in is not None and writer.read_in != threading.current_thread().name
    union = Graph()
    for graph in nasty.values():
        union += graph
    text = (published.dist_dir / "described.txt").read_text(encoding="utf-8")
    assert text.startswith(f"{len(union)} triples\n")
    assert "described.txt" in published.files
    info = json.loads((published.dist_dir / "build.json").read_text())
    assert info["files"] == list(published.files)


def test_each_file_is_hashed_once(
    nasty: dict[str, Graph], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the catalogue's checksums and build.json's content hash share one reading of each dump
    import hashlib

    from kyodo_lod import dist

    digests = []
    real = hashlib.sha256

    def counted(*args: bytes) -> object:
        digests.append(args)
        return real(*args)

    monkeypatch.setattr(dist.hashlib, "sha256", counted)  # hashlib itself: build_json's too
    published = publish(tmp_path / "dist", nasty, IRIS, Graph(), [], {}, writers=[Describer()])
    files = [name for name in published.files if name != "build.json"]
    assert len(digests) == len(files) + 1  # one per file, one for the content hash
    monkeypatch.setattr(dist.hashlib, "sha256", real)
    for name in files:
        data = (published.dist_dir / name).read_bytes()
        assert dist.file_facts(published.dist_dir / name) == (len(data), real(data).hexdigest())


def test_the_shapes_are_published(tmp_path: Path) -> None:
    from kyodo_lod.build.validate import load_shapes
    from tests.locations import ROOT

    shapes = load_shapes(ROOT / "shapes")
    graph = Graph()
    graph.add((URIRef(EX + "a"), RDFS.label, Literal("a")))
    published = publish(
        tmp_path / "dist", {"asserted": graph}, IRIS, Graph(), [], {}, shapes=shapes
    )
    assert "shapes.ttl" in published.files
    written = Graph().parse(published.dist_dir / "shapes.ttl", format="turtle")
    assert isomorphic(written, shapes)
