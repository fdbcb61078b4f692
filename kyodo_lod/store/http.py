"""The SPARQL 1.1 Protocol client: one query exchange with any endpoint over HTTP.

Used by ``remote.RemoteStore`` (a SPARQL engine as our store) and by the federated comparison
(``compare.runners.EndpointRunner``, other kyodo-lod servers). One exchange: POST the query
form-encoded (``query=...`` with the dataset parameters: every engine takes that, while Virtuoso
before 7.2.6 never answers an ``application/sparql-query`` POST and spins a core meanwhile),
asking for result rows for SELECT/ASK and RDF for CONSTRUCT/DESCRIBE only (Virtuoso answers a
CONSTRUCT with rows when SPARQL JSON comes first in Accept); map the status to our errors (400,
and a 500 saying the query called a function the engine lacks → ``QuerySyntaxError``; 503/504
and Virtuoso's 500 ``SR171 Transaction timed out`` → ``QueryTimeout``; anything else but 200 →
``StoreError``); refuse an answer of another kind than
the query's (rows for a CONSTRUCT) or a partial one (Virtuoso's "anytime" answer, flagged by
``X-SQL-State``); and parse the answer (SPARQL JSON/XML, N-Triples or Turtle) with pyoxigraph as
it arrives, under a wall-clock deadline: past it the connection is dropped. The caller reads the
parsed answer (``read``) while the connection is still open, and gets the response headers
with it."""

from __future__ import annotations

import http.client
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import SplitResult, urlencode, urlsplit

from ..rdf.sparql import query_form
from .base import QuerySyntaxError, QueryTimeout, StoreError, calls_unknown_function

T = TypeVar("T")

RESULT_MEDIA = {
    "select": "application/sparql-results+json",
    "graph": "application/n-triples",
}
ACCEPT = (
    f"{RESULT_MEDIA['select']}, {RESULT_MEDIA['graph']};q=0.9, "
    "application/sparql-results+xml;q=0.5, text/turtle;q=0.4"
)
# what to ask for, by query form: only what that form can answer
ACCEPT_BY_FORM = {
    "SELECT": f"{RESULT_MEDIA['select']}, application/sparql-results+xml;q=0.5",
    "ASK": f"{RESULT_MEDIA['select']}, application/sparql-results+xml;q=0.5",
    "CONSTRUCT": f"{RESULT_MEDIA['graph']}, text/turtle;q=0.5",
    "DESCRIBE": f"{RESULT_MEDIA['graph']}, text/turtle;q=0.5",
}
RDF_MEDIA = ("application/n-triples", "text/plain", "text/turtle")
# Virtuoso's message when its own query time limit (MaxQueryExecutionTime) stopped a query
ENGINE_TIMEOUT_MARKS = ("SR171", "Transaction timed out")


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL query endpoint: its URL (checked: http or https) and how to reach it."""

    url: str
    connect_timeout_s: float = 5.0
    user_agent: str | None = None
    parts: SplitResult = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(f"{self.url!r} is not an http(s) SPARQL endpoint URL")
        object.__setattr__(self, "parts", parts)

    def target(self) -> str:
        """The request target: the endpoint's path and its own query string."""
        path = self.parts.path or "/"
        return f"{path}?{self.parts.query}" if self.parts.query else path


def form_body(
    sparql: str,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    extra: Sequence[tuple[str, str]] = (),
) -> bytes:
    """The form-encoded request body: the query, the protocol's dataset parameters
    (``default-graph-uri``, ``named-graph-uri``) and an engine's own (``extra``)."""
    params = [("query", sparql)]
    params += [("default-graph-uri", g) for g in default_graphs]
    params += [("named-graph-uri", g) for g in named_graphs]
    return urlencode([*params, *extra]).encode("ascii")


@dataclass(frozen=True)
class Answer(Generic[T]):
    """What ``read`` made of the parsed answer, and the response headers (names lower-cased)."""

    value: T
    headers: dict[str, str]


