"""The embedded store on the real build: answers, serialisations, limits that really stop, a
small build held in memory."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kyodo_lod.store import (
    AskResult,
    GraphResult,
    OxigraphStore,
    QuerySyntaxError,
    QueryTimeout,
    SelectResult,
    Serialized,
    StoreError,
)

KYODO = "https://kyodo-lod.example/def/kyodo#"
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q }"


@pytest.fixture(scope="module")
def store(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    s = OxigraphStore(
        dist, workers=2, timeout_s=10, max_rows=50, cache_dir=tmp_path_factory.mktemp("stores")
    )
    yield s
    s.close()


def test_default_graph_is_the_union(store: OxigraphStore) -> None:
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a <{KYODO}Project> }}")
    assert isinstance(result, SelectResult)
    assert int(result.rows[0][0].value) > 50  # type: ignore[union-attr]
    graphs = store.graph_names()
    assert any(g.endswith("graph/asserted") for g in graphs)
    assert any(g.endswith("graph/sdg") for g in graphs)


def test_dataset_restricted_to_one_graph(store: OxigraphStore) -> None:
    sdg = next(g for g in store.graph_names() if g.endswith("graph/sdg"))
    result = store.query(f"ASK {{ ?p a <{KYODO}Project> }}", default_graphs=[sdg])
    assert result == AskResult(False)


def test_rows_over_the_cap_are_flagged_not_silently_cut(store: OxigraphStore) -> None:
    result = store.query("SELECT * WHERE { ?s ?p ?o }")
    assert isinstance(result, SelectResult)
    assert len(result.rows) == 50 and result.truncated
    small = store.query("SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    assert isinstance(small, SelectResult) and not small.truncated


def test_serialised_select_and_construct(store: OxigraphStore) -> None:
    query = f"SELECT ?p WHERE {{ ?p a <{KYODO}Project> }} ORDER BY ?p LIMIT 2"
    body = store.query(query, result_format="json")
    assert isinstance(body, Serialized)
    assert len(json.loads(body.body)["results"]["bindings"]) == 2
    csv = store.query(query, result_format="csv")
    assert isinstance(csv, Serialized) and csv.body.decode().splitlines()[0] == "p"
    ttl = store.query(
        f"CONSTRUCT {{ ?p a <{KYODO}Project> }} WHERE {{ ?p a <{KYODO}Project> }} LIMIT 2",
        result_format="ttl",
    )
    assert isinstance(ttl, Serialized) and ttl.kind == "graph" and b"kyodo:Project" in ttl.body


def test_describe_has_own_and_inbound_triples(store: OxigraphStore) -> None:
    project = store.query(
        f"SELECT ?p ?d WHERE {{ ?p a <{KYODO}Project> ; "
        f"<{KYODO}responsibleDepartment> ?d }} LIMIT 1"
    )
    assert isinstance(project, SelectResult)
    iri, dept = (t.value for t in project.rows[0])  # type: ignore[union-attr]
    doc = store.describe(dept)
    assert isinstance(doc, GraphResult)
    inbound = [s.value for s, p, o in doc.triples if o.value == dept]
    assert iri in inbound


def test_syntax_error_carries_the_parser_message(store: OxigraphStore) -> None:
    with pytest.raises(QuerySyntaxError, match="1:"):
        store.query("SELEKT * WHERE { ?s ?p ?o }")


def test_timeout_really_stops_and_the_pool_recovers(dist: Path, tmp_path: Path) -> None:
    s = OxigraphStore(dist, workers=2, timeout_s=1.5, cache_dir=tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            s.query(EXPLOSIVE)
        assert time.monotonic() - started < 2.5
        # the other worker answers at once; the killed one is replaced
        assert s.query("ASK { ?s ?p ?o }") == AskResult(True)
        time.sleep(1.0)
        for _ in range(4):
            assert s.query("ASK { ?s ?p ?o }", timeout_s=5) == AskResult(True)
    finally:
        s.close()


def test_missing_build_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="build first"):
        OxigraphStore(tmp_path)


def test_a_small_build_is_held_in_memory_and_answers_the_same(dist: Path, tmp_path: Path) -> None:
    on_disk = OxigraphStore(dist, workers=1, cache_dir=tmp_path)
    in_memory = OxigraphStore(dist, workers=1, cache_dir=tmp_path, in_memory_max_triples=10**7)
    try:
        assert in_memory.path is None
        assert on_disk.path is not None
        count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        assert in_memory.query(count) == on_disk.query(count)
        assert in_memory.graph_names() == on_disk.graph_names()
        with pytest.raises(QueryTimeout):  # the time limit still kills the worker
            in_memory.query(EXPLOSIVE, timeout_s=1)
        assert in_memory.query("ASK { ?s ?p ?o }", timeout_s=30) == AskResult(True)
    finally:
        in_memory.close()
        on_disk.close()
