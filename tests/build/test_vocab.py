"""The vendored SDG vocabulary in data/vocab and the helpers that read it."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kyodo_lod.build.vocab import (
    GOAL_COLOURS,
    SDG_FILE,
    SDG_ONTOLOGY_FILE,
    SDGIO,
    check_sources,
    derive,
    goal_of,
    load_sdg,
    serialise,
    target_codes,
)
from kyodo_lod.config import PROJECT_ROOT, Settings
from kyodo_lod.errors import KyodoError
from kyodo_lod.rdf.iris import SDG_BASE, sdg_goal, sdg_target
from kyodo_lod.rdf.namespaces import SCHEMA, SDGO

VOCAB_DIR = Settings.from_env({}).vocab_dir
SHARED_SDG = PROJECT_ROOT.parent / "shared" / "sdg"
needs_shared = pytest.mark.skipif(
    not (SHARED_SDG / "sdg-kos-goals-targets-indicators.ttl").is_file(),
    reason="../shared/sdg (the UN sources) is not present",
)


@pytest.fixture(scope="module")
def sdg() -> Graph:
    return load_sdg(VOCAB_DIR)


def _sdgio_links(graph: Graph) -> dict[str, list[str]]:
    links: dict[str, list[str]] = {}
    for s, o in graph.subject_objects(SKOS.exactMatch):
        if str(o).startswith(SDGIO):
            links.setdefault(str(s)[len(SDG_BASE) :], []).append(str(o)[len(SDGIO) :])
    return links


def test_goals_and_targets_are_all_there(sdg: Graph) -> None:
    assert len(set(sdg.subjects(RDF.type, SDGO.Goal))) == 17
    codes = target_codes(sdg)
    assert len(codes) == 169
    assert {"1.1", "3.a", "16.10", "17.17", "17.19"} <= codes
    assert "17.20" not in codes


def test_no_indicators_and_no_blank_nodes(sdg: Graph) -> None:
    assert not set(sdg.subjects(RDF.type, SDGO.Indicator))
    assert not [t for t in sdg if any(isinstance(n, BNode) for n in t)]
    # no link left pointing at a left-out indicator (their IRIs look like sdg:C010101)
    assert not [o for o in sdg.objects() if re.fullmatch(SDG_BASE + r"C\w+", str(o))]


def test_targets_link_to_their_goal(sdg: Graph) -> None:
    for code in target_codes(sdg):
        goal = sdg_goal(goal_of(code))
        target = sdg_target(code)
        assert list(sdg.objects(target, SDGO.isTargetOf)) == [goal]
        assert list(sdg.objects(target, SKOS.broader)) == [goal]
        assert (goal, SDGO.hasTarget, target) in sdg


@pytest.mark.parametrize("kind", [SDGO.Goal, SDGO.Target])
def test_one_label_per_language(sdg: Graph, kind: URIRef) -> None:
    for concept in sdg.subjects(RDF.type, kind):
        langs = Counter(o.language for o in sdg.objects(concept, SKOS.prefLabel))  # type: ignore[union-attr]
        assert langs["ja"] == 1 and langs["en"] == 1, (concept, langs)
        assert max(langs.values()) == 1, (concept, langs)


def test_japanese_text_is_normalised(sdg: Graph) -> None:
    for label in sdg.objects(None, SKOS.prefLabel):
        assert isinstance(label, Literal)
        if label.language == "ja":
            assert str(label) == str(label).strip()
            assert not re.search("[０-９]", str(label)), label
            assert not str(label).endswith("."), label
    ja = [str(o) for o in sdg.objects(sdg_target("1.1"), SKOS.prefLabel) if o.language == "ja"]  # type: ignore[union-attr]
    assert ja == [
        "2030年までに、現在1日1.25ドル未満で生活する人々と定義されている極度の貧困をあらゆる場所で終わらせる。"
    ]


def test_target_12_3_keeps_only_its_real_labels(sdg: Graph) -> None:
    labels = {o.language: str(o) for o in sdg.objects(sdg_target("12.3"), SKOS.prefLabel)}  # type: ignore[union-attr]
    en = [o for o in sdg.objects(sdg_target("12.3"), SKOS.prefLabel) if o.language == "en"]  # type: ignore[union-attr]
    assert len(en) == 1
    assert str(en[0]).startswith("By 2030,halve per capita global food waste")
    assert labels["fr"].startswith("D’ici à 2030, réduire de moitié")
    assert labels["es"].startswith("De aquí a 2030, reducir a la mitad")
    everything = {str(o) for o in sdg.objects()}
    assert not everything & {
        "By 2030,d",
        "Tableau de bord macroéconomique",
        "Tablero macroeconómico",
    }


def test_misplaced_sdgio_links_are_moved_to_the_tenth_target(sdg: Graph) -> None:
    links = _sdgio_links(sdg)
    # each SDGIO IRI names one concept, and a concept has at most one
    assert all(len(v) == 1 for v in links.values()), {k: v for k, v in links.items() if len(v) > 1}
    assert len({v[0] for v in links.values()}) == len(links)
    for goal, first, tenth in (("8", 131, 140), ("16", 210, 219), ("17", 222, 231)):
        assert links[f"{goal}.1"] == [f"{first:08d}"]
        assert links[f"{goal}.10"] == [f"{tenth:08d}"]
    # every goal and every target has its link now
    assert len(links) == 17 + 169


def test_goals_have_colours_and_short_names(sdg: Graph) -> None:
    for number, colour in GOAL_COLOURS.items():
        goal = sdg_goal(number)
        assert sdg.value(goal, SCHEMA.color) == Literal(colour)
        short = [o for o in sdg.objects(goal, SKOS.altLabel) if o.language == "ja"]  # type: ignore[union-attr]
        assert len(short) == 1, goal
    assert Literal("すべての人に健康と福祉を", lang="ja") in set(
        sdg.objects(sdg_goal(3), SKOS.altLabel)
    )


def test_the_licence_citation_travels_with_the_data(sdg: Graph) -> None:
    citations = [
        str(o) for o in sdg.objects(None, URIRef("http://purl.org/dc/terms/bibliographicCitation"))
    ]
    assert len(citations) == 1 and "Joshi" in citations[0]
    source_md = (VOCAB_DIR / "SOURCE.md").read_text("utf-8")
    assert citations[0] in " ".join(source_md.split())


@pytest.mark.parametrize(
    ("code", "goal"), [("3.a", 3), ("17.17", 17), ("16.10", 16), ("1.1", 1), ("17", 17)]
)
def test_goal_of(code: str, goal: int) -> None:
    assert goal_of(code) == goal


@pytest.mark.parametrize("bad", ["", "18.1", "3.", "3.A", "0.1", "3.8.1", "x"])
def test_goal_of_rejects_non_codes(bad: str) -> None:
    with pytest.raises(ValueError):
        goal_of(bad)


def test_load_sdg_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KyodoError, match=re.escape(SDG_FILE)):
        load_sdg(tmp_path)


@needs_shared
def test_vendored_files_equal_a_fresh_derivation() -> None:
    kos, ontology, _ = derive(SHARED_SDG)
    assert (VOCAB_DIR / SDG_FILE).read_text("utf-8") == serialise(kos)
    assert (VOCAB_DIR / SDG_ONTOLOGY_FILE).read_text("utf-8") == serialise(ontology)


@needs_shared
def test_derivation_refuses_other_sources(tmp_path: Path) -> None:
    shutil.copytree(SHARED_SDG, tmp_path / "sdg")
    changed = tmp_path / "sdg" / "sdgs-ontology.ttl"
    changed.chmod(0o644)
    changed.write_text(changed.read_text("utf-8") + "\n# changed\n", "utf-8")
    with pytest.raises(KyodoError, match=re.escape("sdgs-ontology.ttl")):
        check_sources(tmp_path / "sdg")
