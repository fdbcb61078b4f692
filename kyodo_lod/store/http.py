"""The SPARQL 1.1 Protocol client: one query exchange with any endpoint over HTTP.

Used by ``remote.RemoteStore`` (a SPARQL engine as our store) and by the federated comparison
(``compare.runners.EndpointRunner``, other kyodo-lod servers). One exchange: POST the query
(``application/sparql-query``), map the status to our errors (400 → ``QuerySyntaxError``,
503/504 → ``QueryTimeout``, anything else but 200 → ``StoreError``), and parse the answer
(SPARQL JSON/XML, N-Triples or Turtle) with pyoxigraph as it arrives, under a wall-clock
deadline: past it the connection is dropped. The caller reads the parsed answer (``read``)
while the connection is still open, and gets the response headers with it."""

from __future__ import annotations

import http.client
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import SplitResult, urlencode, urlsplit

from .base import QuerySyntaxError, QueryTimeout, StoreError

T = TypeVar("T")

RESULT_MEDIA = {
    "select": "application/sparql-results+json",
    "graph": "application/n-triples",
}
ACCEPT = (
    f"{RESULT_MEDIA['select']}, {RESULT_MEDIA['graph']};q=0.9, "
    "application/sparql-results+xml;q=0.5, text/turtle;q=0.4"
)
RDF_MEDIA = ("application/n-triples", "text/plain", "text/turtle")


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

    def target(self, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> str:
        """The request target: the endpoint's path and query with the protocol's dataset
        parameters (``default-graph-uri``, ``named-graph-uri``) added."""
        params = [("default-graph-uri", g) for g in default_graphs]
        params += [("named-graph-uri", g) for g in named_graphs]
        path = self.parts.path or "/"
        query = "&".join(filter(None, (self.parts.query, urlencode(params))))
        return f"{path}?{query}" if query else path


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
) -> Answer[T]:
    """One query exchange with ``endpoint``, all of it (answer read whole) within ``timeout_s``.

    ``read`` gets the parsed answer: pyoxigraph ``QuerySolutions``, ``QueryBoolean`` or an
    iterator of triples (quads for N-Triples), and must consume it before it returns."""
    deadline = time.monotonic() + timeout_s
    conn = _connect(endpoint, timeout_s)
    try:
        target = endpoint.target(default_graphs, named_graphs)
        response = _send(conn, endpoint, target, sparql, deadline, timeout_s)
        try:
            _check_status(response)
            headers = {name.lower(): value for name, value in response.getheaders()}
            media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            reader = io.BufferedReader(_DeadlineReader(response, conn.sock, deadline), 1 << 16)
            return Answer(read(parse_answer(reader, media)), headers)
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
    target: str,
    sparql: str,
    deadline: float,
    timeout_s: float,
) -> http.client.HTTPResponse:
    """POST the query; the response once its status line and headers have come."""
    headers = {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": ACCEPT}
    if endpoint.user_agent:
        headers["User-Agent"] = endpoint.user_agent
    try:
        conn.request("POST", target, body=sparql.encode("utf-8"), headers=headers)
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
    if response.status == 400:
        raise QuerySyntaxError(message or "the endpoint refused the query")
    if response.status in (503, 504):
        raise QueryTimeout(message or f"the endpoint answered {response.status}")
    raise StoreError(f"SPARQL endpoint answered {response.status}: {message}")


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
