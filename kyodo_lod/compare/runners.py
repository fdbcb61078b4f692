"""Where the comparison's SPARQL answers come from: the store of this server (``StoreRunner``)
or any kyodo-lod server's endpoint (``EndpointRunner``, over kyodo_lod.store.http)."""

from __future__ import annotations

import sys
from typing import Any, Protocol

from ..errors import KyodoError
from ..store import SelectResult, Store, StoreError
from ..store.http import Endpoint, exchange
from ..store.results import convert


class CompareError(KyodoError):
    """The comparison cannot be made (unknown city, unreachable endpoint, ...)."""


class Runner(Protocol):
    """Something that answers SPARQL SELECT queries: rows of {variable: lexical value}."""

    name: str

    def select(self, sparql: str) -> list[dict[str, str]]: ...


def _values(result: SelectResult) -> list[dict[str, str]]:
    return [{k: term.value for k, term in row.items()} for row in result.dicts()]


class StoreRunner:
    """The store interface of kyodo_lod.store (embedded pyoxigraph by default). Given a
    ``memo`` (a server's, for the immutable build it serves), the answers that do not depend on
    the request (``select_once``: the vocabulary, the city-years) are asked once per build."""

    def __init__(
        self, store: Store, name: str = "local store", memo: dict[str, Any] | None = None
    ) -> None:
        self.store = store
        self.name = name
        self._memo = memo

    def select_once(self, sparql: str) -> list[dict[str, str]]:
        if self._memo is None:
            return self.select(sparql)
        key = "compare-select:" + sparql
        if key not in self._memo:
            self._memo[key] = self.select(sparql)
        return self._memo[key]  # type: ignore[no-any-return]

    def select(self, sparql: str) -> list[dict[str, str]]:
        result = self.store.query(sparql, max_rows=1_000_000)
        if not isinstance(result, SelectResult):
            raise CompareError(f"{self.name}: expected SELECT rows, got {type(result).__name__}")
        if result.truncated:  # a cut table would give wrong counts: refuse it
            raise CompareError(f"{self.name}: more than 1,000,000 rows; compare fewer cities")
        return _values(result)


class EndpointRunner:
    """A remote SPARQL 1.1 endpoint (e.g. another kyodo-lod server's /sparql). ``timeout_s``
    bounds each query's whole exchange (connecting, waiting, reading the answer)."""

    def __init__(self, url: str, timeout_s: float = 30.0) -> None:
        self.name = url
        self.url = url
        self.timeout_s = timeout_s

    def select(self, sparql: str) -> list[dict[str, str]]:
        try:
            endpoint = Endpoint(
                self.url, connect_timeout_s=self.timeout_s, user_agent="kyodo-lod compare"
            )
            # every row: the server's own limit is the one that may cut (and says so)
            answer = exchange(
                endpoint,
                sparql,
                lambda parsed: convert(parsed, None, sys.maxsize),
                timeout_s=self.timeout_s,
            )
        except StoreError as exc:
            raise CompareError(f"{self.url}: {type(exc).__name__}: {exc}") from exc
        headers = answer.headers
        if headers.get("kyodo-result-truncated") == "true":  # cut rows would give wrong counts
            raise CompareError(
                f"{self.url}: the server cut the answer at {headers.get('kyodo-result-limit')} "
                "rows (its KYODO_MAX_RESULT_ROWS); compare fewer cities or raise that limit"
            )
        if not isinstance(answer.value, SelectResult):
            raise CompareError(f"{self.url}: not a SPARQL SELECT result")
        return _values(answer.value)


def select_once(runner: Runner, sparql: str) -> list[dict[str, str]]:
    """``runner.select(sparql)`` for a query whose answer does not depend on the request:
    remembered when the runner can (a server's store), asked again otherwise."""
    once = getattr(runner, "select_once", None)
    return once(sparql) if once is not None else runner.select(sparql)
