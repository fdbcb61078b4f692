"""The two runners agree: the same questions asked of the embedded store (StoreRunner) and of a
live kyodo-lod server on the same build (EndpointRunner, over kyodo_lod.store.http) give the
same rows and the same comparison; what goes wrong over HTTP is a CompareError naming the URL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from kyodo_lod.compare import CompareError, EndpointRunner, StoreRunner, compare
from kyodo_lod.compare.queries import CITIES_QUERY, GOAL_LABELS_QUERY, Vocabulary
from kyodo_lod.config import Settings
from kyodo_lod.store import OxigraphStore
from tests.web.conftest import LiveServer, _free_port, start_server, stop_server

from .conftest import CITIES


def sorted_rows(rows: list[dict[str, str]]) -> list[list[tuple[str, str]]]:
    return sorted(sorted(row.items()) for row in rows)  # (not every query has an ORDER BY)


@pytest.fixture(scope="module")
def server(two_cities: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Our server on the two-city build, cutting answers at 1,000 rows."""
    live = start_server(
        two_cities.dist_dir, tmp_path_factory.mktemp("compare-srv"), KYODO_MAX_RESULT_ROWS="1000"
    )
    yield live
    stop_server(live)


def test_the_same_rows_from_the_store_and_over_http(
    server: LiveServer, store: OxigraphStore
) -> None:
    local, remote = StoreRunner(store), EndpointRunner(server.url + "/sparql")
    vocabulary = Vocabulary.of(local)
    assert Vocabulary.of(remote) == vocabulary
    for template in (CITIES_QUERY, GOAL_LABELS_QUERY):
        sparql = vocabulary.query(template)
        rows = remote.select(sparql)
        assert rows and sorted_rows(rows) == sorted_rows(local.select(sparql))


def test_the_same_comparison_from_the_store_and_over_http(
    server: LiveServer, store: OxigraphStore
) -> None:
    local = compare([StoreRunner(store)], CITIES)
    remote = compare([EndpointRunner(server.url + "/sparql")], CITIES)
    assert {c.source for c in remote.cities} == {server.url + "/sparql"}
    assert replace(remote, cities=local.cities) == local


def test_a_cut_answer_is_refused(server: LiveServer) -> None:
    runner = EndpointRunner(server.url + "/sparql")
    with pytest.raises(CompareError, match=r"/sparql: the server cut the answer at 1000 rows"):
        runner.select("SELECT * WHERE { ?s ?p ?o }")


def test_what_goes_wrong_over_http_names_the_url(server: LiveServer) -> None:
    url = server.url + "/sparql"
    with pytest.raises(CompareError, match=f"^{url}: QuerySyntaxError: Malformed query"):
        EndpointRunner(url).select("SELEKT * WHERE { ?s ?p ?o }")
    closed = f"http://127.0.0.1:{_free_port()}/sparql"
    with pytest.raises(CompareError, match=f"^{closed}: StoreError: .*unreachable"):
        compare([EndpointRunner(closed)], CITIES)
    with pytest.raises(CompareError, match=r"^ftp://x\.example/sparql: StoreError: .*not an http"):
        EndpointRunner("ftp://x.example/sparql").select("ASK {}")


def test_a_server_asks_the_city_years_once_per_build(store: OxigraphStore) -> None:
    memo: dict[str, object] = {}
    remembering, asking = StoreRunner(store, memo=memo), StoreRunner(store)
    first = compare([remembering], list(CITIES))
    cities = Vocabulary.of(asking).query(CITIES_QUERY)
    assert "compare-select:" + cities in memo  # the city-years, and the vocabulary
    kept = memo["compare-select:" + cities]
    again = compare([remembering], list(CITIES))
    assert memo["compare-select:" + cities] is kept  # not asked again
    assert again == first == compare([asking], list(CITIES))  # the same answer as asking
    assert asking.select_once(cities) is not asking.select_once(cities)  # no memo: asked
