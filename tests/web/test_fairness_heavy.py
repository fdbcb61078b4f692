"""A runaway client is heavy while its first queries still run, on a server of its own: the
time a running query has used so far counts, so the worker kept for everyone else stays free
from the first seconds of abuse, not only once the runaways' first queries have ended."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import LiveServer, start_server, stop_server
from .test_fairness import LIGHT, RUNAWAY, ask

TIME_LIMIT_S = 6
HEAVY_S = 1  # past 1 s of query time in a minute a client is heavy
RUNAWAYS = ("127.0.0.11", "127.0.0.12")


@pytest.fixture(scope="module")
def server(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(
        dist,
        tmp_path_factory.mktemp("heavy"),
        KYODO_QUERY_TIMEOUT_S=str(TIME_LIMIT_S),
        KYODO_QUERY_WORKERS="3",  # heavy clients may share 2, one is kept for the others
        KYODO_QUERY_BUSY_WAIT_S="0.5",
        KYODO_CLIENT_MAX_QUERIES="2",
        KYODO_CLIENT_HEAVY_SECONDS_PER_MINUTE=str(HEAVY_S),
        KYODO_RESPONSE_CACHE_MB="0",
        KYODO_PAGE_STORE_MB="0",
    )
    yield live
    stop_server(live)


def test_a_light_query_is_answered_while_two_runaways_hold_workers_from_the_start(
    server: LiveServer,
) -> None:
    """Two runaway clients each start a query at once, then resend on a second connection
    without pause: until their first queries end (the time limit) they have finished nothing,
    yet their second queries must not take the last worker from a light client."""
    first: list[int] = []
    again: list[int] = []
    stop = threading.Event()

    def runaway(source: str) -> None:
        first.append(ask(server, RUNAWAY, source)[0])

    def resend(source: str) -> None:
        while not stop.is_set():
            again.append(ask(server, RUNAWAY, source)[0])
            time.sleep(0.05)

    holders = [threading.Thread(target=runaway, args=(s,)) for s in RUNAWAYS]
    for thread in holders:
        thread.start()
    started = time.monotonic()
    time.sleep(HEAVY_S + 0.5)  # each runaway has run past HEAVY_S: both clients are heavy
    loops = [threading.Thread(target=resend, args=(s,)) for s in RUNAWAYS]
    for thread in loops:
        thread.start()
    light: list[tuple[int, float]] = []
    try:
        time.sleep(0.3)  # the resends are at the door
        while time.monotonic() - started < TIME_LIMIT_S - 1.5:
            asked = time.monotonic()
            status, _, body = ask(server, LIGHT, "127.0.0.13")
            light.append((status, asked - started))
            assert status == 200, f"{status} at {asked - started:.1f} s: {body[:200]}"
            time.sleep(0.3)
        assert all(thread.is_alive() for thread in holders), "the runaways ended too soon"
    finally:
        stop.set()
        for thread in [*holders, *loops]:
            thread.join()
    print(f"light queries (status, seconds into the abuse): {light}; resent runaways: {again}")
    assert len(light) >= 3
    assert first == [503, 503]  # stopped at the time limit
    # while both first queries ran, every resend was refused: the heavy slots were theirs
    assert again and set(again) <= {503, 429}
