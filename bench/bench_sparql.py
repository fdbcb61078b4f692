"""Benchmark: the SPARQL endpoint with its response cache off, against Oxigraph server and a bare
Flask app (under granian, as kyodo-lod), all measured in the same run.

    python bench/bench_sparql.py [--dist dist] [--runs 3] [--duration 5] [--connections 8]

Starts, on loopback, kyodo-lod's server (server.py, KYODO_RESPONSE_CACHE_MB=0, its per-client limits
lifted: wrk is one client with 8 connections), Oxigraph server on the same build twice (in memory,
loaded through its Graph Store endpoint, as kyodo-lod holds a small build; and ``oxigraph load``
then ``serve-read-only`` on disk), both with the union default graph kyodo-lod serves, and a bare
Flask app under granian (served as kyodo-lod is) that answers a fixed ASK result (the floor any
Python WSGI endpoint pays). wrk runs each query, with GET and with POST (application/sparql-query),
against each server in turn, ``--runs`` times, so a change in the machine's load reaches all of them
alike. Prints the medians of req/s, p50 and p99, the CPU each server's processes spent per request
(from /proc: less sensitive to load than rates), the load average during each figure, and the
ratios: kyodo-lod / Oxigraph server (engine-bound queries; the aim is >= 0.7) and kyodo-lod / the
bare app (light queries). Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_server import PREFIXES, _free_port, process_tree, stop_process  # noqa: E402

from kyodo_lod.config import Settings  # noqa: E402
from kyodo_lod.rdf.iris import Iris  # noqa: E402

QUERIES = {
    # engine-bound: the engine's work is most of the answer
    "GROUP BY ?p": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
    "projects sharing a target": PREFIXES
    + """SELECT ?a ?b (COUNT(?t) AS ?shared) WHERE {
  ?a kyodo:sdgTarget ?t . ?b kyodo:sdgTarget ?t . FILTER(STR(?a) < STR(?b)) }
GROUP BY ?a ?b ORDER BY DESC(?shared) LIMIT 50""",
    # light: the web layer's work is most of the answer
    "ASK {}": "ASK {}",
    "one project's label": PREFIXES
    + "SELECT ?label WHERE { ?p a kyodo:Project ; rdfs:label ?label } LIMIT 1",
}
ENGINE_BOUND = ("GROUP BY ?p", "projects sharing a target")
JSON = "application/sparql-results+json"
# kyodo-lod as a benchmark needs it: no cache, and one client may use every worker all the time
KYODO_ENV = {
    "KYODO_RESPONSE_CACHE_MB": "0",
    "KYODO_FOLLOW_DIST_S": "0",
    "KYODO_CLIENT_MAX_QUERIES": "1000",
    "KYODO_CLIENT_QUERY_SECONDS_PER_MINUTE": "1000000",
    "KYODO_CLIENT_HEAVY_SECONDS_PER_MINUTE": "1000000",
}
POST_SCRIPT = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/sparql-query"
wrk.headers["Accept"] = "application/sparql-results+json"
wrk.body = os.getenv("KYODO_BENCH_QUERY")
"""
GET_SCRIPT = 'wrk.headers["Accept"] = "application/sparql-results+json"\n'


# ------------------------------------------------------------------ the bare app


def bare_app():  # type: ignore[no-untyped-def]
    """The floor: Flask answering a fixed SPARQL result, no store, no checks."""
    from flask import Flask, Response

    app = Flask("bare")
    body = b'{"head":{},"boolean":true}'

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql() -> Response:
        return Response(body, content_type=JSON)

    return app


# ------------------------------------------------------------------ servers


@dataclass
class Server:
    name: str
    url: str  # the query endpoint
    process: subprocess.Popen[bytes]
    # per query and method: (req/s, p50 ms, p99 ms, CPU ms per request, load average), each run
    runs: dict[tuple[str, str], list[tuple[float, float, float, float, float]]] = field(
        default_factory=dict
    )
    failed: dict[tuple[str, str], int] = field(default_factory=dict)  # non-2xx answers

    def stop(self) -> None:
        stop_process(self.process)


