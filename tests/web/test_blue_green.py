"""The switch to a new build without downtime (docs/deployment.md, "A new build, without
downtime"), played out: build N in one engine instance with its front end, build N+1 loaded
into a second instance with a front end of its own, then the load balancer (a small proxy here,
standing in for the operator's) switched from the one to the other while clients keep asking,
the old front end drained and stopped. No request fails, every answer is one build's whole
answer, and once the switch is made no new request sees the old build."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kyodo_lod.config import Settings
from tests.locations import FIXTURES
from tests.store.oxigraph_server import needs_oxigraph, oxigraph_server

from .conftest import LiveServer, start_server, stop_server

pytestmark = needs_oxigraph

PATHS = [
    "/",
    "/sdg/3",
    "/catalog",
    "/compare",
    "/sparql?" + urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}),
]
# the front ends believe the balancer's X-Forwarded-For (each client has its own share)
BEHIND = {"KYODO_TRUSTED_PROXIES": "127.0.0.1"}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection"}


class Balancer(ThreadingHTTPServer):
    """A load balancer of one pool: each request goes to ``backend`` as it is when the request
    arrives; ``switch`` changes it for the requests after. ``in_flight`` counts each backend's
    requests under way (what connection draining waits for)."""

    daemon_threads = True

    def __init__(self, backend: tuple[str, int]) -> None:
        super().__init__(("127.0.0.1", 0), _Forward)
        self.backend = backend
        self.in_flight: dict[tuple[str, int], int] = {}
        self.lock = threading.Lock()

    def switch(self, backend: tuple[str, int]) -> None:
        with self.lock:
            self.backend = backend

    def drained(self, backend: tuple[str, int]) -> bool:
        with self.lock:
            return self.in_flight.get(backend, 0) == 0


class _Forward(BaseHTTPRequestHandler):
    server: Balancer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        with self.server.lock:
            backend = self.server.backend
            self.server.in_flight[backend] = self.server.in_flight.get(backend, 0) + 1
        try:
            upstream = http.client.HTTPConnection(*backend, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["X-Forwarded-For"] = self.client_address[0]  # who the client is
            upstream.request("GET", self.path, headers=headers)
            response = upstream.getresponse()
            body = response.read()
            upstream.close()
        finally:
            with self.server.lock:
                self.server.in_flight[backend] -= 1
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def next_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build N+1: another build (the fictional test city's import, not real data)."""
    from kyodo_lod.build.importer import import_plan
    from kyodo_lod.build.pipeline import build

    folder = tmp_path_factory.mktemp("build-n1")
    settings = Settings.from_env({}, sources_dir=folder / "sources", dist_dir=folder / "dist")
    settings.sources_dir.mkdir()
    import_plan(settings, FIXTURES / "kaku-2025.csv", FIXTURES / "kaku-2025.kpis.csv")
    return build(settings).dist_dir


def get(
    address: tuple[str | bytes | bytearray, int],
    path: str,
    source: str = "127.0.0.1",
    host: tuple[str | bytes | bytearray, int] | None = None,
) -> tuple[int, bytes]:
    """GET ``path`` of ``address`` from the loopback address ``source``: status and body
    (``host``: the Host to name, as when asked through the balancer)."""
    conn = http.client.HTTPConnection(
        str(address[0]), address[1], timeout=60, source_address=(source, 0)
    )
    headers = {"Accept": "text/html, */*;q=0.1"}
    if host is not None:
        headers["Host"] = f"{host[0]!s}:{host[1]}"
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _address(server: LiveServer) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


@pytest.fixture
def blue_green(
    dist: Path, next_build: Path, tmp_path: Path
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Steps 2 and 3: each build in an engine instance of its own, with its own front end."""
    with (
        oxigraph_server(dist, _mkdir(tmp_path / "engine-n")) as engine_n,
        oxigraph_server(next_build, _mkdir(tmp_path / "engine-n1")) as engine_n1,
    ):
        old = start_server(dist, _mkdir(tmp_path / "front-n"), KYODO_STORE=engine_n, **BEHIND)
        try:
            new = start_server(
                next_build, _mkdir(tmp_path / "front-n1"), KYODO_STORE=engine_n1, **BEHIND
            )
        except BaseException:
            stop_server(old)
            raise
        try:
            yield old, new
        finally:
            stop_server(new)
            if old.process.poll() is None:
                stop_server(old)


def _mkdir(folder: Path) -> Path:
    folder.mkdir()
    return folder


def test_the_switch_to_a_new_build_fails_no_request(
    blue_green: tuple[LiveServer, LiveServer], dist: Path, next_build: Path
) -> None:
    old, new = blue_green
    balancer = Balancer(_address(old))
    threading.Thread(target=balancer.serve_forever, daemon=True).start()
    # what each build answers to each path, asked of its front end directly (as the balancer)
    expected = {
        (path, get(_address(server), path, host=balancer.server_address)[1]): build
        for server, build in ((old, "N"), (new, "N+1"))
        for path in PATHS
    }
    assert len(expected) == 2 * len(PATHS)  # the two builds answer each path differently
    stop = threading.Event()
    answers: list[tuple[float, str, int, str]] = []  # (sent at, path, status, build)
    failures: list[str] = []

    def client(n: int) -> None:
        i = n
        while not stop.is_set():
            path = PATHS[i % len(PATHS)]
            i += 1
            sent = time.monotonic()
            try:
                status, body = get(balancer.server_address, path, f"127.0.0.{21 + n}")
            except OSError as error:
                failures.append(f"{path}: {error!r}")
                continue
            build = expected.get((path, body), "neither build's answer")
            if status != 200:
                failures.append(f"{path}: {status}")
            answers.append((sent, path, status, build))

    clients = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in clients:
        thread.start()
    try:
        time.sleep(2)  # build N served
        assert new.get("/").status_code == 200  # step 4: the new front end checked directly
        balancer.switch(_address(new))  # step 5
        switched = time.monotonic()
        deadline = switched + 60
        while not balancer.drained(_address(old)):  # the old front end's requests finish
            assert time.monotonic() < deadline, "the old front end never drained"
            time.sleep(0.05)
        stop_server(old)  # then it is stopped
        time.sleep(2)  # build N+1 served, N gone
    finally:
        stop.set()
        for thread in clients:
            thread.join()
        balancer.shutdown()
        balancer.server_close()
    assert failures == []
    before = {build for sent, _, _, build in answers if sent < switched}
    after = {build for sent, _, _, build in answers if sent > switched}
    print(f"{len(answers)} answers; before the switch: {before}; after: {after}")
    # (a request sent just before the switch may reach the balancer after it: either build)
    assert "N" in before and before <= {"N", "N+1"} and after == {"N+1"}
    assert {path for _, path, _, _ in answers} == set(PATHS)
