"""A remote SPARQL 1.1 engine as the store, over the protocol client in ``http``."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..rdf.sparql import dataset_clauses, query_form
from .base import AskResult, GraphResult, QueryResult, SelectResult, Serialized, StoreError
from .describe import describe_triples
from .http import Endpoint, exchange
from .results import convert
from .virtuoso import PROBE, check, rewrite, timeout_params

T = TypeVar("T")

# a graph no engine holds: the empty half of a dataset that names only default or only named
# graphs (an engine such as Virtuoso reads a missing half as "every graph I have")
NO_GRAPH = "urn:kyodo-lod:no-graph"


class RemoteStore:
    """Any SPARQL 1.1 engine (Oxigraph server, Virtuoso, Fuseki, ...) over the SPARQL 1.1
    Protocol.

    The engine answers in SPARQL JSON or N-Triples; we parse as we read and write every format
    ourselves, so answers look the same as the embedded store's. Every query names its dataset
    explicitly: the build's graphs (``graphs``, from the build's build.json and catalogue) as the
    default graph and as the named graphs, unless the request or the query names its own (then
    the half it leaves out is empty, as SPARQL says). So an engine's own graphs (Virtuoso's
    system graphs in its default graph) and graphs of another build loaded beside this one never
    show. Our time limit is a wall-clock deadline on the HTTP exchange: past it we drop the
    connection and answer 503. The engine should enforce its own limit too (Virtuoso:
    ``MaxQueryExecutionTime``, Fuseki: ``arq:queryTimeout``), as a dropped connection does not
    stop every engine's work. What differs by engine is found by asking (``load``): Virtuoso
    gets its dialect (``virtuoso``) and our time limit with each query."""

    def __init__(
        self,
        endpoint: str,
        *,
        timeout_s: float = 10.0,
        max_rows: int = 10_000,
        connect_timeout_s: float = 5.0,
        graphs: Sequence[str] = (),
        graph_prefix: str = "",
    ) -> None:
        """``graphs``: the build's graph names (each must be in the engine); without them the
        engine's graphs whose names start with ``graph_prefix`` are taken."""
        try:
            self._endpoint = Endpoint(endpoint, connect_timeout_s=connect_timeout_s)
        except StoreError:
            raise StoreError(f"store {endpoint!r} is not an http(s) SPARQL endpoint URL") from None
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.connect_timeout_s = connect_timeout_s
        self._expected = sorted(set(graphs))
        self._graph_prefix = graph_prefix
        self._graphs: list[str] = []
        self.virtuoso = False

    # -- Store interface
    def load(self, dist_dir: Path | None = None) -> None:
        """Find the build's named graphs in the engine (the build is loaded into the engine by
        its own tools: see README, "Serving"), and what kind of engine it is."""
        if self._expected:
            # each graph looked up, not every quad scanned (Virtuoso: 7 s for DISTINCT ?g over
            # 12,000 quads, 0.05 s this way)
            values = " ".join(f"<{g}>" for g in self._expected)
            held = self._graph_list(
                f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} "
                "FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }"
            )
            missing = [g for g in self._expected if g not in held]
            if missing:
                raise StoreError(
                    f"{self.endpoint} lacks the build's graph(s) {', '.join(missing)}: load the "
                    "build into it first (for Virtuoso: scripts/virtuoso.py start)"
                )
            self._graphs = list(self._expected)
        else:
            # GRAPH ?g { ?s ?p ?o }, not GRAPH ?g {}: Virtuoso answers that with no row
            held = self._graph_list("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            self._graphs = sorted(g for g in held if g.startswith(self._graph_prefix))
        if not self._graphs:
            raise StoreError(f"{self.endpoint} holds no named graphs: load the build into it first")
        self.virtuoso = self._answers(PROBE)

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
        form = query_form(sparql)
        defaults, named = self.dataset(sparql, default_graphs or (), named_graphs or ())
        limit = self.max_rows if max_rows is None else max_rows
        if self.virtuoso:
            check(sparql)
            sparql = rewrite(sparql, form, [g for g in named if g != NO_GRAPH], limit)
        return self._exchange(
            sparql,
            lambda parsed: convert(parsed, result_format, limit),
            self.timeout_s if timeout_s is None else timeout_s,
            defaults,
            named,
            form,
        )

    def dataset(
        self, sparql: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> tuple[list[str], list[str]]:
        """The dataset a query is sent with, both halves always named (see the class): as the
        embedded store reads it."""
        if default_graphs or named_graphs:  # the request's: a half left out is the build's
            return list(default_graphs or self._graphs), list(named_graphs or self._graphs)
        froms, froms_named = dataset_clauses(sparql)
        if not froms and not froms_named:
            return list(self._graphs), list(self._graphs)
        if None in froms or None in froms_named:
            return [], []  # a FROM that does not resolve: the engine's parser says why
        # the query's own: a half it leaves out is empty
        return [g for g in froms if g] or [NO_GRAPH], [g for g in froms_named if g] or [NO_GRAPH]

    def describe(
        self,
        iri: str,
        *,
        result_format: str | None = None,
        inbound_limit: int = 100,
        inbound_offset: int = 0,
    ) -> GraphResult | Serialized:
        deadline = time.monotonic() + self.timeout_s

        def run(sparql: str) -> list[Any]:
            remaining = max(0.01, deadline - time.monotonic())
            return self._exchange(sparql, list, remaining, self._graphs, self._graphs)

        found = describe_triples(run, iri, inbound_limit, inbound_offset, 1_000_000)
        result = convert(found, result_format, 1_000_000)
        assert isinstance(result, GraphResult | Serialized)
        return result

    def close(self) -> None:
        pass

    # -- the protocol
    def _graph_list(self, sparql: str) -> set[str]:
        result = self._exchange(sparql, lambda p: convert(p, None, 100_000), self.timeout_s)
        assert isinstance(result, SelectResult)
        return {r[0].value for r in result.rows if r[0] is not None and r[0].is_uri}

    def _answers(self, sparql: str) -> bool:
        """Whether the engine takes ``sparql`` at all (what tells engines apart)."""
        try:
            found = self._exchange(sparql, lambda p: convert(p, None, 1), self.timeout_s)
        except StoreError:
            return False
        return isinstance(found, AskResult)

    def _exchange(
        self,
        sparql: str,
        read: Callable[[Any], T],
        timeout_s: float,
        defaults: Sequence[str] = (),
        named: Sequence[str] = (),
        form: str | None = None,
    ) -> T:
        extra = timeout_params(timeout_s) if self.virtuoso else []
        answer = exchange(
            self._endpoint,
            sparql,
            read,
            timeout_s=timeout_s,
            default_graphs=defaults,
            named_graphs=named,
            form=form,
            extra=extra,
        )
        return answer.value
