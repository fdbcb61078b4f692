"""Benchmark: pages/s and latency of project pages with wrk, kyodo-lod beside its baselines.

    python bench/bench_pages.py [--dist DIR] [--seconds 10] [--connections 8] [--runs 3]
                                [--engines oxigraph,virtuoso] [--pages 200]

One server at a time on loopback (so none shares the CPU with another), each measured with
``wrk -t2 -c<connections> --latency`` rotating over up to ``--pages`` project pages (HTML, as a
browser or crawler asks; listed by a SPARQL query, so the store's own caches see many pages):

- **bare WSGI**: Flask under granian, served as server.py serves kyodo-lod (one worker process,
  8 threads: ``kyodo_lod.serve.serve_wsgi``), answering a fixed body of a
  project page's size: the ceiling of the web stack on this machine, measured in the same run;
- **kyodo, made afresh**: KYODO_RESPONSE_CACHE_MB=0 and KYODO_PAGE_STORE_MB=0, every page made
  on request (nothing kept anywhere);
- **kyodo, page store**: the memory cache off, the page store in a fresh folder, measured once
  the server has made every page ahead (what a harvester or crawler touching each page once
  meets after a start; ``--prerender-timeout``);
  With ``--page-store-cache DIR`` (a build too large to make every page ahead in a benchmark),
  the row uses DIR as the store cache instead: its on-disk store and its page store as
  ``kyodo-lod prerender`` left them; requested pages missing from it are made by one pass
  first, then a fresh server is measured (the notes say how many pages the file holds);
- **kyodo, memory cache**: the memory cache after one warming pass over the pages;
- **kyodo on Oxigraph server / Virtuoso** (``--engines``), made afresh: KYODO_STORE=<endpoint>;
  Oxigraph bulk-loaded on disk and served read-only, Virtuoso by scripts/virtuoso.py.

Prints req/s, p50 and p99 (medians of ``--runs``), and each row's rate as a share of the bare
app's. Not a test: figures depend on the machine; the ratios are what carries over.
Needs wrk (Debian: ``apt-get install wrk``)."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE = "https://kyodo-lod.example/"
# (no ORDER BY: sorting every project of 1,741 cities takes the query past its time limit)
PROJECTS = "SELECT ?p WHERE { ?p a <https://kyodo-lod.example/def/kyodo#Project> } LIMIT "
# wrk: each connection walks the list of paths (one per line of $KYODO_BENCH_PATHS)
ROTATE_LUA = """
local paths = {}
for line in io.lines(os.getenv("KYODO_BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = "text/html"})
end
"""
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
# a page that asks the store nothing: up as soon as the server is (a home page at 1,741 cities
# takes its first ~30 s to make)
PROBE = "/sparql"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({process.returncode})")
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url}: not up after {timeout_s:.0f} s")


@contextmanager
def server(
    args: list[str], env: dict[str, str], probe: str, log: Path | None = None
) -> Iterator[tuple[str, int]]:
    """A server process on a free loopback port (its output into ``log``, if given); yields its
    base URL and process id."""
    from bench_server import stop_process

    port = free_port()
    out = log.open("wb") if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, *args, "--port", str(port)],
        env={**os.environ, **env},
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + probe, process)
        yield url, process.pid
    finally:
        stop_process(process)
        if log is not None:
            out.close()  # type: ignore[union-attr]


def wait_for_prerender(log: Path, timeout_s: float) -> str | None:
    """The server's log line saying its pages were made ahead, or None after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if "pages pre-rendered:" in line:
                return line.split("pages pre-rendered:", 1)[1].strip()
        time.sleep(1)
    return None


def wrk(url: str, paths: Path, seconds: int, connections: int) -> dict[str, float]:
    """One wrk run: req/s, p50 and p99 in ms, and non-2xx/3xx answers."""
    script = paths.with_suffix(".lua")
    script.write_text(ROTATE_LUA)
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        env={**os.environ, "KYODO_BENCH_PATHS": str(paths)},
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout

    def latency(pct: str) -> float:
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m[1]) * UNITS[m[2]] if m else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    count = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": float(rps[1]) if rps else 0.0,
        "p50": latency("50"),
        "p99": latency("99"),
        "bad": float(bad[1]) if bad else 0.0,
        "requests": float(count[1]) if count else 0.0,
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and every process below it (its workers), from /proc."""
    from bench_server import process_tree  # (bench/ is on sys.path: the script's folder)

    total = 0
    for member in process_tree(pid):
        try:
            with open(f"/proc/{member}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def measure(url: str, paths: Path, args: argparse.Namespace, pid: int) -> dict[str, float]:
    """Medians of the runs, and the server's CPU time per page over all of them: on a shared
    machine, rates move with the load, CPU per page much less."""
    before = cpu_seconds(pid)
    runs = [wrk(url, paths, args.seconds, args.connections) for _ in range(args.runs)]
    used = cpu_seconds(pid) - before
    figures = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    figures["cpu_ms"] = 1000 * used / max(1.0, sum(run["requests"] for run in runs))
    return figures


def given_page_store(
    kyodo: list[str],
    cold: dict[str, str],
    dist: Path,
    paths: Path,
    args: argparse.Namespace,
    notes: list[str],
) -> dict[str, float]:
    """The page-store row over ``--page-store-cache``: one pass makes what it lacks of the
    requested pages, then a fresh server (nothing in memory) is measured."""
    import sqlite3

    given = {
        **cold,
        "KYODO_PAGE_STORE_MB": "1000000",
        "KYODO_PAGE_STORE_PRERENDER": "0",
        "KYODO_STORE_CACHE_DIR": str(args.page_store_cache.resolve()),
    }
    with server(kyodo, given, PROBE) as (url, _):
        for path in paths.read_text().split():
            requests.get(url + path, headers={"Accept": "text/html"}, timeout=120)
    from kyodo_lod.dist import BuildFacts

    # the newest page store of this build (the folder is named by the build's hash)
    folder = args.page_store_cache / f"pages-{BuildFacts.read(dist).content_hash[:24]}"
    database = max(folder.glob("pages-*.sqlite"), key=lambda p: p.stat().st_mtime)
    with sqlite3.connect(database) as db:
        (pages,) = db.execute("SELECT COUNT(*) FROM page").fetchone()
    notes.append(
        f"page store: {database} holds {pages:,} pages ({database.stat().st_size / 2**20:,.0f} "
        "MB), the requested ones among them"
    )
    with server(kyodo, given, PROBE) as (url, pid):
        return measure(url, paths, args, pid)


def bare_app(body_bytes: int):  # type: ignore[no-untyped-def]
    """Flask answering every path with the same HTML body (no store, no templates)."""
    from flask import Flask, Response

    app = Flask("bare")
    body = b"<!doctype html><title>bare</title>" + b"x" * max(0, body_bytes - 34)

    @app.route("/")
    @app.route("/<path:rest>")
    def page(rest: str = "") -> Response:
        return Response(body, content_type="text/html; charset=utf-8")

    return app


def project_paths(url: str, limit: int, folder: Path) -> tuple[Path, int]:
    """A file of up to ``limit`` project page paths, and a page's size in bytes."""
    answer = requests.get(
        url + "/sparql",
        params={"query": PROJECTS + str(limit)},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    answer.raise_for_status()
    iris = sorted(b["p"]["value"] for b in answer.json()["results"]["bindings"])
    paths = [iri.replace(BASE + "id/", "/doc/") for iri in iris]
    target = folder / "paths.txt"
    target.write_text("\n".join(paths) + "\n")
    sizes = sorted(
        len(requests.get(url + p, timeout=30).content) for p in paths[:: max(1, len(paths) // 9)]
    )
    size = sizes[len(sizes) // 2]  # a typical page's
    return target, size


@contextmanager
def oxigraph_on_disk(dist: Path, folder: Path) -> Iterator[str]:
    """Oxigraph server over the build bulk-loaded on disk (``oxigraph load``, then
    ``serve-read-only``), as README tells an operator to run it; yields its query URL. (Loading
    over HTTP, as the tests do, takes longer than their timeout at 1,741 cities.)"""
    from bench_server import stop_process

    from kyodo_lod.config import Settings
    from kyodo_lod.rdf.iris import Iris
    from tests.store.oxigraph_server import OXIGRAPH

    location = folder / "data"
    catalog = str(Iris(Settings.from_env(os.environ).base_iri).graph("catalog"))
    for args in (
        ["--file", str(dist / "kyodo-lod.trig")],
        ["--file", str(dist / "catalog.ttl"), "--graph", catalog],
    ):
        load = [OXIGRAPH, "load", "--location", str(location), *args]
        subprocess.run(load, check=True, capture_output=True)
    port = free_port()
    serving = [OXIGRAPH, "serve-read-only", "--location", str(location)]
    with (folder / "oxigraph.log").open("wb") as log:
        process = subprocess.Popen(
            [*serving, "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 120
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"oxigraph did not start: {(folder / 'oxigraph.log').read_text()}"
                )
            time.sleep(0.3)
        yield url
    finally:
        stop_process(process)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, params={"query": "ASK {}"}, timeout=2).ok
    except requests.RequestException:
        return False


def engine_url(name: str, dist: Path, folder: Path, stack: list) -> str:  # type: ignore[type-arg]
    """The SPARQL endpoint of a private engine holding the build (stopped with ``stack``)."""
    from tests.store.virtuoso_server import virtuoso_server

    if name == "oxigraph":
        (folder / "oxigraph").mkdir()
        context = oxigraph_on_disk(dist, folder / "oxigraph")
        url = context.__enter__()
    elif name == "virtuoso":
        (folder / "virtuoso").mkdir()
        context = virtuoso_server(dist, folder / "virtuoso")
        url = context.__enter__().url
    else:
        raise SystemExit(f"unknown engine {name!r}: oxigraph or virtuoso")
    stack.append(context)
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, help="a build (default: build Koriyama afresh)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--engines", default="", help="also on these: oxigraph,virtuoso")
    parser.add_argument(
        "--prerender-timeout",
        type=float,
        default=900,
        help="seconds to wait for the page store's server to make its pages ahead",
    )
    parser.add_argument(
        "--page-store-cache",
        type=Path,
        help="measure the page store found in this store cache folder (see above) instead of "
        "making every page ahead into a fresh one",
    )
    parser.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        help="another checkout of kyodo-lod (e.g. a git worktree of an older commit): its "
        "server.py on the same build, cache off, as a row of its own",
    )
    parser.add_argument("--bare-serve", type=int, help=argparse.SUPPRESS)  # (body bytes)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_serve:  # (the bare app's own process)
        from kyodo_lod.serve import serve_wsgi

        serve_wsgi(partial(bare_app, args.bare_serve), "127.0.0.1", args.port, threads=8)
        return 0
    if shutil.which("wrk") is None:
        raise SystemExit("error: wrk not found; install it (Debian: apt-get install wrk)")
    folder = Path(tempfile.mkdtemp(prefix="kyodo-bench-pages-"))
    dist = args.dist
    if dist is None:
        from kyodo_lod.build.pipeline import build
        from kyodo_lod.config import Settings

        dist = folder / "dist"
        build(Settings.from_env({}, dist_dir=dist))
    dist = dist.resolve()
    kyodo = [str(ROOT / "server.py")]
    # nothing kept anywhere: every page made afresh (older checkouts ignore the page store's)
    cold = {
        "KYODO_DIST_DIR": str(dist),
        "KYODO_RESPONSE_CACHE_MB": "0",
        "KYODO_PAGE_STORE_MB": "0",
    }
    rows: list[tuple[str, dict[str, float]]] = []
    notes: list[str] = []
    started = time.monotonic()
    with server(kyodo, cold, PROBE) as (url, pid):
        paths, size = project_paths(url, args.pages, folder)
        count = len(paths.read_text().split())
        rows.append(("kyodo-lod, made afresh", measure(url, paths, args, pid)))
    if args.page_store_cache is not None:
        stored = given_page_store(kyodo, cold, dist, paths, args, notes)
        rows.append(("kyodo-lod, page store", stored))
    else:
        # the page store as a server has it after a start: every page made ahead, in a fresh
        # folder (none left from an earlier run), the memory cache off
        stored = {
            **cold,
            "KYODO_PAGE_STORE_MB": "4096",
            "KYODO_PAGE_STORE_PRERENDER": "1",
            "KYODO_STORE_CACHE_DIR": str(folder / "stores"),
        }
        log = folder / "page-store.log"
        with server(kyodo, stored, PROBE, log) as (url, pid):
            made = wait_for_prerender(log, args.prerender_timeout)
            if made is None:
                notes.append(
                    f"page store: not measured (pages not all made in "
                    f"{args.prerender_timeout:.0f} s)"
                )
            else:
                notes.append(f"page store: {made}")
                rows.append(("kyodo-lod, page store", measure(url, paths, args, pid)))
    with server(kyodo, {**cold, "KYODO_RESPONSE_CACHE_MB": "256"}, PROBE) as (url, pid):
        for path in paths.read_text().split():  # warm: every page once
            requests.get(url + path, timeout=60)
        rows.append(("kyodo-lod, memory cache (warm)", measure(url, paths, args, pid)))
    for other in args.also:
        with server([str(other / "server.py")], cold, PROBE) as (url, pid):
            rows.append((f"{other.name}, made afresh", measure(url, paths, args, pid)))
    stack: list = []  # type: ignore[type-arg]
    try:
        for name in filter(None, args.engines.split(",")):
            endpoint = engine_url(name, dist, folder, stack)
            with server(kyodo, {**cold, "KYODO_STORE": endpoint}, PROBE) as (url, pid):
                rows.append((f"kyodo-lod on {name}, made afresh", measure(url, paths, args, pid)))
    finally:
        for context in reversed(stack):
            context.__exit__(None, None, None)
    port_args = [__file__, "--bare-serve", str(size)]
    with server(port_args, {}, "/") as (url, pid):
        bare = measure(url, paths, args, pid)
    rows.append(("bare WSGI (Flask + granian)", bare))
    load = os.getloadavg()
    print(
        f"\n{count} project pages of {dist}, HTML (~{size:,} bytes); wrk -t2 "
        f"-c{args.connections}, {args.seconds} s × {args.runs} runs (medians); "
        f"load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}; "
        f"{time.monotonic() - started:.0f} s in all\n"
    )
    head = (
        f"{'server':<34} {'pages/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'× bare':>7} "
        f"{'CPU ms/page':>11} {'errors':>7}"
    )
    print(head)
    print("-" * len(head))
    for name, row in rows:
        share = row["rps"] / bare["rps"] if bare["rps"] else float("nan")
        print(
            f"{name:<34} {row['rps']:>8.0f} {row['p50']:>7.1f} {row['p99']:>7.1f} "
            f"{share:>7.2f} {row['cpu_ms']:>11.2f} {row['bad']:>7.0f}"
        )
    for note in notes:
        print(note)
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
