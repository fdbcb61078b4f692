"""The embedded store: one on-disk pyoxigraph store per build (``disk``), opened read-only by
a pool of worker processes (``worker``) that a time limit can really stop."""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..dist import CATALOG, TRIG, BuildFacts
from .base import GraphResult, QueryResult, QuerySyntaxError, QueryTimeout, Serialized, StoreError
from .disk import DEFAULT_CACHE_DIR, prepare_disk_store
from .worker import Source, serve_queries, spawn


class _Worker:
    """One query worker process, seen from the parent."""

    def __init__(self, ctx: Any, source: Source) -> None:
        self.conn, self.process = spawn(ctx, serve_queries, source)

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
        # (preloaded: the module the workers run, kyodo_lod.store.worker, whatever its name)
        self._ctx.set_forkserver_preload([serve_queries.__module__, "pyoxigraph"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._path: Source | None = None
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
        path = self._source(Path(dist_dir))
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

    def _source(self, dist_dir: Path) -> Source:
        """What the workers open: the build's files (small builds, loaded in memory) or its
        on-disk store."""
        trig = dist_dir / TRIG
        if not trig.is_file():
            raise StoreError(f"{trig} not found: build first (kyodo-lod build)")
        catalog = dist_dir / CATALOG
        extras = (
            [(str(catalog), self.catalog_graph)] if self.catalog_graph and catalog.is_file() else []
        )
        # unknown size (no build.json): as large as can be, so the disk store
        triples = BuildFacts.read(dist_dir).triples_total
        if triples is not None and triples <= self.in_memory_max_triples:
            return [(str(trig), None), *extras]
        return str(
            prepare_disk_store(self._ctx, dist_dir, self.cache_dir, extras, self.load_timeout_s)
        )

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