def _start(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)


def _wait_up(server: Server, log: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} exited while starting:\n{log.read_text()[-2000:]}")
        try:
            answer = requests.get(server.url, params={"query": "ASK {}"}, timeout=2)
            if answer.ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{server.name} did not come up at {server.url}")


def start_servers(dist: Path, work: Path, oxigraph: str, servers: list[Server]) -> None:
    """Start the four servers into ``servers`` (each one as soon as it runs, so all are stopped
    if a later one fails)."""
    settings = Settings.from_env(os.environ, dist_dir=dist)
    catalog_graph = str(Iris(settings.base_iri).graph("catalog"))
    port = _free_port()
    log = work / "kyodo.log"
    env = {**os.environ, "KYODO_DIST_DIR": str(dist), **KYODO_ENV}
    process = _start([sys.executable, str(ROOT / "server.py"), "--port", str(port)], log, env)
    servers.append(Server("kyodo-lod", f"http://127.0.0.1:{port}/sparql", process))
    _wait_up(servers[-1], log)

    port = _free_port()
    log = work / "oxigraph-memory.log"
    process = _start(
        [oxigraph, "serve", "--union-default-graph", "--bind", f"127.0.0.1:{port}"], log
    )
    servers.append(Server("oxigraph (memory)", f"http://127.0.0.1:{port}/query", process))
    _wait_up(servers[-1], log)
    store = f"http://127.0.0.1:{port}/store"
    for data, params, media in (
        (dist / "kyodo-lod.trig", None, "application/trig"),
        (dist / "catalog.ttl", {"graph": catalog_graph}, "text/turtle"),
    ):
        requests.post(
            store, params=params, data=data.read_bytes(), headers={"Content-Type": media}
        ).raise_for_status()

    location = work / "oxigraph-data"
    for args in (
        ["--file", str(dist / "kyodo-lod.trig")],
        ["--file", str(dist / "catalog.ttl"), "--graph", catalog_graph],
    ):
        subprocess.run(
            [oxigraph, "load", "--location", str(location), *args], check=True, capture_output=True
        )
    subprocess.run([oxigraph, "optimize", "--location", str(location)], check=True)
    port = _free_port()
    log = work / "oxigraph-disk.log"
    command = [oxigraph, "serve-read-only", "--location", str(location), "--union-default-graph"]
    process = _start([*command, "--bind", f"127.0.0.1:{port}"], log)
    servers.append(Server("oxigraph (disk)", f"http://127.0.0.1:{port}/query", process))
    _wait_up(servers[-1], log)

    port = _free_port()
    log = work / "bare.log"
    process = _start([sys.executable, __file__, "--bare-serve", str(port)], log)
    servers.append(Server("bare Flask", f"http://127.0.0.1:{port}/sparql", process))
    _wait_up(servers[-1], log)


# ------------------------------------------------------------------ measuring


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and its descendants so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in process_tree(pid):
        try:
            with open(f"/proc/{member}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(server: Server, query: str, method: str, args: argparse.Namespace, work: Path) -> None:
    script = work / f"{method}.lua"
    script.write_text(POST_SCRIPT if method == "POST" else GET_SCRIPT)
    url = server.url if method == "POST" else f"{server.url}?query={quote(query)}"
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration:g}s", "--latency"]
    before = cpu_seconds(server.process.pid)
    done = subprocess.run(
        [*command, "-s", str(script), url],
        capture_output=True,
        text=True,
        env={**os.environ, "KYODO_BENCH_QUERY": query},
        check=True,
    )
    spent = cpu_seconds(server.process.pid) - before
    out = done.stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if total == 0:
        raise SystemExit(f"{server.name} answered nothing to {query!r}")
    if failed:  # (kyodo-lod's 503 when every worker stayed busy: said, not hidden)
        server.failed[(query, method)] = server.failed.get((query, method), 0) + int(failed[1])
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+(?:us|ms|s))\s*$", out, re.M))
    if "50" not in percentiles or "99" not in percentiles:
        raise SystemExit(f"wrk's latency distribution not found in:\n{out}")
    p50, p99 = _ms(percentiles["50"]), _ms(percentiles["99"])
    load = os.getloadavg()[0]
    server.runs.setdefault((query, method), []).append((rate, p50, p99, spent * 1000 / total, load))


