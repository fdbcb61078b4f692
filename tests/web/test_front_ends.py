"""Many front ends, one engine: two kyodo-lod servers on one Virtuoso (as behind a load
balancer, docs/deployment.md) answer alike, byte for byte and with the same validators, so a
cache in front may mix them: the ETag one gave is answered 304 by the other. One of them keeps
no response cache, so the answers are the engine's each time."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.store.virtuoso_server import Instance, needs_virtuoso

from .conftest import KYODO, LiveServer, start_server, stop_server
from .test_remote import PROJECT, same_answer

pytestmark = needs_virtuoso


@pytest.fixture(scope="module")
def front_ends(
    virtuoso: Instance, dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    # the tests are one client (127.0.0.1) sending 8 queries at once: allow it (fair sharing's
    # per-client limits are tested in test_fairness)
    one_client = {"KYODO_CLIENT_MAX_QUERIES": "16"}
    first = start_server(
        dist, tmp_path_factory.mktemp("front-a"), KYODO_STORE=virtuoso.url, **one_client
    )
    try:
        second = start_server(
            dist,
            tmp_path_factory.mktemp("front-b"),
            KYODO_STORE=virtuoso.url,
            KYODO_RESPONSE_CACHE_MB="0",
            KYODO_PAGE_STORE_MB="0",
            **one_client,
        )
    except BaseException:
        stop_server(first)
        raise
    yield first, second
    stop_server(second)
    stop_server(first)


def test_two_front_ends_answer_alike(front_ends: tuple[LiveServer, LiveServer]) -> None:
    a, b = front_ends
    project = a.select(PROJECT)[0]["p"].replace("https://kyodo-lod.example/id/", "/doc/")
    query = "/sparql?" + requests.compat.urlencode({"query": PROJECT})  # type: ignore[attr-defined]
    paths = ["/", "/sdg/3", project, project + ".ttl", "/catalog", query, "/compare"]
    for path in paths:
        theirs, mine = a.get(path), b.get(path)
        same_answer(theirs, mine)
        for header in ("ETag", "Cache-Control", "Vary"):
            assert theirs.headers.get(header) == mine.headers.get(header), (path, header)
        # a cache in front holds one front end's answer; the other confirms it
        again = b.get(path, headers={"If-None-Match": theirs.headers["ETag"]})
        assert again.status_code == 304, path


def test_concurrent_answers_are_the_same(front_ends: tuple[LiveServer, LiveServer]) -> None:
    a, b = front_ends
    queries = [
        f"SELECT ?p ?label WHERE {{ ?p a <{KYODO}Project> ; "
        f"<http://www.w3.org/2000/01/rdf-schema#label> ?label }} ORDER BY ?p LIMIT {n}"
        for n in (5, 20, 50)
    ]
    jobs = [(server, q) for _ in range(4) for server in (a, b) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda job: (job[1], job[0].sparql(job[1])), jobs))
    by_query: dict[str, set[bytes]] = {}
    for query, response in answers:
        assert response.status_code == 200, response.text[:300]
        by_query.setdefault(query, set()).add(response.content)
    assert all(len(bodies) == 1 for bodies in by_query.values())
    assert len(by_query) == 3