def exchange(
    endpoint: Endpoint,
    sparql: str,
    read: Callable[[Any], T],
    *,
    timeout_s: float,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    form: str | None = None,
    extra: Sequence[tuple[str, str]] = (),
) -> Answer[T]:
    """One query exchange with ``endpoint``, all of it (answer read whole) within ``timeout_s``.

    ``read`` gets the parsed answer: pyoxigraph ``QuerySolutions``, ``QueryBoolean`` or an
    iterator of triples (quads for N-Triples), and must consume it before it returns. ``form``
    (SELECT, ASK, CONSTRUCT, DESCRIBE) is the query's, read from ``sparql`` when not given;
    ``extra``: parameters of the engine's own sent with the query."""
    deadline = time.monotonic() + timeout_s
    form = form or query_form(sparql)
    conn = _connect(endpoint, timeout_s)
    try:
        body = form_body(sparql, default_graphs, named_graphs, extra)
        accept = ACCEPT_BY_FORM.get(form or "", ACCEPT)
        response = _send(conn, endpoint, body, accept, deadline, timeout_s)
        try:
            _check_status(response)
            headers = {name.lower(): value for name, value in response.getheaders()}
            if "x-sql-state" in headers:  # Virtuoso's "anytime" answer: what it had at its limit
                raise QueryTimeout(f"the endpoint stopped the query: {headers['x-sql-state']}")
            media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            reader = io.BufferedReader(_DeadlineReader(response, conn.sock, deadline), 1 << 16)
            parsed = parse_answer(reader, media)
            _check_kind(parsed, form, endpoint)
            return Answer(read(parsed), headers)
        except TimeoutError:
            raise QueryTimeout(_stopped(timeout_s)) from None
        except SyntaxError as exc:
            raise StoreError(f"unreadable answer from {endpoint.url}: {exc}") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise StoreError(f"SPARQL endpoint {endpoint.url} broke off: {exc!r}") from exc
    finally:
        conn.close()  # also drops an answer we stopped reading (row cap, deadline)


def _stopped(timeout_s: float) -> str:
    return f"query stopped after its time limit of {timeout_s:g} s"


def _connect(endpoint: Endpoint, timeout_s: float) -> http.client.HTTPConnection:
    parts = endpoint.parts
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    return connection_class(
        parts.hostname,  # type: ignore[arg-type]
        parts.port,
        timeout=min(endpoint.connect_timeout_s, timeout_s),
    )


def _send(
    conn: http.client.HTTPConnection,
    endpoint: Endpoint,
    body: bytes,
    accept: str,
    deadline: float,
    timeout_s: float,
) -> http.client.HTTPResponse:
    """POST the form; the response once its status line and headers have come."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    if endpoint.user_agent:
        headers["User-Agent"] = endpoint.user_agent
    try:
        conn.request("POST", endpoint.target(), body=body, headers=headers)
        if conn.sock is not None:
            conn.sock.settimeout(max(0.01, deadline - time.monotonic()))
        return conn.getresponse()
    except TimeoutError:
        raise QueryTimeout(_stopped(timeout_s)) from None
    except (OSError, http.client.HTTPException) as exc:
        raise StoreError(f"SPARQL endpoint {endpoint.url} unreachable: {exc}") from exc


def _check_status(response: http.client.HTTPResponse) -> None:
    """Raise the error a status other than 200 stands for, with the endpoint's message."""
    if response.status == 200:
        return
    message = response.read(4000).decode("utf-8", "replace").strip()
    if response.status == 400 or calls_unknown_function(message):
        raise QuerySyntaxError(message or "the endpoint refused the query")
    if response.status in (503, 504):
        raise QueryTimeout(message or f"the endpoint answered {response.status}")
    if response.status == 500 and any(mark in message for mark in ENGINE_TIMEOUT_MARKS):
        raise QueryTimeout(f"the endpoint stopped the query at its own time limit: {message}")
    raise StoreError(f"SPARQL endpoint answered {response.status}: {message}")


def _check_kind(parsed: Any, form: str | None, endpoint: Endpoint) -> None:
    """An answer of another kind than the query asked for is the endpoint's error (503)."""
    import pyoxigraph as ox

    if form in ("CONSTRUCT", "DESCRIBE"):
        wrong = isinstance(parsed, ox.QuerySolutions | ox.QueryBoolean)
    elif form == "SELECT":
        wrong = not isinstance(parsed, ox.QuerySolutions)
    elif form == "ASK":
        wrong = not isinstance(parsed, ox.QueryBoolean)
    else:
        return
    if wrong:
        kind = type(parsed).__name__
        raise StoreError(f"SPARQL endpoint {endpoint.url} answered the {form} query with {kind}")


def parse_answer(reader: io.BufferedReader, media: str) -> Any:
    """The answer in ``reader`` parsed by pyoxigraph according to its media type."""
    import pyoxigraph as ox

    if media in RDF_MEDIA:
        rdf_format = ox.RdfFormat.TURTLE if media == "text/turtle" else ox.RdfFormat.N_TRIPLES
        return ox.parse(reader, format=rdf_format)
    results_format = ox.QueryResultsFormat.from_media_type(media)
    if results_format is None:
        raise StoreError(f"SPARQL endpoint answered in {media!r}")
    return ox.parse_query_results(reader, format=results_format)


class _DeadlineReader(io.RawIOBase):
    """An HTTP response body that gives up at a wall-clock deadline (the socket timeout alone
    restarts with every byte that arrives)."""

    def __init__(self, response: http.client.HTTPResponse, sock: Any, deadline: float) -> None:
        self.response = response
        self.sock = sock
        self.deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("deadline passed while reading the answer")
        if self.sock is not None:
            self.sock.settimeout(remaining)
        # read1: what has arrived (one read from the socket). readinto would wait until the
        # buffer is full, and an answer trickling in a byte at a time passed the deadline
        data = self.response.read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)
