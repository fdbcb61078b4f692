"""The dist/ contract's file hashes (plain, and remembered for one build), and a pinned build."""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

import pytest

from kyodo_lod.dist import (
    MEDIA_TYPES,
    SHAPES,
    FileHashes,
    PinnedBuild,
    builds_dir,
    file_facts,
)


def test_file_facts_read_the_file(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"abc" * 1_000_000)
    assert file_facts(path) == (3_000_000, hashlib.sha256(b"abc" * 1_000_000).hexdigest())


def test_file_hashes_follow_a_changed_file(tmp_path: Path) -> None:
    hashes = FileHashes()
    path = tmp_path / "f.txt"
    path.write_bytes(b"abc")
    assert hashes.facts(path) == (3, hashlib.sha256(b"abc").hexdigest())
    stat = path.stat()
    path.write_bytes(b"xyz")  # same size; the clock may not have moved: set the mtime
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert hashes.facts(path) == (3, hashlib.sha256(b"xyz").hexdigest())
    path.write_bytes(b"abcd")
    assert hashes.facts(path) == (4, hashlib.sha256(b"abcd").hexdigest())


def test_file_hashes_are_kept_per_object(tmp_path: Path) -> None:
    # no state shared between builds (or between a build and the server)
    path = tmp_path / "f.txt"
    path.write_bytes(b"abc")
    first = FileHashes()
    first.facts(path)
    assert first._known and not FileHashes()._known


def test_the_shapes_are_served_as_turtle() -> None:
    assert MEDIA_TYPES[SHAPES] == "text/turtle"


def test_a_pinned_build_is_the_folder_dist_links_to(tmp_path: Path) -> None:
    build = tmp_path / ".dist.builds" / "0123456789abcdef"
    build.mkdir(parents=True)
    dist = tmp_path / "dist"
    os.symlink(os.path.relpath(build, tmp_path), dist)
    assert builds_dir(dist) == tmp_path / ".dist.builds"
    pinned = PinnedBuild(dist)
    try:
        assert pinned.folder == build
        # held: an exclusive lock (what publish takes before pruning a build) is refused
        probe = os.open(build, os.O_RDONLY | os.O_DIRECTORY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            pinned.release()
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released: now it can be
        finally:
            os.close(probe)
    finally:
        pinned.release()


def test_a_plain_or_missing_dist_is_pinned_as_it_is(tmp_path: Path) -> None:
    plain = tmp_path / "dist"
    plain.mkdir()
    assert PinnedBuild(plain).folder == plain  # a build written by hand or an older kyodo-lod
    missing = tmp_path / "nowhere"
    assert PinnedBuild(missing).folder == missing  # a remote store's server has no dist/
