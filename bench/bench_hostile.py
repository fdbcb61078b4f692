"""Hostile input at scale, abusive clients, and a soak: the public server must never answer 500,
stay up, and never contact anything on a query's behalf.

    python bench/bench_hostile.py [--dist DIR] [--queries 2000] [--requests 2000]
        [--abuse-seconds 60] [--minutes 10] [--only hostile,abuse,soak]

- hostile: ~2,000 generated and mutated SPARQL queries (GET, POST, form) and ~2,000 raw HTTP
  requests (bench/hostile_inputs.py: overlong URLs, bad percent-encodings, NUL, raw ``..``,
  garbage and 1,000-item headers, 2 MB POSTs, 10,000 nested braces), then a slowloris; a trap
  server on loopback is named by SERVICE/LOAD/FROM/graph parameters and must see no connection.
- abuse: runaway-query clients in a loop (ignoring Retry-After) while a page client and a
  light-query client go on: p50/p99 and 200/429/503 counts per kind of client.
- soak: 16 connections of mixed traffic (pages, queries, dumps, one runaway) for
  ``--minutes`` (``--soak-minutes``); errors other than the intended 429/503, and RSS growth
  after warm-up (the first quarter of the run: the response cache fills meanwhile).

Clients are told apart by loopback source address (127.0.x.y), as a real server sees them.
Exits 1 if a 500 appears, the server dies, the trap is contacted or a file leaks. Not a test:
figures depend on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_server import _free_port, rss_mb, stop_process  # noqa: E402
from hostile_inputs import (  # noqa: E402
    KYODO,
    LEAK_MARKERS,
    TrapServer,
    generated_query,
    hostile_requests,
    mutated_query,
    trap_query,
)

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# a cross product of the typed resources: about a second of work on the Koriyama build
GREEDY = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?c . ?d a ?f }"
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, */*;q=0.1"


class Server:
    """server.py in a subprocess on a free loopback port, its output in a log file."""

    def __init__(self, dist: Path, workdir: Path, **env: str) -> None:
        self.port = _free_port()
        self.log = workdir / f"server-{self.port}.log"
        environ = {
            **os.environ,
            "KYODO_DIST_DIR": str(dist),
            "KYODO_STORE_CACHE_DIR": str(workdir / "stores"),
            **env,
        }
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "server.py"), "--port", str(self.port)],
                env=environ,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while self.status("/sparql") != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not come up:\n{self.log.read_text()}")
            time.sleep(0.3)

    def status(self, path: str, source: str = "127.0.0.1") -> int | None:
        try:
            return call(self.port, "GET", path, source=source)[0]
        except OSError:
            return None

    def alive(self) -> bool:
        return self.process.poll() is None and self.status("/") == 200

    def tracebacks(self) -> int:
        return self.log.read_text(errors="replace").count("Traceback")

    def stop(self) -> None:
        stop_process(self.process)


def call(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    source: str = "127.0.0.1",
    timeout_s: float = 60,
) -> tuple[int, float]:
    """One request on a fresh connection from ``source``: (status, seconds)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout_s, source_address=(source, 0)
    )
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        conn.close()


def raw(port: int, data: bytes, source: str, timeout_s: float = 10) -> tuple[int | None, bytes]:
    """Send bytes as they are (no client normalises the path); (status or None, response)."""
    with socket.create_connection(("127.0.0.1", port), timeout_s, (source, 0)) as sock:
        # the server may close early (a body it refused): its answer still counts
        with contextlib.suppress(OSError):
            sock.sendall(data)
        chunks, size = [], 0
        try:
            while size < 4 << 20:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except OSError:
            pass
    answer = b"".join(chunks)
    if not answer.startswith(b"HTTP/"):
        return None, answer
    return int(answer.split(b" ", 2)[1]), answer


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ------------------------------------------------------------------ hostile input


def send_query(port: int, query: str, rng: random.Random, source: str) -> int:
    how = rng.randrange(3)
    encoded = query.encode("utf-8", "surrogatepass")
    if how == 0:
        path = "/sparql?" + urlencode({"query": encoded})
        return call(port, "GET", path, headers={"Accept": ACCEPT}, source=source)[0]
    if how == 1:
        headers = {"Content-Type": "application/sparql-query", "Accept": ACCEPT}
        return call(port, "POST", "/sparql", encoded, headers, source)[0]
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}
    body = urlencode({"query": encoded}).encode()
    return call(port, "POST", "/sparql", body, headers, source)[0]


