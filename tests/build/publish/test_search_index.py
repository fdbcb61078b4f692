"""dist/search.sqlite from the real build: one row per project, policy, department and KPI
with its city and year, hashed into build.json, not in the catalogue, and the same bytes when
written again from the same graph in other processes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from kyodo_lod import textindex
from kyodo_lod.build.publish.search_index import write_index
from kyodo_lod.dist import SEARCH_INDEX, file_facts

from ...locations import ROOT

KYODO = "https://kyodo-lod.example/def/kyodo#"
KINDS = {"project": "Project", "policy": "Policy", "department": "Department", "kpi": "KPI"}


def rows(dist: Path) -> list[dict[str, str]]:
    connection = sqlite3.connect(f"file:{dist / SEARCH_INDEX}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in connection.execute(f"SELECT * FROM {textindex.TABLE}")]
    finally:
        connection.close()


def test_every_searchable_thing_has_one_row(dist: Path) -> None:
    store = pyoxigraph.Store()
    store.load(path=str(dist / "kyodo-lod.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    found = rows(dist)
    for kind, cls in KINDS.items():
        expected = {r["s"].value for r in store.query(f"SELECT ?s WHERE {{ ?s a <{KYODO}{cls}> }}")}
        assert expected, kind
        assert {r["iri"] for r in found if r["kind"] == kind} == expected, kind
    assert len(found) == len({r["iri"] for r in found})
    assert [r["iri"] for r in found] == sorted(r["iri"] for r in found)


def test_rows_carry_city_year_labels_and_texts(dist: Path) -> None:
    by_iri = {r["iri"]: r for r in rows(dist)}
    project = by_iri["https://kyodo-lod.example/id/072036/plan/kyodo2/2025/project/12"]
    assert project["name_ja"] == "男女共同参画推進事業"
    assert project["city_ja"] == "郡山市" and project["city_en"] == "Koriyama City"
    assert project["fiscal_year"] == "2025"
    assert "男女共同参画のまち 郡山" in project["text_ja"]  # NFKC: the full-width space
    kpi = by_iri["https://kyodo-lod.example/id/072036/plan/kyodo2/2025/project/12/kpi/1"]
    assert kpi["fiscal_year"] == "2025" and kpi["city_ja"] == "郡山市"
    policy = by_iri["https://kyodo-lod.example/id/072036/plan/kyodo2/policy/1"]
    assert policy["name_en"].startswith("Basic policy 1")
    assert policy["label_en"] == textindex.indexed(policy["name_en"])
    assert policy["fiscal_year"] == ""  # a basic plan's policy spans the plan's years
    department = next(r for r in by_iri.values() if r["kind"] == "department")
    assert department["city_ja"] == "郡山市"


def test_the_index_is_hashed_and_not_catalogued(dist: Path) -> None:
    info = json.loads((dist / "build.json").read_text())
    assert SEARCH_INDEX in info["files"]
    catalog = Graph().parse(dist / "catalog.ttl", format="turtle")
    assert not any(SEARCH_INDEX in str(o) for o in catalog.objects())
    assert not (dist / f"{SEARCH_INDEX}-journal").exists()
    assert not (dist / f"{SEARCH_INDEX}-wal").exists()


# writes the index from the published union in a fresh process (its own hash seed)
REWRITE = """
import sys
from pathlib import Path
from kyodo_lod.build.publish.search_index import SearchIndexWriter
from kyodo_lod.build.publish.union import GraphUnion, lossless_store
from kyodo_lod.dist import FileHashes
from kyodo_lod.rdf.turtle import Prefixes
dist, out = Path(sys.argv[1]), Path(sys.argv[2])
union = GraphUnion.of_store(lossless_store(dist / "kyodo-lod.nt"), Prefixes({}))
writer = SearchIndexWriter()
writer.write(writer.read(union), out, FileHashes())
"""


def test_the_same_graph_gives_the_same_bytes(dist: Path, tmp_path: Path) -> None:
    published = file_facts(dist / SEARCH_INDEX)
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        subprocess.run(
            [sys.executable, "-c", REWRITE, str(dist), str(out)],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        assert file_facts(out / SEARCH_INDEX) == published, seed
        assert sorted(p.name for p in out.iterdir()) == [SEARCH_INDEX]


def test_an_empty_build_writes_an_empty_index(tmp_path: Path) -> None:
    write_index(tmp_path / SEARCH_INDEX, [])
    connection = sqlite3.connect(tmp_path / SEARCH_INDEX)
    assert connection.execute(f"SELECT count(*) FROM {textindex.TABLE}").fetchone() == (0,)
    assert dict(connection.execute(f"SELECT key, value FROM {textindex.META}")) == {
        "entries": "0",
        "format": textindex.FORMAT_VERSION,
        **{textindex.average_length_key(c): "0.000" for c in textindex.INDEXED},
    }


def test_the_index_records_its_average_column_lengths(dist: Path) -> None:
    connection = sqlite3.connect(f"file:{dist / SEARCH_INDEX}?mode=ro", uri=True)
    meta = dict(connection.execute(f"SELECT key, value FROM {textindex.META}"))
    for column in textindex.INDEXED:
        (expected,) = connection.execute(
            f"SELECT avg(length({column})) FROM {textindex.TABLE}"
        ).fetchone()
        assert float(meta[textindex.average_length_key(column)]) == round(expected, 3), column
