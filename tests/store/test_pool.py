"""The embedded store's worker pools on the real build: a timed-out worker is really gone and
replaced, a failed restart is logged and retried, and pages keep their own workers while
users' runaway queries hold all of theirs."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kyodo_lod.dist import TRIG
from kyodo_lod.store import AskResult, OxigraphStore, QueryTimeout, StoreBusy

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _within(seconds: float, condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_timed_out_worker_is_gone_and_the_pool_is_full_again(dist: Path, tmp_path: Path) -> None:
    store = OxigraphStore(dist, workers=1, page_workers=1, timeout_s=1.0, cache_dir=tmp_path)
    try:
        [before] = store.worker_pids("public")
        assert _alive(before)
        with pytest.raises(QueryTimeout, match="time limit"):
            store.query(RUNAWAY, lane="public")
        assert _within(3, lambda: not _alive(before)), f"worker {before} still exists"
        assert _within(5, lambda: len(store.worker_pids("public")) == 1)
        [after] = store.worker_pids("public")
        assert after != before and _alive(after)
        assert store.query("ASK { ?s ?p ?o }", lane="public") == AskResult(True)
        assert len(store.worker_pids("site")) == 1  # the other lane never noticed
    finally:
        store.close()


def test_a_failed_restart_is_logged_and_retried(
    dist: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The build's file disappears, so the replacement of a killed worker cannot open it: each
    failure is logged and the start retried until the file is back."""
    build = tmp_path / "dist"
    shutil.copytree(dist, build)
    store = OxigraphStore(
        build, workers=1, timeout_s=1.0, cache_dir=tmp_path, in_memory_max_triples=10**8
    )
    hidden = build / (TRIG + ".away")
    try:
        assert store.path is None  # held in memory: each new worker reads the TriG again
        (build / TRIG).rename(hidden)
        with caplog.at_level(logging.INFO, logger="kyodo_lod.store"):
            with pytest.raises(QueryTimeout):
                store.query(RUNAWAY, lane="public")

            def failures() -> list[str]:
                return [
                    r.getMessage()
                    for r in caplog.records
                    if r.levelno == logging.ERROR and "could not be restarted" in r.getMessage()
                ]

            assert _within(10, lambda: len(failures()) >= 2), failures()
            assert TRIG in failures()[0] and "attempt 1" in failures()[0]
            assert store.worker_pids("public") == []
            with pytest.raises(StoreBusy):  # nothing to answer with meanwhile: said at once
                store.query("ASK { ?s ?p ?o }", lane="public")
            hidden.rename(build / TRIG)
            assert _within(15, lambda: len(store.worker_pids("public")) == 1)
            assert any("restarted after" in r.getMessage() for r in caplog.records)
        assert store.query("ASK { ?s ?p ?o }", lane="public") == AskResult(True)
    finally:
        if hidden.exists():
            hidden.rename(build / TRIG)
        store.close()


def test_pages_keep_their_workers_while_runaways_hold_all_public_ones(
    dist: Path, tmp_path: Path
) -> None:
    store = OxigraphStore(
        dist, workers=2, page_workers=1, timeout_s=6.0, busy_wait_s=0.3, cache_dir=tmp_path
    )
    outcomes: list[str] = []

    def runaway() -> None:
        try:
            store.query(RUNAWAY, lane="public")
            outcomes.append("answered")
        except QueryTimeout:
            outcomes.append("stopped")

    threads = [threading.Thread(target=runaway) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(0.5)  # both runaways are on the public workers
        assert store.query("ASK { ?s ?p ?o }") == AskResult(True)  # the site lane
        assert all(thread.is_alive() for thread in threads), "answered only after the runaways"
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="busy"):
            store.query("ASK { ?s ?p ?o }", lane="public")
        # a bounded wait, not the runaways' 6 s
        assert time.monotonic() - started < 3
        assert all(thread.is_alive() for thread in threads)
    finally:
        for thread in threads:
            thread.join()
        store.close()
    assert outcomes == ["stopped", "stopped"]
