"""A remote SPARQL 1.1 engine as the store, over the protocol client in ``http``."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..rdf.sparql import has_from_clause
from .base import AskResult, GraphResult, QueryResult, SelectResult, Serialized, StoreError
from .describe import describe_triples
from .http import Endpoint, exchange
from .results import convert

T = TypeVar("T")


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
        try:
            self._endpoint = Endpoint(endpoint, connect_timeout_s=connect_timeout_s)
        except StoreError:
            raise StoreError(f"store {endpoint!r} is not an http(s) SPARQL endpoint URL") from None
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.connect_timeout_s = connect_timeout_s
        self._graphs: list[str] = []
        self._add_union = False

    # -- Store interface
    def load(self, dist_dir: Path | None = None) -> None:
        """Find the engine's named graphs (the build is loaded into the engine by its own
        tools: see README, "Serving"); check that it answers at all."""
        result = self._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", None, 10_000)
        assert isinstance(result, SelectResult)
        self._graphs = sorted(r[0].value for r in result.rows if r[0] is not None and r[0].is_uri)
        if not self._graphs:
            raise StoreError(f"{self.endpoint} holds no named graphs: load the build into it first")
        anything = self._query("ASK { ?s ?p ?o }", None, 1)
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
        lane: str = "site",  # (one engine for both: its own limits share it out)
    ) -> QueryResult:
        defaults, named = list(default_graphs or ()), list(named_graphs or ())
        if self._add_union and not defaults and not named and not has_from_clause(sparql):
            defaults, named = list(self._graphs), list(self._graphs)
        return self._query(
            sparql,
            result_format,
            self.max_rows if max_rows is None else max_rows,
            timeout_s=self.timeout_s if timeout_s is None else timeout_s,
            defaults=defaults,
            named=named,
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
        defaults = self._graphs if self._add_union else []

        def run(sparql: str) -> list[Any]:
            remaining = max(0.01, deadline - time.monotonic())
            return self._exchange(sparql, list, remaining, defaults, defaults)

        found = describe_triples(run, iri, inbound_limit, inbound_offset, 1_000_000)
        result = convert(found, result_format, 1_000_000)
        assert isinstance(result, GraphResult | Serialized)
        return result

    def close(self) -> None:
        pass

    # -- the protocol
    def _query(
        self,
        sparql: str,
        fmt: str | None,
        max_rows: int,
        *,
        timeout_s: float | None = None,
        defaults: Sequence[str] = (),
        named: Sequence[str] = (),
    ) -> QueryResult:
        """One exchange, the answer converted (rows past ``max_rows`` cut and flagged)."""
        return self._exchange(
            sparql,
            lambda parsed: convert(parsed, fmt, max_rows),
            self.timeout_s if timeout_s is None else timeout_s,
            defaults,
            named,
        )

    def _exchange(
        self,
        sparql: str,
        read: Callable[[Any], T],
        timeout_s: float,
        defaults: Sequence[str],
        named: Sequence[str],
    ) -> T:
        answer = exchange(
            self._endpoint,
            sparql,
            read,
            timeout_s=timeout_s,
            default_graphs=defaults,
            named_graphs=named,
        )
        return answer.value
