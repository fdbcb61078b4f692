"""Our streaming Turtle/TriG/JSON-LD writers: every dump parses back to the very graphs."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

from kyodo_lod.build.publish import _lossless_store, publish, store_graph
from kyodo_lod.rdf.iris import Iris
from kyodo_lod.rdf.ntriples import SortedTriples
from kyodo_lod.rdf.turtle import Prefixes

IRIS = Iris()
EX = "https://kyodo-lod.example/id/test/"


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


NASTY = [
    Literal('quote " and back\\slash'),
    Literal("line\nbreak and\r\nCRLF and \t tab"),
    Literal('ends with a quote"'),
    Literal('"""triple"""'),
    Literal("separator\u2028and\u2029paragraph"),
    Literal("emoji 🙂 and 日本語", lang="ja"),
    Literal("British", lang="en-GB"),
    Literal("07.50", datatype=XSD.decimal),
    Literal("7.5", datatype=XSD.decimal),
    Literal("x", datatype=XSD.string),
    Literal("x"),
    Literal("0012", datatype=XSD.integer),
    Literal("abc", datatype=XSD.integer),  # ill-typed, kept as written
    Literal("2025", datatype=XSD.gYear),
    Literal("odd", datatype=URIRef("urn:example:datatype#odd")),
    Literal("{?value} @id @type", lang="ja"),
    Literal(""),
]


@pytest.fixture
def nasty() -> dict[str, Graph]:
    data = Graph()
    odd_iris = [
        URIRef(EX + "a"),
        URIRef(EX + "日本語"),
        URIRef(EX + "dot."),
        URIRef(EX + "1.2"),
        URIRef(EX + "with#hash"),
        URIRef(EX + "q?x=1&y=2"),
        URIRef("urn:example:thing"),
        URIRef("https://kyodo-lod.example/def/kyodo#"),
    ]
    for i, literal in enumerate(NASTY):
        subject = odd_iris[i % len(odd_iris)]
        data.add((subject, RDFS.comment, literal))
        data.add((subject, URIRef(EX + f"p{i}"), odd_iris[(i + 1) % len(odd_iris)]))
    data.add((odd_iris[0], RDF.type, URIRef("https://kyodo-lod.example/def/kyodo#Project")))
    other = Graph()
    other.add((odd_iris[1], RDFS.label, Literal("only here", lang="en")))
    other.add((odd_iris[0], RDFS.comment, NASTY[0]))  # also in the other graph
    return {"asserted": data, "inferred": other}


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


def test_the_store_view_keeps_every_term(nasty: dict[str, Graph], tmp_path: Path) -> None:
    # the catalogue reads the union through this view: no literal may be merged or rewritten
    path = tmp_path / "union.nt"
    path.write_text("".join(SortedTriples.of(nasty["asserted"]).lines()), encoding="utf-8")
    view = store_graph(_lossless_store(path), Prefixes({}))
    assert len(view) == len(nasty["asserted"])
    assert set(view) == set(nasty["asserted"])
    subject = URIRef(EX + "a")
    assert set(view.objects(subject, RDFS.comment)) == set(
        nasty["asserted"].objects(subject, RDFS.comment)
    )


def test_the_second_process_writes_the_same_bytes(nasty: dict[str, Graph], tmp_path: Path) -> None:
    serial = publish(tmp_path / "serial", nasty, IRIS, Graph(), [], {}, parallel_from=10**9)
    parallel = publish(tmp_path / "parallel", nasty, IRIS, Graph(), [], {}, parallel_from=0)
    names = sorted(p.name for p in serial.dist_dir.iterdir())
    assert names == sorted(p.name for p in parallel.dist_dir.iterdir())
    for name in names:
        assert (serial.dist_dir / name).read_bytes() == (parallel.dist_dir / name).read_bytes()
    assert serial.content_hash == parallel.content_hash


def _line_by_line_store(path: Path) -> set:  # type: ignore[type-arg]
    """The store as the former per-line loader made it: the reference for _lossless_store."""
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
    from kyodo_lod.build import publish as publish_module

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
    monkeypatch.setattr(publish_module, "_LOAD_BLOCK", 64)  # many blocks, cut mid-line
    reference = _line_by_line_store(path)
    assert set(_lossless_store(path)) == reference
    # as publish loads it: from graphs' sorted runs (lines shared by runs, several runs per
    # graph), not from the merged file
    half = len(lines) // 2
    runs = [
        SortedTriples([("".join(sorted(set(part)))).encode("utf-8")])
        for part in (lines[: half + 3], lines[half:], lines[::3])
    ]
    graphs = [SortedTriples(runs[0].runs + runs[1].runs), runs[2]]
    assert set(_lossless_store(publish_module._run_blocks(graphs))) == reference


def test_each_file_is_hashed_once(
    nasty: dict[str, Graph], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the catalogue's checksums and build.json's content hash share one reading of each dump
    import hashlib

    from kyodo_lod.build import publish as publish_module

    def describe(union: Graph, staging: Path) -> list[Path]:  # as the catalogue does
        out = staging / "described.txt"
        facts = [publish_module.file_facts(p) for p in sorted(staging.iterdir())]
        out.write_text(repr(facts), encoding="utf-8")
        return [out]

    digests = []
    real = hashlib.sha256

    def counted(*args: bytes) -> object:
        digests.append(args)
        return real(*args)

    monkeypatch.setattr(publish_module.hashlib, "sha256", counted)
    published = publish(tmp_path / "dist", nasty, IRIS, Graph(), [], {}, extra_writers=[describe])
    files = [name for name in published.files if name != "build.json"]
    assert len(digests) == len(files) + 1  # one per file, one for the content hash
    monkeypatch.setattr(publish_module.hashlib, "sha256", real)
    for name in files:
        data = (published.dist_dir / name).read_bytes()
        assert publish_module.file_facts(published.dist_dir / name) == (
            len(data),
            real(data).hexdigest(),
        )


def test_file_facts_follow_a_changed_file(tmp_path: Path) -> None:
    import hashlib
    import os

    from kyodo_lod.build.publish import file_facts

    path = tmp_path / "f.txt"
    path.write_bytes(b"abc")
    assert file_facts(path) == (3, hashlib.sha256(b"abc").hexdigest())
    stat = path.stat()
    path.write_bytes(b"xyz")  # same size; the clock may not have moved: set the mtime
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert file_facts(path) == (3, hashlib.sha256(b"xyz").hexdigest())
    path.write_bytes(b"abcd")
    assert file_facts(path) == (4, hashlib.sha256(b"abcd").hexdigest())
