"""A real Oxigraph server (the ``oxigraph`` CLI from PyPI, in the test extra) on a loopback port,
holding a build loaded through its Graph Store endpoint: the SPARQL engine behind the remote
store's and the HTTP client's tests (tests/store) and the server's on a remote store
(tests/web/test_remote.py)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.processes import stop
from tests.tools import OXIGRAPH as OXIGRAPH_TOOL
from tests.tools import OXIGRAPH_PATH, needs
from tests.web.conftest import _free_port

OXIGRAPH = str(OXIGRAPH_PATH)
BASE = "https://kyodo-lod.example/"
CATALOG_GRAPH = BASE + "graph/catalog"

# a missing CLI is a skip with how to get it, and an error when CI=true (tests/tools.py)
needs_oxigraph = needs(OXIGRAPH_TOOL)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url + "/query", params={"query": "ASK {}"}, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("oxigraph did not start:\n" + log.read_text())
        time.sleep(0.2)


def _load(url: str, dist: Path) -> None:
    """The SPARQL 1.1 Graph Store Protocol: the dataset, then the catalogue as its graph."""
    requests.post(
        url + "/store",
        data=(dist / "kyodo-lod.trig").read_bytes(),
        headers={"Content-Type": "application/trig"},
        timeout=120,
    ).raise_for_status()
    requests.post(
        url + "/store",
        params={"graph": CATALOG_GRAPH},
        data=(dist / "catalog.ttl").read_bytes(),
        headers={"Content-Type": "text/turtle"},
        timeout=120,
    ).raise_for_status()


@contextmanager
def oxigraph_server(dist: Path, folder: Path) -> Iterator[str]:
    """Oxigraph serving the build in ``dist`` (its data under ``folder``); yields its query
    URL and stops it afterwards."""
    port = _free_port()
    log_path = folder / "oxigraph.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log_path)
        _load(url, dist)
        yield url + "/query"
    finally:
        stop(process)
        log.close()
