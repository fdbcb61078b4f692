"""`kyodo-lod prerender`: the build's pages made into its page store before it is served, with
several makers at once sharing the work page by page (web/prerender.py, PageStore.claim)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from subprocess import PIPE

import pytest

from kyodo_lod.web.page_store import PageStore, page_key

from .conftest import start_server, stop_server
from .test_page_store import COLD, FRESH, PROJECT, kept_keys, page_files, wait_for_prerender

SUMMARY = re.compile(r"pages: ([\d,]+) of ([\d,]+) \(([\d,]+) made, ([\d,]+) kept already")


def prerender(
    dist: Path, cache_dir: Path, *flags: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kyodo_lod.cli", "prerender", *flags],
        env={
            **os.environ,
            "KYODO_DIST_DIR": str(dist),
            "KYODO_STORE_CACHE_DIR": str(cache_dir),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=600,
    )


def summary(output: str) -> tuple[int, int, int, int]:
    """(done, total, made, kept already) from the command's last line."""
    found = SUMMARY.search(output.strip().splitlines()[-1])
    assert found, output
    done, total, made, elsewhere = (int(g.replace(",", "")) for g in found.groups())
    return done, total, made, elsewhere


def test_the_command_makes_every_page_a_server_then_serves(dist: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "stores"
    run = prerender(dist, cache_dir, "--jobs", "2")
    assert run.returncode == 0, run.stderr
    done, total, made, elsewhere = summary(run.stdout)
    assert done == total == made > 1000 and elsewhere == 0  # Koriyama: 542 resources, ja + en
    (database,) = page_files(cache_dir)
    assert len(kept_keys(database)) == total

    again = prerender(dist, cache_dir, "--jobs", "2")  # nothing left to make
    assert again.returncode == 0 and summary(again.stdout)[2:] == (0, total)

    server = start_server(dist, tmp_path, KYODO_PAGE_STORE_PRERENDER="1", **COLD)
    try:
        assert "pages pre-rendered: 0 made" in wait_for_prerender(server)
        kept = server.get(PROJECT, headers={"Accept": "text/html"})
    finally:
        stop_server(server)
    (tmp_path / "fresh").mkdir()
    fresh = start_server(dist, tmp_path / "fresh", **FRESH)
    try:
        assert kept.content == fresh.get(PROJECT, headers={"Accept": "text/html"}).content
    finally:
        stop_server(fresh)


def test_makers_at_once_never_make_a_page_twice(dist: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "stores"
    env = {
        **os.environ,
        "KYODO_DIST_DIR": str(dist),
        "KYODO_STORE_CACHE_DIR": str(cache_dir),
    }
    command = [sys.executable, "-m", "kyodo_lod.cli", "prerender", "--jobs", "1"]
    makers = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [maker.communicate(timeout=600) for maker in makers]
    assert [maker.returncode for maker in makers] == [0, 0], outputs
    (first, total, made_first, _), (_, _, made_second, _) = (summary(out) for out, _ in outputs)
    # both worked (they overlapped), and between them each page was made once
    assert made_first > 0 and made_second > 0
    assert made_first + made_second == total == first


def test_a_claim_is_given_once_until_it_lapses(tmp_path: Path) -> None:
    one = PageStore(tmp_path / "pages.sqlite", max_bytes=10_000)
    other = PageStore(tmp_path / "pages.sqlite", max_bytes=10_000)  # (another process's view)
    key = page_key("/doc/x", "html", "ja")
    assert one.claim(key) and not other.claim(key) and not one.claim(key)
    one.release(key)  # could not be made: free for the next maker
    assert other.claim(key, hold_s=-1)  # a claim that lapsed at once (its maker died)
    assert one.claim(key)
    assert one.put(key, (b"<p>made</p>", False))
    assert not other.claim(key)  # kept: nobody makes it again
    assert other.get(key) == (b"<p>made</p>", False)
    one.close()
    other.close()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KYODO_PAGE_STORE_MB": "0"}, "KYODO_PAGE_STORE_MB=0: the page store is off"),
        ({"KYODO_PAGE_STORE_MB": "1"}, "the page store is full (KYODO_PAGE_STORE_MB=1)"),
    ],
)
def test_what_cannot_be_done_is_said(
    dist: Path, tmp_path: Path, env: dict[str, str], message: str
) -> None:
    run = prerender(dist, tmp_path / "stores", "--jobs", "2", **env)
    assert run.returncode == 1 and message in run.stderr, run.stderr
    if "full" in message:
        assert re.search(
            r"[\d,]+ of [\d,]+ pages kept; about \d+ MB would hold them all", run.stderr
        )


def test_no_build_is_said(tmp_path: Path) -> None:
    run = prerender(tmp_path / "dist", tmp_path / "stores")
    assert run.returncode == 1
    assert f"no build in {tmp_path / 'dist'}: run `kyodo-lod build` first" in run.stderr


def test_ctrl_c_keeps_what_was_made_and_the_next_run_makes_the_rest(
    dist: Path, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "stores"
    env = {**os.environ, "KYODO_DIST_DIR": str(dist), "KYODO_STORE_CACHE_DIR": str(cache_dir)}
    command = [sys.executable, "-m", "kyodo_lod.cli", "prerender", "--jobs", "1"]
    # its own process group, which a terminal's Ctrl-C reaches whole (its workers too)
    maker = subprocess.Popen(
        command, env=env, stdout=PIPE, stderr=PIPE, text=True, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and maker.poll() is None:
            files = page_files(cache_dir)
            with contextlib.suppress(sqlite3.OperationalError):  # (no table yet)
                if files and len(kept_keys(files[0])) >= 50:
                    break
            time.sleep(0.05)
        os.killpg(maker.pid, signal.SIGINT)
        out, err = maker.communicate(timeout=120)
    finally:
        if maker.poll() is None:
            os.killpg(maker.pid, signal.SIGKILL)
    assert maker.returncode == 130, (out, err)
    assert "Traceback" not in err, err
    assert "interrupted: a server of the build, or the next run, makes the rest" in err
    interrupted_at = summary(out)[0]
    (database,) = page_files(cache_dir)
    kept = len(kept_keys(database))
    rest = prerender(dist, cache_dir, "--jobs", "2")
    assert rest.returncode == 0, rest.stderr
    _, total, made, elsewhere = summary(rest.stdout)
    with sqlite3.connect(database) as db:
        claims = db.execute("SELECT key FROM making").fetchall()
    assert 50 <= kept < total and (made, elsewhere) == (total - kept, kept), (claims, rest.stderr)
    assert interrupted_at == kept  # (what it said it made)
