"""Write dist/: the named graphs as TriG, union dumps, projects.csv, the reports, build.json.

Every file is byte-stable: each graph comes as sorted, unique N-Triples lines
(``SortedTriples``), and our own writers stream Turtle, TriG and flattened JSON-LD from them in
that order (rdflib's writers manage ~3k triples/s and hold the whole union several times over).
The whole folder is written beside the old one and swapped in at the end: a failed publish
leaves the previous dist/ as it was.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import multiprocessing
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Graph, URIRef
from rdflib.store import Store
from rdflib.term import Node

from ...dist import (
    ANOMALIES_CSV,
    BUILD_JSON,
    JSONLD,
    NTRIPLES,
    PROJECTS_CSV,
    TRIG,
    TURTLE,
    VALIDATION_REPORT,
    file_facts,
)
from ...model import DEPARTMENT_SEPARATOR, PROJECT_COLUMNS, Anomaly, sdg_code_key
from ...rdf.graphs import sorted_graph
from ...rdf.iris import SDG_BASE, Iris
from ...rdf.jsonld import jsonld_chunks
from ...rdf.namespaces import bind_prefixes
from ...rdf.ntriples import SortedTriples, merged_lines, split_line, text_lines, unique_merged
from ...rdf.terms import OPAQUE_XSD, XSD, to_oxigraph, to_rdflib
from ...rdf.turtle import Prefixes, trig_chunks, turtle_chunks

PARALLEL_FROM = 200_000  # below this a second process costs more than it saves


@dataclass
class _RunFiles:
    """A ``SortedTriples`` whose runs were written to files: what the second process gets
    instead of a pickled copy of every graph (a national build's runs are GBs)."""

    paths: list[Path]

    @classmethod
    def write(cls, graph: SortedTriples, folder: Path) -> _RunFiles:
        folder.mkdir(parents=True)
        paths = [folder / f"{i}.nt" for i in range(len(graph.runs))]
        for path, run in zip(paths, graph.runs, strict=True):
            path.write_bytes(run)
        return cls(paths)

    def lines(self) -> Iterator[str]:
        """Every line once, in sorted order (as ``SortedTriples.lines``)."""
        with contextlib.ExitStack() as stack:
            sources = [
                stack.enter_context(path.open(encoding="utf-8", newline="\n"))
                for path in self.paths
            ]
            yield from unique_merged(sources)


def _write_text(path: Path, chunks: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        buffer: list[str] = []
        for chunk in chunks:
            buffer.append(chunk)
            if len(buffer) >= 4096:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))


PROJECTS_QUERY = """
PREFIX kyodo: <{kyodo}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?project ?cityCode ?cityName ?year ?policyNumber ?policyTitle ?number ?category
       ?name ?department ?relistedNumber
       (GROUP_CONCAT(DISTINCT ?targetCode; separator=" ") AS ?targets)
WHERE {{
  ?project a kyodo:Project ;
      rdfs:label ?name ;
      kyodo:fiscalYear ?year ;
      kyodo:inPlan/kyodo:implementsPlan/dct:publisher ?city ;
      kyodo:underPolicy ?policy ;
      kyodo:category/skos:prefLabel ?category ;
      kyodo:responsibleDepartment ?department .
  FILTER(lang(?name) = "ja" && lang(?category) = "ja")
  ?city kyodo:localGovernmentCode ?cityCode ; rdfs:label ?cityName .
  FILTER(lang(?cityName) = "ja")
  ?policy kyodo:policyNumber ?policyNumber ; dct:title ?policyTitle .
  FILTER(lang(?policyTitle) = "ja")
  OPTIONAL {{ ?project kyodo:projectNumber ?number }}
  OPTIONAL {{ ?project kyodo:relists/kyodo:projectNumber ?relistedNumber }}
  OPTIONAL {{
    ?project kyodo:sdgTarget ?target .
    BIND(STRAFTER(STR(?target), "{sdg}") AS ?targetCode)
  }}
}}
GROUP BY ?project ?cityCode ?cityName ?year ?policyNumber ?policyTitle ?number ?category
         ?name ?department ?relistedNumber
"""

DEPARTMENTS_QUERY = """
PREFIX kyodo: <{kyodo}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?department ?label ?parent WHERE {{
  ?department a kyodo:Department ; rdfs:label ?label ; org:subOrganizationOf ?parent .
  FILTER(lang(?label) = "ja")
}}
"""