def medians(server: Server, query: str, method: str) -> tuple[float, ...]:
    runs = server.runs[(query, method)]
    return tuple(statistics.median(run[i] for run in runs) for i in range(5))


def report(servers: list[Server], args: argparse.Namespace) -> None:
    kyodo, bare = servers[0], servers[-1]
    print(
        f"\nmedians of {args.runs} runs of wrk, {args.connections} connections, "
        f"{args.duration:g} s each; JSON results; kyodo-lod with its response cache off\n"
        "cpu: CPU ms per request of the server's processes; load: 1-min load average\n"
    )
    head = f"{'query':<27} {'method':<5} {'server':<18} {'req/s':>7} {'p50':>7} {'p99':>7}"
    head += f" {'cpu':>6} {'load':>5} {'ratio':>14}"
    print(head)
    print("-" * len(head))
    for name, query in QUERIES.items():
        for method in ("GET", "POST"):
            k_rate = medians(kyodo, query, method)[0]
            for server in servers:
                if server is bare and name in ENGINE_BOUND:
                    continue  # (a fixed answer says nothing about an engine-bound query)
                rate, p50, p99, cpu, load = medians(server, query, method)
                ratio = ""
                if server is not kyodo:
                    ratio = f"kyodo {k_rate / rate:5.2f}×"
                failed = server.failed.get((query, method))
                print(
                    f"{name:<27} {method:<5} {server.name:<18} {rate:>7.0f} {p50:>6.1f}m "
                    f"{p99:>6.1f}m {cpu:>6.2f} {load:>5.1f} {ratio:>14}"
                    + (f"  ({failed} answers not 2xx in all runs)" if failed else "")
                )
    print("\nper run, kyodo-lod / Oxigraph server (memory) on the engine-bound queries:")
    oxigraph = servers[1]
    for name in ENGINE_BOUND:
        for method in ("GET", "POST"):
            pairs = zip(
                kyodo.runs[(QUERIES[name], method)],
                oxigraph.runs[(QUERIES[name], method)],
                strict=True,
            )
            ratios = ", ".join(f"{k[0] / o[0]:.2f}" for k, o in pairs)
            print(f"  {name:<27} {method:<5} {ratios}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="a build (dist/)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--bare-serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.bare_serve:
        from kyodo_lod.serve import serve_wsgi

        serve_wsgi(bare_app, "127.0.0.1", args.bare_serve, threads=8)
        return 0
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(oxigraph).is_file():
        raise SystemExit("the oxigraph CLI is not installed: pip install oxigraph")
    dist = args.dist.resolve()
    if not (dist / "kyodo-lod.trig").is_file():
        raise SystemExit(f"no build in {dist}: run kyodo-lod build first (or pass --dist)")

    work = Path(tempfile.mkdtemp(prefix="kyodo-bench-sparql-"))
    servers: list[Server] = []
    try:
        start_servers(dist, work, oxigraph, servers)
        for query in QUERIES.values():  # warm each server once (first-query caches)
            for server in servers:
                requests.get(server.url, params={"query": query}, headers={"Accept": JSON})
        for run in range(args.runs):
            print(f"run {run + 1}/{args.runs} (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
            for name, query in QUERIES.items():
                for method in ("GET", "POST"):
                    for server in servers:
                        if server is servers[-1] and name in ENGINE_BOUND:
                            continue  # (the bare app's fixed answer: only for light queries)
                        run_wrk(server, query, method, args, work)
        report(servers, args)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
