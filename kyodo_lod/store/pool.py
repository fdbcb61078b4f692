"""A pool of query worker processes for one lane of the embedded store.

The store keeps one pool per lane (``site``: pages and dereferencing; ``public``: users' SPARQL)
so a user's runaway query can never take the capacity pages need. A worker past its deadline is
killed and its successor started in the background; a successor that fails to start is logged
and tried again (with a growing pause) until it starts, the pool is reloaded or closed."""

from __future__ import annotations

import logging
import math
import queue
import select
import threading
import time
from typing import Any

from .base import StoreError
from .worker import Jobs, Source, serve_queries, spawn

log = logging.getLogger("kyodo_lod.store")

# pause before the first new attempt to start a failed worker, doubled up to the last
RESTART_RETRY_FIRST_S = 0.5
RESTART_RETRY_MAX_S = 10.0


class Worker:
    """One query worker process, seen from the parent."""

    def __init__(self, ctx: Any, source: Source, generation: int = 0, jobs: Jobs = None) -> None:
        self.generation = generation
        self.conn, self.process = spawn(ctx, serve_queries, source, jobs)
        # one poll object for the worker's life (Connection.poll builds a selector each time)
        self._poller = select.poll()
        self._poller.register(self.conn.fileno(), select.POLLIN)

    def answered(self, timeout_s: float) -> bool:
        """Whether the worker's answer (or its end) came within ``timeout_s``."""
        return bool(self._poller.poll(math.ceil(max(0.0, timeout_s) * 1000)))

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout_s: float) -> list[str]:
        """Wait until the worker has opened the store; the named graphs it holds."""
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


class WorkerPool:
    """``size`` workers of one lane: handed out one request at a time, replaced when killed."""

    def __init__(
        self, lane: str, size: int, ctx: Any, load_timeout_s: float, jobs: Jobs = None
    ) -> None:
        self.lane = lane
        self.jobs = jobs  # what else its workers do beside queries (``worker.serve_queries``)
        self.size = max(1, size)
        self._ctx = ctx
        self._load_timeout_s = load_timeout_s
        # (SimpleQueue: get with a timeout is C code, not a Condition in Python; many threads
        # wait on it at once)
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._members: set[Worker] = set()  # the current generation's live workers
        self._lock = threading.Lock()
        self._source: Source | None = None
        self._generation = 0
        self._closed = False

    def start_workers(self, source: Source) -> list[Worker]:
        """New workers for ``source`` (not yet serving: ``serve`` them once all are ready)."""
        return [
            Worker(self._ctx, source, self._generation + 1, self.jobs) for _ in range(self.size)
        ]

    def serve(self, source: Source, workers: list[Worker]) -> None:
        """Serve from ``workers`` (ready, for ``source``); idle old ones are killed now, busy
        ones when they come back."""
        with self._lock:
            old = self._drain()
            self._generation += 1
            for worker in workers:
                worker.generation = self._generation
            self._source = source
            self._members = set(workers)
            for worker in workers:
                self._idle.put(worker)
        for worker in old:
            worker.kill()

    def acquire(self, wait_s: float) -> Worker | None:
        """An idle worker, or None if none became free within ``wait_s``."""
        try:
            return self._idle.get(timeout=max(0.0, wait_s))
        except queue.Empty:
            return None

    def release(self, worker: Worker) -> None:
        """Give back a worker that answered (one of an older build is killed instead)."""
        with self._lock:
            if not self._closed and worker.generation == self._generation:
                self._idle.put(worker)
                return
            self._members.discard(worker)
        worker.kill()

    def replace(self, worker: Worker) -> None:
        """Kill a stuck or dead worker now; start its successor in the background."""
        worker.kill()
        with self._lock:
            self._members.discard(worker)
            if self._closed or worker.generation != self._generation or self._source is None:
                return
            generation, source = self._generation, self._source
        threading.Thread(
            target=self._restart, args=(generation, source), name="kyodo-restart", daemon=True
        ).start()

    def _current(self, generation: int) -> bool:
        return not self._closed and generation == self._generation

    def _restart(self, generation: int, source: Source) -> None:
        pause = RESTART_RETRY_FIRST_S
        attempt = 0
        while self._current(generation):
            attempt += 1
            try:
                fresh = Worker(self._ctx, source, generation, self.jobs)
                fresh.wait_ready(self._load_timeout_s)
            except Exception as exc:  # whatever stops a start is logged and retried
                log.error(
                    "%s query worker could not be restarted (attempt %d): %s; retrying in %.1f s",
                    self.lane,
                    attempt,
                    exc,
                    pause,
                )
                time.sleep(pause)
                pause = min(pause * 2, RESTART_RETRY_MAX_S)
                continue
            with self._lock:
                joined = self._current(generation)
                if joined:
                    self._members.add(fresh)
                    self._idle.put(fresh)
            if not joined:  # the pool was reloaded or closed meanwhile
                fresh.kill()
            elif attempt > 1:
                log.warning("%s query worker restarted after %d attempts", self.lane, attempt)
            return

    def pids(self) -> list[int]:
        """The process ids of the current workers, idle or busy (the pool's live size)."""
        with self._lock:
            return sorted(worker.pid for worker in self._members)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = self._drain()
            self._members.clear()
        for worker in workers:
            worker.kill()

    def _drain(self) -> list[Worker]:
        drained = []
        while True:
            try:
                drained.append(self._idle.get_nowait())
            except queue.Empty:
                return drained
