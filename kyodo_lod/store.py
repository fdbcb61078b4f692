"""The SPARQL store the web layer talks to, behind a small interface.

``Store`` is what the web layer sees: ``query`` (any SPARQL 1.1 query, structured or serialised
result), ``describe`` (the document of one resource) and ``load`` (the named graphs of a build).
``OxigraphStore`` is the embedded default. pyoxigraph cannot be interrupted from Python, so every
query runs in a worker *process*; a query that overruns its limit has its worker killed and a
fresh one started, while the other workers keep answering. A remote SPARQL 1.1 engine will plug in
as another ``Store`` chosen by ``Settings.store``.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from .errors import KyodoError
from .iris import Iris

TRIG_FILE = "kyodo-lod.trig"
CATALOG_FILE = "catalog.ttl"
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
    """What the web layer may ask of a store. Implementations: ``OxigraphStore``."""

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
    of what it links to, of its types and of the properties used, and one page of inbound links
    with their labels."""
    label_values = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    return f"""
CONSTRUCT {{ ?s ?p ?o . ?x ?lp ?l . }}
WHERE {{
  {{ BIND(<{iri}> AS ?s) ?s ?p ?o . }}
  UNION
  {{ <{iri}> ?q ?x . FILTER(isIRI(?x)) VALUES ?lp {{ {label_values} }} ?x ?lp ?l . }}
  UNION
  {{ {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> . FILTER(?p != <{RDF_TYPE}>) }}
       ORDER BY ?p ?s LIMIT {int(inbound_limit)} OFFSET {int(inbound_offset)} }}
     BIND(<{iri}> AS ?o) }}
  UNION
  {{ {{ SELECT DISTINCT ?x WHERE {{ ?x ?ip <{iri}> . }}
       ORDER BY ?ip ?x LIMIT {int(inbound_limit)} OFFSET {int(inbound_offset)} }}
     VALUES ?lp {{ {label_values} }} ?x ?lp ?l . }}
  UNION
  {{ {{ SELECT DISTINCT ?x WHERE {{ {{ <{iri}> ?x ?any . }} UNION {{ ?any ?x <{iri}> . }} }} }}
     VALUES ?lp {{ {label_values} }} ?x ?lp ?l . }}
}}"""


# ---------------------------------------------------------------- worker side (child process)

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


def _execute(request: dict[str, Any]) -> QueryResult:
    import pyoxigraph as ox

    store = _STORE
    kwargs: dict[str, Any] = {}
    if request.get("default_graphs"):
        kwargs["default_graph"] = [ox.NamedNode(g) for g in request["default_graphs"]]
    else:
        kwargs["use_default_graph_as_union"] = True
    if request.get("named_graphs"):
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
    result = store.query(request["sparql"], **kwargs)
    fmt = request.get("format")
    max_rows = request["max_rows"]
    if isinstance(result, ox.QueryBoolean):
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
        triples.append(triple)
    if fmt is None:
        graph = [(_to_term(t.subject), _to_term(t.predicate), _to_term(t.object)) for t in triples]
        return GraphResult(graph, truncated)  # type: ignore[arg-type]
    return Serialized("graph", fmt, _write_graph(triples, fmt), len(triples), truncated)


def _worker_main(conn: Any, trig_path: str, extras: list[tuple[str, str]]) -> None:
    """Loop of one worker process: load the build, then answer requests until the pipe closes."""
    global _STORE
    import pyoxigraph as ox

    try:
        store = ox.Store()
        store.load(path=trig_path, format=ox.RdfFormat.TRIG)
        for path, graph in extras:
            # a graph the build wrote as its own Turtle file (catalog.ttl) joins as a named graph
            if not store.contains_named_graph(ox.NamedNode(graph)):
                store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
        _STORE = store
        graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        conn.send(("ready", graphs))
    except Exception as exc:  # report a broken build instead of dying silently
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

PREFIXES = {
    "kyodo": "https://kyodo-lod.example/def/kyodo#",
    "sdg": "http://metadata.un.org/sdg/",
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": XSD,
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}


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


# ---------------------------------------------------------------- parent side: the worker pool


class _Worker:
    def __init__(self, ctx: Any, trig_path: str, extras: list[tuple[str, str]]) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(
            target=_worker_main, args=(child, trig_path, extras), daemon=True
        )
        self.process.start()
        child.close()

    def wait_ready(self, timeout_s: float) -> list[str]:
        if not self.conn.poll(timeout_s):
            self.kill()
            raise StoreError(f"query worker did not load the build within {timeout_s:.0f} s")
        status, payload = self.conn.recv()
        if status != "ready":
            self.kill()
            raise StoreError(f"query worker could not load the build: {payload}")
        return payload

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=5)
        finally:
            self.conn.close()


class OxigraphStore:
    """The embedded store: pyoxigraph in ``workers`` processes, each with the whole build.

    Each worker holds its own copy of the data (≈0.4 GB per million triples), which is the price
    of a time limit that really stops a query: a worker past its deadline is killed (SIGKILL)
    and replaced in the background while the others keep serving."""

    def __init__(
        self,
        dist_dir: Path | None = None,
        *,
        workers: int = 2,
        timeout_s: float = 10.0,
        max_rows: int = 10_000,
        load_timeout_s: float = 600.0,
        catalog_graph: str | None = None,
    ) -> None:
        self.catalog_graph = catalog_graph
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.load_timeout_s = load_timeout_s
        self._size = max(1, workers)
        # forkserver: workers fork from a small single-threaded server, never from the
        # multi-threaded web process, and start in milliseconds once it is up
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["kyodo_lod.store", "pyoxigraph"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._trig: str | None = None
        self._graphs: list[str] = []
        self._closed = False
        self._generation = 0
        self._extras: list[tuple[str, str]] = []
        if dist_dir is not None:
            self.load(dist_dir)

    # -- Store interface
    def load(self, dist_dir: Path) -> None:
        trig = Path(dist_dir) / TRIG_FILE
        if not trig.is_file():
            raise StoreError(f"{trig} not found: build first (kyodo-lod build)")
        catalog = Path(dist_dir) / CATALOG_FILE
        self._extras = (
            [(str(catalog), self.catalog_graph)] if self.catalog_graph and catalog.is_file() else []
        )
        new = [_Worker(self._ctx, str(trig), self._extras) for _ in range(self._size)]
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
            self._trig = str(trig)
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
        result = self.query(
            describe_query(iri, inbound_limit, inbound_offset),
            result_format=result_format,
            max_rows=1_000_000,
        )
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
        if self._trig is None:
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
            if self._closed or generation != self._generation or self._trig is None:
                return
            try:
                fresh = _Worker(self._ctx, self._trig, self._extras)
                fresh.wait_ready(self.load_timeout_s)
            except StoreError:
                return
            with self._lock:
                if self._closed or generation != self._generation:
                    fresh.kill()
                else:
                    self._idle.put(fresh)

        threading.Thread(target=respawn, name="kyodo-respawn", daemon=True).start()


def open_store(settings: Any, dist_dir: Path | None = None, workers: int = 2) -> Store:
    """The store ``settings.store`` names, loaded with the build in ``dist_dir``."""
    if settings.store == "oxigraph":
        return OxigraphStore(
            dist_dir if dist_dir is not None else settings.dist_dir,
            workers=workers,
            timeout_s=settings.query_timeout_s,
            max_rows=settings.max_result_rows,
            catalog_graph=str(Iris(settings.base_iri).graph("catalog")),
        )
    raise StoreError(
        f"store {settings.store!r} is not supported yet: use 'oxigraph' (remote SPARQL engines "
        "are the next step)"
    )
