"""The synthetic cities of the scale benchmarks (bench/synth.py, not real data) still import and
build: a benchmark that no test runs breaks unseen (synth.py once wrote a list without the
sdg_targets column it filled, and failed on every row)."""

from __future__ import annotations

import csv
from pathlib import Path

from bench.synth import generate
from kyodo_lod.build.pipeline import build
from kyodo_lod.config import Settings


def test_three_synthetic_cities_build(tmp_path: Path) -> None:
    files = generate(3, tmp_path / "sources")
    assert len(files) == 3
    for path in files:
        with path.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert rows and all(r["city_name_en"].startswith("Synthetic City") for r in rows)
        assert any(r["sdg_targets"] for r in rows)
    settings = Settings.from_env(
        {},
        sources_dir=tmp_path / "sources",
        dist_dir=tmp_path / "dist",
        reasoner="rules",
        build_workers=1,
    )
    result = build(settings)
    assert len(result.plans) == 3 and (tmp_path / "dist" / "build.json").is_file()
