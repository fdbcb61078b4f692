"""SDG goals through the whole build: two fictional cities (tests/fixtures/README.md, not real
data), one that tags goals only and one with goals beside targets. The stated goals become
kyodo:statedSdgGoal, pass the shapes, come out as projects.csv's last column ``sdg_goals`` and
survive export → import → build unchanged."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Dataset

from kyodo_lod.build.importer import export_projects, import_plan
from kyodo_lod.config import Settings
from kyodo_lod.dist import PROJECTS_CSV
from kyodo_lod.model import PROJECT_COLUMNS
from kyodo_lod.rdf.iris import Iris, sdg_goal
from kyodo_lod.rdf.namespaces import KYODO
from tests.locations import FIXTURES

IRIS = Iris()


def _settings(folder: Path) -> Settings:
    (folder / "sources").mkdir(parents=True)
    return Settings.from_env({}, sources_dir=folder / "sources", dist_dir=folder / "dist")


def _rows(dist: Path) -> list[dict[str, str]]:
    with (dist / PROJECTS_CSV).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def goals_build(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from kyodo_lod.build.pipeline import build

    settings = _settings(tmp_path_factory.mktemp("goals"))
    import_plan(settings, FIXTURES / "goals-only-2025.csv")
    import_plan(settings, FIXTURES / "sdg-goals-and-targets.csv")
    build(settings)  # a violation of the shapes would fail it
    return settings


def test_projects_csv_carries_the_stated_goals_as_its_last_column(goals_build: Settings):
    path = goals_build.dist_dir / PROJECTS_CSV
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == list(PROJECT_COLUMNS) and header[-1] == "sdg_goals"
    got = {(r["city_code"], r["project_number"]): r for r in _rows(goals_build.dist_dir)}
    assert {key: (r["sdg_targets"], r["sdg_goals"]) for key, r in got.items()} == {
        ("079987", "1"): ("", "3 11"),
        ("079987", "2"): ("", "17"),
        ("079987", "3"): ("", ""),
        ("079987", "4"): ("", "3 4"),
        ("079995", "1"): ("3.8 17.17", "3 4 17"),
        ("079995", "2"): ("11.3", ""),  # the implied goal is not a stated one
        ("079995", "3"): ("", "11"),
    }


def test_stated_goals_are_asserted_and_implied_ones_inferred(goals_build: Settings):
    dataset = Dataset()
    dataset.parse(goals_build.dist_dir / "kyodo-lod.trig", format="trig")
    asserted = dataset.graph(IRIS.graph("asserted"))
    inferred = dataset.graph(IRIS.graph("inferred"))
    project = IRIS.project("079995", "plan", 2025, 2)
    goal_only = IRIS.project("079987", "plan", 2025, 2)
    assert set(asserted.objects(goal_only, KYODO.statedSdgGoal)) == {sdg_goal(17)}
    assert set(inferred.objects(goal_only, KYODO.sdgGoal)) == {sdg_goal(17)}
    assert not list(asserted.triples((None, KYODO.impliedSdgGoal, None)))
    assert not list(asserted.triples((None, KYODO.sdgGoal, None)))
    assert set(inferred.objects(project, KYODO.impliedSdgGoal)) == {sdg_goal(11)}
    assert not list(inferred.triples((None, KYODO.statedSdgGoal, None)))
    goals = set(asserted.objects(None, KYODO.statedSdgGoal))
    assert goals == {sdg_goal(n) for n in (3, 4, 11, 17)}


def test_export_import_build_gives_the_same_projects_csv(goals_build: Settings, tmp_path: Path):
    from kyodo_lod.build.pipeline import build

    again = _settings(tmp_path / "again")
    for code in ("079987", "079995"):
        exported = tmp_path / f"{code}.csv"
        exported.write_text(export_projects(goals_build, [code]), encoding="utf-8")
        assert exported.read_text(encoding="utf-8").splitlines()[0].endswith(",uri,sdg_goals")
        import_plan(again, exported)
    build(again)
    original = (goals_build.dist_dir / PROJECTS_CSV).read_bytes()
    assert (again.dist_dir / PROJECTS_CSV).read_bytes() == original


def test_the_real_plan_states_no_goal_of_its_own(dist: Path):
    rows = _rows(dist)
    assert rows and all(r["sdg_goals"] == "" for r in rows)
    assert all(r["sdg_targets"] for r in rows if r["category"] != "完了・統合")
