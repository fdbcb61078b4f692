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
import heapq
import io
import json
import multiprocessing
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.store import Store
from rdflib.term import Node

from ...model import DEPARTMENT_SEPARATOR, PROJECT_COLUMNS, Anomaly, sdg_code_key
from ...rdf.iris import Iris
from ...rdf.namespaces import bind_prefixes

TRIG = "kyodo-lod.trig"
TURTLE = "kyodo-lod.ttl"
NTRIPLES = "kyodo-lod.nt"
JSONLD = "kyodo-lod.jsonld"
PROJECTS_CSV = "projects.csv"
VALIDATION_REPORT = "validation-report.ttl"
ANOMALIES_CSV = "anomalies.csv"
BUILD_JSON = "build.json"

PARALLEL_FROM = 200_000  # below this a second process costs more than it saves


# --- graphs as sorted N-Triples lines, and the writers that stream from them -----------------

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
# A conservative PN_LOCAL (ASCII only, no escapes): anything else is written as a full <IRI>.
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?\Z")
_UNESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(["\\\'nrtbf]))')
_SIMPLE = {'"': '"', "\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def nt_term(term: object) -> str:
    """N-Triples form of a term. rdflib's n3() writes a literal with a line break as \"\"\"…\"\"\",
    which N-Triples does not allow (plan texts from CSV imports may have line breaks)."""
    if isinstance(term, Literal) and ("\n" in term or "\r" in term):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"')
        text = text.replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    return term.n3()  # type: ignore[attr-defined]


@dataclass
class SortedTriples:
    """A graph as sorted, unique N-Triples lines (each ending in " .\\n"), kept as one or more
    sorted runs (one per worker batch) that are merged when read: no rdflib graph is kept."""

    runs: list[bytes] = field(default_factory=list)  # UTF-8: half the size of a str here

    @classmethod
    def of(cls, graph: Graph | Iterable[tuple], name: str = "graph") -> SortedTriples:
        lines = set()
        written: dict[object, str] = {}  # terms repeat (predicates, classes, nodes): write once
        for s, p, o in graph:
            if isinstance(s, BNode) or isinstance(o, BNode):
                raise ValueError(f"graph {name} holds a blank node: {(s, p, o)}")
            parts = []
            for term in (s, p, o):
                text = written.get(term)
                if text is None:
                    text = written[term] = nt_term(term)
                parts.append(text)
            lines.add(" ".join(parts) + " .\n")
        # UTF-8 bytes sort in code point order, as the str lines do
        return cls(["".join(sorted(lines)).encode("utf-8")] if lines else [])

    def add(self, other: SortedTriples) -> None:
        self.runs.extend(other.runs)

    def lines(self) -> Iterator[str]:
        """Every line once, in sorted order."""
        # split on "\n" only (str.splitlines would also split on U+2028 in a literal)
        return unique_merged([_text_lines(run) for run in self.runs])

    def __len__(self) -> int:
        return sum(1 for _ in self.lines())


def _text_lines(run: bytes) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(run), encoding="utf-8", newline="\n")


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


def merged_lines(graphs: Iterable[SortedTriples]) -> Iterator[str]:
    """The union of several graphs' lines, sorted and unique."""
    return unique_merged([g.lines() for g in graphs])


def unique_merged(sources: list[Iterator[str]] | list[io.TextIOWrapper]) -> Iterator[str]:
    """Sorted sources merged into one sorted stream, each line once."""
    last = None
    for line in heapq.merge(*sources) if len(sources) != 1 else sources[0]:
        if line != last:
            yield line
            last = line


def split_line(line: str) -> tuple[str, str, str]:
    # IRIs hold no space and the graphs no blank node, so two splits find the three terms
    s, p, rest = line.split(" ", 2)
    return s, p, rest[:-3]  # drop " .\n"


class Prefixes:
    """Compact IRIs for the bound namespaces (the longest namespace wins)."""

    def __init__(self, prefixes: Mapping[str, str]):
        self.prefixes = dict(sorted(prefixes.items()))
        self.by_namespace = {ns: p for p, ns in self.prefixes.items()}
        self.cache: dict[str, str | None] = {}
        self.iri_terms: dict[str, str] = {}  # "<iri>" → its Turtle form: most terms repeat

    def compact(self, iri: str) -> str | None:
        """``prefix:local`` for a bare IRI, or None."""
        if iri in self.cache:
            return self.cache[iri]
        found = None
        for cut in sorted({iri.rfind("#"), iri.rfind("/")}, reverse=True):
            if cut < 0:
                continue
            prefix = self.by_namespace.get(iri[: cut + 1])
            local = iri[cut + 1 :]
            if prefix is not None and _LOCAL.match(local):
                found = f"{prefix}:{local}"
                break
        if len(self.cache) < 1_000_000:
            self.cache[iri] = found
        return found

    def turtle(self, term: str) -> str:
        """An N-Triples term as Turtle (the N-Triples literal syntax is valid Turtle)."""
        if term.startswith("<"):
            found = self.iri_terms.get(term)
            if found is None:
                found = self.compact(term[1:-1]) or term
                if len(self.iri_terms) < 1_000_000:
                    self.iri_terms[term] = found
            return found
        if term.endswith(">"):
            cut = term.rfind('"^^<')
            compact = self.compact(term[cut + 4 : -1])
            if compact:
                return f"{term[: cut + 3]}{compact}"
        return term


def turtle_lines(lines: Iterable[str], prefixes: Prefixes, indent: str = "") -> Iterator[str]:
    """Turtle statements for sorted N-Triples lines: a block per subject, predicates joined by
    ";" and objects by ","."""
    subject = predicate = None
    turtle = prefixes.turtle
    # the Turtle of predicates and short objects, by their N-Triples (most of them repeat)
    verbs: dict[str, str] = {}
    objects: dict[str, str] = {}
    for line in lines:
        s, p, o = line.split(" ", 2)  # split_line, inlined: this loop runs per triple
        obj = objects.get(o)
        if obj is None:
            obj = turtle(o[:-3])
            if len(o) <= 123 and len(objects) < 1_000_000:
                objects[o] = obj
        if s != subject:
            if subject is not None:
                yield " .\n\n"
            subject, predicate = s, p
            verb = verbs.get(p) or verbs.setdefault(p, _predicate(p, prefixes))
            yield f"{indent}{turtle(s)}\n{indent}    {verb} {obj}"
        elif p != predicate:
            predicate = p
            verb = verbs.get(p) or verbs.setdefault(p, _predicate(p, prefixes))
            yield f" ;\n{indent}    {verb} {obj}"
        else:
            yield f",\n{indent}        {obj}"
    if subject is not None:
        yield " .\n"


def _predicate(p: str, prefixes: Prefixes) -> str:
    return "a" if p == RDF_TYPE else prefixes.turtle(p)


def prefix_lines(prefixes: Prefixes) -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.prefixes.items())


def unescape(text: str) -> str:
    """The lexical form of an N-Triples string body."""
    if "\\" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        if match.group(3):
            return _SIMPLE[match.group(3)]
        return chr(int(match.group(1) or match.group(2), 16))

    return _UNESCAPE.sub(one, text)


# JSON text of a str exactly as json.dumps(..., ensure_ascii=False) writes it (in C); the
# JSON-LD writer assembles its node objects from such texts ("key": value, ", " between)
_json_string = json.encoder.encode_basestring


def jsonld_value(term: str, prefixes: Prefixes) -> str:
    """The JSON text of an N-Triples object as a JSON-LD value: ``{"@id": …}`` for an IRI,
    a string for a plain literal, ``{"@language"|"@type": …, "@value": …}`` for the others."""
    if term.startswith("<"):
        iri = term[1:-1]
        return f'{{"@id": {_json_string(prefixes.compact(iri) or iri)}}}'
    close = term.rfind('"')
    value = _json_string(unescape(term[1:close]))
    tail = term[close + 1 :]
    if tail.startswith("@"):
        return f'{{"@language": {_json_string(tail[1:])}, "@value": {value}}}'
    if tail.startswith("^^<"):
        iri = tail[3:-1]
        return f'{{"@type": {_json_string(prefixes.compact(iri) or iri)}, "@value": {value}}}'
    return value


def jsonld_chunks(lines: Iterable[str], prefixes: Prefixes) -> Iterator[str]:
    """Flattened JSON-LD: the prefixes as @context, one node object per subject (a line each),
    keys and values in the sorted order of the N-Triples lines."""
    context = json.dumps(prefixes.prefixes, ensure_ascii=False, sort_keys=True)
    yield f'{{\n  "@context": {context},\n  "@graph": [\n'
    # a node as JSON texts: "@id" first, then each key (in the order met) with its values;
    # the texts of predicates, classes and short objects are kept: they repeat (9 in 10
    # literals of a build are codes, years, numbers, labels met before)
    node: dict[str, list[str]] = {}
    node_id = subject = None
    separator = ""
    keys: dict[str, str] = {}
    types: dict[str, str] = {}
    objects: dict[str, str] = {}
    type_key = _json_string("@type")
    for line in lines:
        s, p, o = line.split(" ", 2)  # split_line, inlined: this loop runs per triple
        o = o[:-3]
        if s != subject:
            if node_id is not None:
                yield _jsonld_node(separator, node_id, node)
                separator = ",\n"
                node = {}
            subject = s
            node_id = _json_string(prefixes.compact(s[1:-1]) or s[1:-1])
        if p == RDF_TYPE and o.startswith("<"):
            key = type_key
            value = types.get(o)
            if value is None:
                value = types[o] = _json_string(prefixes.compact(o[1:-1]) or o[1:-1])
        else:
            key = keys.get(p)
            if key is None:
                key = keys[p] = _json_string(prefixes.compact(p[1:-1]) or p[1:-1])
            value = objects.get(o)
            if value is None:
                value = jsonld_value(o, prefixes)
                if len(o) <= 120 and len(objects) < 1_000_000:
                    objects[o] = value
        found = node.get(key)
        if found is None:
            node[key] = [value]
        else:
            found.append(value)
    if node_id is not None:
        yield _jsonld_node(separator, node_id, node)
    yield "\n  ]\n}\n"


def _jsonld_node(separator: str, node_id: str, node: dict[str, list[str]]) -> str:
    members = "".join(f", {key}: [{', '.join(found)}]" for key, found in node.items())
    return f'{separator}    {{"@id": {node_id}{members}}}'


def sorted_graph(graph: Graph) -> Graph:
    """A copy whose insertion order is the sorted order of its N-Triples terms."""
    copy = Graph(bind_namespaces="none")
    bind_prefixes(copy)
    for triple in sorted(graph, key=lambda t: tuple(term.n3() for term in t)):
        copy.add(triple)
    return copy


def canonical_ntriples(graph: Graph) -> bytes:
    return "".join(SortedTriples.of(graph).lines()).encode("utf-8")


def _write_text(path: Path, chunks: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        buffer: list[str] = []
        for chunk in chunks:
            buffer.append(chunk)
            if len(buffer) >= 4096:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))


