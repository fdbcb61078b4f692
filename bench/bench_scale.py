"""Build, serve and query N synthetic cities; print the figures and write docs/benchmarks.md.

    nice -n 10 python bench/bench_scale.py [--sizes 1,100,1741] [--baselines 1,10] [--runs 5]

For each size: generate N cities (bench/synth.py) in a temporary folder, build them with the
fast path (reasoner=rules, validation in ``build_workers`` processes) in a child process
(per-stage seconds, peak RSS, triples), start server.py on the build (load time, RSS of the
server and its query workers from /proc), and time the compare queries (kyodo_lod.compare.queries)
over HTTP (medians of ``--runs``). Baselines measured in the same run: owlrl vs rules and
serial vs parallel validation at the ``--baselines`` sizes. Nothing is written under data/.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAGES = ("load", "extract", "rdfize", "infer", "validate", "publish")
AIM_BUILD_S, AIM_RSS_MB, AIM_QUERY_S = 600.0, 2048.0, 1.0


# --- one build in a child process (its own peak RSS) ---------------------------------------


def _child_build(source: str, dist: str, reasoner: str, workers: int) -> None:
    from kyodo_lod.build.pipeline import build
    from kyodo_lod.config import Settings

    settings = Settings.from_env(
        {},
        sources_dir=Path(source),
        dist_dir=Path(dist),
        reasoner=reasoner,
        build_workers=workers,
    )
    started = time.perf_counter()
    result = build(settings)
    total = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": result.seconds,
                "worker_seconds": result.worker_seconds,
                "total_s": total,
                "rss_mb": own,
                "worker_rss_mb": children,
                "triples": sum(result.triples_per_graph.values()),
                "triples_per_graph": result.triples_per_graph,
                "dist_mb": sum(f.stat().st_size for f in Path(dist).iterdir()) / 2**20,
            }
        )
    )


def run_build(source: Path, dist: Path, reasoner: str, workers: int) -> dict:
    command = [sys.executable, __file__, "--child-build", str(source), str(dist), reasoner]
    command.append(str(workers))
    # The build's workers are forkserver children, which RUSAGE_CHILDREN never sees: sample
    # the RSS of the build's descendants instead (peak of their sum, every 0.5 s).
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True, cwd=ROOT)
        workers_peak = 0.0
        while child.poll() is None:
            workers_peak = max(workers_peak, sum(_rss_mb(p) for p in _descendants(child.pid)))
            time.sleep(0.5)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        raise RuntimeError(f"build failed:\n{stderr[-4000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["worker_rss_mb"] = max(result["worker_rss_mb"], workers_peak)
    return result


# --- the server --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [p for p, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return found


def serve_and_query(dist: Path, runs: int, compare_cities: int) -> dict:
    from kyodo_lod import compare
    from kyodo_lod.compare import queries as q

    port = _free_port()
    env = {**os.environ, "KYODO_DIST_DIR": str(dist)}
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py"), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"server.py exited with {server.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%7D", timeout=5):
                    break
            except OSError:
                time.sleep(0.2)
            if time.perf_counter() - started > 900:
                raise RuntimeError("server not ready after 900 s")
        load_s = time.perf_counter() - started
        time.sleep(1.0)  # let the workers settle
        rss_main = _rss_mb(server.pid)
        rss_workers = sum(_rss_mb(p) for p in _descendants(server.pid))

        runner = compare.EndpointRunner(f"{url}/sparql", timeout_s=120)
        vocabulary = q.Vocabulary.of(runner)
        cities = compare.available_cities(runner)
        chosen = cities[:compare_cities]
        values = q.city_year_values((c.code, c.fiscal_year) for c in chosen)
        changes = q.change_values((c.code, c.fiscal_year - 1, c.fiscal_year) for c in chosen)
        queries = {
            "city list": vocabulary.query(q.CITIES_QUERY),
            "goals": vocabulary.query(q.GOALS_QUERY, values=values),
            "targets": vocabulary.query(q.TARGETS_QUERY, values=values),
            "kinds": vocabulary.query(q.KINDS_QUERY, values=values),
            "changes": vocabulary.query(q.CHANGES_QUERY, values=changes),
        }
        timings: dict[str, float] = {}
        for name, sparql in queries.items():
            samples = []
            for _ in range(runs):
                t = time.perf_counter()
                rows = runner.select(sparql)
                samples.append(time.perf_counter() - t)
                if not rows:  # a fast empty answer is not a measurement
                    raise RuntimeError(f"compare query {name!r} returned no rows")
            timings[name] = statistics.median(samples)
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            compare.compare([runner], [c.code for c in chosen])
            samples.append(time.perf_counter() - t)
        timings["compare() whole"] = statistics.median(samples)
        return {
            "load_s": load_s,
            "server_rss_mb": rss_main,
            "workers_rss_mb": rss_workers,
            "total_rss_mb": rss_main + rss_workers,
            "query_s": timings,
            "cities_compared": len(chosen),
        }
    finally:
        for pid in [*_descendants(server.pid), server.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 15)
        server.wait(timeout=30)


# --- report ------------------------------------------------------------------------------------


def _svg(results: dict[int, dict]) -> str:
    """Stacked bars: build seconds per city by stage, one bar per size (wall clock)."""
    colours = dict(
        zip(STAGES, ("#999", "#6a3d9a", "#1f78b4", "#33a02c", "#e31a1c", "#ff7f00"), strict=True)
    )
    sizes = sorted(results)
    per_city = {
        n: {s: results[n]["build"]["seconds"].get(s, 0.0) / n for s in STAGES} for n in sizes
    }
    top = max(sum(v.values()) for v in per_city.values()) or 1.0
    width, bar_h, left = 640, 28, 90
    height = 60 + len(sizes) * (bar_h + 14) + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        '<text x="10" y="20" font-size="14">Build seconds per city, by stage '
        "(reasoner=rules, 2 workers)</text>",
    ]
    scale = (width - left - 120) / top
    for row, n in enumerate(sizes):
        y = 40 + row * (bar_h + 14)
        out.append(f'<text x="10" y="{y + 18}">N = {n:,}</text>')
        x = float(left)
        for stage in STAGES:
            w = per_city[n][stage] * scale
            if w > 0:
                out.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                    f'fill="{colours[stage]}"><title>{stage}: {per_city[n][stage]:.3f} s/city'
                    "</title></rect>"
                )
            x += w
        total = results[n]["build"]["total_s"]
        out.append(
            f'<text x="{x + 6:.1f}" y="{y + 18}">{sum(per_city[n].values()):.2f} s/city '
            f"({total:,.0f} s)</text>"
        )
    y = 40 + len(sizes) * (bar_h + 14) + 10
    x = 10
    for stage in STAGES:
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colours[stage]}"/>')
        out.append(f'<text x="{x + 16}" y="{y + 11}">{stage}</text>')
        x += 95
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _machine() -> str:
    load = os.getloadavg()
    mem = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        "0",
    )
    return (
        f"{os.cpu_count()} CPUs, {int(mem) / 2**20:.0f} GB RAM, load average at the end "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (shared machine), Python "
        f"{sys.version.split()[0]}"
    )


def write_report(results: dict[int, dict], baselines: dict, path: Path) -> None:
    sizes = sorted(results)
    svg_path = path.with_name("benchmarks-build.svg")
    svg_path.write_text(_svg(results), encoding="utf-8")
    lines = [
        "# Benchmarks: many cities",
        "",
        "Measured by `bench/bench_scale.py` on synthetic cities from `bench/synth.py` (~100",
        "projects, 7 policies, ~40 units, 1–9 SDG targets and 1–3 KPIs each; the data never",
        "enters data/). Build: `reasoner=rules`, `build_workers=2`. Query times are medians over",
        "HTTP against server.py as it was when this ran. Re-run to refresh every figure here.",
        "",
        f"Machine: {_machine()}.",
        "",
        f"![build seconds per city by stage]({svg_path.name})",
        "",
        "## Build",
        "",
        "| cities | triples | "
        + " | ".join(STAGES)
        + " | total s | peak RSS MB (main / workers) |",
        "|---:|---:|" + "---:|" * len(STAGES) + "---:|---:|",
    ]
    for n in sizes:
        b = results[n]["build"]
        cells = " | ".join(f"{b['seconds'].get(s, 0.0):.1f}" for s in STAGES)
        lines.append(
            f"| {n:,} | {b['triples']:,} | {cells} | {b['total_s']:.1f} | "
            f"{b['rss_mb']:.0f} / {b['worker_rss_mb']:.0f} |"
        )
    lines += [
        "",
        "rdfize/infer/validate run in the worker processes; the table splits their wall-clock",
        "time by the workers' share of each stage.",
        "",
        "## Server and compare queries",
        "",
    ]
    first = next((r["serve"] for r in results.values() if "serve" in r), None)
    if first:
        lines += [
            "| cities | load s | RSS MB (server + workers) | cities compared | "
            + " | ".join(first["query_s"])
            + " |",
            "|---:|---:|---:|---:|" + "---:|" * len(first["query_s"]),
        ]
        for n in sizes:
            s = results[n].get("serve")
            if not s:
                continue
            q = " | ".join(f"{v * 1000:.0f} ms" for v in s["query_s"].values())
            lines.append(
                f"| {n:,} | {s['load_s']:.1f} | {s['total_rss_mb']:.0f} "
                f"({s['server_rss_mb']:.0f} + {s['workers_rss_mb']:.0f}) | "
                f"{s['cities_compared']} | {q} |"
            )
        lines += [
            "",
            "The compare queries take the compared cities in their VALUES; `city list` lists every",
            "city-year in the store.",
        ]
    if baselines:
        lines += [
            "",
            "## Baselines (same run)",
            "",
            "| cities | variant | infer s | validate s | total s |",
            "|---:|---|---:|---:|---:|",
        ]
        for key, b in sorted(baselines.items(), key=lambda kv: (int(kv[0].split(":")[0]), kv[0])):
            n, variant = key.split(":", 1)
            lines.append(
                f"| {int(n):,} | {variant} | {b['seconds']['infer']:.1f} | "
                f"{b['seconds']['validate']:.1f} | {b['total_s']:.1f} |"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100,1741")
    parser.add_argument("--baselines", default="1,10", help="sizes for owlrl/serial baselines")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare-cities", type=int, default=10)
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument("--child-build", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_build:
        source, dist, reasoner, workers = args.child_build
        _child_build(source, dist, reasoner, int(workers))
        return 0

    from synth import generate  # bench/ is on sys.path as the script's folder

    work = Path(tempfile.mkdtemp(prefix="kyodo-bench-"))
    results: dict[int, dict] = {}
    baselines: dict[str, dict] = {}
    try:
        for n in [int(x) for x in args.baselines.split(",") if x]:
            source = work / f"src-{n}"
            generate(n, source)
            for variant, reasoner, workers in (
                ("owlrl, serial", "owlrl", 1),
                ("rules, serial", "rules", 1),
                (f"rules, {args.workers} workers", "rules", args.workers),
            ):
                b = run_build(source, work / f"dist-b-{n}", reasoner, workers)
                baselines[f"{n}:{variant}"] = b
                print(f"baseline N={n} {variant}: infer {b['seconds']['infer']:.1f} s, "
                      f"validate {b['seconds']['validate']:.1f} s, total {b['total_s']:.1f} s",
                      flush=True)  # fmt: skip
        for n in [int(x) for x in args.sizes.split(",") if x]:
            source = work / f"src-{n}"
            if not source.exists():
                generate(n, source)
            dist = work / f"dist-{n}"
            build = run_build(source, dist, "rules", args.workers)
            stages = "  ".join(f"{s} {build['seconds'].get(s, 0.0):.1f}" for s in STAGES)
            print(f"N={n}: {build['triples']:,} triples, {stages}, total {build['total_s']:.1f} s,"
                  f" RSS {build['rss_mb']:.0f} MB (workers {build['worker_rss_mb']:.0f})",
                  flush=True)  # fmt: skip
            results[n] = {"build": build}
            try:
                serve = serve_and_query(dist, args.runs, args.compare_cities)
            except Exception as exc:  # record it and go on: the build figures still count
                print(f"N={n}: serving failed: {exc}", flush=True)
                results[n]["serve_error"] = str(exc)
                continue
            results[n]["serve"] = serve
            queries = "  ".join(f"{k} {v * 1000:.0f} ms" for k, v in serve["query_s"].items())
            print(f"N={n}: server ready in {serve['load_s']:.1f} s, RSS "
                  f"{serve['total_rss_mb']:.0f} MB; {queries}", flush=True)  # fmt: skip
            if args.json:
                args.json.write_text(json.dumps({"results": results, "baselines": baselines}))
            if not args.keep:  # dist is a link to its build: both go
                from kyodo_lod.dist import builds_dir

                shutil.rmtree(builds_dir(dist), ignore_errors=True)
                dist.unlink(missing_ok=True)
        write_report(results, baselines, args.report)
        print(f"wrote {args.report}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for key, b in baselines.items():
        print(key, json.dumps(b["seconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
