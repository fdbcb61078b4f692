"""The on-disk store of a build: written once, shared by every worker and server on the same
build, rewritten for no one; a broken build a clear error; old stores forgotten."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from pathlib import Path

import pytest

from kyodo_lod.dist import TRIG
from kyodo_lod.store import AskResult, OxigraphStore, StoreError
from kyodo_lod.store.disk import READY_MARK, prepare_disk_store

KYODO = "https://kyodo-lod.example/def/kyodo#"


def test_the_build_is_written_once_to_disk_and_shared(dist: Path, tmp_path: Path) -> None:
    first = OxigraphStore(dist, workers=2, cache_dir=tmp_path)
    try:
        assert first.path is not None and first.path.parent == tmp_path
        stores = [p for p in tmp_path.iterdir() if p.name.startswith("store-")]
        assert stores == [first.path]  # one copy on disk, whatever the number of workers
        written = {
            p: p.stat().st_mtime_ns
            for p in first.path.rglob("*")
            if p.is_file() and p.name != READY_MARK  # the mark is touched on every use
        }
        second = OxigraphStore(dist, workers=1, cache_dir=tmp_path)
        try:
            # same build: the same folder, opened again, not rewritten
            assert second.path == first.path
            assert {p: p.stat().st_mtime_ns for p in written} == written
            ask = f"ASK {{ ?p a <{KYODO}Project> }}"
            assert first.query(ask) == second.query(ask) == AskResult(True)
            # three workers have it open, none for writing: RocksDB's write lock is free
            import pyoxigraph

            writer = pyoxigraph.Store(str(first.path))
            del writer
        finally:
            second.close()
    finally:
        first.close()


def test_stores_nobody_opened_for_a_week_are_forgotten(dist: Path, tmp_path: Path) -> None:
    week_ago = time.time() - 8 * 86400
    old, recent = tmp_path / "store-old", tmp_path / "store-recent"
    for folder in (old, recent):
        folder.mkdir()
        (folder / READY_MARK).write_text("x\n", encoding="utf-8")
    os.utime(old / READY_MARK, (week_ago, week_ago))
    written = prepare_disk_store(mp.get_context("forkserver"), dist, tmp_path, [])
    assert (written / READY_MARK).is_file()
    assert not old.exists() and recent.exists()
    # used again: the same store, its mark touched (what forgetting goes by)
    os.utime(written / READY_MARK, (week_ago, week_ago))
    again = prepare_disk_store(mp.get_context("forkserver"), dist, tmp_path, [])
    assert again == written and (written / READY_MARK).stat().st_mtime > week_ago


def test_a_broken_build_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "dist"
    broken.mkdir()
    (broken / TRIG).write_text("<urn:a> <urn:b> {{ not TriG\n", encoding="utf-8")
    cache = tmp_path / "stores"
    with pytest.raises(StoreError, match="could not write the query store"):
        prepare_disk_store(mp.get_context("forkserver"), broken, cache, [])
    assert list(cache.iterdir()) == []  # no half-written store left behind
