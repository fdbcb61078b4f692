"""Benchmark: kyodo-lod's server against a plain Flask + rdflib endpoint on the same data.

    python bench/bench_server.py [--dist DIR] [--requests 2000] [--concurrency 8]

Builds the graph (or takes an existing dist/), starts both servers on loopback (both behind granian,
served the same way, on the same dist/, so the difference is the store and the web layer), and runs
a bounded load with one client (http.client, keep-alive): for each scenario, ``--requests`` requests
at ``--concurrency`` (the baseline also stops after ``--budget-s`` seconds per scenario, so a slow
baseline cannot stall the run; ``n`` says how many it answered). Prints req/s and p50/p99 latency
for each side and the ratio, then the kyodo server's memory (RSS of the server and its worker
processes, from /proc). Documents and query results are cached by the server once made (a build is
immutable while served); the "cache off" columns come from a second kyodo server started with
KYODO_RESPONSE_CACHE_MB=0, so they show the cost of answering afresh.
Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KYODO = "https://kyodo-lod.example/def/kyodo#"
PREFIXES = f"""PREFIX kyodo: <{KYODO}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
"""


def queries(project: str, department: str) -> dict[str, str]:
    return {
        "goal counts (target→goal)": PREFIXES
        + """SELECT ?goal (COUNT(DISTINCT ?p) AS ?n) WHERE {
  ?p a kyodo:Project ; kyodo:sdgTarget ?t . ?t sdgo:isTargetOf ?goal }
GROUP BY ?goal ORDER BY DESC(?n)""",
        "a department's projects": PREFIXES
        + f"""SELECT ?p ?label WHERE {{
  ?p kyodo:responsibleDepartment <{department}> ; rdfs:label ?label }} ORDER BY ?p""",
        "projects sharing a target": PREFIXES
        + """SELECT ?a ?b (COUNT(?t) AS ?shared) WHERE {
  ?a kyodo:sdgTarget ?t . ?b kyodo:sdgTarget ?t . FILTER(STR(?a) < STR(?b)) }
