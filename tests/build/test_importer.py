"""`kyodo-lod import`: the CSV template checked and stored; the build takes it in. (Reading
and checking the file: tests/build/extract/test_csv_plan.py.)

The second city is tests/fixtures/kaku-2025.csv: a fictional city (架空市, code 079995, a valid
check digit on a code no municipality uses) written for these tests, not real data."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from kyodo_lod.build import sources
from kyodo_lod.build.importer import export_projects, import_plan
from kyodo_lod.config import Settings
from kyodo_lod.errors import SourceError
from kyodo_lod.rdf.iris import Iris
from kyodo_lod.rdf.namespaces import KYODO
from tests.locations import FIXTURES, ROOT

INVALID = FIXTURES / "invalid"
KAKU = FIXTURES / "kaku-2025.csv"
KAKU_KPIS = FIXTURES / "kaku-2025.kpis.csv"


def tmp_settings(tmp_path: Path) -> Settings:
    (tmp_path / "sources").mkdir(exist_ok=True)
    return Settings.from_env({}, sources_dir=tmp_path / "sources", dist_dir=tmp_path / "dist")


def tree(folder: Path) -> dict[str, str]:
    """The files a reader sees (not the stored versions behind them, import_commit)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


# ---------------------------------------------------------------------------- refusing


INVALID_PLANS = sorted(p for p in INVALID.rglob("*.csv") if not p.name.endswith(".kpis.csv"))


@pytest.mark.parametrize("path", INVALID_PLANS, ids=lambda p: p.name)
def test_an_invalid_file_is_refused_and_nothing_written(path: Path, tmp_path: Path):
    settings = tmp_settings(tmp_path)
    before = tree(settings.sources_dir)
    kpis = sources.kpis_path(path)
    with pytest.raises(SourceError):
        import_plan(settings, path, kpis if kpis.exists() else None)
    assert tree(settings.sources_dir) == before


# ---------------------------------------------------------------------------- storing


def test_import_twice_replaces_the_city_year(tmp_path: Path):
    settings = tmp_settings(tmp_path)
    stored = import_plan(settings, KAKU, KAKU_KPIS)
    assert stored == settings.sources_dir / "imported" / "079995-2025.csv"
    first = tree(settings.sources_dir)
    assert set(first) == {"imported/079995-2025.csv", "imported/079995-2025.kpis.csv"}
    assert import_plan(settings, KAKU, KAKU_KPIS) == stored
    assert tree(settings.sources_dir) == first
    plans = sources.read_all(settings.sources_dir)
    assert len(plans) == 1 and len(plans[0].projects) == 13

    # a smaller file for the same city-year replaces it, KPIs included
    smaller = tmp_path / "smaller.csv"
    lines = KAKU.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    smaller.write_text("".join(lines[:6]), encoding="utf-8")
    import_plan(settings, smaller)
    assert set(tree(settings.sources_dir)) == {"imported/079995-2025.csv"}
    (plan,) = sources.read_all(settings.sources_dir)
    assert [p.number for p in plan.projects] == [1, 2, 3, 4]


def test_a_failed_import_leaves_the_built_graph_unchanged(tmp_path: Path):
    from kyodo_lod.build.pipeline import build

    settings = tmp_settings(tmp_path)
    import_plan(settings, KAKU, KAKU_KPIS)
    before = build(settings).content_hash
    sources_before = tree(settings.sources_dir)
    broken = tmp_path / "broken.csv"  # the same city-year with one bad SDG code
    broken.write_text(
        KAKU.read_text(encoding="utf-8-sig").replace("8.3 9.3", "8.3 18.1"), encoding="utf-8"
    )
    with pytest.raises(SourceError) as caught:
        import_plan(settings, broken)
    assert [str(p) for p in caught.value.problems] == [
        f"{broken}:7:10 [sdg_targets]: SDG target 18.1 does not exist in the UN SDG "
        "vocabulary (value: '18.1')"
    ]
    assert tree(settings.sources_dir) == sources_before
    assert build(settings).content_hash == before


