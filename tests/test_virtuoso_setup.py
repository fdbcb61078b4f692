"""scripts/virtuoso.py as an operator runs it: a private instance in its own folder, the build
bulk-loaded, the same URL again without reloading, our limits in its virtuoso.ini."""

from __future__ import annotations

import time
from pathlib import Path

import requests

from kyodo_lod.dist import BuildFacts
from tests.store.virtuoso_server import Instance, needs_virtuoso, virtuoso_command

pytestmark = needs_virtuoso


def _counts(url: str) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    response = requests.post(url, data={"query": query}, headers={"Accept": "text/csv"}, timeout=30)
    response.raise_for_status()
    rows = [line.split(",") for line in response.text.splitlines()[1:]]
    return {g.strip('"'): int(n) for g, n in rows}


def test_start_loads_the_build_once_and_is_idempotent(virtuoso: Instance, dist: Path) -> None:
    counts = _counts(virtuoso.url)
    facts = BuildFacts.read(dist)
    for name, graph in facts.info["graphs"].items():
        assert counts[graph] == facts.info["triples"][name]  # Virtuoso's loader took every triple
    assert counts["https://kyodo-lod.example/graph/catalog"] > 100
    # Virtuoso's own graphs are there too: the remote store must never show them
    assert "http://www.openlinksw.com/schemas/virtrdf#" in counts
    started = time.monotonic()
    again = virtuoso_command("start", "--dir", str(virtuoso.folder), "--dist", str(dist))
    assert again == virtuoso.url and time.monotonic() - started < 20
    assert _counts(virtuoso.url) == counts  # not loaded twice
    assert virtuoso_command("url", "--dir", str(virtuoso.folder)) == virtuoso.url


def test_its_own_config(virtuoso: Instance) -> None:
    ini = (virtuoso.folder / "virtuoso.ini").read_text()
    port = virtuoso.url.split(":")[2].split("/")[0]
    assert f"ServerPort = 127.0.0.1:{port}" in ini  # loopback only
    assert f"DirsAllowed = {virtuoso.folder}/load" in ini
    assert "MaxQueryExecutionTime = 12" in ini  # our 10 s, and a little more
    assert "ResultSetMaxRows = 100000" in ini  # above our cap of 10,000 rows
    password_file = virtuoso.folder / "dba-password"
    assert password_file.read_text().strip() != "dba"
    assert password_file.stat().st_mode & 0o077 == 0
