"""What runs in the embedded store's child processes: the query worker (open the store, answer
requests until the pipe closes) and the one-off process that writes a build's on-disk store.

The parent (``oxigraph.OxigraphStore``, ``disk.prepare_disk_store``) starts them with ``spawn``
from a forkserver that preloads this module, so a new worker starts in milliseconds."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Sequence
from typing import Any

from ..rdf.sparql import has_from_clause
from .base import QueryResult, calls_unknown_function
from .describe import MAX_INBOUND_BY_PATTERNS, describe_by_patterns, describe_triples
from .results import convert, select_json

# where a small build is loaded from: (file, None) for the TriG, (file, graph IRI) for Turtle
Source = str | list[tuple[str, str | None]]
# what a worker does beside queries: called once with the opened store, it gives the function
# that answers the requests that come as {"job": ...} (the web layer makes pages with it, next
# to the data; a module-level function or a partial of one, so it reaches the worker by name)
Jobs = Callable[[Any], Callable[[Any], Any]] | None


def spawn(ctx: Any, target: Any, *args: Any) -> tuple[Any, Any]:
    """Start ``target(pipe, *args)`` in a child process; the parent's end of the pipe and the
    process."""
    conn, child = ctx.Pipe(duplex=True)
    process = ctx.Process(target=target, args=(child, *args), daemon=True)
    process.start()
    child.close()
    return conn, process


def write_disk_store(conn: Any, trig_path: str, extras: list[tuple[str, str]], target: str) -> None:
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


def open_source(source: Source) -> Any:
    """The store a worker answers from: the on-disk store opened read-only, or the listed files
    loaded into memory."""
    import pyoxigraph as ox

    if isinstance(source, str):
        return ox.Store.read_only(source)
    store = ox.Store()
    for path, graph in source:
        try:
            if graph is None:
                store.load(path=path, format=ox.RdfFormat.TRIG)
            else:
                store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
        except OSError as exc:  # (pyoxigraph's message does not name the file)
            raise OSError(f"{path}: {exc}") from exc
    return store


def serve_queries(conn: Any, source: Source, jobs: Jobs = None) -> None:
    """Loop of one query worker: open the store, answer until the pipe closes.

    ``source`` is an on-disk store (a folder, opened read-only: workers share the files and the
    OS page cache, not copies of the data) or, for a small build, the files to load into a
    store of the worker's own in memory (2–5× faster per query than the disk store)."""
    import pyoxigraph as ox

    # a terminal's Ctrl-C reaches the whole process group (``kyodo-lod prerender``'s workers
    # are in its group): the parent stops its workers by closing their pipes, and a worker
    # interrupted mid-answer would only print a traceback and fail the answer
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        store = open_source(source)
        job = jobs(store) if jobs is not None else None
        graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        conn.send(("ready", graphs))
    except Exception as exc:
        with contextlib.suppress(OSError):  # (the parent may have gone: nobody to tell)
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(_answer(request, store, job))
        except OSError:  # the parent went away while we worked (a server stopping): done
            return


def _answer(request: dict[str, Any], store: Any, job: Callable[[Any], Any] | None) -> Any:
    """What the worker sends back for one request: ("ok", answer) or (fault, message)."""
    try:
        if "job" in request and job is not None:
            return ("ok", job(request["job"]))
        return ("ok", execute(request, store))
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except Exception as exc:
        # a function the engine lacks is the query's fault, though found in evaluation
        fault = "syntax" if calls_unknown_function(str(exc)) else "error"
        return (fault, str(exc) if fault == "syntax" else f"{type(exc).__name__}: {exc}")


def query_request(
    sparql: str,
    default_graphs: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
    result_format: str | None,
    max_rows: int,
) -> dict[str, Any]:
    """What ``execute`` is asked for a query (the one shape both sides of the pipe know)."""
    return {
        "sparql": sparql,
        "default_graphs": list(default_graphs or ()),
        "named_graphs": list(named_graphs or ()),
        "format": result_format,
        "max_rows": max_rows,
    }


def describe_request(
    iri: str, result_format: str | None, inbound_limit: int, inbound_offset: int
) -> dict[str, Any]:
    """What ``execute`` is asked for the document of ``iri``."""
    return {
        "describe": iri,
        "inbound_limit": inbound_limit,
        "inbound_offset": inbound_offset,
        "format": result_format,
        "max_rows": 1_000_000,
    }


def execute(request: dict[str, Any], store: Any) -> QueryResult:
    """Answer one request (a query or a describe, as ``OxigraphStore`` sends them) from the
    pyoxigraph ``store``."""
    import pyoxigraph as ox

    if "describe" in request:
        found = describe_by_patterns(
            store,
            request["describe"],
            request["inbound_limit"],
            request["inbound_offset"],
            MAX_INBOUND_BY_PATTERNS,
        )
        if found is None:  # a hub
            found = describe_triples(
                lambda q: store.query(q, use_default_graph_as_union=True),
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
    sparql, fmt, max_rows = request["sparql"], request.get("format"), request["max_rows"]
    if fmt == "json":  # (the format most asked for: pyoxigraph writes it)
        return select_json(lambda: store.query(sparql, **kwargs), max_rows)
    return convert(store.query(sparql, **kwargs), fmt, max_rows)
