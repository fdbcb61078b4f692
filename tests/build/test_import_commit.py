"""An import's projects and KPIs switch together: killed at any moment (SIGKILL after random
delays, amid imports in a loop), the files read are the old pair or the new one, never half."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from kyodo_lod.build import sources
from kyodo_lod.build.import_commit import commit
from tests.locations import ROOT

from .commit_loop import KPI, PAIRS, PROJECT, plan_pairs, targets


def read_pair(folder: Path) -> tuple[str, str | None]:
    """What a build reads: the projects file and, if there is one, its KPI companion."""
    target, kpis = targets(folder)
    assert sources.kpis_path(target) == kpis
    projects = target.read_text(encoding="utf-8")
    return projects, kpis.read_text(encoding="utf-8") if kpis.exists() else None


def test_the_pair_switches_together_and_old_versions_go(tmp_path: Path) -> None:
    target, kpis = targets(tmp_path)
    for projects, kpi_text in PAIRS:
        commit(target, kpis, projects, kpi_text)
        assert read_pair(tmp_path) == (projects, kpi_text)
    versions = tmp_path / f".{target.stem}.versions"
    assert len(list(versions.iterdir())) == 2  # the current and the previous
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        target.name,
        kpis.name,
    ]


def test_an_older_import_of_plain_files_is_taken_over(tmp_path: Path) -> None:
    target, kpis = targets(tmp_path)
    target.write_text("old projects\n", encoding="utf-8")
    kpis.write_text("old kpis\n", encoding="utf-8")
    commit(target, kpis, *PAIRS[1])
    assert read_pair(tmp_path) == PAIRS[1]
    assert target.is_symlink() and kpis.is_symlink()


def test_an_import_killed_at_any_moment_leaves_one_whole_pair(tmp_path: Path) -> None:
    target, kpis = targets(tmp_path)
    target.write_text("old projects\n", encoding="utf-8")  # as an older kyodo-lod stored it
    kpis.write_text("old kpis\n", encoding="utf-8")
    whole = {*PAIRS, ("old projects\n", "old kpis\n")}
    rng = random.Random(7)
    seen: list[int] = []
    for _ in range(12):
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.build.commit_loop", str(tmp_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        assert process.stdout is not None and process.stdout.readline() == "committing\n"
        time.sleep(rng.uniform(0, 0.3))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()
        pair = read_pair(tmp_path)
        assert pair in whole, pair
        seen.append(PAIRS.index(pair) if pair in PAIRS else -1)
    print(f"pairs read after 12 kills (-1: the plain files from before): {seen}")
    assert len(set(seen)) >= 2  # the kills landed at different points of the loop
    commit(target, kpis, *PAIRS[0])  # and the next import goes through, cleaning up
    assert read_pair(tmp_path) == PAIRS[0]
    hidden = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert hidden == [f".{target.stem}.current", f".{target.stem}.versions"]
    versions = tmp_path / f".{target.stem}.versions"
    assert all(not p.name.startswith(".") for p in versions.iterdir())


def test_a_build_reading_while_imports_switch_reads_one_whole_pair(tmp_path: Path) -> None:
    """A real import loop races a real reader (``sources.read``, as a build reads a plan):
    every plan read has the KPIs of its own version, or none when its version has none."""
    imported = tmp_path / sources.IMPORTED_DIR
    imported.mkdir()
    target, kpis = targets(imported)
    commit(target, kpis, *plan_pairs()[0])
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.build.commit_loop", str(imported), "--plans"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    seen: dict[str, int] = {}
    try:
        assert process.stdout is not None and process.stdout.readline() == "committing\n"
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            plan = sources.read(target)
            (first,) = [p for p in plan.projects if p.number == 1]
            version = first.name.removeprefix(f"{PROJECT}-")
            texts = [k.text for p in plan.projects for k in p.kpis if k.text.startswith(KPI)]
            kpi_version = texts[0].removeprefix(f"{KPI}-") if texts else "none"
            pair = f"projects {version}, KPIs {kpi_version}"
            seen[pair] = seen.get(pair, 0) + 1
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
    print(f"pairs read while imports switched: {seen}")
    assert set(seen) <= {"projects 0, KPIs 0", "projects 1, KPIs none", "projects 2, KPIs 2"}
    assert len(seen) >= 2  # the reads did land on different imports
