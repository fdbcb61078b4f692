"""The first requests for a gzipped dump, arriving together at a fresh server (which gzips each
dump once, on first demand), all get the dump's exact bytes; the copies are kept per build in
the store cache, reused after a restart and removed with the build's other cached files."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kyodo_lod.dist import MEDIA_TYPES
from kyodo_lod.store.disk import USED_MARK

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


def test_gzip_copies_are_kept_by_build_in_the_store_cache_and_reused_after_a_restart(
    dist: Path, tmp_path: Path
) -> None:
    """The copies go under KYODO_STORE_CACHE_DIR, in a folder per build (never a fresh temporary
    folder per server), survive a restart and are reused; those of builds unused for a week go,
    as cached stores do."""
    cache, temporary = tmp_path / "cache", tmp_path / "tmp"
    temporary.mkdir()
    week_ago = time.time() - 8 * 86400
    for name, used in (("gzip-0123456789abcdef01234567", week_ago), ("gzip-recent", time.time())):
        (cache / name).mkdir(parents=True)
        (cache / name / "x.gz").write_bytes(b"an old copy")
        (cache / name / USED_MARK).touch()
        os.utime(cache / name / USED_MARK, (used, used))
    build = json.loads((dist / "build.json").read_text(encoding="utf-8"))["content_hash"]
    sha = hashlib.sha256((dist / "kyodo-lod.nt").read_bytes()).hexdigest()
    copy = cache / f"gzip-{build[:24]}" / f"{sha}.gz"
    env = {"KYODO_STORE_CACHE_DIR": str(cache), "TMPDIR": str(temporary)}
    identities = []
    for run in range(2):
        (tmp_path / f"log{run}").mkdir()
        server = start_server(dist, tmp_path / f"log{run}", **env)
        try:
            status, encoding, body = get_gzipped(server.url, "kyodo-lod.nt")
        finally:
            stop_server(server)
        assert (status, encoding) == (200, "gzip") and body == copy.read_bytes()
        identities.append((copy.stat().st_ino, copy.stat().st_mtime_ns))
    assert identities[0] == identities[1]  # the restart served the same file, not a new one
    assert not list(temporary.glob("kyodo-gz-*"))
    assert sorted(p.name for p in cache.glob("gzip-*")) == [f"gzip-{build[:24]}", "gzip-recent"]