def hostile(server: Server, trap: TrapServer, queries: int, requests: int, seed: int) -> bool:
    rng = random.Random(seed)
    texts = []
    for i in range(queries):
        kind = i % 4
        base = generated_query(rng, trap.url) if kind != 1 else trap_query(rng, trap.url)
        texts.append(base if kind < 2 else mutated_query(rng, base))
    statuses: Counter[int | str] = Counter()
    failures: list[str] = []

    def one_query(i: int) -> None:
        try:
            status: int | str = send_query(
                server.port, texts[i], random.Random(seed + i), f"127.0.1.{i % 60 + 1}"
            )
        except OSError as exc:
            status = type(exc).__name__
        statuses[status] += 1
        if status == 500 or isinstance(status, str):
            failures.append(f"query {status}: {texts[i][:200]!r}")

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one_query, range(len(texts))))
    print(f"SPARQL: {len(texts)} queries in {time.monotonic() - started:.0f} s: {dict(statuses)}")

    by_kind: dict[str, Counter[int | None]] = {}
    leaks: list[str] = []
    batch = hostile_requests(rng, requests, trap.url)

    def one_request(i: int) -> None:
        kind, data = batch[i]
        try:
            status, answer = raw(server.port, data, f"127.0.2.{i % 60 + 1}")
        except OSError as exc:
            status, answer = None, repr(exc).encode()
        by_kind.setdefault(kind, Counter())[status] += 1
        if status == 500:
            failures.append(f"{kind} 500: {data[:200]!r}")
        if status == 200 and any(marker in answer for marker in LEAK_MARKERS):
            leaks.append(f"{kind}: {data[:120]!r}")

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one_request, range(len(batch))))
    print(f"HTTP: {len(batch)} hostile requests in {time.monotonic() - started:.0f} s")
    for kind, counts in by_kind.items():
        shown = {("no answer" if s is None else s): n for s, n in sorted(counts.items(), key=str)}
        print(f"  {kind:<24} {shown}")
    slow_ok = slowloris(server, connections=50, seconds=20)
    alive = server.alive()
    print(f"trap server contacts: {trap.contacts}; server alive: {alive}; 500s: {len(failures)}")
    print(f"tracebacks in the server log: {server.tracebacks()}; leaked files: {len(leaks)}")
    for line in (failures + leaks)[:20]:
        print("  ", line)
    return alive and slow_ok and not failures and not leaks and trap.contacts == 0


def slowloris(server: Server, connections: int, seconds: float) -> bool:
    """``connections`` clients each sending a request one byte a second; meanwhile others
    must be served."""
    socks = []
    for i in range(connections):
        sock = socket.create_connection(("127.0.0.1", server.port), 10, (f"127.0.3.{i + 1}", 0))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        socks.append(sock)
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.sendall(b"X")
        status, elapsed = call(server.port, "GET", "/sdg/", source="127.0.4.1")
        latencies.append(elapsed if status == 200 else float("inf"))
        time.sleep(1.0)
    for sock in socks:
        sock.close()
    worst = max(latencies)
    print(
        f"slowloris: {connections} connections for {seconds:.0f} s; other clients' pages: "
        f"median {statistics.median(latencies) * 1000:.0f} ms, worst {worst * 1000:.0f} ms"
    )
    return worst < 10


# ------------------------------------------------------------------ abusive clients, soak


def projects(server: Server) -> list[str]:
    query = f"SELECT ?p WHERE {{ ?p a <{KYODO}Project> }} ORDER BY ?p LIMIT 300"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("GET", "/sparql?" + urlencode({"query": query}), headers={"Accept": ACCEPT})
    import json

    rows = json.loads(conn.getresponse().read())["results"]["bindings"]
    return [row["p"]["value"].replace("https://kyodo-lod.example/id/", "/doc/") for row in rows]


