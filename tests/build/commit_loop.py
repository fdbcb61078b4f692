"""Imports to kill: ``python -m tests.build.commit_loop FOLDER`` stores the pairs of ``PAIRS`` in
turn as the import ``FOLDER/079995-2025.csv`` (+ .kpis.csv), for ever, printing "committing"
once before the first."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from kyodo_lod.build.import_commit import commit

# (projects, KPIs or None): made-up contents, not real data
PAIRS = [
    ("projects A\n" * 200, "kpis A\n" * 50),
    ("projects B\n" * 100, None),
    ("projects C\n" * 300, "kpis C\n" * 80),
]


def targets(folder: Path) -> tuple[Path, Path]:
    return folder / "079995-2025.csv", folder / "079995-2025.kpis.csv"


if __name__ == "__main__":
    target, kpis = targets(Path(sys.argv[1]))
    print("committing", flush=True)
    for projects, kpi_text in itertools.cycle(PAIRS):
        commit(target, kpis, projects, kpi_text)