GROUP BY ?a ?b ORDER BY DESC(?shared) LIMIT 50""",
        "text search on labels": PREFIXES
        + """SELECT ?s ?label WHERE {
  ?s rdfs:label ?label . FILTER(CONTAINS(STR(?label), "推進")) } LIMIT 100""",
        "DESCRIBE one project": f"DESCRIBE <{project}>",
    }


# ------------------------------------------------------------------ the baseline server


def baseline_app(dist: Path):  # type: ignore[no-untyped-def]
    """A plain endpoint as people write it: rdflib in memory, Flask, no caching."""
    from flask import Flask, Response, request
    from rdflib import Dataset, URIRef

    data = Dataset(default_union=True)
    data.parse(dist / "kyodo-lod.trig", format="trig")
    app = Flask("baseline")
    base = "https://kyodo-lod.example/"

    @app.route("/sparql")
    def sparql() -> Response:
        result = data.query(request.args["query"])
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return Response(result.serialize(format="turtle"), content_type="text/turtle")
        return Response(
            result.serialize(format="json"), content_type="application/sparql-results+json"
        )

    @app.route("/doc/<path:rest>")
    def doc(rest: str) -> Response:
        html = rest.endswith(".html")
        iri = URIRef(base + "id/" + rest.removesuffix(".html").removesuffix(".ttl"))
        out = (
            f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> . ?o rdfs:label ?l }} WHERE {{"
            f" {{ <{iri}> ?p ?o OPTIONAL {{ ?o rdfs:label ?l }} }} UNION {{ ?s ?q <{iri}> }} }}"
        )
        graph = data.query(out, initNs={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}).graph
        if html:
            rows = "".join(f"<tr><td>{p}</td><td>{o}</td></tr>" for _, p, o in graph)
            return Response(f"<html><body><table>{rows}</table></body></html>")
        return Response(graph.serialize(format="turtle"), content_type="text/turtle")

    return app


# ------------------------------------------------------------------ memory


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (workers, the forkserver), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += children.get(current, [])
    return tree


def rss_mb(pid: int) -> tuple[float, int]:
    """(total RSS in MB, number of processes) of ``pid`` and its descendants."""
    total_kb = 0
    tree = process_tree(pid)
    for member in tree:
        try:
            with open(f"/proc/{member}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024, len(tree)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a server the benchmark started: terminate, then kill if it lingers."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ------------------------------------------------------------------ load generator


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {url}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"server did not come up: {url}")


def load(
    url: str,
    params: dict[str, str] | None,
    headers: dict[str, str],
    total: int,
    workers: int,
    budget_s: float,
) -> dict[str, float]:
    """``total`` GETs at ``workers`` concurrency (or until ``budget_s``): req/s, p50, p99 (ms)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.monotonic() + budget_s

    parts = urlsplit(url)
    target = parts.path + ("?" + urlencode(params) if params else "")

    def run() -> None:
        # http.client with keep-alive: the client costs little next to the servers
        nonlocal errors
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        while time.monotonic() < deadline:
            with lock:
                if next(counter, None) is None:
                    break
            started = time.perf_counter()
            conn.request("GET", target, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return {
        "n": n,
        "errors": errors,
        "rps": n / wall if wall else 0.0,
        "p50": statistics.median(latencies) * 1000 if n else float("nan"),
        "p99": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, help="use this dist/ instead of building")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--budget-s", type=float, default=30.0, help="per scenario, baseline")
    parser.add_argument("--baseline-serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.baseline_serve:
        from kyodo_lod.serve import serve_wsgi

        serve_wsgi(partial(baseline_app, args.dist), "127.0.0.1", args.baseline_serve, threads=8)
        return 0

    dist = args.dist
    if dist is None:
        from kyodo_lod.build.pipeline import build
        from kyodo_lod.config import Settings

        dist = Path(tempfile.mkdtemp(prefix="kyodo-bench-"))
        started = time.perf_counter()
        build(Settings.from_env({}, dist_dir=dist))
        print(f"built the graph in {time.perf_counter() - started:.1f} s into {dist}")

    kyodo_port, cold_port, base_port = _free_port(), _free_port(), _free_port()
    env = {**os.environ, "KYODO_DIST_DIR": str(dist)}
    kyodo = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py"), "--port", str(kyodo_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cold = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py"), "--port", str(cold_port)],
        env={**env, "KYODO_RESPONSE_CACHE_MB": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    baseline = subprocess.Popen(
        [sys.executable, __file__, "--dist", str(dist), "--baseline-serve", str(base_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        kyodo_url, base_url = f"http://127.0.0.1:{kyodo_port}", f"http://127.0.0.1:{base_port}"
        cold_url = f"http://127.0.0.1:{cold_port}"
        _wait(kyodo_url + "/sparql", kyodo)
        _wait(cold_url + "/sparql", cold)
        idle_rss, _ = rss_mb(kyodo.pid)
        _wait(base_url + "/sparql?query=ASK%7B%7D", baseline)
        pick = requests.get(
            kyodo_url + "/sparql",
            params={
                "query": PREFIXES
                + "SELECT ?p ?d WHERE { ?p a kyodo:Project ; kyodo:sdgTarget ?t ; "
                "kyodo:responsibleDepartment ?d } ORDER BY ?p LIMIT 1"
            },
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        ).json()["results"]["bindings"][0]
        project, department = pick["p"]["value"], pick["d"]["value"]
        doc = project.replace("https://kyodo-lod.example/id/", "/doc/")
        scenarios: list[tuple[str, str, dict[str, str] | None, dict[str, str]]] = [
            (name, "/sparql", {"query": q}, {"Accept": "application/sparql-results+json"})
            for name, q in queries(project, department).items()
        ]
        name, path, params, _ = scenarios[-1]
        scenarios[-1] = (name, path, params, {"Accept": "text/turtle"})
        scenarios += [
            ("dereference project (HTML)", doc + ".html", None, {}),
            ("dereference project (Turtle)", doc + ".ttl", None, {}),
        ]
        print(
            f"\n{args.requests} requests per scenario at concurrency {args.concurrency} "
            f"(baseline capped at {args.budget_s:.0f} s per scenario); req/s, latency in ms;\n"
            "'cache on' is the server as configured, 'cache off' the same server with "
            "KYODO_RESPONSE_CACHE_MB=0\n"
        )
        head = (
            f"{'scenario':<29} {'cache on':>8} {'p50':>6} {'p99':>6}  "
            f"{'cache off':>9} {'p50':>6} {'p99':>6}  "
            f"{'rdflib':>7} {'n':>5} {'p50':>7} {'p99':>7}  {'ratio on/off':>12}"
        )
        print(head)
        print("-" * len(head))
        for name, path, params, headers in scenarios:
            # warm each (first-query caches), then measure
            load(kyodo_url + path, params, headers, 20, 2, 60)
            load(cold_url + path, params, headers, 20, 2, 60)
            load(base_url + path, params, headers, 2, 1, 120)
            k = load(kyodo_url + path, params, headers, args.requests, args.concurrency, 600)
            c = load(cold_url + path, params, headers, args.requests, args.concurrency, 600)
            b = load(
                base_url + path, params, headers, args.requests, args.concurrency, args.budget_s
            )
            ratio = k["rps"] / b["rps"] if b["rps"] else float("inf")
            cold_ratio = c["rps"] / b["rps"] if b["rps"] else float("inf")
            errors = k["errors"] + c["errors"] + b["errors"]
            flags = f"  errors {k['errors']}/{c['errors']}/{b['errors']}" if errors else ""
            print(
                f"{name:<29} {k['rps']:>8.0f} {k['p50']:>6.1f} {k['p99']:>6.1f}  "
                f"{c['rps']:>9.0f} {c['p50']:>6.1f} {c['p99']:>6.1f}  "
                f"{b['rps']:>7.1f} {b['n']:>5} {b['p50']:>7.1f} {b['p99']:>7.1f}  "
                f"{ratio:>5.0f}×/{cold_ratio:>4.0f}×{flags}"
            )
        busy_rss, busy_n = rss_mb(kyodo.pid)
        print(
            f"\nkyodo server memory (RSS, {busy_n} processes: server, query workers, forkserver): "
            f"{idle_rss:.0f} MB idle, {busy_rss:.0f} MB after the run"
        )
    finally:
        for process in (kyodo, cold, baseline):
            process.terminate()
            process.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
