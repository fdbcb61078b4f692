"""Time one build of N synthetic cities (stage seconds, peak RSS), repeated; print medians.

    nice -n 10 python bench/bench_build.py N [--runs 3] [--workers 2] [--keep-dist DIR]

Each run builds in a child process (bench_scale.run_build), so peak RSS is the build's own
(main process; the workers' peak is sampled from /proc).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import STAGES, run_build
from synth import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reasoner", default="rules")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kyodo-bb-") as work:
        source = Path(work) / "src"
        generate(args.n, source)
        runs = []
        for i in range(args.runs):
            b = run_build(source, Path(work) / f"dist-{i}", args.reasoner, args.workers)
            runs.append(b)
            stages = " ".join(f"{s} {b['seconds'].get(s, 0.0):.1f}" for s in STAGES)
            print(f"run {i + 1}: {stages} total {b['total_s']:.1f} s RSS {b['rss_mb']:.0f} MB"
                  f" (workers {b['worker_rss_mb']:.0f} MB)",
                  flush=True)  # fmt: skip
        median = {s: statistics.median(r["seconds"].get(s, 0.0) for r in runs) for s in STAGES}
        summary = {
            "n": args.n,
            "triples": runs[0]["triples"],
            "median_s": median,
            "median_total_s": statistics.median(r["total_s"] for r in runs),
            "median_rss_mb": statistics.median(r["rss_mb"] for r in runs),
            "median_worker_rss_mb": statistics.median(r["worker_rss_mb"] for r in runs),
        }
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
