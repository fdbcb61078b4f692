"""A running server serves one build, whole, while new builds are switched in under it: it
pins the build dist/ names (publish does not prune it), and, following dist/, switches to a new
build between requests once it has opened it."""

from __future__ import annotations

import hashlib
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from kyodo_lod.config import Settings
from kyodo_lod.dist import BUILD_JSON, MEDIA_TYPES, NTRIPLES, TRIG
from kyodo_lod.serve import OpenApp, serve_in_worker
from tests.build.publish.killable import run
from tests.locations import ROOT
from tests.processes import stop
from tests.web.conftest import _free_port


def served_content_hash(base: str) -> str | None:
    """The content hash of what the server serves, recomputed from every dump it serves, after
    checking it is the one its build.json states; None when build.json changed meanwhile (the
    server switched builds between these requests: each request is one build, a series of them
    may span a switch)."""
    info = requests.get(f"{base}/dumps/{BUILD_JSON}", timeout=10).json()
    digest = hashlib.sha256()
    for name in sorted(n for n in info["files"] if n != BUILD_JSON):
        assert name in MEDIA_TYPES
        body = requests.get(f"{base}/dumps/{name}", timeout=10).content
        digest.update(f"{name}\0{len(body)}\0{hashlib.sha256(body).hexdigest()}\n".encode())
    after = requests.get(f"{base}/dumps/{BUILD_JSON}", timeout=10).json()["content_hash"]
    if after != info["content_hash"]:
        return None
    assert digest.hexdigest() == info["content_hash"], "files of two builds"
    return info["content_hash"]


