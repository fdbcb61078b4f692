"""The embedded store: one on-disk pyoxigraph store per build (``disk``), opened read-only by
a pool of worker processes (``worker``) that a time limit can really stop."""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..dist import CATALOG, TRIG, BuildFacts
from .base import (
    GraphResult,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    Serialized,
    StoreBusy,
    StoreError,
)
from .disk import DEFAULT_CACHE_DIR, prepare_disk_store
from .pool import WorkerPool
from .worker import Jobs, Source, describe_request, query_request, serve_queries


class OxigraphStore:
    """The embedded store: one on-disk pyoxigraph store per build, opened read-only by
    ``workers`` processes for users' queries (lane ``public``) and ``page_workers`` for the
    site's own pages and documents (lane ``site``).

    The store is written once from dist/ (``prepare_disk_store``) and shared through the file
    system, so the workers hold caches, not copies of the data. Processes are the price of a
    time limit that really stops a query: pyoxigraph cannot be interrupted from Python, so a
    worker past its deadline is killed (SIGKILL) and replaced in the background while the
    others keep serving. A public query that finds every worker busy waits ``busy_wait_s`` at
    most, then gets ``StoreBusy``."""

    def __init__(
        self,
        dist_dir: Path | None = None,
        *,
        workers: int = 2,
        page_workers: int = 1,
        timeout_s: float = 10.0,
        busy_wait_s: float = 0.5,
        max_rows: int = 10_000,
        load_timeout_s: float = 600.0,
        catalog_graph: str | None = None,
        cache_dir: Path | None = None,
        in_memory_max_triples: int = 0,
        page_jobs: Jobs = None,
    ) -> None:
        self.in_memory_max_triples = in_memory_max_triples
        self.catalog_graph = catalog_graph
        self.timeout_s = timeout_s
        self.busy_wait_s = busy_wait_s
        self.max_rows = max_rows
        self.load_timeout_s = load_timeout_s
        self.cache_dir = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR
        # forkserver: workers fork from a small single-threaded server, never from the
        # multi-threaded web process, and start in milliseconds once it is up
        self._ctx = mp.get_context("forkserver")
        # (preloaded: the module the workers run, kyodo_lod.store.worker, whatever its name)
        preload = [serve_queries.__module__, "pyoxigraph"]
        if page_jobs is not None:  # (and what the page workers' jobs need: the web layer)
            preload.append(getattr(page_jobs, "func", page_jobs).__module__)
        self._ctx.set_forkserver_preload(preload)
        # pages never wait behind users' queries: each lane has workers of its own; the site's
        # workers also make whole pages (``run_job``) when given ``page_jobs``
        self.pages_in_workers = page_jobs is not None
        self.pools: dict[str, WorkerPool] = {
            "site": WorkerPool("site", page_workers, self._ctx, load_timeout_s, page_jobs),
            "public": WorkerPool("public", workers, self._ctx, load_timeout_s),
        }
        self._path: Source | None = None
        self._graphs: list[str] = []
        if dist_dir is not None:
            self.load(dist_dir)

    @property
    def path(self) -> Path | None:
        """The on-disk store being served (None while a small build is held in memory)."""
        return Path(self._path) if isinstance(self._path, str) else None

    # -- Store interface
    def load(self, dist_dir: Path) -> None:
        path = self._source(Path(dist_dir))
        new = {lane: pool.start_workers(path) for lane, pool in self.pools.items()}
        graphs: list[str] = []
        try:
            for workers in new.values():
                for worker in workers:
                    graphs = worker.wait_ready(self.load_timeout_s)
        except StoreError:
            for workers in new.values():
                for worker in workers:
                    worker.kill()
            raise
        self._path = path
        self._graphs = graphs
        for lane, pool in self.pools.items():
            pool.serve(path, new[lane])

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
        lane: str = "site",
    ) -> QueryResult:
        request = query_request(
            sparql,
            default_graphs,
            named_graphs,
            result_format,
            self.max_rows if max_rows is None else max_rows,
        )
        return self._call(request, self.timeout_s if timeout_s is None else timeout_s, lane)

    def describe(
        self,
        iri: str,
        *,
        result_format: str | None = None,
        inbound_limit: int = 100,
        inbound_offset: int = 0,
    ) -> GraphResult | Serialized:
        request = describe_request(iri, result_format, inbound_limit, inbound_offset)
        result = self._call(request, self.timeout_s, "site")
        assert isinstance(result, GraphResult | Serialized)
        return result

    def run_job(self, job: Any, timeout_s: float | None = None) -> Any:
        """What the site's workers' ``page_jobs`` answer to ``job`` (a page made next to the
        data), within the time limit of a query."""
        if not self.pages_in_workers:
            raise StoreError("this store was opened without page jobs")
        return self._call({"job": job}, self.timeout_s if timeout_s is None else timeout_s, "site")

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()

    def worker_pids(self, lane: str = "public") -> list[int]:
        """The process ids of a lane's live workers (its size, while a killed one restarts)."""
        return self.pools[lane].pids()

    # -- the pools
    def _call(self, request: dict[str, Any], timeout_s: float, lane: str) -> Any:
        if self._path is None:
            raise StoreError("no build loaded")
        pool = self.pools[lane]
        started = time.monotonic()
        if lane == "public":
            # a user's query waits only briefly for a worker, never out another's time limit
            worker = pool.acquire(self.busy_wait_s)
            if worker is None:
                raise StoreBusy(
                    f"every query worker is busy (waited {self.busy_wait_s:g} s); try again "
                    "in a few seconds"
                )
            deadline = time.monotonic() + timeout_s
        else:
            deadline = started + timeout_s
            worker = pool.acquire(timeout_s)
            if worker is None:
                raise QueryTimeout(
                    f"every query worker stayed busy for {timeout_s:g} s; try again later"
                )
        try:
            worker.conn.send(request)
            if not worker.answered(deadline - time.monotonic()):
                pool.replace(worker)
                worker = None
                raise QueryTimeout(f"query stopped after its time limit of {timeout_s:g} s")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            if worker is not None:
                pool.replace(worker)
                worker = None
            raise StoreError(f"query worker failed ({exc!r}); it is being restarted") from exc
        finally:
            if worker is not None:
                pool.release(worker)
        if status == "ok":
            return payload
        if status == "syntax":
            raise QuerySyntaxError(payload)
        raise StoreError(payload)
