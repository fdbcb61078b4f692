"""The SPARQL 1.1 Protocol client (kyodo_lod.store.http) on its own: against each real engine
(Oxigraph server, Virtuoso), against our own server (its Kyodo-Result-* headers and its status
codes), and against a bare HTTP server that answers too slowly or wrongly, as a remote endpoint
may."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kyodo_lod.store import AskResult, QuerySyntaxError, QueryTimeout, SelectResult, StoreError
from kyodo_lod.store.http import Endpoint, exchange, form_body
from kyodo_lod.store.results import convert
from kyodo_lod.store.virtuoso import timeout_params
from tests.web.conftest import LiveServer, _free_port, start_server, stop_server

from .oxigraph_server import BASE

KYODO = BASE + "def/kyodo#"
# (Oxigraph's default graph is empty: the build is in its named graphs)
PROJECTS = f"SELECT ?p WHERE {{ GRAPH ?g {{ ?p a <{KYODO}Project> }} }} ORDER BY ?p"
# a cross join that takes Oxigraph seconds (and then ends by itself)
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?x { ?a ?b ?c } GRAPH ?y { ?d ?e ?f } FILTER(?c != ?f) }"
)


def rows(max_rows: int = 1000):  # type: ignore[no-untyped-def]
    """A ``read`` that converts the parsed answer into our plain result."""
    return lambda parsed: convert(parsed, None, max_rows)


# ---------------------------------------------------------------- a real SPARQL engine


def test_select_ask_and_construct_from_an_engine(engine: tuple[str, str]) -> None:
    endpoint = Endpoint(engine[1])
    answer = exchange(endpoint, PROJECTS + " LIMIT 2", rows(), timeout_s=10)
    assert isinstance(answer.value, SelectResult) and len(answer.value.rows) == 2
    assert answer.headers["content-type"].startswith("application/sparql-results+json")
    ask = exchange(endpoint, "ASK { GRAPH ?g { ?s ?p ?o } }", rows(), timeout_s=10)
    assert ask.value == AskResult(True)
    construct = (
        f"CONSTRUCT {{ ?p a <{KYODO}Project> }} WHERE {{ GRAPH ?g {{ ?p a <{KYODO}Project> }} }}"
    )
    triples = exchange(endpoint, construct + " LIMIT 3", list, timeout_s=10)
    assert triples.headers["content-type"].startswith("application/n-triples")
    assert len(triples.value) == 3


def test_the_dataset_goes_as_protocol_parameters(engine: tuple[str, str]) -> None:
    endpoint = Endpoint(engine[1])
    ask = f"ASK {{ ?p a <{KYODO}Project> }}"
    sdg, asserted = BASE + "graph/sdg", BASE + "graph/asserted"
    assert exchange(endpoint, ask, rows(), timeout_s=10, default_graphs=[sdg]).value == AskResult(
        False
    )
    found = exchange(endpoint, ask, rows(), timeout_s=10, default_graphs=[asserted])
    assert found.value == AskResult(True)
    # form-encoded, as every engine takes it (Virtuoso < 7.2.6 never answers sparql-query)
    assert form_body("ASK {}", [sdg], [asserted], [("timeout", "5")]) == (
        b"query=ASK+%7B%7D&default-graph-uri=https%3A%2F%2Fkyodo-lod.example%2Fgraph%2Fsdg"
        b"&named-graph-uri=https%3A%2F%2Fkyodo-lod.example%2Fgraph%2Fasserted&timeout=5"
    )
    assert Endpoint("http://h.example/q?key=1").target() == "/q?key=1"
    assert Endpoint("https://h.example").target() == "/"


def test_a_syntax_error_carries_the_engine_message(engine: tuple[str, str]) -> None:
    with pytest.raises(QuerySyntaxError, match=r"1:|line 1"):
        exchange(Endpoint(engine[1]), "SELEKT * WHERE { ?s ?p ?o }", rows(), timeout_s=10)


def test_the_deadline_is_wall_clock_and_the_engine_answers_again(engine: tuple[str, str]) -> None:
    # (Virtuoso would work on for its own 12 s: told to stop after 1 s, past our deadline)
    extra = timeout_params(1.0) if engine[0] == "virtuoso" else []
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"time limit of 0\.5 s"):
        exchange(Endpoint(engine[1]), SLOW, rows(), timeout_s=0.5, extra=extra)
    assert time.monotonic() - started < 1.5
    answer = exchange(Endpoint(engine[1]), "ASK { GRAPH ?g { ?s ?p ?o } }", rows(), timeout_s=10)
    assert answer.value == AskResult(True)


def test_what_is_no_endpoint() -> None:
    with pytest.raises(StoreError, match="not an http"):
        Endpoint("file:///etc/passwd")
    closed = f"http://127.0.0.1:{_free_port()}/sparql"
    with pytest.raises(StoreError, match=f"{closed} unreachable"):
        exchange(Endpoint(closed), "ASK {}", rows(), timeout_s=5)


# ---------------------------------------------------------------- our own server


@pytest.fixture(scope="module")
def strict(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Our server with 3 result rows at most and 1 s per query."""
    server = start_server(
        dist,
        tmp_path_factory.mktemp("strict-http"),
        KYODO_MAX_RESULT_ROWS="3",
        KYODO_QUERY_TIMEOUT_S="1",
    )
    yield server
    stop_server(server)


