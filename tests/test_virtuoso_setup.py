"""scripts/virtuoso.py as an operator runs it: a private instance in its own folder, the build
bulk-loaded, the same URL again without reloading, our limits in its virtuoso.ini."""

from __future__ import annotations

import time
from decimal import Decimal
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
    assert "MaxSortedTopRows = 100000" in ini  # (ORDER BY … LIMIT 10001 would be an error)
    password_file = virtuoso.folder / "dba-password"
    assert password_file.read_text().strip() != "dba"
    assert password_file.stat().st_mode & 0o077 == 0


def test_every_triple_comes_back_as_loaded(virtuoso: Instance, dist: Path) -> None:
    """Graph by graph, what Virtuoso gives back is what the build's files hold, value for value:
    a decimal comes back in its shortest form ("7.0" as "7", as from the embedded store)."""
    import pyoxigraph as ox

    from kyodo_lod.config import Settings
    from kyodo_lod.store import build_graphs
    from kyodo_lod.store.http import Endpoint, exchange

    def key(triple: ox.Triple) -> tuple[str, str, str]:
        o = triple.object
        if isinstance(o, ox.Literal) and o.datatype.value == XSD_DECIMAL:
            return (str(triple.subject), str(triple.predicate), f"{Decimal(o.value).normalize()}")
        return (str(triple.subject), str(triple.predicate), str(o))

    files: dict[str, set[tuple[str, str, str]]] = {}
    for quad in ox.parse(path=str(dist / "kyodo-lod.trig"), format=ox.RdfFormat.TRIG):
        files.setdefault(quad.graph_name.value, set()).add(key(quad.triple))
    catalogue = ox.parse(path=str(dist / "catalog.ttl"), format=ox.RdfFormat.TURTLE)
    files[BASE_GRAPH + "catalog"] = {key(q.triple) for q in catalogue}
    assert sorted(files) == sorted(build_graphs(dist, Settings.from_env({})))
    for graph, expected in files.items():
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        answer = exchange(Endpoint(virtuoso.url), query, list, timeout_s=60)
        assert not any("_:" in str(t) for t in expected)  # (no blank nodes to match up)
        assert {key(q.triple) for q in answer.value} == expected, graph


BASE_GRAPH = "https://kyodo-lod.example/graph/"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


def test_the_object_graph_index_is_added(virtuoso: Instance) -> None:
    # (what links to a resource, in the build's graphs, is what every page asks: without it
    # Virtuoso scans the graphs; docs/benchmarks.md)
    import json
    import subprocess

    state = json.loads((virtuoso.folder / "instance.json").read_text())
    password = (virtuoso.folder / state["password_file"]).read_text().strip()
    done = subprocess.run(
        ["isql-vt", f"127.0.0.1:{state['sql_port']}", "dba", password],
        input="SELECT KEY_NAME FROM DB.DBA.SYS_KEYS WHERE KEY_TABLE = 'DB.DBA.RDF_QUAD';\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "RDF_QUAD_OGPS" in done.stdout, done.stdout
