"""What one app instance knows: settings, the store, the build it serves. Kept in
``app.extensions["kyodo"]``; no module-level state."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from flask import current_app

from ..config import Settings
from ..dist import BuildFacts
from ..rdf.iris import GRAPH_NAMES, SDG_BASE, Iris
from ..store import Store
from .fairness import Network, QueryGate
from .page_store import PageStore

VENDOR_DIR = Path(__file__).resolve().parent / "vendor" / "node_modules" / "@zazuko" / "yasgui"


class ResponseCache:
    """Finished answers (document bodies, pages, existence checks) by key, the least recently
    used dropped past a byte budget. Safe because a build is immutable while it is served:
    every key starts with the build's content hash."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes // 8:  # one huge answer must not flush everything else
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._items[key] = (value, size)
            self.size += size
            while self.size > self.max_bytes and self._items:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped

    def fetch(self, key: Hashable, compute: Callable[[], Any], size: Callable[[Any], int]) -> Any:
        """The cached value, or ``compute()`` remembered (an exception is not remembered)."""
        if self.max_bytes <= 0:  # (the cache is off: nothing to look up or lock)
            return compute()
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value, size(value))
        return value


@dataclass
class AppState:
    settings: Settings
    store: Store
    build: BuildFacts
    iris: Iris
    yasgui: bool
    cache: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    responses: ResponseCache = field(default_factory=lambda: ResponseCache(64 << 20))
    # per-client limits of the SPARQL endpoint, and the proxies whose X-Forwarded-For counts
    gate: QueryGate = field(default_factory=lambda: QueryGate(2, 30.0))
    trusted_proxies: tuple[Network, ...] = ()
    # finished documents on disk, under ``responses`` (None: off)
    pages: PageStore | None = None

    @property
    def content_hash(self) -> str:
        """The build's hash, the key of every cached answer and ETag ("none": no build.json)."""
        return self.build.content_hash or "none"

    @property
    def base(self) -> str:
        return self.settings.base_iri

    @cached_property
    def kyodo(self) -> str:
        """The ontology namespace under our base (publish rebases it with the data)."""
        return f"{self.iris.ontology()}#"

    def graph_iris(self) -> list[str]:
        return [str(self.iris.graph(name)) for name in GRAPH_NAMES]

    def local_path(self, iri: str) -> str | None:
        """Where ``iri`` is served on this server (any host), or None for someone else's IRI."""
        base = self.base
        if iri.startswith(base):
            rest = iri[len(base) :]
            if rest.startswith("id/"):
                return "/doc/" + rest[3:]
            return "/" + rest
        if iri.startswith(SDG_BASE):
            code = iri[len(SDG_BASE) :]
            if code and all(part.isalnum() for part in code.split(".")) and "." in code:
                return f"/sdg/{code}"
            if code.isdigit():
                return f"/sdg/{code}"
        return None

    def response_key(self, kind: str, *variant: Hashable) -> tuple[Hashable, ...]:
        return (self.content_hash, kind, *variant)

    def etag(self, *variant: str) -> str:
        return "-".join((self.content_hash[:20], *variant))

    def cached(self, key: str, compute: Any) -> Any:
        """Compute once per app (the build is immutable while it is served)."""
        if key in self.cache:
            return self.cache[key]
        value = compute()
        with self.lock:
            self.cache[key] = value
        return value


def state() -> AppState:
    return current_app.extensions["kyodo"]