def test_the_cut_is_told_in_the_headers(strict: LiveServer) -> None:
    endpoint = Endpoint(strict.url + "/sparql", user_agent="kyodo-lod tests")
    cut = exchange(endpoint, PROJECTS, rows(), timeout_s=10)
    assert isinstance(cut.value, SelectResult) and len(cut.value.rows) == 3
    assert cut.headers["kyodo-result-truncated"] == "true"
    assert cut.headers["kyodo-result-limit"] == "3"
    whole = exchange(endpoint, PROJECTS + " LIMIT 2", rows(), timeout_s=10)
    assert "kyodo-result-truncated" not in whole.headers


def test_our_servers_status_codes_map_to_our_errors(strict: LiveServer) -> None:
    endpoint = Endpoint(strict.url + "/sparql")
    with pytest.raises(QueryTimeout, match="Query stopped"):  # its 503, after its own 1 s
        exchange(endpoint, SLOW, rows(), timeout_s=30)
    with pytest.raises(StoreError, match="answered 403: Forbidden"):
        exchange(
            endpoint,
            "SELECT * WHERE { SERVICE <http://x.example/> { ?s ?p ?o } }",
            rows(),
            timeout_s=10,
        )
    with pytest.raises(QuerySyntaxError, match="Malformed query"):
        exchange(endpoint, "SELEKT * WHERE { ?s ?p ?o }", rows(), timeout_s=10)


# ---------------------------------------------------------------- an endpoint misbehaving

ANSWER = b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"1"}}]}}'


class _Misbehaving(BaseHTTPRequestHandler):
    """Answers by path: /slow trickles a valid answer a byte every 50 ms, /status/N answers N,
    /html answers a web page, /broken breaks off in the middle of the answer, /sr171 and
    /anytime as Virtuoso does at its time limit (500, or 200 with what it had, flagged)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer()  # (the client may give up: what /slow is for)

    def _answer(self) -> None:
        if self.path == "/sr171":
            self.send_response(500, "SPARQL Request Failed")
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"Virtuoso S1T00 Error SR171: Transaction timed out")
            return
        if self.path.startswith("/status/"):
            self.send_response(int(self.path.rsplit("/", 1)[1]))
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"the endpoint's own message")
            return
        media = "text/html" if self.path == "/html" else "application/sparql-results+json"
        self.send_response(200)
        if self.path == "/anytime":
            self.send_header("X-SQL-State", "S1TAT")
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(ANSWER)))
        self.end_headers()
        if self.path == "/broken":
            self.wfile.write(ANSWER[:20])
            self.wfile.flush()
            self.close_connection = True
            return
        for byte in ANSWER:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.05 if self.path == "/slow" else 0)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_trickling_answer_is_stopped_at_the_deadline(misbehaving: str) -> None:
    # every byte comes well within a socket timeout: only a wall-clock deadline stops it
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        exchange(Endpoint(misbehaving + "/slow"), "SELECT * {}", rows(), timeout_s=0.6)
    assert time.monotonic() - started < 1.2
    whole = exchange(Endpoint(misbehaving + "/fast"), "SELECT * {}", rows(), timeout_s=5)
    assert isinstance(whole.value, SelectResult) and whole.value.rows[0][0].value == "1"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("/status/400", QuerySyntaxError, "the endpoint's own message"),
        ("/status/504", QueryTimeout, "the endpoint's own message"),
        ("/status/500", StoreError, "answered 500: the endpoint's own message"),
        ("/html", StoreError, "answered in 'text/html'"),
        ("/broken", StoreError, "broke off|unreadable answer"),
        ("/sr171", QueryTimeout, "its own time limit: Virtuoso S1T00 Error SR171"),
        ("/anytime", QueryTimeout, "stopped the query: S1TAT"),
    ],
)
def test_what_goes_wrong_is_one_of_our_errors(
    misbehaving: str, path: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        exchange(Endpoint(misbehaving + path), "SELECT * {}", rows(), timeout_s=5)


def test_an_answer_of_another_kind_is_the_endpoints_error(misbehaving: str) -> None:
    # rows for a CONSTRUCT (as Virtuoso answers when SPARQL JSON comes first in Accept)
    with pytest.raises(StoreError, match="answered the CONSTRUCT query with QuerySolutions"):
        exchange(Endpoint(misbehaving + "/fast"), "CONSTRUCT {} WHERE {}", list, timeout_s=5)
    with pytest.raises(StoreError, match="answered the ASK query with QuerySolutions"):
        exchange(Endpoint(misbehaving + "/fast"), "ASK {}", rows(), timeout_s=5)