def turtle_chunks(lines: Iterable[str], prefixes: Prefixes) -> Iterator[str]:
    yield prefix_lines(prefixes)
    yield "\n"
    yield from turtle_lines(lines, prefixes)


def trig_chunks(
    graphs: Mapping[str, SortedTriples] | Mapping[str, _RunFiles],
    iris: Iris,
    prefixes: Prefixes,
    counts: dict[str, int] | None = None,
) -> Iterator[str]:
    """TriG with one block per named graph, in name order, each as sorted Turtle. ``counts``,
    if given, gets each graph's triple count (saves a second pass over every graph)."""
    yield prefix_lines(prefixes)
    for name in sorted(graphs):
        yield f"\n<{iris.graph(name)}> {{\n"
        lines = _Counted(graphs[name].lines())
        yield from turtle_lines(lines, prefixes, indent="    ")
        yield "}\n"
        if counts is not None:
            counts[name] = lines.count


class _Counted:
    """An iterator of lines that counts what it hands out."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            self.count += 1
            yield line


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
    BIND(STRAFTER(STR(?target), "http://metadata.un.org/sdg/") AS ?targetCode)
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
    for row in store.query(PROJECTS_QUERY.format(kyodo=kyodo_namespace)):
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
            for line in _text_lines(run):
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


_FACTS: dict[tuple[str, int, int, int, int], tuple[int, str]] = {}
_FACTS_KEPT = 64


def file_facts(path: Path) -> tuple[int, str]:
    """(byte size, sha256 hex) of a file, read in chunks; remembered while the file's path,
    size, mtime and inode stay the same, so a build reads each dump once for the catalogue's
    checksums and build.json's content hash."""
    stat = path.stat()
    key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_dev)
    found = _FACTS.get(key)
    if found is not None:
        return found
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    if len(_FACTS) >= _FACTS_KEPT:
        del _FACTS[next(iter(_FACTS))]  # the oldest: a build's files are read in one go
    found = _FACTS[key] = (size, digest.hexdigest())
    return found


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
        made = rdflib_term(term)
        if isinstance(term, pyoxigraph.NamedNode) and len(self.cache) < 2_000_000:
            self.cache[term] = made
        return made

    @staticmethod
    def _ox(term: Node | None) -> object:
        if term is None:
            return None
        if isinstance(term, URIRef):
            return pyoxigraph.NamedNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return pyoxigraph.Literal(str(term), language=term.language)
            if term.datatype is not None:
                datatype = str(term.datatype)
                if datatype.startswith(_XSD):
                    datatype = OPAQUE_XSD + datatype[len(_XSD) :]
                return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(datatype))
            return pyoxigraph.Literal(str(term))
        return _NOTHING

    def triples(self, triple_pattern, context=None):  # type: ignore[no-untyped-def,override]
        pattern = [self._ox(t) for t in triple_pattern]
        if any(t is _NOTHING for t in pattern):
            return
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


