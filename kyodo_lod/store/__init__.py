"""The SPARQL store the web layer talks to, behind a small interface.

``Store`` is what the web layer sees: ``query`` (any SPARQL 1.1 query, structured or serialised
result), ``describe`` (the document of one resource) and ``load`` (the named graphs of a build).
``OxigraphStore`` is the embedded default: the build is written once into an on-disk pyoxigraph
store (keyed by the build's content hash) that worker *processes* open read-only. pyoxigraph
cannot be interrupted from Python, so a query that overruns its limit has its worker killed and a
fresh one started, while the other workers keep answering. ``RemoteStore`` talks to any SPARQL
1.1 engine over HTTP; ``Settings.store`` (an endpoint URL) chooses it.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import multiprocessing as mp
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlencode, urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from ..dist import CATALOG, TRIG, BuildFacts
from ..errors import KyodoError
from ..rdf.iris import Iris
from ..rdf.namespaces import DATA_PREFIXES, prefixes
from ..rdf.sparql import has_from_clause

READY_MARK = "KYODO-STORE-READY"
# where on-disk stores are written unless Settings.store_cache_dir says otherwise
DEFAULT_CACHE_DIR = Path(tempfile.gettempdir()) / "kyodo-lod-stores"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# result formats a store can serialise to (keys shared with kyodo_lod.conneg)
SELECT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "rdf")


class Term(NamedTuple):
    """An RDF term as plain values (picklable, backend-neutral).

    ``kind`` is ``uri``, ``bnode``, ``literal`` or ``triple``; ``datatype`` is ``None`` for
    xsd:string and language-tagged literals."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @property
    def is_uri(self) -> bool:
        return self.kind == "uri"

    def n3(self) -> str:
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.kind == "triple":
            return f"<< {self.value} >>"
        text = (
            self.value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if self.lang:
            return f'"{text}"@{self.lang}'
        if self.datatype:
            return f'"{text}"^^<{self.datatype}>'
        return f'"{text}"'


@dataclass(frozen=True)
class SelectResult:
    variables: tuple[str, ...]
    rows: list[tuple[Term | None, ...]]
    truncated: bool = False

    def dicts(self) -> list[dict[str, Term]]:
        """Rows as {variable: term}, unbound variables left out."""
        names = self.variables
        return [
            {n: t for n, t in zip(names, row, strict=True) if t is not None} for row in self.rows
        ]


@dataclass(frozen=True)
class AskResult:
    value: bool


@dataclass(frozen=True)
class GraphResult:
    triples: list[tuple[Term, Term, Term]]
    truncated: bool = False


@dataclass(frozen=True)
class Serialized:
    """A result already written in the requested format (``kind``: select, ask or graph)."""

    kind: str
    format: str
    body: bytes
    count: int
    truncated: bool = False


QueryResult = SelectResult | AskResult | GraphResult | Serialized


class StoreError(KyodoError):
    """The store could not answer (not loaded, a worker died, ...)."""


class QuerySyntaxError(StoreError):
    """The query does not parse; the message is the parser's."""


class QueryTimeout(StoreError):
    """The query ran past its time limit and was stopped (or no worker became free in time)."""


class Store(Protocol):
    """What the web layer may ask of a store. Implementations: ``OxigraphStore``,
    ``RemoteStore``."""

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        result_format: str | None = None,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a read-only SPARQL 1.1 query over the union of the named graphs (or the given
        dataset). With ``result_format`` the answer comes back serialised (``Serialized``)."""
        ...

    def describe(
        self,
        iri: str,
        *,
        result_format: str | None = None,
        inbound_limit: int = 100,
        inbound_offset: int = 0,
    ) -> GraphResult | Serialized:
        """The document of one resource: its triples, labels of what it links to, and a page
        of its inbound links with their labels."""
        ...

    def load(self, dist_dir: Path) -> None:
        """(Re)load the named graphs a build published in ``dist_dir``."""
        ...

    def graph_names(self) -> list[str]: ...

    def close(self) -> None: ...


LABEL_PROPERTIES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#notation",
    "https://schema.org/color",
)


def describe_query(iri: str, inbound_limit: int = 100, inbound_offset: int = 0) -> str:
    """CONSTRUCT for the document of ``iri``: its own triples, the labels (and notation, colour)
    of what it links to, of its types and of the properties used, and one page of inbound links.
    The labels of that page's subjects come from ``labels_query`` (see ``describe_triples``)."""
    # FILTER IN, not VALUES: with VALUES first, Oxigraph scans every label in the store
    # (measured: 77 ms against 4 ms on the on-disk store for one project)
    labels = "FILTER(?lp IN (" + ", ".join(f"<{p}>" for p in LABEL_PROPERTIES) + "))"
    return f"""
CONSTRUCT {{ ?s ?p ?o . ?x ?lp ?l . }}
WHERE {{
  {{ BIND(<{iri}> AS ?s) ?s ?p ?o . }}
  UNION
  {{ <{iri}> ?q ?x . FILTER(isIRI(?x)) ?x ?lp ?l . {labels} }}
  UNION
  {{ {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> . FILTER(?p != <{RDF_TYPE}>) }}
       ORDER BY ?p ?s LIMIT {int(inbound_limit)} OFFSET {int(inbound_offset)} }}
     BIND(<{iri}> AS ?o) }}
  UNION
  {{ {{ SELECT DISTINCT ?x WHERE {{ {{ <{iri}> ?x ?any . }} UNION {{ ?any ?x <{iri}> . }} }} }}
     ?x ?lp ?l . {labels} }}
}}"""


def labels_query(iris: Iterable[str]) -> str:
    """CONSTRUCT of the labels (notation, colour) of ``iris``."""
    values = " ".join(f"<{i}>" for i in sorted(set(iris)))
    labels = "FILTER(?lp IN (" + ", ".join(f"<{p}>" for p in LABEL_PROPERTIES) + "))"
    return f"CONSTRUCT {{ ?x ?lp ?l }} WHERE {{ VALUES ?x {{ {values} }} ?x ?lp ?l . {labels} }}"


def describe_triples(
    run: Any, iri: str, inbound_limit: int, inbound_offset: int, max_rows: int
) -> list[Any]:
    """The pyoxigraph triples of ``iri``'s document, with ``run(sparql)`` answering CONSTRUCTs.

    Two queries: with the page of inbound links known, their subjects' labels are a lookup by
    VALUES (one query with a sub-select took 50 ms for a city on the on-disk store, this 5)."""
    import pyoxigraph as ox

    def triples(sparql: str) -> list[Any]:
        out = []
        for t in run(sparql):
            out.append(t.triple if isinstance(t, ox.Quad) else t)
            if len(out) > max_rows:
                break
        return out

    found = triples(describe_query(iri, inbound_limit, inbound_offset))
    sources = {
        t.subject.value
        for t in found
        if isinstance(t.object, ox.NamedNode)
        and t.object.value == iri
        and isinstance(t.subject, ox.NamedNode)
        and t.predicate.value != RDF_TYPE
    }
    if sources:
        found += triples(labels_query(sources))
    return list(dict.fromkeys(found))  # the same label may come by both ways


# ---------------------------------------------------------------- answers as plain values

_STORE: Any = None


def _to_term(node: Any) -> Term | None:
    import pyoxigraph as ox

    if node is None:
        return None
    kind = type(node)
    if kind is ox.NamedNode:
        return Term("uri", node.value)
    if kind is ox.Literal:
        lang = node.language
        if lang:
            return Term("literal", node.value, None, lang)
        dt = node.datatype.value
        return Term("literal", node.value, None if dt == XSD_STRING else dt, None)
    if kind is ox.BlankNode:
        return Term("bnode", node.value)
    return Term("triple", str(node))


def convert(result: Any, fmt: str | None, max_rows: int) -> QueryResult:
    """A pyoxigraph answer (from the embedded store or parsed from an HTTP response) as our
    plain result, or serialised in ``fmt``; rows past ``max_rows`` are cut and flagged."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean | bool):
        value = bool(result)
        if fmt is None:
            return AskResult(value)
        return Serialized("ask", fmt, _write_ask(value, fmt), 1)
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows: list[tuple[Term | None, ...]] = []
        truncated = False
        for solution in result:
            if len(rows) >= max_rows:
                truncated = True  # one row more than allowed proves the cut
                break
            rows.append(tuple(_to_term(solution[i]) for i in range(len(variables))))
        if fmt is None:
            return SelectResult(variables, rows, truncated)
        body = _write_select(variables, rows, fmt)
        return Serialized("select", fmt, body, len(rows), truncated)
    triples = []
    truncated = False
    for triple in result:
        if len(triples) >= max_rows:
            truncated = True
            break
        # a parsed N-Triples answer yields quads (in the default graph): keep the triple
        triples.append(triple.triple if isinstance(triple, ox.Quad) else triple)
    if fmt is None:
        graph = [(_to_term(t.subject), _to_term(t.predicate), _to_term(t.object)) for t in triples]
        return GraphResult(graph, truncated)  # type: ignore[arg-type]
    return Serialized("graph", fmt, _write_graph(triples, fmt), len(triples), truncated)


def _execute(request: dict[str, Any]) -> QueryResult:
    import pyoxigraph as ox

    if "describe" in request:
        found = describe_triples(
            lambda q: _STORE.query(q, use_default_graph_as_union=True),
            request["describe"],
            request["inbound_limit"],
            request["inbound_offset"],
            request["max_rows"],
        )
        return convert(found, request.get("format"), request["max_rows"])
    kwargs: dict[str, Any] = {}
    if request.get("default_graphs"):
        kwargs["default_graph"] = [ox.NamedNode(g) for g in request["default_graphs"]]
    elif not has_from_clause(request["sparql"]):
        # (pyoxigraph lets the union override a query's own FROM: only without one)
        kwargs["use_default_graph_as_union"] = True
    if request.get("named_graphs"):
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
    result = _STORE.query(request["sparql"], **kwargs)
    return convert(result, request.get("format"), request["max_rows"])


# ---------------------------------------------------------------- worker side (child processes)


def _build_main(conn: Any, trig_path: str, extras: list[tuple[str, str]], target: str) -> None:
    """One-off process: write the on-disk store for a build into ``target``.

    Run apart from the web process so the memory the load takes is given back when it exits."""
    import pyoxigraph as ox

    try:
        store = ox.Store(target)
        # bulk_load writes sorted files straight to disk (load() would hold one transaction
        # of the whole build in memory)
        store.bulk_load(path=trig_path, format=ox.RdfFormat.TRIG)
        for path, graph in extras:
            # a graph the build wrote as its own Turtle file (catalog.ttl) joins as a named graph
            if not store.contains_named_graph(ox.NamedNode(graph)):
                store.bulk_load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
        store.optimize()  # compacted files: later scans read less
        store.flush()
        del store
        conn.send(("ready", None))
    except Exception as exc:  # report a broken build instead of dying silently
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))


def _worker_main(conn: Any, source: str | list[tuple[str, str | None]]) -> None:
    """Loop of one query worker: open the store, answer until the pipe closes.

    ``source`` is an on-disk store (a folder, opened read-only: workers share the files and the
    OS page cache, not copies of the data) or, for a small build, the files to load into a
    store of the worker's own in memory (2–5× faster per query than the disk store)."""
    global _STORE
    import pyoxigraph as ox

    try:
        if isinstance(source, str):
            store = ox.Store.read_only(source)
        else:
            store = ox.Store()
            for path, graph in source:
                if graph is None:
                    store.load(path=path, format=ox.RdfFormat.TRIG)
                else:
                    store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
        _STORE = store
        graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        conn.send(("ready", graphs))
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", _execute(request)))
        except SyntaxError as exc:
            conn.send(("syntax", str(exc)))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


# ---------------------------------------------------------------- serialisers (run in workers)

# what served Turtle and RDF/XML may declare (those in use)
PREFIXES = prefixes((*DATA_PREFIXES, "sd"))


def _write_graph(triples: list[Any], fmt: str) -> bytes:
    import pyoxigraph as ox

    formats = {
        "ttl": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdf": ox.RdfFormat.RDF_XML,
    }
    if fmt not in formats:
        raise ValueError(f"cannot write a graph as {fmt!r}")
    # sorted: the same question gives the same bytes
    triples = sorted(triples, key=str)
    kwargs: dict[str, Any] = {}
    if fmt in ("ttl", "rdf"):
        kwargs["prefixes"] = _prefixes_in_use(triples)
    return ox.serialize(triples, format=formats[fmt], **kwargs) or b""


def _prefixes_in_use(triples: Iterable[Any]) -> dict[str, str]:
    seen = str(triples)
    prefixes = {p: ns for p, ns in PREFIXES.items() if ns in seen}
    # our base may differ from the default one: bind kyodo: to whichever is used
    return prefixes


def _json_term(term: Term) -> dict[str, str]:
    if term.kind == "uri":
        return {"type": "uri", "value": term.value}
    if term.kind == "bnode":
        return {"type": "bnode", "value": term.value}
    if term.kind == "triple":
        return {"type": "triple", "value": term.value}
    if term.lang:
        return {"type": "literal", "value": term.value, "xml:lang": term.lang}
    if term.datatype:
        return {"type": "literal", "value": term.value, "datatype": term.datatype}
    return {"type": "literal", "value": term.value}


def _xml_term(term: Term) -> str:
    if term.kind == "uri":
        return f"<uri>{xml_escape(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if term.lang:
        return f"<literal xml:lang={quoteattr(term.lang)}>{xml_escape(term.value)}</literal>"
    if term.datatype:
        dt = quoteattr(term.datatype)
        return f"<literal datatype={dt}>{xml_escape(term.value)}</literal>"
    return f"<literal>{xml_escape(term.value)}</literal>"


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    value = f"_:{term.value}" if term.kind == "bnode" else term.value
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _tsv_field(term: Term | None) -> str:
    return "" if term is None else term.n3()


def _write_select(
    variables: tuple[str, ...], rows: list[tuple[Term | None, ...]], fmt: str
) -> bytes:
    if fmt == "json":
        bindings = [
            {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables))
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            for v, t in zip(variables, row, strict=True):
                if t is not None:
                    out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode()
    if fmt == "csv":
        lines = [",".join(variables)]
        lines += [",".join(_csv_field(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join(_tsv_field(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"cannot write SELECT results as {fmt!r}")


def _write_ask(value: bool, fmt: str) -> bytes:
    text = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{text}</boolean></sparql>\n"
        ).encode()
    if fmt in ("csv", "tsv"):
        return f"_askResult\n{text}\n".encode()
    raise ValueError(f"cannot write an ASK result as {fmt!r}")


# ---------------------------------------------------------------- the on-disk store of a build


def _spawn(ctx: Any, target: Any, *args: Any) -> tuple[Any, Any]:
    conn, child = ctx.Pipe(duplex=True)
    process = ctx.Process(target=target, args=(child, *args), daemon=True)
    process.start()
    child.close()
    return conn, process


def prepare_disk_store(
    ctx: Any,
    dist_dir: Path,
    cache_dir: Path,
    extras: list[tuple[str, str]],
    timeout_s: float = 3600.0,
) -> Path:
    """The on-disk pyoxigraph store of the build in ``dist_dir``, written once into
    ``cache_dir/store-<key>`` (key: the build's content hash and the extra graphs' names) and
    reused while the build does not change (a build is immutable while it is served)."""
    trig = Path(dist_dir) / TRIG
    key = hashlib.sha256(
        json.dumps([BuildFacts.read(dist_dir).content_hash, extras], sort_keys=True).encode()
    ).hexdigest()[:24]
    cache_dir = Path(cache_dir)
    final = cache_dir / f"store-{key}"
    if (final / READY_MARK).is_file():
        os.utime(final / READY_MARK)  # last used: what _forget_old_stores goes by
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cache_dir / f".store-{key}.{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(partial, ignore_errors=True)
    conn, process = _spawn(ctx, _build_main, str(trig), extras, str(partial))
    try:
        if not conn.poll(timeout_s):
            process.kill()
            raise StoreError(f"the query store was not written within {timeout_s:.0f} s")
        status, payload = conn.recv()
    except EOFError as exc:
        raise StoreError(f"the process writing the query store died ({exc!r})") from exc
    finally:
        process.join(timeout=60)
        conn.close()
    if status != "ready":
        shutil.rmtree(partial, ignore_errors=True)
        raise StoreError(f"could not write the query store from {trig}: {payload}")
    (partial / READY_MARK).write_text(f"{trig}\n", encoding="utf-8")
    try:
        partial.rename(final)  # atomic: readers see a whole store or none
    except OSError:
        # another server finished the same build first: use theirs
        shutil.rmtree(partial, ignore_errors=True)
        if not (final / READY_MARK).is_file():
            raise
    _forget_old_stores(cache_dir, keep=final)
    return final


def _forget_old_stores(cache_dir: Path, keep: Path, days: float = 7.0) -> None:
    """Remove stores of builds nobody opened for ``days`` (each build writes a new one)."""
    limit = time.time() - days * 86400
    for folder in cache_dir.glob("store-*"):
        mark = folder / READY_MARK
        try:
            if folder != keep and mark.is_file() and mark.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


# ---------------------------------------------------------------- parent side: the worker pool


class _Worker:
    def __init__(self, ctx: Any, source: str | list[tuple[str, str | None]]) -> None:
        self.conn, self.process = _spawn(ctx, _worker_main, source)

    def wait_ready(self, timeout_s: float) -> list[str]:
        if not self.conn.poll(timeout_s):
            self.kill()
            raise StoreError(f"query worker did not open the store within {timeout_s:.0f} s")
        try:
            status, payload = self.conn.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise StoreError(f"query worker died while opening the store ({exc!r})") from exc
        if status != "ready":
            self.kill()
            raise StoreError(f"query worker could not open the store: {payload}")
        return payload

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=5)
        finally:
            self.conn.close()


class OxigraphStore:
    """The embedded store: one on-disk pyoxigraph store per build, opened read-only by
    ``workers`` processes.

    The store is written once from dist/ (``prepare_disk_store``) and shared through the file
    system, so the workers hold caches, not copies of the data. Processes are the price of a
    time limit that really stops a query: pyoxigraph cannot be interrupted from Python, so a
    worker past its deadline is killed (SIGKILL) and replaced in the background while the
    others keep serving."""

    def __init__(
        self,
        dist_dir: Path | None = None,
        *,
        workers: int = 2,
        timeout_s: float = 10.0,
        max_rows: int = 10_000,
        load_timeout_s: float = 600.0,
        catalog_graph: str | None = None,
        cache_dir: Path | None = None,
        in_memory_max_triples: int = 0,
    ) -> None:
        self.in_memory_max_triples = in_memory_max_triples
        self.catalog_graph = catalog_graph
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.load_timeout_s = load_timeout_s
        self.cache_dir = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR
        self._size = max(1, workers)
        # forkserver: workers fork from a small single-threaded server, never from the
        # multi-threaded web process, and start in milliseconds once it is up
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["kyodo_lod.store", "pyoxigraph"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._path: str | list[tuple[str, str | None]] | None = None
        self._graphs: list[str] = []
        self._closed = False
        self._generation = 0
        if dist_dir is not None:
            self.load(dist_dir)

    @property
    def path(self) -> Path | None:
        """The on-disk store being served (None while a small build is held in memory)."""
        return Path(self._path) if isinstance(self._path, str) else None

    # -- Store interface
    def load(self, dist_dir: Path) -> None:
        trig = Path(dist_dir) / TRIG
        if not trig.is_file():
            raise StoreError(f"{trig} not found: build first (kyodo-lod build)")
        catalog = Path(dist_dir) / CATALOG
        extras = (
            [(str(catalog), self.catalog_graph)] if self.catalog_graph and catalog.is_file() else []
        )
        path: str | list[tuple[str, str | None]]
        # unknown size (no build.json): as large as can be, so the disk store
        triples = BuildFacts.read(Path(dist_dir)).triples_total
        if triples is not None and triples <= self.in_memory_max_triples:
            path = [(str(trig), None), *extras]
        else:
            path = str(
                prepare_disk_store(
                    self._ctx, Path(dist_dir), self.cache_dir, extras, self.load_timeout_s
                )
            )
        new = [_Worker(self._ctx, path) for _ in range(self._size)]
        graphs: list[str] = []
        try:
            for worker in new:
                graphs = worker.wait_ready(self.load_timeout_s)
        except StoreError:
            for worker in new:
                worker.kill()
            raise
        with self._lock:
            old = self._drain()
            self._path = path
            self._graphs = graphs
            self._generation += 1
            for worker in new:
                self._idle.put(worker)
        for worker in old:
            worker.kill()

    def graph_names(self) -> list[str]:
        return list(self._graphs)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        result_format: str | None = None,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        request = {
            "sparql": sparql,
            "default_graphs": list(default_graphs or ()),
            "named_graphs": list(named_graphs or ()),
            "format": result_format,
            "max_rows": self.max_rows if max_rows is None else max_rows,
        }
        return self._call(request, self.timeout_s if timeout_s is None else timeout_s)

    def describe(
        self,
        iri: str,
        *,
        result_format: str | None = None,
        inbound_limit: int = 100,
        inbound_offset: int = 0,
    ) -> GraphResult | Serialized:
        request = {
            "describe": iri,
            "inbound_limit": inbound_limit,
            "inbound_offset": inbound_offset,
            "format": result_format,
            "max_rows": 1_000_000,
        }
        result = self._call(request, self.timeout_s)
        assert isinstance(result, GraphResult | Serialized)
        return result

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = self._drain()
        for worker in workers:
            worker.kill()

    # -- the pool
    def _drain(self) -> list[_Worker]:
        drained = []
        while True:
            try:
                drained.append(self._idle.get_nowait())
            except queue.Empty:
                return drained

    def _call(self, request: dict[str, Any], timeout_s: float) -> QueryResult:
        if self._path is None:
            raise StoreError("no build loaded")
        deadline = time.monotonic() + timeout_s
        try:
            worker = self._idle.get(timeout=timeout_s)
        except queue.Empty:
            raise QueryTimeout(
                f"every query worker stayed busy for {timeout_s:g} s; try again later"
            ) from None
        generation = self._generation
        try:
            worker.conn.send(request)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(worker, generation)
                worker = None
                raise QueryTimeout(f"query stopped after its time limit of {timeout_s:g} s")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            if worker is not None:
                self._replace(worker, generation)
                worker = None
            raise StoreError(f"query worker failed ({exc!r}); it is being restarted") from exc
        finally:
            if worker is not None:
                self._idle.put(worker)
        if status == "ok":
            return payload
        if status == "syntax":
            raise QuerySyntaxError(payload)
        raise StoreError(payload)

    def _replace(self, worker: _Worker, generation: int) -> None:
        """Kill a stuck or dead worker now; start its successor in the background."""
        worker.kill()

        def respawn() -> None:
            if self._closed or generation != self._generation or self._path is None:
                return
            try:
                fresh = _Worker(self._ctx, self._path)
                fresh.wait_ready(self.load_timeout_s)
            except StoreError:
                return
            with self._lock:
                if self._closed or generation != self._generation:
                    fresh.kill()
                else:
                    self._idle.put(fresh)

        threading.Thread(target=respawn, name="kyodo-respawn", daemon=True).start()


# ---------------------------------------------------------------- a remote SPARQL 1.1 engine


class _DeadlineReader(io.RawIOBase):
    """An HTTP response body that gives up at a wall-clock deadline (the socket timeout alone
    restarts with every byte that arrives)."""

    def __init__(self, response: http.client.HTTPResponse, sock: Any, deadline: float) -> None:
        self.response = response
        self.sock = sock
        self.deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("deadline passed while reading the answer")
        if self.sock is not None:
            self.sock.settimeout(remaining)
        return self.response.readinto(buffer)


RESULT_MEDIA = {
    "select": "application/sparql-results+json",
    "graph": "application/n-triples",
}


class RemoteStore:
    """Any SPARQL 1.1 engine (Oxigraph server, Fuseki, ...) over the SPARQL 1.1 Protocol.

    The engine answers in SPARQL JSON or N-Triples; we parse as we read and write every format
    ourselves, so answers look the same as the embedded store's. Named graphs are reached with
    GRAPH queries; when the engine's default graph is not the union of its named graphs, each
    query without FROM gets them all as ``default-graph-uri``/``named-graph-uri``. Our time
    limit is a wall-clock deadline on the HTTP exchange: past it we drop the connection and
    answer 503. The engine should enforce its own limit too (Fuseki: ``arq:queryTimeout``),
    as a dropped connection does not stop every engine's work."""

    def __init__(
        self,
        endpoint: str,
        *,
        timeout_s: float = 10.0,
        max_rows: int = 10_000,
        connect_timeout_s: float = 5.0,
    ) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(f"store {endpoint!r} is not an http(s) SPARQL endpoint URL")
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.connect_timeout_s = connect_timeout_s
        self._parts = parts
        self._graphs: list[str] = []
        self._add_union = False

    # -- Store interface
    def load(self, dist_dir: Path | None = None) -> None:
        """Find the engine's named graphs (the build is loaded into the engine by its own
        tools: see README, "Serving"); check that it answers at all."""
        result = self._request(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", [], [], None, self.timeout_s, 10_000
        )
        assert isinstance(result, SelectResult)
        self._graphs = sorted(r[0].value for r in result.rows if r[0] is not None and r[0].is_uri)
        if not self._graphs:
            raise StoreError(f"{self.endpoint} holds no named graphs: load the build into it first")
        anything = self._request("ASK { ?s ?p ?o }", [], [], None, self.timeout_s, 1)
        # an empty default graph: the engine does not serve the union by itself
        self._add_union = not (isinstance(anything, AskResult) and anything.value)

    def graph_names(self) -> list[str]:
        return list(self._graphs)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        result_format: str | None = None,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        defaults, named = list(default_graphs or ()), list(named_graphs or ())
        if self._add_union and not defaults and not named and not has_from_clause(sparql):
            defaults, named = list(self._graphs), list(self._graphs)
        return self._request(
            sparql,
            defaults,
            named,
            result_format,
            self.timeout_s if timeout_s is None else timeout_s,
            self.max_rows if max_rows is None else max_rows,
        )

    def describe(
        self,
        iri: str,
        *,
        result_format: str | None = None,
        inbound_limit: int = 100,
        inbound_offset: int = 0,
    ) -> GraphResult | Serialized:
        deadline = time.monotonic() + self.timeout_s

        def run(sparql: str) -> Any:
            defaults = self._graphs if self._add_union else []
            remaining = max(0.01, deadline - time.monotonic())
            return self._request(sparql, defaults, defaults, None, remaining, 0, raw=True)

        found = describe_triples(run, iri, inbound_limit, inbound_offset, 1_000_000)
        result = convert(found, result_format, 1_000_000)
        assert isinstance(result, GraphResult | Serialized)
        return result

    def close(self) -> None:
        pass

    # -- the protocol
    def _request(
        self,
        sparql: str,
        defaults: list[str],
        named: list[str],
        fmt: str | None,
        timeout_s: float,
        max_rows: int,
        raw: bool = False,
    ) -> Any:
        """One exchange: the answer converted (``convert``), or with ``raw`` the parsed
        pyoxigraph triples/solutions, read whole before the connection closes."""
        import pyoxigraph as ox

        deadline = time.monotonic() + timeout_s
        params = [("default-graph-uri", g) for g in defaults]
        params += [("named-graph-uri", g) for g in named]
        path = self._parts.path or "/"
        query = "&".join(filter(None, (self._parts.query, urlencode(params))))
        if query:
            path += "?" + query
        connection_class = (
            http.client.HTTPSConnection
            if self._parts.scheme == "https"
            else http.client.HTTPConnection
        )
        conn = connection_class(
            self._parts.hostname,  # type: ignore[arg-type]
            self._parts.port,
            timeout=min(self.connect_timeout_s, timeout_s),
        )
        accept = (
            f"{RESULT_MEDIA['select']}, {RESULT_MEDIA['graph']};q=0.9, "
            "application/sparql-results+xml;q=0.5, text/turtle;q=0.4"
        )
        try:
            try:
                conn.request(
                    "POST",
                    path,
                    body=sparql.encode("utf-8"),
                    headers={
                        "Content-Type": "application/sparql-query; charset=utf-8",
                        "Accept": accept,
                    },
                )
                if conn.sock is not None:
                    conn.sock.settimeout(max(0.01, deadline - time.monotonic()))
                response = conn.getresponse()
            except TimeoutError:
                raise QueryTimeout(
                    f"query stopped after its time limit of {timeout_s:g} s"
                ) from None
            except OSError as exc:
                raise StoreError(f"SPARQL endpoint {self.endpoint} unreachable: {exc}") from exc
            if response.status != 200:
                message = response.read(4000).decode("utf-8", "replace").strip()
                if response.status == 400:
                    raise QuerySyntaxError(message or "the endpoint refused the query")
                if response.status in (503, 504):
                    raise QueryTimeout(message or f"the endpoint answered {response.status}")
                raise StoreError(f"SPARQL endpoint answered {response.status}: {message}")
            media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            reader = io.BufferedReader(_DeadlineReader(response, conn.sock, deadline), 1 << 16)
            try:
                if media in ("application/n-triples", "text/plain", "text/turtle"):
                    rdf_format = (
                        ox.RdfFormat.TURTLE if media == "text/turtle" else ox.RdfFormat.N_TRIPLES
                    )
                    parsed: Any = ox.parse(reader, format=rdf_format)
                else:
                    results_format = ox.QueryResultsFormat.from_media_type(media)
                    if results_format is None:
                        raise StoreError(f"SPARQL endpoint answered in {media!r}")
                    parsed = ox.parse_query_results(reader, format=results_format)
                if raw:
                    return list(parsed)
                return convert(parsed, fmt, max_rows)
            except TimeoutError:
                raise QueryTimeout(
                    f"query stopped after its time limit of {timeout_s:g} s"
                ) from None
            except SyntaxError as exc:
                raise StoreError(f"unreadable answer from {self.endpoint}: {exc}") from exc
        finally:
            conn.close()  # also drops an answer we stopped reading (row cap, deadline)


def open_store(settings: Any, dist_dir: Path | None = None, workers: int | None = None) -> Store:
    """The store ``settings.store`` names: the embedded one loaded with the build in
    ``dist_dir``, or a remote SPARQL 1.1 endpoint (an http(s) URL)."""
    if settings.store == "oxigraph":
        return OxigraphStore(
            dist_dir if dist_dir is not None else settings.dist_dir,
            workers=settings.query_workers if workers is None else workers,
            timeout_s=settings.query_timeout_s,
            max_rows=settings.max_result_rows,
            catalog_graph=str(Iris(settings.base_iri).graph("catalog")),
            cache_dir=settings.store_cache_dir,
            in_memory_max_triples=settings.store_in_memory_max_triples,
        )
    if settings.store.startswith(("http://", "https://")):
        store = RemoteStore(
            settings.store, timeout_s=settings.query_timeout_s, max_rows=settings.max_result_rows
        )
        store.load()
        return store
    raise StoreError(
        f"store {settings.store!r} is not supported: use 'oxigraph' (embedded) or the URL of a "
        "SPARQL 1.1 query endpoint"
    )
