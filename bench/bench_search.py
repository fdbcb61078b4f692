"""/search latency on a national-size build: medians and p99 over a set of queries, against
baselines measured in the same run.

    nice -n 10 python bench/bench_search.py [--cities 1741] [--dist DIR] [--runs 30]

Without ``--dist``, N synthetic cities (bench/synth.py) are generated and built like
bench_scale.py does (reasoner=rules, validation in ``--workers`` processes) in a temporary
folder; ``--dist`` reuses a build (``--index FILE``: with another search.sqlite, e.g. a
national-size index beside a small build, since /search reads only the index). Then server.py
serves it on a loopback port and every query
is asked ``--runs`` times over one keep-alive HTTP connection (after one unmeasured request):
``/search?q=…&format=json`` and the HTML page for a few. Baselines in the same run, same
connection: a trivial SPARQL ``ASK {}`` and ``/search`` with no words (the page without the
index: what Flask, granian and the template cost). The index alone (SQLite in this process,
no HTTP) is measured too. p99 of 30 runs is the slowest but one: read it as a ceiling.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_scale  # noqa: E402
import synth  # noqa: E402

from kyodo_lod import textindex  # noqa: E402
from kyodo_lod.config import Settings  # noqa: E402
from kyodo_lod.dist import SEARCH_INDEX  # noqa: E402
from kyodo_lod.web.search import SearchIndex  # noqa: E402

AIM_MS = 200.0
# (what it exercises, the words): two-character Japanese words go through the trigram
# vocabulary, longer ones through the index, one character through the scan
QUERIES: tuple[tuple[str, str], ...] = (
    ("ja, 2 chars", "防災"),
    ("ja, 2 chars", "協働"),
    ("ja, 2 chars, in most rows", "事業"),
    ("ja, 2 chars", "子育"),
    ("ja, 4 chars", "防災訓練"),
    ("ja, 5 chars", "子育て支援"),
    ("ja, 4 chars, in most rows", "推進事業"),
    ("ja, a city", "合成市0042"),
    ("ja, a city and a word", "合成市0042 防災"),
    ("ja, a city and 2 words", "合成市0042 地域 事業"),
    ("ja, two words", "防災訓練 推進事業"),
    ("ja, nothing", "存在しない言葉"),
    ("en", "collaboration"),
    ("en, two words", "Synthetic City 0042"),
    ("en, 2 chars", "DX"),
    ("ja, 1 char (scan)", "郡"),
    ("ja, 1 char (scan), frequent", "課"),
)
HTML_QUERIES = ("防災", "推進事業")


def build(cities: int, work: Path, workers: int) -> tuple[Path, float]:
    source, dist = work / "src", work / "dist"
    synth.generate(cities, source)
    started = time.perf_counter()
    bench_scale.run_build(source, dist, "rules", workers)
    return dist, time.perf_counter() - started


def start_server(dist: Path, work: Path) -> tuple[subprocess.Popen[bytes], int, float]:
    port = bench_scale._free_port()
    env = {
        **os.environ,
        "KYODO_DIST_DIR": str(dist),
        "KYODO_STORE_CACHE_DIR": str(work / "stores"),
    }
    started = time.perf_counter()
    log = (work / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py"), "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited: {(work / 'server.log').read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            connection.request("GET", "/sparql?" + urlencode({"query": "ASK {}"}))
            if connection.getresponse().status == 200:
                return server, port, time.perf_counter() - started
        except OSError:
            time.sleep(1)
    server.kill()
    raise RuntimeError("server did not come up")


def timed(connection: http.client.HTTPConnection, path: str, headers: dict[str, str], runs: int):
    """(milliseconds per request, the last body) over ``runs`` requests after one warm-up."""
    times, body = [], b""
    for run in range(runs + 1):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {body[:300]!r}")
        if run:
            times.append(elapsed)
    return times, body


def figures(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered), "p99_ms": p99, "max_ms": ordered[-1]}


def index_alone(dist: Path, runs: int) -> dict[str, dict[str, float]]:
    """The same searches through web/search.py's SearchIndex in this process (no HTTP):
    SQLite's and the ranking's share of a request."""
    index = SearchIndex(dist / SEARCH_INDEX, Settings().search_rank_limit)
    found = {}
    for _, words in QUERIES:
        parsed = textindex.Words.parse(words)
        times = []
        for run in range(runs + 1):
            started = time.perf_counter()
            index.search(parsed, 1)
            if run:
                times.append((time.perf_counter() - started) * 1000)
        found[words] = figures(times)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=1741)
    parser.add_argument("--dist", type=Path, help="use this build instead of building")
    parser.add_argument(
        "--index",
        type=Path,
        help="serve --dist with this search.sqlite instead of its own (a national-size index "
        "beside a small build: /search reads only the index, never the store)",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kyodo-bench-search-"))
    report: dict = {"cities": args.cities, "runs": args.runs, "load_1min": os.getloadavg()[0]}
    server = None
    try:
        if args.dist is None:
            dist, report["build_s"] = build(args.cities, work, args.workers)
        else:
            dist = args.dist
        if args.index is not None:
            copy = work / "dist-with-index"
            shutil.copytree(dist, copy)
            shutil.copyfile(args.index, copy / SEARCH_INDEX)
            dist = copy
            report["index_from"] = str(args.index)
        info = json.loads((dist / "build.json").read_text())
        report["triples"] = info.get("triples_total")
        report["index_mb"] = (dist / SEARCH_INDEX).stat().st_size / 2**20
        index = sqlite3.connect(f"file:{dist / SEARCH_INDEX}?mode=ro", uri=True)
        report["index_rows"] = index.execute("SELECT count(*) FROM entries").fetchone()[0]
        index.close()
        report["index_alone"] = index_alone(dist, args.runs)
        server, port, report["server_start_s"] = start_server(dist, work)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        as_json = {"Accept": "application/json"}
        baselines = {
            "SPARQL ASK {}": timed(
                connection,
                "/sparql?" + urlencode({"query": "ASK {}"}),
                {"Accept": "application/sparql-results+json"},
                args.runs,
            )[0],
            "/search without words (JSON)": timed(connection, "/search?q=", as_json, args.runs)[0],
        }
        report["baselines"] = {name: figures(t) for name, t in baselines.items()}
        floor = report["baselines"]["SPARQL ASK {}"]["median_ms"]
        report["search"] = []
        cases = [(what, words, "json") for what, words in QUERIES]
        cases += [("html page", words, "html") for words in HTML_QUERIES]
        for what, words, kind in cases:
            path = "/search?" + urlencode(
                {"q": words, **({"format": "json"} if kind == "json" else {})}
            )
            times, body = timed(connection, path, {"Accept": "text/html"}, args.runs)
            answer = json.loads(body) if kind == "json" else None
            total = None
            if answer is not None:
                total = f"{answer['total']}{'+' if answer['total_is_lower_bound'] else ''}"
            report["search"].append(
                {"what": what, "q": words, "format": kind, "total": total, **figures(times)}
            )
        print_report(report, floor)
        if args.json:
            args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def print_report(report: dict, floor: float) -> None:
    print(
        f"{report['cities']} cities, {report['triples']} triples; "
        f"index {report['index_rows']} rows, "
        f"{report['index_mb']:.1f} MB; load average {report['load_1min']:.1f} at start"
    )
    if "index_from" in report:
        print(f"the index is {report['index_from']}, served beside a smaller build")
    if "build_s" in report:
        print(f"build {report['build_s']:.0f} s; server up in {report['server_start_s']:.0f} s")
    print(f"baselines ({report['runs']} runs each):")
    for name, f in report["baselines"].items():
        print(f"  {name:34s} median {f['median_ms']:7.1f} ms  p99 {f['p99_ms']:7.1f} ms")
    print(f"/search (aim: < {AIM_MS:.0f} ms):")
    print(f"  {'what':30s} {'q':22s} {'fmt':4s} {'hits':>5s} {'median':>8s} {'p99':>8s} "
          f"{'x ASK':>6s} {'index':>7s}")  # fmt: skip
    for row in report["search"]:
        alone = report["index_alone"].get(row["q"], {}).get("median_ms")
        print(
            f"  {row['what']:30s} {row['q']:22s} {row['format']:4s} "
            f"{'' if row['total'] is None else row['total']:>5} {row['median_ms']:7.1f}  "
            f"{row['p99_ms']:7.1f}  {row['median_ms'] / floor:5.1f}  "
            f"{'' if alone is None else f'{alone:6.1f}'}"
        )
    worst = max(report["search"], key=lambda r: r["median_ms"])
    print(f"slowest median: {worst['q']} {worst['median_ms']:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
