"""The first requests for a gzipped dump, arriving together at a fresh server (which gzips each
dump once, on first demand), all get the dump's exact bytes."""

from __future__ import annotations

import gzip
import http.client
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kyodo_lod.dist import MEDIA_TYPES

from .conftest import LiveServer, start_server, stop_server


@pytest.fixture(scope="module")
def fresh(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: no dump gzipped yet."""
    server = start_server(dist, tmp_path_factory.mktemp("gzip"))
    yield server
    stop_server(server)


def get_gzipped(url: str, name: str) -> tuple[int, str | None, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", f"/dumps/{name}", headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Encoding"), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("name", sorted(MEDIA_TYPES))
def test_concurrent_first_requests_get_correct_bytes(
    fresh: LiveServer, dist: Path, name: str
) -> None:
    together = 4
    barrier = threading.Barrier(together)
    answers: list[tuple[int, str | None, bytes] | BaseException] = [None] * together  # type: ignore[list-item]

    def ask(i: int) -> None:
        barrier.wait()
        try:
            answers[i] = get_gzipped(fresh.url, name)
        except BaseException as error:  # pragma: no cover - reported below
            answers[i] = error

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(together)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = (dist / name).read_bytes()
    for answer in answers:
        assert not isinstance(answer, BaseException), answer
        status, encoding, body = answer
        assert (status, encoding) == (200, "gzip")
        assert gzip.decompress(body) == expected
    assert len({answer[2] for answer in answers}) == 1  # type: ignore[index]
