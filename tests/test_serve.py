"""A running server serves one build, whole, while new builds are switched in under it: it
pins the build dist/ named when it started (and publish does not prune it)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from kyodo_lod.dist import BUILD_JSON, MEDIA_TYPES
from tests.build.publish.killable import run
from tests.locations import ROOT
from tests.processes import stop
from tests.web.conftest import _free_port


def served_content_hash(base: str) -> str:
    """The content hash of what the server serves, recomputed from every dump it serves, after
    checking it is the one its build.json states."""
    info = requests.get(f"{base}/dumps/{BUILD_JSON}", timeout=10).json()
    digest = hashlib.sha256()
    for name in sorted(n for n in info["files"] if n != BUILD_JSON):
        assert name in MEDIA_TYPES
        body = requests.get(f"{base}/dumps/{name}", timeout=10).content
        digest.update(f"{name}\0{len(body)}\0{hashlib.sha256(body).hexdigest()}\n".encode())
    assert digest.hexdigest() == info["content_hash"], "files of two builds"
    return info["content_hash"]


def test_a_server_serves_the_build_it_started_with_while_builds_switch(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    first = run(dist, 300, "served", parallel_from=10**9)
    port = _free_port()
    env = {**os.environ, "KYODO_DIST_DIR": str(dist), "KYODO_STORE_CACHE_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kyodo_lod.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "kyodo-lod serve exited"
            try:
                requests.get(f"{base}/dumps/{BUILD_JSON}", timeout=2).raise_for_status()
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "kyodo-lod serve did not come up"
                time.sleep(0.3)
        seen: list[str] = []
        stop_reading = threading.Event()

        def read() -> None:
            while not stop_reading.is_set():
                seen.append(served_content_hash(base))

        reader = threading.Thread(target=read)
        reader.start()
        try:
            newer = [run(dist, 300, str(i), parallel_from=10**9) for i in range(3)]
        finally:
            stop_reading.set()
            reader.join()
        assert os.path.realpath(dist) == str(newer[-1].build_dir)
        assert seen and set(seen) == {first.content_hash}
        assert first.build_dir is not None and first.build_dir.is_dir()  # held: not pruned
        count = requests.get(
            f"{base}/sparql",
            params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=10,
        ).json()["results"]["bindings"][0]["n"]["value"]
        assert int(count) == 300  # the store holds the same build as the dumps
    finally:
        stop(process, timeout_s=20)
    run(dist, 300, "after", parallel_from=10**9)  # the server gone, its build is pruned
    assert not first.build_dir.exists()
