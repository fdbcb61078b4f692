"""Live-server fixtures: the real server.py as a subprocess on a free loopback port, serving the
session's real build (the ``dist`` fixture), polled until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.processes import stop

from ..tools import CHROMIUM, CHROMIUM_PATH, needs

ROOT = Path(__file__).resolve().parents[2]

# Debian's Chromium, driven by Playwright (which never downloads a browser of its own here)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
needs_chromium = needs(CHROMIUM)


@contextmanager
def chromium_page(**context_options: object) -> Iterator[object]:
    """A page in a fresh headless Chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)
        try:
            yield browser.new_context(**context_options).new_page()  # type: ignore[arg-type]
        finally:
            browser.close()


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str, **kwargs: object) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return requests.get(self.url + path, **kwargs)  # type: ignore[arg-type]

    def sparql(
        self, query: str, accept: str = "application/sparql-results+json"
    ) -> requests.Response:
        return requests.get(
            self.url + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=30
        )

    def select(self, query: str) -> list[dict[str, str]]:
        response = self.sparql(query)
        response.raise_for_status()
        return [
            {k: v["value"] for k, v in row.items()}
            for row in response.json()["results"]["bindings"]
        ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(dist: Path, log_dir: Path, **env: str) -> LiveServer:
    port = _free_port()
    log = log_dir / f"server-{port}.log"
    # each server writes its query store under the test's own folder, not the shared default
    environ = {
        **os.environ,
        "KYODO_DIST_DIR": str(dist),
        "KYODO_STORE_CACHE_DIR": str(log_dir / "stores"),
        # (pages are made ahead only where a test asks: each run takes a core for seconds)
        "KYODO_PAGE_STORE_PRERENDER": "0",
        **env,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "server.py"), "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if requests.get(url + "/sparql", timeout=2).status_code == 200:
                return LiveServer(url, process, log)
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not come up:\n{log.read_text()}")


def stop_server(server: LiveServer) -> None:
    stop(server.process)


@pytest.fixture(scope="session")
def live(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The server with default settings."""
    server = start_server(dist, tmp_path_factory.mktemp("live"))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def strict_live(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A second server with tight limits: 2 s per query, 5 result rows, 2 kB bodies."""
    server = start_server(
        dist,
        tmp_path_factory.mktemp("strict"),
        KYODO_QUERY_TIMEOUT_S="2",
        KYODO_MAX_RESULT_ROWS="5",
        KYODO_MAX_REQUEST_BYTES="2000",
    )
    yield server
    stop_server(server)


KYODO = "https://kyodo-lod.example/def/kyodo#"


@pytest.fixture(scope="session")
def sample_project(live: LiveServer) -> dict[str, str]:
    """A project of the real build with a KPI and an SDG target, found by asking the server."""
    rows = live.select(
        f"""PREFIX kyodo: <{KYODO}>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?p ?label ?target ?dept WHERE {{
          ?p a kyodo:Project ; rdfs:label ?label ; kyodo:sdgTarget ?target ;
             kyodo:hasKPI ?kpi ; kyodo:responsibleDepartment ?dept .
        }} ORDER BY ?p ?target LIMIT 1"""
    )
    assert rows, "the build has no project with a KPI and an SDG target"
    row = rows[0]
    row["path"] = row["p"].replace("https://kyodo-lod.example/id/", "/id/")
    row["doc"] = row["p"].replace("https://kyodo-lod.example/id/", "/doc/")
    return row
