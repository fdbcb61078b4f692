"""HTTP itself, as the server (granian, kyodo_lod/serve.py) answers it on a real socket: the
limits README promises ("HTTP itself"), bodies sent in chunks or after 100-continue, keep-alive,
slow clients, and the process environment kept out of requests."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import LiveServer, start_server, stop_server

ASK = b"ASK {}"


def exchange(server: LiveServer, request: bytes) -> bytes:
    """The server's answer (status line and headers at least) to raw ``request`` bytes."""
    url = urlsplit(server.url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        with suppress(BrokenPipeError, ConnectionResetError):  # answered, closed mid-send
            sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            answer += chunk
        return answer


def status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def head_of(size: int, fields: int = 1) -> bytes:
    """A GET of the home page whose request head is about ``size`` bytes, in ``fields`` fields."""
    value = b"a" * max(1, size // fields)
    lines = b"".join(b"X-Filler-%d: %s\r\n" % (i, value) for i in range(fields))
    return b"GET / HTTP/1.1\r\nHost: localhost\r\n" + lines + b"Connection: close\r\n\r\n"


def test_a_request_head_over_256_kb_gets_431(live: LiveServer) -> None:
    assert status(exchange(live, head_of(200 * 1024))) == 200
    assert status(exchange(live, head_of(300 * 1024))) == 431
    line = b"GET /" + b"a" * (300 * 1024) + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"
    assert status(exchange(live, line)) == 431


def test_more_than_100_header_fields_get_431(live: LiveServer) -> None:
    assert status(exchange(live, head_of(900, fields=90))) == 200
    assert status(exchange(live, head_of(1000, fields=1000))) == 431


@pytest.mark.parametrize(
    "garbage",
    [b"\x00\x01GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", b"GET\r\n\r\n"],
)
def test_a_malformed_request_gets_400(live: LiveServer, garbage: bytes) -> None:
    assert status(exchange(live, garbage)) == 400


def sparql_post(headers: bytes, body: bytes) -> bytes:
    return (
        b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        b"Content-Type: application/sparql-query\r\n"
        b"Accept: application/sparql-results+json\r\n" + headers + b"\r\n" + body
    )


def body_of(answer: bytes) -> bytes:
    return answer.split(b"\r\n\r\n", 1)[1]


def test_a_chunked_body_is_read_whole(live: LiveServer) -> None:
    url = urlsplit(live.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    chunks = iter([b"ASK ", b"{ }"])  # an iterable body: http.client sends it chunked
    connection.request(
        "POST",
        "/sparql",
        body=chunks,
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
        encode_chunked=True,
    )
    response = connection.getresponse()
    assert response.status == 200
    assert json.loads(response.read())["boolean"] is True
    connection.close()


def test_expect_100_continue_is_answered_before_the_body(live: LiveServer) -> None:
    url = urlsplit(live.url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(sparql_post(b"Expect: 100-continue\r\nContent-Length: 6\r\n", b""))
        assert sock.recv(1024).startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(ASK)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert status(answer) == 200
    assert json.loads(body_of(answer))["boolean"] is True


def test_keep_alive_serves_many_requests_on_one_connection(live: LiveServer) -> None:
    url = urlsplit(live.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.connect()
    sock = connection.sock
    for path in ["/", "/sparql?query=ASK%20%7B%7D", "/catalog", "/"]:
        connection.request("GET", path, headers={"Accept": "text/html"})
        response = connection.getresponse()
        response.read()
        assert response.status == 200, path
        assert connection.sock is sock  # the same connection, kept open
    connection.request("HEAD", "/")
    response = connection.getresponse()
    assert response.status == 200 and response.read() == b""
    assert int(response.headers["Content-Length"]) > 0
    connection.close()


def slow_clients(server: LiveServer, count: int) -> Iterator[socket.socket]:
    """``count`` connections that each send a request head's first half, and then nothing."""
    url = urlsplit(server.url)
    for _ in range(count):
        sock = socket.create_connection((url.hostname, url.port), timeout=30)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        yield sock


def test_slow_clients_do_not_hold_up_others(live: LiveServer) -> None:
    with ExitStack() as stack:
        for sock in slow_clients(live, 50):
            stack.enter_context(sock)
        started = time.monotonic()
        for _ in range(20):
            assert live.get("/", headers={"Accept": "text/html"}).status_code == 200
        # 20 pages, each milliseconds: nowhere near the 30 s a slow client may take
        assert time.monotonic() - started < 10


def lang_of(html: str) -> str:
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_process_environment_never_reads_as_a_request_header(
    dist: Path, tmp_path: Path
) -> None:
    # granian copies os.environ into every request's environ: HTTP_* would look like a header
    server = start_server(dist, tmp_path, HTTP_ACCEPT_LANGUAGE="en")
    try:
        assert lang_of(server.get("/").text) == "ja"  # the default, as with no such variable
        english = server.get("/", headers={"Accept-Language": "en"})
        assert lang_of(english.text) == "en"  # a request's own header still counts
    finally:
        stop_server(server)
