"""The SPARQL store the web layer talks to, behind a small interface.

``Store`` (``base``) is what the web layer sees: ``query`` (any SPARQL 1.1 query, structured or
serialised result), ``describe`` (the document of one resource, ``describe``) and ``load`` (the
named graphs of a build). ``OxigraphStore`` (``oxigraph``) is the embedded default: the build is
written once into an on-disk pyoxigraph store (``disk``, keyed by the build's content hash) that
worker *processes* (``worker``) open read-only. pyoxigraph cannot be interrupted from Python, so
a query that overruns its limit has its worker killed and a fresh one started, while the other
workers keep answering. ``RemoteStore`` (``remote``) talks to any SPARQL 1.1 engine through the
protocol client (``http``); ``Settings.store`` (an endpoint URL) chooses it. Both give answers
through ``results`` (pyoxigraph answers as plain values, and their serialisations).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..dist import CATALOG, BuildFacts
from ..rdf.iris import Iris
from .base import (
    AskResult,
    GraphResult,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    SelectResult,
    Serialized,
    Store,
    StoreBusy,
    StoreError,
    Term,
)
from .oxigraph import OxigraphStore
from .remote import RemoteStore
from .worker import Jobs

__all__ = [
    "AskResult",
    "GraphResult",
    "OxigraphStore",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "RemoteStore",
    "SelectResult",
    "Serialized",
    "Store",
    "StoreBusy",
    "StoreError",
    "Term",
    "open_store",
]


def build_graphs(dist_dir: Path, settings: Any) -> list[str]:
    """The named graphs of the build in ``dist_dir`` as build.json lists them, with the
    catalogue's; none when there is no build.json (a front end without the build's files)."""
    facts = BuildFacts.read(dist_dir)
    graphs = list(facts.info.get("graphs", {}).values())
    if graphs and (Path(dist_dir) / CATALOG).is_file():
        graphs.append(str(Iris(settings.base_iri).graph("catalog")))
    return graphs


def open_store(
    settings: Any,
    dist_dir: Path | None = None,
    workers: int | None = None,
    page_jobs: Jobs = None,
) -> Store:
    """The store ``settings.store`` names: the embedded one loaded with the build in
    ``dist_dir`` (its site workers also running ``page_jobs``, when given), or a remote SPARQL
    1.1 endpoint (an http(s) URL)."""
    if settings.store == "oxigraph":
        return OxigraphStore(
            dist_dir if dist_dir is not None else settings.dist_dir,
            workers=settings.query_workers if workers is None else workers,
            page_workers=settings.page_workers,
            timeout_s=settings.query_timeout_s,
            busy_wait_s=settings.query_busy_wait_s,
            max_rows=settings.max_result_rows,
            catalog_graph=str(Iris(settings.base_iri).graph("catalog")),
            cache_dir=settings.store_cache_dir,
            in_memory_max_triples=settings.store_in_memory_max_triples,
            page_jobs=page_jobs,
        )
    if settings.store.startswith(("http://", "https://")):
        store = RemoteStore(
            settings.store,
            timeout_s=settings.query_timeout_s,
            max_rows=settings.max_result_rows,
            graphs=build_graphs(dist_dir if dist_dir is not None else settings.dist_dir, settings),
            graph_prefix=str(Iris(settings.base_iri).graph("catalog")).removesuffix("catalog"),
        )
        store.load()
        return store
    raise StoreError(
        f"store {settings.store!r} is not supported: use 'oxigraph' (embedded) or the URL of a "
        "SPARQL 1.1 query endpoint"
    )