def run_clients(
    server: Server, seconds: float, kinds: dict[str, tuple[int, Callable[[int, int], tuple]]]
) -> dict[str, tuple[list[float], Counter[int | str]]]:
    """Each kind: (threads, request(thread, n) -> call args); loop until ``seconds`` pass."""
    results: dict[str, tuple[list[float], Counter[int | str]]] = {
        kind: ([], Counter()) for kind in kinds
    }
    deadline = time.monotonic() + seconds

    def loop(kind: str, thread: int, make: Callable[[int, int], tuple]) -> None:
        latencies, counts = results[kind]
        n = 0
        while time.monotonic() < deadline:
            try:
                status, elapsed = call(server.port, *make(thread, n))
                latencies.append(elapsed)
                counts[status] += 1
            except OSError as exc:
                counts[type(exc).__name__] += 1
            n += 1

    threads = [
        threading.Thread(target=loop, args=(kind, t, make))
        for kind, (count, make) in kinds.items()
        for t in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def report(results: dict[str, tuple[list[float], Counter[int | str]]]) -> None:
    print(f"  {'client':<14} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for kind, (latencies, counts) in results.items():
        print(
            f"  {kind:<14} {len(latencies):>8} {pct(latencies, 0.5) * 1000:>8.0f} "
            f"{pct(latencies, 0.99) * 1000:>8.0f}  {dict(sorted(counts.items(), key=str))}"
        )


def _sparql(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})


def abuse(server: Server, seconds: float) -> bool:
    docs = projects(server)
    pages = ["/", "/sdg/", "/sdg/11", *docs]
    kinds = {
        # abusive clients, 2 connections each, resending at once whatever the answer: 2 send
        # runaways (stopped at the time limit), 2 queries of about a second each (greedy)
        "runaway": (4, lambda t, n: ("GET", _sparql(RUNAWAY), None, None, f"127.0.5.{t % 2 + 1}")),
        "greedy": (4, lambda t, n: ("GET", _sparql(GREEDY), None, None, f"127.0.5.{t % 2 + 3}")),
        "pages": (
            2,
            lambda t, n: ("GET", pages[(n * 2 + t) % len(pages)], None, None, "127.0.6.1"),
        ),
        "light query": (
            1,
            lambda t, n: (
                "GET",
                _sparql(f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {n % 50 + 1}"),
                None,
                {"Accept": ACCEPT},
                "127.0.7.1",
            ),
        ),
    }
    results = run_clients(server, seconds, kinds)
    print(f"abuse: {seconds:.0f} s; response cache off (every page asks the store)")
    report(results)
    statuses = Counter()
    for _, counts in results.values():
        statuses.update(counts)
    return 500 not in statuses and server.alive()


def soak(server: Server, minutes: float) -> bool:
    docs = projects(server)
    pages = ["/", "/sdg/", "/sdg/11", "/catalog", *docs]
    gzip = {"Accept-Encoding": "gzip"}
    mid = f"SELECT ?t (COUNT(?p) AS ?n) WHERE {{ ?p <{KYODO}sdgTarget> ?t }} GROUP BY ?t"
    kinds = {
        "runaway": (1, lambda t, n: ("GET", _sparql(RUNAWAY), None, None, "127.0.8.1")),
        "pages": (
            5,
            lambda t, n: ("GET", pages[(n * 5 + t) % len(pages)], None, None, f"127.0.9.{t + 1}"),
        ),
        "light query": (
            5,
            lambda t, n: (
                "GET",
                _sparql(f"ASK {{ ?s ?p {n % 97} }}"),
                None,
                {"Accept": ACCEPT},
                f"127.0.10.{t + 1}",
            ),
        ),
        "group query": (
            2,
            lambda t, n: (
                "GET",
                _sparql(mid + f" LIMIT {n % 300 + 1}"),
                None,
                {"Accept": ACCEPT},
                f"127.0.11.{t + 1}",
            ),
        ),
        "dumps": (
            3,
            lambda t, n: (
                "GET",
                "/dumps/kyodo-lod.ttl",
                None,
                gzip if n % 2 else None,
                f"127.0.12.{t + 1}",
            ),
        ),
    }
    seconds = minutes * 60
    samples: list[tuple[float, float]] = []
    done = threading.Event()

    def sample() -> None:
        started = time.monotonic()
        while not done.wait(5):
            samples.append((time.monotonic() - started, rss_mb(server.process.pid)[0]))

    sampler = threading.Thread(target=sample)
    sampler.start()
    results = run_clients(server, seconds, kinds)
    done.set()
    sampler.join()
    warm = [rss for at, rss in samples if at >= seconds * 0.25]
    growth = (warm[-1] - warm[0]) / warm[0] * 100 if len(warm) > 1 else float("nan")
    print(
        f"soak: {minutes:g} min, 16 connections; RSS (server + workers) after warm-up "
        f"{warm[0]:.0f} MB -> {warm[-1]:.0f} MB at the end ({growth:+.1f} %), max "
        f"{max(r for _, r in samples):.0f} MB"
    )
    report(results)
    errors = sum(
        n
        for _, counts in results.values()
        for s, n in counts.items()
        if s not in (200, 304, 429, 503)
    )
    print(f"  errors other than 429/503: {errors}")
    return errors == 0 and growth < 10 and server.alive()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, help="use this dist/ instead of building")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--abuse-seconds", type=float, default=60)
    parser.add_argument("--soak-minutes", "--minutes", dest="soak_minutes", type=float, default=10)
    parser.add_argument("--only", default="hostile,abuse,soak")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kyodo-hostile-"))
    dist = args.dist
    if dist is None:
        from kyodo_lod.build.pipeline import build
        from kyodo_lod.config import Settings

        dist = workdir / "dist"
        build(Settings.from_env({}, dist_dir=dist))
    ok = True
    phases = args.only.split(",")
    if "hostile" in phases:
        trap = TrapServer()
        # a short time limit: mutated queries include runaways, and 2,000 of them must finish
        server = Server(dist, workdir, KYODO_QUERY_TIMEOUT_S="2")
        try:
            ok &= hostile(server, trap, args.queries, args.requests, args.seed)
        finally:
            server.stop()
            trap.close()
    if "abuse" in phases:
        server = Server(dist, workdir, KYODO_RESPONSE_CACHE_MB="0")
        try:
            ok &= abuse(server, args.abuse_seconds)
        finally:
            server.stop()
    if "soak" in phases:
        server = Server(dist, workdir)
        try:
            ok &= soak(server, args.soak_minutes)
        finally:
            server.stop()
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