def start(
    dist: Path, tmp_path: Path, follow_s: float, log: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "KYODO_DIST_DIR": str(dist),
        "KYODO_STORE_CACHE_DIR": str(tmp_path / "stores"),
        "KYODO_FOLLOW_DIST_S": str(follow_s),
        "KYODO_QUERY_TIMEOUT_S": "2",  # and so a replaced build is closed 7 s later
        "TMPDIR": str(tmp_path),  # where nothing of it must be left
    }
    with open(log or os.devnull, "wb") as stderr:  # the child keeps its own copy
        process = subprocess.Popen(
            [sys.executable, "-m", "kyodo_lod.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, "kyodo-lod serve exited"
        try:
            requests.get(f"{base}/dumps/{BUILD_JSON}", timeout=2).raise_for_status()
            return process, base
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "kyodo-lod serve did not come up"
            time.sleep(0.3)


def triples_in_store(base: str) -> int:
    count = requests.get(
        f"{base}/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    ).json()["results"]["bindings"][0]["n"]["value"]
    return int(count)


class Reader:
    """Reads the whole served build again and again in a thread, each time checking it is one
    build; what it saw, in order."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.seen: list[str | None] = []
        self.error: Exception | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read)

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                self.seen.append(served_content_hash(self.base))
            except Exception as error:  # reported by __exit__
                self.error = error
                return

    def __enter__(self) -> Reader:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self.error is not None:
            raise self.error


def test_a_server_not_following_serves_the_build_it_started_with(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    first = run(dist, 300, "served", parallel_from=10**9)
    process, base = start(dist, tmp_path, follow_s=0)
    try:
        with Reader(base) as reader:
            newer = [run(dist, 300, str(i), parallel_from=10**9) for i in range(3)]
        assert os.path.realpath(dist) == str(newer[-1].build_dir)
        assert reader.seen and set(reader.seen) == {first.content_hash}
        assert first.build_dir is not None and first.build_dir.is_dir()  # held: not pruned
        assert triples_in_store(base) == 300  # the store holds the same build as the dumps
    finally:
        stop(process, timeout_s=20)
    run(dist, 300, "after", parallel_from=10**9)  # the server gone, its build is pruned
    assert not first.build_dir.exists()


def test_a_following_server_switches_to_the_new_build_whole(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    first = run(dist, 300, "first", parallel_from=10**9)
    process, base = start(dist, tmp_path, follow_s=0.3)
    try:
        with Reader(base) as reader:
            time.sleep(0.5)
            gzipped = requests.get(f"{base}/dumps/{NTRIPLES}", timeout=10)
            assert gzipped.headers["Content-Encoding"] == "gzip"
            # the gzip copies of the first build: in the store cache, in its build's folder
            first_copies = tmp_path / "stores" / f"gzip-{first.content_hash[:24]}"
            assert list(first_copies.glob("*.gz"))
            new = run(dist, 500, "new", parallel_from=10**9)
            deadline = time.monotonic() + 60
            while not reader.seen or reader.seen[-1] != new.content_hash:
                assert reader.error is None, reader.error
                assert time.monotonic() < deadline, "the server did not switch to the new build"
                time.sleep(0.2)
        assert reader.seen[0] == first.content_hash
        assert reader.seen.count(None) <= 1  # the one series of requests spanning the switch
        whole = [content for content in reader.seen if content is not None]
        switched = whole.index(new.content_hash)
        assert set(whole[:switched]) == {first.content_hash}
        assert set(whole[switched:]) == {new.content_hash}  # never back, never a mix
        assert triples_in_store(base) == 500
        # the replaced build is closed once its requests are done: then it can be pruned
        deadline = time.monotonic() + 30
        while first.build_dir is not None and first.build_dir.exists():
            assert time.monotonic() < deadline, "the replaced build was never released"
            run(dist, 500, f"later-{time.monotonic()}", parallel_from=10**9)
            time.sleep(1)
        # its gzip copies stay, for a restart or another server of it, until unused for a
        # week (as cached stores do: tests/web/test_dumps_gzip.py); none in the temporary folder
        assert list(first_copies.glob("*.gz"))
        assert not list(tmp_path.glob("kyodo-gz-*"))
    finally:
        stop(process, timeout_s=20)


def processes_marked(marker: str) -> list[int]:
    """The processes whose environment holds ``marker``: a server and all it started (its web
    process, query and page workers, their forkserver), wherever they were reparented."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def wait_until_none_marked(marker: str, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while left := processes_marked(marker):
        assert time.monotonic() < deadline, f"processes left after the server: {left}"
        time.sleep(0.2)


def test_sigterm_stops_the_server_and_every_process_it_started(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(dist, 300, "stopped", parallel_from=10**9)
    marker = f"KYODO_TEST_MARK_{os.getpid()}_{time.monotonic_ns()}"
    os.environ[marker] = "1"  # inherited by the server and all it starts
    try:
        process, base = start(dist, tmp_path, follow_s=0, log=tmp_path / "server.log")
    finally:
        del os.environ[marker]
    try:
        assert triples_in_store(base) == 300  # its query workers are up
        requests.get(f"{base}/", timeout=10).raise_for_status()  # and its page workers
        assert len(processes_marked(marker)) >= 4  # server, web process, workers
        process.terminate()
        assert process.wait(timeout=30) == 0
        wait_until_none_marked(marker)
        # closed, not merely gone: its workers were stopped by the store, not orphaned
        log = (tmp_path / "server.log").read_text(encoding="utf-8")
        assert "stopped serving" in log and "its store is closed" in log, log
    finally:
        stop(process, timeout_s=20)


def test_ctrl_c_stops_the_server_quietly(tmp_path: Path) -> None:
    # a terminal's Ctrl-C is SIGINT to its foreground process group: the server's
    dist = tmp_path / "dist"
    run(dist, 300, "interrupted", parallel_from=10**9)
    marker = f"KYODO_TEST_MARK_{os.getpid()}_{time.monotonic_ns()}"
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        marker: "1",
        "KYODO_DIST_DIR": str(dist),
        "KYODO_STORE_CACHE_DIR": str(tmp_path / "stores"),
    }
    port = _free_port()
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "server.py", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group, as a terminal gives it
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text(encoding="utf-8")
            try:
                assert triples_in_store(base) == 300
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.3)
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=30) == 0
        wait_until_none_marked(marker)
        text = log.read_text(encoding="utf-8")
        assert "its store is closed" in text and "Traceback" not in text, text
    finally:
        stop(process, timeout_s=20)


def test_a_server_killed_leaves_no_web_process_serving(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(dist, 300, "killed", parallel_from=10**9)
    marker = f"KYODO_TEST_MARK_{os.getpid()}_{time.monotonic_ns()}"
    os.environ[marker] = "1"
    try:
        process, base = start(dist, tmp_path, follow_s=0, log=tmp_path / "server.log")
    finally:
        del os.environ[marker]
    try:
        assert triples_in_store(base) == 300
        process.kill()  # SIGKILL: the server cannot stop its web process itself
        process.wait(timeout=10)
        wait_until_none_marked(marker, timeout_s=30)
        log = (tmp_path / "server.log").read_text(encoding="utf-8")
        assert "its store is closed" in log, log  # the web process stopped cleanly
    finally:
        stop(process, timeout_s=20)


def test_a_build_that_cannot_be_opened_ends_the_server_with_its_error(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / TRIG).write_text("this is not TriG <<\n", encoding="utf-8")
    marker = f"KYODO_TEST_MARK_{os.getpid()}_{time.monotonic_ns()}"
    env = {
        **os.environ,
        marker: "1",
        "KYODO_DIST_DIR": str(dist),
        "KYODO_STORE_CACHE_DIR": str(tmp_path / "stores"),
    }
    port = str(_free_port())
    result = subprocess.run(
        [sys.executable, "server.py", "--port", port],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"error: could not write the query store from {dist / TRIG}" in result.stderr
    assert "Traceback" not in result.stderr
    wait_until_none_marked(marker)


def test_what_the_web_process_is_started_with_survives_pickling(tmp_path: Path) -> None:
    # where multiprocessing spawns (macOS, Windows, Python 3.14's Linux default), granian's
    # worker gets its target and loader pickled: both must be module-level or plain data
    settings = Settings.from_env({"KYODO_DIST_DIR": str(tmp_path / "dist")})
    loader = pickle.loads(pickle.dumps(OpenApp(settings, "127.0.0.1", 8000, 2)))
    assert (loader.settings, loader.host, loader.port, loader.workers) == (
        settings,
        "127.0.0.1",
        8000,
        2,
    )
    assert loader.app is None
    assert pickle.loads(pickle.dumps(serve_in_worker)) is serve_in_worker


def test_small_bodies_reach_granian_whole_and_large_ones_stream() -> None:
    from flask import Flask, Response
    from werkzeug.test import EnvironBuilder

    from kyodo_lod.serve import WHOLE_BODY_BYTES, whole_bodies

    app = Flask("bodies")
    closed: list[str] = []

    @app.get("/small")
    def small() -> Response:
        response = Response(b"x" * 1000, content_type="text/plain")
        response.call_on_close(lambda: closed.append("small"))
        return response

    @app.get("/large")
    def large() -> Response:
        return Response(b"y" * (WHOLE_BODY_BYTES + 1), content_type="text/plain")

    wrapped = whole_bodies(app.wsgi_app)
    calls: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None):
        calls.append((status, headers))

    environ = EnvironBuilder(path="/small").get_environ()
    body = wrapped(environ, start_response)
    assert body == [b"x" * 1000] and closed == ["small"]  # one item, and closed as werkzeug would
    large_environ = {**environ, "PATH_INFO": "/large"}
    streamed = wrapped(large_environ, start_response)
    assert not isinstance(streamed, list)
    assert b"".join(streamed) == b"y" * (WHOLE_BODY_BYTES + 1)
    head = wrapped({**environ, "REQUEST_METHOD": "HEAD"}, start_response)
    assert head == [b""] and dict(calls[-1][1])["Content-Length"] == "1000"


def _cpus(pid: int) -> dict[int, set[int]]:
    """Each thread of ``pid`` and the CPUs it may run on."""
    return {
        int(task): os.sched_getaffinity(int(task))
        for task in os.listdir(f"/proc/{pid}/task")
        if Path(f"/proc/{pid}/task/{task}").exists()
    }


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as children:
            found += [int(c) for c in children.read().split()]
    return found


def test_the_web_process_keeps_to_one_cpu_and_its_workers_to_all(
    dist: Path, tmp_path: Path
) -> None:
    from tests.web.conftest import start_server, stop_server

    every = os.sched_getaffinity(0)
    assert len(every) >= 2, "this test needs a machine with 2 CPUs or more"
    for one_cpu in ("1", "0"):
        (tmp_path / one_cpu).mkdir()
        server = start_server(dist, tmp_path / one_cpu, KYODO_WEB_PROCESS_ONE_CPU=one_cpu)
        try:
            (web,) = _children(server.process.pid)  # granian's worker: the web process
            threads = _cpus(web)
            cpus = set().union(*threads.values())
            if one_cpu == "1":
                assert len(cpus) == 1 and all(len(c) == 1 for c in threads.values()), threads
            else:
                assert cpus == every
            workers = [p for child in _children(web) for p in [child, *_children(child)]]
            assert workers and all(os.sched_getaffinity(p) == every for p in workers)
        finally:
            stop_server(server)
