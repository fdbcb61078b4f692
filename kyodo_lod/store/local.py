"""The store interface over a pyoxigraph store already open in this process.

A page worker (``worker.serve_queries`` with page jobs) makes whole pages next to the data: the
web layer's code runs there over this ``LocalStore``, so a page costs no round trip between
processes. The worker itself is the time limit: its parent kills it past the limit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .base import GraphResult, QueryResult, QuerySyntaxError, Serialized, StoreError
from .worker import describe_request, execute, query_request


class LocalStore:
    """``Store`` over the pyoxigraph ``store`` of this process (see the module's docstring)."""

    def __init__(self, store: Any, max_rows: int) -> None:
        self.store = store
        self.max_rows = max_rows

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
        try:
            return execute(request, self.store)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc

    def describe(
        self,
        iri: str,
        *,
        result_format: str | None = None,
        inbound_limit: int = 100,
        inbound_offset: int = 0,
    ) -> GraphResult | Serialized:
        request = describe_request(iri, result_format, inbound_limit, inbound_offset)
        result = execute(request, self.store)
        assert isinstance(result, GraphResult | Serialized)
        return result

    def load(self, dist_dir: Path) -> None:
        raise StoreError("a local store serves the store its process opened")

    def graph_names(self) -> list[str]:
        import pyoxigraph as ox

        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def close(self) -> None:
        pass