_NOTHING = object()  # a pattern term the store cannot hold (a blank node): no match
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# pyoxigraph keeps the value of an XSD-typed literal, not its lexical form ("7.0"^^xsd:decimal
# becomes "7", the same term as "7"^^xsd:decimal), which would change the catalogue's counts.
# The store gets XSD datatypes under this stand-in namespace (opaque to it), the way back
# restores them, so every term round-trips exactly.
_XSD = "http://www.w3.org/2001/XMLSchema#"
OPAQUE_XSD = "urn:x-kyodo-xsd:"


# The datatype of a line's object: the line's last '"^^<xsd:' (no later one: the lookahead)
# on a line that ends in "> .\n". One re.sub per block of lines, in C: a Python loop over the
# lines of a national build took minutes.
_XSD_MARKER = re.escape(f'"^^<{_XSD}'.encode())
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


def rdflib_term(term: object, lossless: bool = True) -> Node:
    """The rdflib term for a pyoxigraph term; of a ``_lossless_store`` (the default), with
    its XSD datatypes restored."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:  # type: ignore[attr-defined]
        return Literal(term.value, lang=term.language)  # type: ignore[attr-defined]
    datatype = term.datatype.value  # type: ignore[attr-defined]
    if datatype == _XSD_STRING:
        return Literal(term.value)  # type: ignore[attr-defined]
    if lossless and datatype.startswith(OPAQUE_XSD):
        datatype = _XSD + datatype[len(OPAQUE_XSD) :]
    return Literal(term.value, datatype=URIRef(datatype))  # type: ignore[attr-defined]


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