def test_an_import_may_not_repeat_a_plan_another_source_gives(tmp_path: Path, dist: Path):
    settings = tmp_settings(tmp_path)
    for path in (ROOT / "data" / "sources").glob("koriyama-kyodo-2025.*"):
        shutil.copy(path, settings.sources_dir / path.name)
    exported = tmp_path / "koriyama.csv"
    exported.write_text(export_projects(Settings.from_env({}, dist_dir=dist), ["072036"]))
    with pytest.raises(SourceError) as caught:
        import_plan(settings, exported)
    assert "is already given by koriyama-kyodo-2025.txt" in str(caught.value)
    assert not (settings.sources_dir / "imported").exists()


# ---------------------------------------------------------------------------- round trip

IRIS = Iris()
CARRIED = {
    KYODO.Project: {
        RDF.type,
        RDFS.label,
        DCTERMS.title,
        KYODO.projectNumber,
        KYODO.fiscalYear,
        KYODO.inPlan,
        KYODO.underPolicy,
        KYODO.category,
        KYODO.responsibleDepartment,
        KYODO.sdgTarget,
        KYODO.statedSdgGoal,
        KYODO.relists,
    },
    KYODO.Policy: {
        RDF.type,
        KYODO.policyNumber,
        SKOS.notation,
        KYODO.partOfPlan,
        KYODO.broaderPolicy,
        DCTERMS.title,
    },
    KYODO.Department: {
        RDF.type,
        RDFS.label,
        ORG.unitOf,
        ORG.subOrganizationOf,
        KYODO.departmentKind,
    },
    KYODO.City: {RDF.type, RDFS.label, KYODO.localGovernmentCode, DCTERMS.identifier},
    KYODO.ImplementationPlan: {RDF.type, KYODO.fiscalYear, KYODO.implementsPlan, DCTERMS.publisher},
}


def carried(graph: Graph) -> Graph:
    """The triples projects.csv carries: no English texts, no provenance, no counts."""
    out = Graph()
    for cls, predicates in CARRIED.items():
        for subject in graph.subjects(RDF.type, cls):
            for p, o in graph.predicate_objects(subject):
                if p in predicates and not (isinstance(o, Literal) and o.language == "en"):
                    out.add((subject, p, o))
    return out


def test_round_trip_export_import_rebuild_is_isomorphic(tmp_path: Path, dist: Path):
    from kyodo_lod.build.pipeline import build

    exported = tmp_path / "koriyama-projects.csv"
    exported.write_text(
        export_projects(Settings.from_env({}, dist_dir=dist), ["072036"]), encoding="utf-8"
    )
    settings = tmp_settings(tmp_path)
    import_plan(settings, exported)
    build(settings)

    def asserted(folder: Path) -> Graph:
        ds = Dataset()
        ds.parse(folder / "kyodo-lod.trig", format="trig")
        return ds.graph(IRIS.graph("asserted"))

    original, rebuilt = carried(asserted(dist)), carried(asserted(settings.dist_dir))
    assert len(original) > 1000
    a, b = to_isomorphic(original), to_isomorphic(rebuilt)
    if not isomorphic(a, b):
        _, only_original, only_rebuilt = graph_diff(a, b)
        lost = sorted(only_original)[:5]
        added = sorted(only_rebuilt)[:5]
        pytest.fail(
            f"{len(only_original)} lost, e.g. {lost}; {len(only_rebuilt)} added, e.g. {added}"
        )
    # the completed projects keep their keys, the relisted rows their target
    assert (IRIS.project("072036", "kyodo2", 2024, "c1"), RDF.type, KYODO.Project) in rebuilt
    assert any(rebuilt.triples((None, KYODO.relists, None)))
    assert URIRef(IRIS.city("072036")) in set(rebuilt.subjects(RDF.type, KYODO.City))
