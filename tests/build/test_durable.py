"""What is switched in is on the disk first: a build's files and folder, and an import's pair,
are fsynced before the one rename that makes them current, and the folder holding that name
after it.

A power cut cannot be made here (it would take a VM or a dm-flakey device), so these tests do
not show that data survives one. They watch what the real build and import processes ask of
the kernel, with strace: which files and folders are fsynced, and in what order against the
renames that switch. Nothing of ours is replaced."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.locations import ROOT
from tests.tools import STRACE, needs

from .commit_loop import PAIRS, targets

pytestmark = needs(STRACE)
_CALL = re.compile(r"^\d+\s+(?P<call>\w+)\((?P<args>.*)\)\s+=\s+0$")
_FD_PATH = re.compile(r"^\d+<(?P<path>.*)>$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Call:
    kind: str  # "fsync" or "rename"
    paths: tuple[str, ...]  # fsync: the file or folder; rename: from, to


def traced(code: str, cwd: Path) -> list[Call]:
    """The successful fsyncs and renames of ``python -c code`` and its children, in order."""
    log = cwd / "strace.log"
    command = ["strace", "-f", "-qq", "-y", "-s", "4096", "-o", str(log)]
    command += ["-e", "trace=fsync,fdatasync,rename,renameat,renameat2"]
    subprocess.run([*command, sys.executable, "-c", code], cwd=ROOT, check=True)
    calls = []
    for line in log.read_text(encoding="utf-8").splitlines():
        match = _CALL.match(line)
        if match is None:
            continue
        if match["call"] in ("fsync", "fdatasync"):
            fd = _FD_PATH.match(match["args"])
            assert fd is not None, line
            calls.append(Call("fsync", (fd["path"],)))
        else:
            names = _QUOTED.findall(match["args"])
            calls.append(Call("rename", tuple(os.path.normpath(cwd / n) for n in names)))
    return calls


def synced_before(calls: list[Call], index: int) -> set[str]:
    return {call.paths[0] for call in calls[:index] if call.kind == "fsync"}


def rename_to(calls: list[Call], target: Path) -> int:
    (index,) = [i for i, c in enumerate(calls) if c.kind == "rename" and c.paths[1] == str(target)]
    return index


def test_a_build_is_on_disk_before_dist_is_switched_to_it(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    code = (
        "from pathlib import Path; from tests.build.publish.killable import run; "
        f"print(run(Path({str(dist)!r}), 300, 'a', parallel_from=0).build_dir)"
    )
    calls = traced(code, tmp_path)
    build = dist.resolve()
    (staging,) = {c.paths[0] for c in calls if c.kind == "rename" and c.paths[1] == str(build)}
    named = rename_to(calls, build)
    files = {f"{staging}/{p.name}" for p in build.iterdir()}
    assert files and files | {staging} <= synced_before(calls, named), "unsynced before naming"
    switched = rename_to(calls, dist)
    assert str(build.parent) in synced_before(calls, switched)  # the build's name, durable
    assert str(dist.parent) in synced_before(calls, len(calls)) - synced_before(calls, switched)


def test_an_import_is_on_disk_before_it_is_switched_in(tmp_path: Path) -> None:
    target, kpis = targets(tmp_path)
    code = (
        "from pathlib import Path; from kyodo_lod.build.import_commit import commit; "
        f"commit(Path({str(target)!r}), Path({str(kpis)!r}), {PAIRS[0][0]!r}, {PAIRS[0][1]!r})"
    )
    calls = traced(code, tmp_path)
    version = (tmp_path / f".{target.stem}.current").resolve()
    (staging,) = {c.paths[0] for c in calls if c.kind == "rename" and c.paths[1] == str(version)}
    named = rename_to(calls, version)
    assert {f"{staging}/projects.csv", f"{staging}/kpis.csv", staging} <= synced_before(
        calls, named
    )
    switched = rename_to(calls, tmp_path / f".{target.stem}.current")
    assert str(version.parent) in synced_before(calls, switched)
    last_link = rename_to(calls, target)
    assert str(tmp_path) in synced_before(calls, len(calls)) - synced_before(calls, last_link)
