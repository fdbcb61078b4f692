"""Crash-safe publish: dist/ is a symlink switched by one rename, so a reader always finds one
complete build; a writer that raises, a full disk (a real tmpfs) and SIGKILL at random moments
all leave the previous build served, and the next build cleans up after them."""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from kyodo_lod.build.publish import publish
from kyodo_lod.dist import PinnedBuild, builds_dir
from kyodo_lod.errors import PublishFailed
from kyodo_lod.rdf.iris import Iris
from tests.locations import ROOT
from tests.tools import TMPFS, require

from .killable import check_complete, generated, run

IRIS = Iris()


def served(dist: Path) -> Path:
    return Path(os.path.realpath(dist))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def leftovers(dist: Path) -> list[str]:
    """Hidden entries a build left (staging, trash, links), beside dist/ and among its builds."""
    names = [p.name for p in builds_dir(dist).iterdir() if p.name.startswith(".")]
    return names + [p.name for p in dist.parent.glob(f".{dist.name}.link-*")]


def test_dist_links_to_the_current_build_and_keeps_the_previous(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = [run(dist, 30, variant, parallel_from=10**9) for variant in "abc"]
    assert dist.is_symlink() and not os.path.isabs(os.readlink(dist))  # movable with its folder
    assert served(dist) == built[-1].build_dir
    assert check_complete(served(dist)) == built[-1].content_hash
    kept = sorted(p.name for p in builds_dir(dist).iterdir())
    assert kept == sorted(b.content_hash[:16] for b in built[1:])  # current and previous
    nt = "kyodo-lod.nt"
    assert (dist / nt).read_bytes() == (built[-1].build_dir / nt).read_bytes()
    assert oct(served(dist).stat().st_mode & 0o755) == oct(0o755)  # public, not mkdtemp's 0700


def test_the_same_content_again_reuses_its_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    first = run(dist, 30, "a", parallel_from=10**9)
    run(dist, 30, "b", parallel_from=10**9)
    again = run(dist, 30, "a", parallel_from=10**9)
    assert again.build_dir == first.build_dir == served(dist)
    assert len(list(builds_dir(dist).iterdir())) == 2
    check_complete(served(dist))


def test_a_plain_dist_folder_becomes_the_previous_build(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "kyodo-lod.trig").write_text("# written by an older kyodo-lod\n", encoding="utf-8")
    run(dist, 30, "a", parallel_from=10**9)
    assert dist.is_symlink()
    before = [p for p in builds_dir(dist).iterdir() if p.name.startswith("before-")]
    assert len(before) == 1 and (before[0] / "kyodo-lod.trig").is_file()


class RaisesMidway:
    """A writer that has written a file when it fails."""

    def read(self, union: object) -> None:
        return None

    def write(self, facts: None, staging: Path, hashes: object) -> list[Path]:
        (staging / "half.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("a writer failed mid-way")


def test_a_writer_that_raises_midway_leaves_the_previous_build(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(dist, 30, "old", parallel_from=10**9)
    old_folder, old_files = served(dist), snapshot(served(dist))
    graphs = generated(40, "new")
    with pytest.raises(RuntimeError, match="mid-way"):
        publish(dist, graphs, IRIS, Graph(), [], {}, writers=[RaisesMidway()])
    assert served(dist) == old_folder and snapshot(old_folder) == old_files
    assert leftovers(dist) == []
    run(dist, 40, "new", parallel_from=10**9)  # and the next build goes through
    check_complete(served(dist))


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs: a file system that really fills."""
    require(TMPFS)
    folder = tmp_path / "disk"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(disk: Path, leave_bytes: int) -> Path:
    """Fill ``disk`` but ``leave_bytes``."""
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    filler = disk / "filler"
    with filler.open("wb") as out:
        out.truncate(0)
        out.write(b"\0" * max(0, free - leave_bytes))
    return filler


@pytest.mark.parametrize("parallel_from", [10**9, 0], ids=["one-process", "three-processes"])
def test_a_full_disk_leaves_the_previous_build_and_says_so(
    small_disk: Path, parallel_from: int
) -> None:
    dist = small_disk / "dist"
    run(dist, 30, "old", parallel_from=parallel_from)
    old_folder, old_files = served(dist), snapshot(served(dist))
    filler = fill(small_disk, 64 << 10)  # the new build needs some 600 kB
    with pytest.raises(PublishFailed) as failed:
        run(dist, 3000, "new", parallel_from=parallel_from)
    message = str(failed.value)
    assert "\n" not in message
    assert message.startswith("no space left on device:")
    assert str(builds_dir(dist)) in message
    assert served(dist) == old_folder and snapshot(old_folder) == old_files
    assert leftovers(dist) == []
    filler.unlink()
    new = run(dist, 3000, "new", parallel_from=parallel_from)
    assert served(dist) == new.build_dir
    check_complete(new.build_dir)


def test_the_build_command_reports_a_full_disk_in_one_line(small_disk: Path) -> None:
    dist = small_disk / "dist"
    run(dist, 30, "old", parallel_from=10**9)
    old_folder, old_files = served(dist), snapshot(served(dist))
    fill(small_disk, 256 << 10)  # the real build is some 4 MB
    done = subprocess.run(
        [sys.executable, "-m", "kyodo_lod.cli", "build", "--dist", str(dist)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert errors == [
        f"error: no space left on device: the build could not be written into "
        f"{builds_dir(dist)} (for {dist}); the previous build is left as it was"
    ], done.stderr
    assert served(dist) == old_folder and snapshot(old_folder) == old_files


def test_stale_leftovers_are_removed_but_a_live_build_is_not(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(dist, 30, "a", parallel_from=10**9)
    builds = builds_dir(dist)
    dead = builds / ".staging-deadbeef"  # a killed build's: nobody holds it
    (dead / ".runs-x").mkdir(parents=True)
    (builds / ".trash-0123456789abcdef-1").mkdir()
    (tmp_path / ".dist-abcd1234").mkdir()  # publish before versioned builds left these
    (tmp_path / ".runs-abcd1234").mkdir()
    os.symlink("nowhere", tmp_path / ".dist.link-999999999")  # a dead process's
    live = builds / ".staging-livebild"
    live.mkdir()
    held = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(held, fcntl.LOCK_EX)  # as a build still running holds its staging folder
    try:
        run(dist, 30, "b", parallel_from=10**9)
        assert sorted(leftovers(dist)) == [".staging-livebild"]
        assert not (tmp_path / ".dist-abcd1234").exists()
        assert not (tmp_path / ".runs-abcd1234").exists()
    finally:
        os.close(held)
    run(dist, 30, "c", parallel_from=10**9)
    assert leftovers(dist) == []


def test_a_build_a_server_holds_is_not_pruned(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(dist, 30, "a", parallel_from=10**9)
    pinned = PinnedBuild(dist)
    try:
        for variant in "bcd":
            run(dist, 30, variant, parallel_from=10**9)
        assert pinned.folder.is_dir()
        check_complete(pinned.folder)
    finally:
        pinned.release()
    run(dist, 30, "e", parallel_from=10**9)
    assert not pinned.folder.exists()
    assert len(list(builds_dir(dist).iterdir())) == 2


def test_readers_see_one_complete_build_while_builds_switch(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(dist, 200, "0", parallel_from=10**9)
    stop = threading.Event()
    seen: dict[str, int] = {}
    failures: list[str] = []

    def read() -> None:
        while not stop.is_set():
            pinned = PinnedBuild(dist)
            try:
                content = check_complete(pinned.folder)
                seen[content] = seen.get(content, 0) + 1
            except (AssertionError, OSError) as error:  # pragma: no cover - the failure
                failures.append(repr(error))
            finally:
                pinned.release()

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        for variant in range(1, 7):
            run(dist, 200, str(variant), parallel_from=10**9)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert failures == []
    assert len(seen) >= 3 and sum(seen.values()) >= 20, seen


def publishing(command: list[str]) -> subprocess.Popen[str]:
    """The killable publish started in its own process group, once it says "publishing"."""
    process = subprocess.Popen(
        command, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline() == "publishing\n"
    return process


def test_a_build_killed_at_any_moment_leaves_the_previous_build(tmp_path: Path) -> None:
    """SIGKILL to the whole build (its processes too) after random delays spread over its
    publish: each time dist/ names one complete build, old or new; the next build succeeds."""
    dist = tmp_path / "dist"
    command = [sys.executable, "-m", "tests.build.publish.killable", str(dist), "6000"]
    first = publishing([*command, "first"])
    started = time.perf_counter()
    assert first.stdout is not None and first.stdout.readline() == "published\n"
    duration = time.perf_counter() - started
    assert first.wait(timeout=60) == 0
    first.stdout.close()
    old = check_complete(served(dist))
    rng = random.Random(12)
    outcomes: list[tuple[float, str]] = []
    for attempt in range(10):
        process = publishing([*command, f"killed-{attempt}"])
        delay = rng.uniform(0, duration * 1.2)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert process.stdout is not None
        process.stdout.close()
        now = check_complete(served(dist))
        outcomes.append((round(delay, 2), "old" if now == old else "new"))
        old = now
    print(f"publish {duration:.2f} s; kills (delay s, build served after): {outcomes}")
    assert any(kind == "old" for _, kind in outcomes)
    finished = run(dist, 6000, "after")
    assert served(dist) == finished.build_dir
    check_complete(finished.build_dir)
    assert leftovers(dist) == []
    assert len(list(builds_dir(dist).iterdir())) <= 2


def build_until_publish(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """``kyodo-lod build`` started in its own process group, once it has validated (what it
    does next is publish)."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("validate"):
            return process
    raise AssertionError(f"the build ended before publishing ({process.wait()})")


def test_the_build_command_killed_in_publish_leaves_the_previous_build(tmp_path: Path) -> None:
    """``kyodo-lod build`` itself (and its processes) killed at random moments of its publish:
    the previous build stays served, whole, and the next build succeeds."""
    dist = tmp_path / "dist"
    command = [sys.executable, "-m", "kyodo_lod.cli", "build", "--dist", str(dist)]
    # the fast reasoner (same bytes); output unbuffered, to see when publish starts
    env = {**os.environ, "KYODO_REASONER": "rules", "PYTHONUNBUFFERED": "1"}
    first_build = build_until_publish(command, env)
    started = time.perf_counter()
    assert first_build.wait(timeout=600) == 0
    publish_s = time.perf_counter() - started
    assert first_build.stdout is not None
    first_build.stdout.close()
    first = check_complete(served(dist))
    rng = random.Random(3)
    outcomes: list[tuple[float, str]] = []
    for _ in range(5):
        process = build_until_publish(command, env)
        delay = rng.uniform(0, publish_s)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert process.stdout is not None
        process.stdout.close()
        # the same sources give the same bytes: a finished build is the same folder
        assert check_complete(served(dist)) == first
        outcomes.append((round(delay, 2), "killed" if process.returncode < 0 else "finished"))
    print(f"publish {publish_s:.2f} s; kills (delay s, what the kill met): {outcomes}")
    assert any(kind == "killed" for _, kind in outcomes)
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    assert check_complete(served(dist)) == first
    assert leftovers(dist) == []
