"""The store interface over a pyoxigraph store open in this process (what page workers make
pages with): the same answers as the embedded store's workers give, errors alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kyodo_lod.dist import TRIG
from kyodo_lod.store import GraphResult, OxigraphStore, QuerySyntaxError, StoreError
from kyodo_lod.store.local import LocalStore

PROJECT = "https://kyodo-lod.example/id/072036/plan/kyodo2/2025/project/12"
QUERIES = [
    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p",
    f"ASK {{ <{PROJECT}> ?p ?o }}",
    f"CONSTRUCT {{ <{PROJECT}> ?p ?o }} WHERE {{ <{PROJECT}> ?p ?o }}",
]


@pytest.fixture(scope="module")
def both(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    data = ox.Store()
    data.load(path=str(dist / TRIG), format=ox.RdfFormat.TRIG)
    workers = OxigraphStore(
        dist, workers=1, page_workers=1, cache_dir=tmp_path_factory.mktemp("stores")
    )
    yield LocalStore(data, max_rows=10_000), workers
    workers.close()


@pytest.mark.parametrize(
    ("sparql", "fmt"),
    [(q, None) for q in QUERIES]
    + [(QUERIES[0], "json"), (QUERIES[0], "csv"), (QUERIES[1], "xml"), (QUERIES[2], "ttl")],
)
def test_answers_as_the_workers_do(both: tuple, sparql: str, fmt: str | None) -> None:
    local, workers = both
    mine, theirs = local.query(sparql, result_format=fmt), workers.query(sparql, result_format=fmt)
    if isinstance(mine, GraphResult):  # (a graph's triples come in the engine's order)
        assert set(mine.triples) == set(theirs.triples) and mine.truncated == theirs.truncated
    else:
        assert mine == theirs


def test_rows_past_the_limit_are_cut_and_flagged(both: tuple) -> None:
    local, _ = both
    result = local.query("SELECT * WHERE { ?s ?p ?o }", max_rows=5)
    assert len(result.rows) == 5 and result.truncated


@pytest.mark.parametrize("fmt", [None, "nt"])
def test_documents_as_the_workers_make_them(both: tuple, fmt: str | None) -> None:
    local, workers = both
    mine, theirs = (s.describe(PROJECT, result_format=fmt) for s in (local, workers))
    if isinstance(mine, GraphResult):
        assert set(mine.triples) == set(theirs.triples) and len(mine.triples) > 50
    else:
        assert mine == theirs and mine.count > 50


def test_it_names_the_graphs_the_workers_name(both: tuple) -> None:
    local, workers = both
    assert local.graph_names() == workers.graph_names() and len(local.graph_names()) >= 4


def test_a_bad_query_is_a_syntax_error_and_loading_is_refused(both: tuple, dist: Path) -> None:
    local, _ = both
    with pytest.raises(QuerySyntaxError):
        local.query("SELECT WHERE {")
    with pytest.raises(StoreError):
        local.load(dist)
