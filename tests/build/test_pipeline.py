"""The real build of the real plan: what reaches dist/, and that it is deterministic."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import ORG, RDF

from kyodo_lod.config import Settings
from kyodo_lod.errors import SourceError, ValidationFailed
from kyodo_lod.model import PROJECT_COLUMNS
from kyodo_lod.rdf.iris import Iris, sdg_goal, sdg_target
from kyodo_lod.rdf.namespaces import KYODO
from tests.locations import ROOT

IRIS = Iris()
CITY = "072036"


def project(fiscal_year: int, number: int | str) -> URIRef:
    return IRIS.project(CITY, "kyodo2", fiscal_year, number)


@pytest.fixture(scope="module")
def dataset(dist: Path) -> Dataset:
    ds = Dataset()
    ds.parse(dist / "kyodo-lod.trig", format="trig")
    return ds


@pytest.fixture(scope="module")
def asserted(dataset: Dataset) -> Graph:
    return dataset.graph(IRIS.graph("asserted"))


@pytest.fixture(scope="module")
def inferred(dataset: Dataset) -> Graph:
    return dataset.graph(IRIS.graph("inferred"))


@pytest.fixture(scope="module")
def rows(dist: Path) -> list[dict[str, str]]:
    with (dist / "projects.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_dist_holds_every_published_file(dist: Path):
    for name in [
        "kyodo-lod.trig",
        "kyodo-lod.ttl",
        "kyodo-lod.nt",
        "kyodo-lod.jsonld",
        "projects.csv",
        "validation-report.ttl",
        "anomalies.csv",
        "catalog.ttl",
        "shapes.ttl",
        "search.sqlite",
        "build.json",
    ]:
        assert (dist / name).stat().st_size > 0, name


def test_the_shapes_published_are_the_shapes_validated_with(dist: Path, settings: Settings):
    from kyodo_lod.build.validate import load_shapes

    published = Graph().parse(dist / "shapes.ttl", format="turtle")
    assert isomorphic(published, load_shapes(settings.shapes_dir))
    assert "shapes.ttl" in json.loads((dist / "build.json").read_text())["files"]


def test_named_graphs_are_kept_apart(dataset: Dataset, build):
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    for name in ("asserted", "inferred", "ontology", "sdg"):
        assert str(IRIS.graph(name)) in names
    asserted = dataset.graph(IRIS.graph("asserted"))
    inferred = dataset.graph(IRIS.graph("inferred"))
    assert not set(asserted) & set(inferred), "an inferred triple repeats an asserted one"
    assert build.triples_per_graph["inferred"] == len(inferred)


def test_all_95_projects_and_the_3_completed_ones(asserted: Graph):
    numbers = sorted(
        int(n) for n in asserted.objects(None, KYODO.projectNumber) if isinstance(n, Literal)
    )
    assert numbers == list(range(1, 96))
    completed = set(asserted.subjects(KYODO.category, IRIS.category("completed")))
    assert completed == {project(2024, "c1"), project(2024, "c2"), project(2024, "c3")}
    for node in completed:
        assert str(asserted.value(node, KYODO.fiscalYear)) == "2024"
        assert asserted.value(node, KYODO.projectNumber) is None


def test_241_project_target_links_all_in_the_un_vocabulary(dataset: Dataset, asserted: Graph):
    sdg = dataset.graph(IRIS.graph("sdg"))
    links = list(asserted.subject_objects(KYODO.sdgTarget))
    assert len(links) == 241
    for _, target in links:
        assert (target, RDF.type, URIRef("http://metadata.un.org/sdg/ontology#Target")) in sdg


def test_relists_link_to_the_project_they_repeat(asserted: Graph):
    relists = set(asserted.subject_objects(KYODO.relists))
    assert relists == {
        (project(2025, 15), project(2025, 8)),
        (project(2025, 25), project(2025, 11)),
        (project(2025, 56), project(2025, 5)),
        (project(2025, 79), project(2025, 18)),
    }


def test_goal_links_are_inferred_not_asserted(asserted: Graph, inferred: Graph):
    assert not list(asserted.triples((None, KYODO.sdgGoal, None)))
    # project 12 serves 5.1 5.4 5.5 5.b 5.c, so goal 5 only
    assert set(inferred.objects(project(2025, 12), KYODO.sdgGoal)) == {sdg_goal(5)}
    # project 8 serves targets of goals 3, 4 and 13
    assert set(inferred.objects(project(2025, 8), KYODO.sdgGoal)) == {
        sdg_goal(3),
        sdg_goal(4),
        sdg_goal(13),
    }
    assert (sdg_target("17.17"), KYODO.servedByProject, project(2025, 13)) in inferred


def test_department_hierarchy_is_closed_transitively(inferred: Graph):
    section = IRIS.department(CITY, ("保健福祉部", "保健所", "健康政策課"))
    ancestors = set(inferred.objects(section, ORG.transitiveSubOrganizationOf))
    assert ancestors == {
        IRIS.department(CITY, ("保健福祉部", "保健所")),
        IRIS.department(CITY, ("保健福祉部",)),
        IRIS.city(CITY),
    }


def test_projects_csv_has_the_documented_columns_and_rows(rows: list[dict[str, str]]):
    assert tuple(rows[0]) == PROJECT_COLUMNS
    assert len(rows) == 98
    by_number = {r["project_number"]: r for r in rows}
    assert by_number["59"]["department"] == "保健福祉部/保健所/健康政策課"
    assert by_number["41"]["department"] == "各課"
    assert by_number["8"]["sdg_targets"] == "3.4 3.5 3.6 3.7 3.8 3.a 4.7 13.1 13.3"
    assert by_number["56"]["relisted_from"] == "5"
    assert by_number["56"]["category"] == "再掲"
    assert by_number["1"]["uri"] == str(project(2025, 1))
    assert by_number["1"]["city_name"] == "郡山市"
    completed = [r for r in rows if r["category"] == "完了・統合"]
    assert [r["fiscal_year"] for r in completed] == ["2024"] * 3
    assert sum(len(r["sdg_targets"].split()) for r in rows) == 241


def test_build_json_reports_counts(dist: Path):
    info = json.loads((dist / "build.json").read_text())
    assert info["counts"]["projects"] == 98
    assert info["counts"]["project_target_links"] == 241
    assert info["triples"]["inferred"] > 0
    assert len(info["content_hash"]) == 64


def _build_in_subprocess(dist: Path) -> None:
    env = {**os.environ, "KYODO_DIST_DIR": str(dist), "PYTHONHASHSEED": "random"}
    subprocess.run(
        [sys.executable, "-m", "kyodo_lod.cli", "build"],
        check=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
    )


def test_a_second_build_is_byte_identical(dist: Path, tmp_path: Path):
    again = tmp_path / "again"
    _build_in_subprocess(again)
    for name in sorted(p.name for p in dist.iterdir()):
        assert (again / name).read_bytes() == (dist / name).read_bytes(), name


def test_a_bad_source_fails_and_leaves_dist_untouched(tmp_path: Path):
    sources = tmp_path / "sources"
    sources.mkdir()
    for path in (ROOT / "data" / "sources").iterdir():
        text = path.read_bytes()
        if path.suffix == ".txt":  # a target the UN vocabulary does not have
            text = text.replace("総務部人事課 17.14".encode(), "総務部人事課 17.99".encode())
        (sources / path.name).write_bytes(text)
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "keep.txt").write_text("previous build")
    settings = Settings.from_env({}, sources_dir=sources, dist_dir=dist)
    from kyodo_lod.build.pipeline import build

    with pytest.raises(SourceError, match=r"koriyama-kyodo-2025\.txt:\d+.*17\.99"):
        build(settings)
    assert [p.name for p in dist.iterdir()] == ["keep.txt"]


def test_a_bad_sidecar_date_fails_the_build(tmp_path: Path):
    sources = tmp_path / "sources"
    sources.mkdir()
    for path in (ROOT / "data" / "sources").iterdir():
        text = path.read_bytes()
        if path.name.endswith(".meta.json"):
            meta = json.loads(text)
            meta["source"]["issued"] = "2025-13-01"  # no 13th month
            text = json.dumps(meta, ensure_ascii=False).encode("utf-8")
        (sources / path.name).write_bytes(text)
    settings = Settings.from_env({}, sources_dir=sources, dist_dir=tmp_path / "dist")
    from kyodo_lod.build.pipeline import build

    with pytest.raises(SourceError) as raised:
        build(settings)
    [problem] = raised.value.problems
    assert problem.location.file == str(sources / "koriyama-kyodo-2025.meta.json")
    assert problem.location.field == "source.issued"
    assert problem.value == "2025-13-01"
    assert "koriyama-kyodo-2025.meta.json [source.issued]" in str(raised.value)
    assert not (tmp_path / "dist").exists()


def test_a_shape_violation_fails_the_build(tmp_path: Path):
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    for path in (ROOT / "shapes").glob("*.ttl"):
        (shapes / path.name).write_bytes(path.read_bytes())
    (shapes / "extra.ttl").write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kyodo: <https://kyodo-lod.example/def/kyodo#> .
<https://kyodo-lod.example/def/shapes#TooFewProjects> a sh:NodeShape ;
  sh:targetClass kyodo:Policy ;
  sh:property [ sh:path kyodo:includesProject ; sh:minCount 100 ;
                sh:message "a policy needs 100 projects (test shape)" ] .
""",
        encoding="utf-8",
    )
    settings = Settings.from_env({}, shapes_dir=shapes, dist_dir=tmp_path / "dist")
    from kyodo_lod.build.pipeline import build

    with pytest.raises(ValidationFailed, match="a policy needs 100 projects"):
        build(settings)
    assert not (tmp_path / "dist").exists()
