"""Imports to kill or race: ``python -m tests.build.commit_loop FOLDER [--plans]`` stores the
pairs of ``PAIRS`` (with ``--plans``: ``plan_pairs()``, real plan CSVs) in turn as the import
``FOLDER/079995-2025.csv`` (+ .kpis.csv), for ever, printing "committing" once before the
first."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from kyodo_lod.build.import_commit import commit
from tests.locations import FIXTURES

# (projects, KPIs or None): made-up contents, not real data
PAIRS = [
    ("projects A\n" * 200, "kpis A\n" * 50),
    ("projects B\n" * 100, None),
    ("projects C\n" * 300, "kpis C\n" * 80),
]

# in the fixture plan (架空市, not real data): a project name and a KPI line each pair changes
PROJECT = "子ども食堂支援事業"
KPI = "〇子ども食堂の数　20か所"


def plan_pairs() -> list[tuple[str, str | None]]:
    """Three versions of the fixture plan, each telling by its project 1's name ("…-0", "…-1",
    "…-2") which KPI file belongs to it (the same suffix on the KPI line; "-1" has none)."""
    projects = (FIXTURES / "kaku-2025.csv").read_text(encoding="utf-8-sig")
    kpis = (FIXTURES / "kaku-2025.kpis.csv").read_text(encoding="utf-8-sig")
    assert PROJECT in projects and KPI in kpis
    return [
        (
            projects.replace(PROJECT, f"{PROJECT}-{n}"),
            None if n == 1 else kpis.replace(KPI, f"{KPI}-{n}"),
        )
        for n in range(3)
    ]


def targets(folder: Path) -> tuple[Path, Path]:
    return folder / "079995-2025.csv", folder / "079995-2025.kpis.csv"


if __name__ == "__main__":
    target, kpis = targets(Path(sys.argv[1]))
    pairs = plan_pairs() if "--plans" in sys.argv[2:] else PAIRS
    print("committing", flush=True)
    for projects, kpi_text in itertools.cycle(pairs):
        commit(target, kpis, projects, kpi_text)
