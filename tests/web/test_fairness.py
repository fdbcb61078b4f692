"""Fair sharing over HTTP, on a server of its own: pages answer while runaway queries hold every
query worker, a client past its share gets 429, a full endpoint 503 (both with Retry-After),
and X-Forwarded-For names the client only when a trusted proxy sends it.

Clients are told apart by their loopback source address (127.0.0.1, 127.0.0.3, ...); 127.0.0.2
plays the trusted reverse proxy."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from requests.structures import CaseInsensitiveDict

from kyodo_lod.store import StoreBusy
from kyodo_lod.web.fairness import (
    MAX_TRACKED_CLIENTS,
    OverLimit,
    QueryGate,
    client_address,
    parse_networks,
)

from .conftest import LiveServer, start_server, stop_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = "ASK { ?s ?p ?o }"
PROXY = "127.0.0.2"
TIME_LIMIT_S = 5
BUDGET_S = 8  # one client's query seconds a minute: two runaways spend it


@pytest.fixture(scope="module")
def fair(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(
        dist,
        tmp_path_factory.mktemp("fair"),
        KYODO_QUERY_TIMEOUT_S=str(TIME_LIMIT_S),
        KYODO_QUERY_WORKERS="2",
        KYODO_PAGE_WORKERS="1",
        KYODO_QUERY_BUSY_WAIT_S="0.5",
        KYODO_CLIENT_MAX_QUERIES="2",
        KYODO_CLIENT_QUERY_SECONDS_PER_MINUTE=str(BUDGET_S),
        KYODO_TRUSTED_PROXIES=PROXY,
        KYODO_RESPONSE_CACHE_MB="0",  # every page and answer really asks the store
        KYODO_PAGE_STORE_MB="0",
    )
    yield server
    stop_server(server)


def ask(
    server: LiveServer,
    query: str,
    source: str = "127.0.0.1",
    forwarded_for: str | None = None,
) -> tuple[int, Mapping[str, str], str]:
    """GET /sparql?query=... from the loopback address ``source``: status, headers, body."""
    return fetch(server, "/sparql?" + urlencode({"query": query}), source, forwarded_for)


def fetch(
    server: LiveServer, path: str, source: str = "127.0.0.1", forwarded_for: str | None = None
) -> tuple[int, Mapping[str, str], str]:
    url = urlsplit(server.url)
    conn = http.client.HTTPConnection(
        url.hostname, url.port, timeout=60, source_address=(source, 0)
    )
    headers = {"Accept": "application/sparql-results+json, text/html;q=0.1"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        # header names are case-insensitive (granian sends them in lower case)
        headers = CaseInsensitiveDict(response.getheaders())
        return response.status, headers, response.read().decode()
    finally:
        conn.close()


def _runaways(
    server: LiveServer, count: int, source: str, forwarded_for: str | None = None
) -> tuple[list[threading.Thread], list[int]]:
    statuses: list[int] = []

    def run() -> None:
        statuses.append(ask(server, RUNAWAY, source, forwarded_for)[0])

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # both have reached a query worker
    return threads, statuses


def test_pages_answer_while_runaways_hold_every_query_worker(
    fair: LiveServer, sample_project: dict[str, str]
) -> None:
    threads, statuses = _runaways(fair, 2, "127.0.0.1")
    try:
        # a project page, never asked before on this server: answered before the runaways end
        status, _, body = fetch(fair, sample_project["doc"], "127.0.0.4")
        assert status == 200 and sample_project["label"] in body
        assert all(thread.is_alive() for thread in threads), "the page waited for the runaways"
        # the same client, a third query at once: over its concurrency share
        status, headers, body = ask(fair, LIGHT, "127.0.0.1")
        assert status == 429 and "KYODO_CLIENT_MAX_QUERIES" in body
        assert int(headers["Retry-After"]) >= 1
        # another client finds every query worker busy: told so after a short wait
        started = time.monotonic()
        status, headers, body = ask(fair, LIGHT, "127.0.0.3")
        waited = time.monotonic() - started
        assert status == 503 and "busy" in body and int(headers["Retry-After"]) >= 1
        assert waited < TIME_LIMIT_S / 2, f"waited {waited:.1f} s, as if for a runaway"
        assert all(thread.is_alive() for thread in threads)
    finally:
        for thread in threads:
            thread.join()
    assert statuses == [503, 503]  # both stopped at the time limit


def test_a_client_past_its_query_time_gets_429_until_it_has_waited(fair: LiveServer) -> None:
    client = "198.51.100.20"  # behind the trusted proxy
    threads, statuses = _runaways(fair, 2, PROXY, client)
    for thread in threads:
        thread.join()
    assert statuses == [503, 503]  # 2 x 5 s spent, over the 8 s a minute
    status, headers, body = ask(fair, LIGHT, PROXY, client)
    assert status == 429 and "KYODO_CLIENT_QUERY_SECONDS_PER_MINUTE" in body
    # back once the first runaway's seconds are a minute old
    assert 1 <= int(headers["Retry-After"]) <= 60
    # X-Forwarded-For from the trusted proxy is believed: another client is served
    other = ask(fair, LIGHT, PROXY, "198.51.100.21")
    assert other[0] == 200, other
    # from any other connection it is not: 127.0.0.3 naming the spent client is still 127.0.0.3
    assert ask(fair, LIGHT, "127.0.0.3", client)[0] == 200
    # a chain: the proxy's own entry is skipped, the address before it is the client
    assert ask(fair, LIGHT, PROXY, f"{client}, {PROXY}")[0] == 429
    assert ask(fair, LIGHT, PROXY, f"{client}, 198.51.100.22")[0] == 200


# -- the rules themselves, without a server (a clock of our own makes a minute pass at once)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_is_a_sliding_minute_and_retry_after_says_when_it_frees() -> None:
    clock = Clock()
    gate = QueryGate(max_running=2, seconds_per_minute=10, clock=clock)
    for seconds in (4.0, 4.0, 4.0):  # three queries of 4 s, ending at 1004, 1008, 1012
        with gate.admit("a"):
            clock.now += seconds
    with pytest.raises(OverLimit) as refused:
        gate.admit("a").__enter__()
    # 12 s used; below 10 once the first query (ended at 1004) is a minute old: at 1064
    assert refused.value.retry_after_s == 1064 - 1012
    with gate.admit("b"):  # another client is untouched
        pass
    clock.now = 1064.5
    with gate.admit("a"):
        pass
    assert gate.spent_s("a") == pytest.approx(8.0)


def test_the_time_used_is_kept_exact_as_thousands_of_queries_come_and_go() -> None:
    # the gate keeps a running sum (a busy client has thousands of queries in its minute)
    clock = Clock()
    gate = QueryGate(max_running=2, seconds_per_minute=1000, clock=clock)
    took = [0.001 * (n % 7 + 1) for n in range(5000)]
    ends = []
    for seconds in took:
        clock.now += 0.02  # 50 queries a second: 100 s in all, the first 40 s expire
        with gate.admit("a"):
            clock.now += seconds
        ends.append(clock.now)
    in_window = sum(s for s, end in zip(took, ends, strict=True) if end > clock.now - 60)
    assert gate.spent_s("a") == pytest.approx(in_window)
    clock.now += 61
    assert gate.spent_s("a") == 0


def test_concurrent_queries_per_client() -> None:
    gate = QueryGate(max_running=1, seconds_per_minute=100, clock=Clock())
    with gate.admit("a"):
        with pytest.raises(OverLimit, match="at most 1 at once") as refused:
            gate.admit("a").__enter__()
        assert refused.value.retry_after_s == 1
        with gate.admit("b"):
            pass
    with gate.admit("a"):  # its query ended: it may ask again
        pass


def test_idle_clients_are_forgotten_when_many() -> None:
    clock = Clock()
    gate = QueryGate(max_running=1, seconds_per_minute=100, clock=clock)
    for n in range(MAX_TRACKED_CLIENTS):
        with gate.admit(f"10.0.{n // 256}.{n % 256}"):
            pass
    clock.now += 61
    with gate.admit("192.0.2.1"):
        pass
    assert len(gate._spent) == 1  # the memory bound is the point


@pytest.mark.parametrize(
    ("peer", "header", "client"),
    [
        ("192.0.2.9", ["203.0.113.1"], "192.0.2.9"),  # not a proxy: its header is ignored
        ("10.0.0.1", ["203.0.113.1"], "203.0.113.1"),
        ("10.0.0.1", ["203.0.113.1, 10.0.0.7"], "203.0.113.1"),  # two trusted hops
        ("10.0.0.1", ["6.6.6.6, 203.0.113.1"], "203.0.113.1"),  # left of the client: forged
        ("10.0.0.1", ["6.6.6.6", "203.0.113.1"], "203.0.113.1"),  # two headers, one list
        ("10.0.0.1", ["not-an-address"], "10.0.0.1"),
        ("10.0.0.1", [], "10.0.0.1"),
        ("10.0.0.1", ["2001:db8::1"], "2001:db8::/64"),  # an IPv6 client is its /64
        ("2001:db8:0:0:ffff::9", [], "2001:db8::/64"),
        ("::ffff:192.0.2.9", [], "192.0.2.9"),
    ],
)
def test_client_address(peer: str, header: list[str], client: str) -> None:
    assert client_address(peer, header, parse_networks(["10.0.0.0/8"])) == client


def test_a_bad_trusted_proxy_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"KYODO_TRUSTED_PROXIES: 'proxy\.example'"):
        parse_networks(["proxy.example"])


def test_heavy_clients_share_all_workers_but_one() -> None:
    clock = Clock()
    gate = QueryGate(
        max_running=2,
        seconds_per_minute=100,
        heavy_seconds_per_minute=5,
        heavy_slots=1,
        clock=clock,
    )
    for client in ("a", "b"):  # each runs one long query: both are heavy now
        with gate.admit(client):
            clock.now += 6
    with gate.admit("a"):
        with pytest.raises(StoreBusy, match="KYODO_CLIENT_HEAVY_SECONDS_PER_MINUTE"):
            gate.admit("b").__enter__()
        with gate.admit("c"):  # a light client still finds the worker kept for it
            pass
    with gate.admit("b"):  # the heavy slot is free again
        pass


def test_a_query_refused_as_busy_costs_the_client_nothing() -> None:
    clock = Clock()
    gate = QueryGate(max_running=2, seconds_per_minute=10, clock=clock)
    for _ in range(30):  # each waited 0.5 s for a worker that never came free
        with pytest.raises(StoreBusy), gate.admit("a"):
            clock.now += 0.5
            raise StoreBusy("every query worker is busy")
    assert gate.spent_s("a") == 0


def test_a_running_query_counts_its_time_so_far_toward_heavy() -> None:
    clock = Clock()
    gate = QueryGate(
        max_running=2,
        seconds_per_minute=100,
        heavy_seconds_per_minute=5,
        heavy_slots=1,
        clock=clock,
    )
    with gate.admit("a"):  # admitted light: nothing finished, nothing running yet
        clock.now += 6  # ... and still running 6 s later: "a" is heavy, and holds the slot
        with pytest.raises(StoreBusy, match="KYODO_CLIENT_HEAVY_SECONDS_PER_MINUTE"):
            gate.admit("a").__enter__()
        with gate.admit("c"):  # a light client still finds the worker kept for it
            pass
    assert gate.spent_s("a") == pytest.approx(6.0)
