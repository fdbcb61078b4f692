"""Time `kyodo-lod import` of a real-shaped project list (bench/real_shape.py, not real data) in
each format staff have (CSV UTF-8, CSV CP932, .xlsx), and the build with it; print medians and
ratios against the fixture city's CSV import and build (13 projects), measured in the same run.

    nice -n 10 python bench/bench_import.py [--runs 5] [--build-runs 1] [--projects 400]

Each import goes into a fresh sources folder (as a first import does); the aim is under 2 s per
format. The build is of the list alone (no bundled plan), with the default settings.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.real_shape import Options, write  # noqa: E402
from kyodo_lod.build.importer import import_plan  # noqa: E402
from kyodo_lod.build.pipeline import build  # noqa: E402
from kyodo_lod.config import Settings  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
BASELINE = (FIXTURES / "kaku-2025.csv", FIXTURES / "kaku-2025.kpis.csv")


def median_seconds(runs: int, action: Callable[[int], object]) -> float:
    times = []
    for run in range(runs):
        started = time.perf_counter()
        action(run)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def settings_in(folder: Path) -> Settings:
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    return Settings.from_env({}, sources_dir=folder / "sources", dist_dir=folder / "dist")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--build-runs", type=int, default=1)
    parser.add_argument("--projects", type=int, default=400)
    parser.add_argument("--reasoner", default=Settings().reasoner, help="for the builds")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kyodo-bi-") as work:
        folder = Path(work)
        files = write(folder / "files", Options(projects=args.projects))

        def importer(name: str, plan: Path, kpis: Path | None) -> Callable[[int], object]:
            return lambda run: import_plan(settings_in(folder / f"{name}-{run}"), plan, kpis)

        importer("warm-up", *BASELINE)(0)  # the first import pays Python's imports
        baseline = median_seconds(args.runs, importer("baseline", *BASELINE))
        print(f"import, median of {args.runs} (aim: under 2 s)")
        print(f"  baseline: fixture city CSV (13 projects)  {baseline:6.3f} s")
        for name, (plan, kpis) in files.items():
            seconds = median_seconds(args.runs, importer(name, plan, kpis))
            size = sum(p.stat().st_size for p in (plan, kpis) if p is not None) / 1024
            print(
                f"  {name:<6} {args.projects} projects, {size:5.0f} KiB"
                f"              {seconds:6.3f} s  ×{seconds / baseline:.1f}"
            )

        def builder(source: str) -> Callable[[int], object]:
            return lambda run: build(
                Settings.from_env(
                    {},
                    sources_dir=folder / f"{source}-0" / "sources",
                    dist_dir=folder / f"dist-{source}-{run}",
                    reasoner=args.reasoner,
                )
            )

        build_base = median_seconds(args.build_runs, builder("baseline"))
        seconds = median_seconds(args.build_runs, builder("utf8"))
        print(f"build, median of {args.build_runs} (reasoner {args.reasoner})")
        print(f"  baseline: fixture city alone               {build_base:6.2f} s")
        print(
            f"  the {args.projects}-project list alone"
            f"                 {seconds:6.2f} s  ×{seconds / build_base:.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