def _value(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def project_rows(store: pyoxigraph.Store, kyodo_namespace: str) -> list[dict[str, str]]:
    """The projects.csv rows, read back from the built graph by SPARQL."""
    parents: dict[str, tuple[str, str]] = {}
    for row in store.query(DEPARTMENTS_QUERY.format(kyodo=kyodo_namespace)):
        parents[row["department"].value] = (row["label"].value, row["parent"].value)

    def department_path(iri: str) -> str:
        names = []
        while iri in parents:
            label, iri = parents[iri]
            names.append(label)
        return DEPARTMENT_SEPARATOR.join(reversed(names))

    rows = []
    for row in store.query(PROJECTS_QUERY.format(kyodo=kyodo_namespace, sdg=SDG_BASE)):
        targets = sorted(_value(row["targets"]).split(), key=sdg_code_key)
        rows.append(
            {
                "city_code": _value(row["cityCode"]),
                "city_name": _value(row["cityName"]),
                "fiscal_year": _value(row["year"]),
                "policy_number": _value(row["policyNumber"]),
                "policy_title": _value(row["policyTitle"]),
                "project_number": _value(row["number"]),
                "category": _value(row["category"]),
                "project_name": _value(row["name"]),
                "department": department_path(row["department"].value),
                "sdg_targets": " ".join(targets),
                "relisted_from": _value(row["relistedNumber"]),
                "uri": row["project"].value,
            }
        )

    def order(row: dict[str, str]) -> tuple:
        number = row["project_number"]
        return (
            row["city_code"],
            row["fiscal_year"],
            number == "",
            int(number) if number else 0,
            [int(p) for p in row["policy_number"].split(".")],
            row["uri"],
        )

    return sorted(rows, key=order)


def _csv_bytes(columns: Iterable[str], rows: Iterable[Mapping[str, object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Published:
    dist_dir: Path
    files: tuple[str, ...]
    triples_per_graph: dict[str, int]
    content_hash: str


def publish(
    dist_dir: Path,
    graphs: Mapping[str, SortedTriples | Graph],
    iris: Iris,
    validation_report: Graph,
    anomalies: Iterable[Anomaly],
    counts: Mapping[str, int],
    extra_writers: Iterable[Callable[[Graph, Path], Iterable[Path]]] = (),
    prefixes: Mapping[str, str] | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> Published:
    """Write every dist/ file into a fresh folder, then swap it in for the old dist/.

    ``graphs`` are blank-node free (a ValueError otherwise); ``prefixes`` (default: ours,
    ``namespaces.bind_prefixes``) are declared in the Turtle, TriG and JSON-LD dumps. From
    ``parallel_from`` triples on, the validation report, TriG, Turtle and JSON-LD are written by
    two more processes (which read ``graphs`` from temporary files beside ``dist_dir``)."""
    sorted_graphs = {
        name: g if isinstance(g, SortedTriples) else SortedTriples.of(g, name)
        for name, g in graphs.items()
    }
    for name, triples in sorted_graphs.items():
        _check_blank_node_free(name, triples)
    if prefixes is None:
        bound = Graph(bind_namespaces="none")
        bind_prefixes(bound)
        prefixes = {p: str(ns) for p, ns in bound.namespaces() if p}
    dist_dir = Path(dist_dir)
    dist_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dist-", dir=dist_dir.parent))
    try:
        files, triples = _write_all(
            staging,
            sorted_graphs,
            iris,
            Prefixes(prefixes),
            validation_report,
            anomalies,
            counts,
            extra_writers,
            parallel_from,
        )
        content_hash = json.loads((staging / BUILD_JSON).read_text())["content_hash"]
        _swap_in(staging, dist_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Published(
        dist_dir=dist_dir,
        files=tuple(files),
        triples_per_graph=triples,
        content_hash=content_hash,
    )


def _check_blank_node_free(name: str, graph: SortedTriples) -> None:
    for run in graph.runs:
        if run.startswith(b"_:") or b"\n_:" in run or b" _:" in run:
            for line in text_lines(run):
                s, _, o = split_line(line)
                if s.startswith("_:") or o.startswith("_:"):
                    raise ValueError(f"graph {name} holds a blank node: {line.strip()}")


def _write_trig(
    staging: Path,
    graphs: Mapping[str, SortedTriples] | Mapping[str, _RunFiles],
    iris: Iris,
    prefixes: dict[str, str],
    validation_report: Graph,
) -> dict[str, int]:
    """The validation report and the TriG (from the graphs); returns the triples per graph."""
    _write_report(staging, validation_report)
    triples: dict[str, int] = {}
    _write_text(staging / TRIG, trig_chunks(graphs, iris, Prefixes(prefixes), triples))
    return {name: triples[name] for name in sorted(graphs)}


def _write_from_ntriples(staging: Path, name: str, prefixes: dict[str, str]) -> None:
    """kyodo-lod.ttl or kyodo-lod.jsonld from kyodo-lod.nt (sorted), a line at a time."""
    chunks = {TURTLE: turtle_chunks, JSONLD: jsonld_chunks}[name]
    with (staging / NTRIPLES).open(encoding="utf-8", newline="\n") as lines:
        _write_text(staging / name, chunks(lines, Prefixes(prefixes)))


def _write_report(staging: Path, validation_report: Graph) -> None:
    (staging / VALIDATION_REPORT).write_bytes(
        sorted_graph(validation_report).serialize(format="turtle", encoding="utf-8")
    )


def _write_all(
    staging: Path,
    graphs: Mapping[str, SortedTriples],
    iris: Iris,
    prefixes: Prefixes,
    validation_report: Graph,
    anomalies: Iterable[Anomaly],
    counts: Mapping[str, int],
    extra_writers: Iterable[Callable[[Graph, Path], Iterable[Path]]],
    parallel_from: int,
) -> tuple[list[str], dict[str, int]]:
    # The TriG streams from the graphs' sorted lines, the N-Triples from their merge (the
    # union), Turtle and JSON-LD from the N-Triples file: no graph is ever held in rdflib here.
    writers = list(extra_writers)
    total = 0

    def counted(lines: Iterable[str]) -> Iterator[str]:
        nonlocal total
        for line in lines:
            total += 1
            yield line

    # an upper bound of the union's size (a line shared by two runs counts twice) decides
    # whether the other writers get processes of their own; the files are the same either way
    parallel = sum(run.count(b"\n") for g in graphs.values() for run in g.runs) >= parallel_from
    with contextlib.ExitStack() as stack:
        # the store (for projects.csv and the catalogue) fills from the graphs' runs in a
        # thread, then the catalogue's facts are read from it there: pyoxigraph parses,
        # indexes and answers queries without the GIL, so this runs beside the merge
        loader = stack.enter_context(ThreadPoolExecutor(1))
        stored = loader.submit(_lossless_store, _run_blocks(graphs.values()))
        union_read = loader.submit(_union_of, stored, prefixes, iris if writers else None)
        # a big build writes the report and TriG (from the graphs) while this process merges
        # the N-Triples, then Turtle and JSON-LD (from the N-Triples) while it reads
        # projects.csv (and the catalogue's facts) from the store
        if parallel:
            # the graphs go as files (removed once the process is done), not pickled
            runs = Path(tempfile.mkdtemp(prefix=".runs-", dir=staging.parent))
            stack.callback(shutil.rmtree, runs, ignore_errors=True)
            on_disk = {
                name: _RunFiles.write(graphs[name], runs / str(i))
                for i, name in enumerate(sorted(graphs))
            }
            pool = stack.enter_context(
                ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver"))
            )
            streamed = pool.submit(
                _write_trig, staging, on_disk, iris, prefixes.prefixes, validation_report
            )
        _write_text(staging / NTRIPLES, counted(merged_lines(graphs[n] for n in sorted(graphs))))
        if parallel:
            dumps = [
                pool.submit(_write_from_ntriples, staging, name, prefixes.prefixes)
                for name in (JSONLD, TURTLE)
            ]
        else:
            triples = _write_trig(staging, graphs, iris, prefixes.prefixes, validation_report)
            for name in (TURTLE, JSONLD):
                _write_from_ntriples(staging, name, prefixes.prefixes)
        rows = project_rows(stored.result(), prefixes.prefixes["kyodo"])
        union = union_read.result()
        if parallel:
            triples = streamed.result()
            for dump in dumps:
                dump.result()  # raises what the writer raised
    (staging / PROJECTS_CSV).write_bytes(_csv_bytes(PROJECT_COLUMNS, rows))
    anomaly_rows = [
        {
            "kind": a.kind,
            "project_number": "" if a.project_number is None else a.project_number,
            "document": a.source.document if a.source else "",
            "first_line": a.source.first_line if a.source else "",
            "last_line": a.source.last_line if a.source else "",
            "message": a.message,
        }
        for a in anomalies
    ]
    (staging / ANOMALIES_CSV).write_bytes(
        _csv_bytes(
            ("kind", "project_number", "document", "first_line", "last_line", "message"),
            anomaly_rows,
        )
    )

    for writer in writers:
        writer(union, staging)

    hashed = sorted(p.name for p in staging.iterdir() if p.is_file())
    # a hash of each file's name, size and sha256: the catalogue writer has read the dumps
    # (GBs in a national build) for their checksums already, file_facts remembers them
    digest = hashlib.sha256()
    for name in hashed:
        size, sha256 = file_facts(staging / name)
        digest.update(f"{name}\0{size}\0{sha256}\n".encode())
    info = {
        "content_hash": digest.hexdigest(),
        "graphs": {name: str(iris.graph(name)) for name in sorted(graphs)},
        "triples": triples,
        "triples_total": total,
        "counts": dict(sorted(counts.items())),
        "anomalies": len(anomaly_rows),
        "files": [*hashed, BUILD_JSON],
    }
    (staging / BUILD_JSON).write_text(
        json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return [*hashed, BUILD_JSON], triples


# --- the union as a read-only rdflib Graph over the pyoxigraph store (for the catalogue) ----


class _OxigraphView(Store):
    """Just enough of rdflib's Store over a pyoxigraph store for reading: the catalogue walks
    the union through rdflib's Graph API, and an rdflib copy of a national build would take
    tens of GB. Literals come back as the store keeps them (see validate._OxTerms)."""

    def __init__(self, store: pyoxigraph.Store, prefixes: Mapping[str, str]):
        super().__init__()
        self.ox = store
        self.bound = {p: URIRef(ns) for p, ns in prefixes.items()}
        self.cache: dict[object, Node] = {}
        self.memo: dict[object, object] = {}  # see store_memo

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


def _lossless_store(ntriples: Path | Iterable[bytes]) -> pyoxigraph.Store:
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


def _run_blocks(graphs: Iterable[SortedTriples]) -> Iterator[bytes]:
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


def store_graph(store: pyoxigraph.Store, prefixes: Prefixes) -> Graph:
    """A read-only rdflib Graph over the default graph of ``store``."""
    return Graph(store=_OxigraphView(store, prefixes.prefixes), bind_namespaces="none")


def oxigraph_store(graph: Graph) -> pyoxigraph.Store | None:
    """The lossless pyoxigraph store under a ``store_graph`` view (None for any other graph):
    lets a reader count with SPARQL aggregates instead of walking every triple in Python."""
    view = graph.store
    return view.ox if isinstance(view, _OxigraphView) else None


def store_memo(graph: Graph) -> dict[object, object] | None:
    """Where a reader of a ``store_graph`` view may keep what it derived from the (read-only)
    store, for the next reader; None for any other graph."""
    view = graph.store
    return view.memo if isinstance(view, _OxigraphView) else None


def _union_of(stored: Future[pyoxigraph.Store], prefixes: Prefixes, iris: Iris | None) -> Graph:
    """The store as a Graph; with ``iris``, the catalogue's facts read into its memo."""
    union = store_graph(stored.result(), prefixes)
    if iris is not None:
        _read_for_catalog(union, iris)
    return union


def _read_for_catalog(union: Graph, iris: Iris) -> None:
    """What the catalogue writer (pipeline's extra writer) will read from the union: kept with
    the store (``store_memo``), so the writer, which must wait for every dump (it describes
    their sizes and checksums), finds it there. Nothing when the catalogue module is missing."""
    try:
        from .catalog import read_union
    except ImportError:
        return
    read_union(union, iris)


def _swap_in(staging: Path, dist_dir: Path) -> None:
    old = None
    if dist_dir.exists():
        old = dist_dir.with_name(f".{dist_dir.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        dist_dir.rename(old)
    staging.rename(dist_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
