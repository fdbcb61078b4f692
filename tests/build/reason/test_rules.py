"""The rules reasoner gives exactly owlrl's useful entailments on the real plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF

from kyodo_lod.build.extract.csv_plan import read_plan_csv
from kyodo_lod.build.pipeline import load_ontology
from kyodo_lod.build.rdfize import rdfize
from kyodo_lod.build.reason.rules import Rules, UnsupportedAxiom, infer
from kyodo_lod.build.vocab import load_sdg
from kyodo_lod.config import Settings
from kyodo_lod.rdf.iris import Iris
from kyodo_lod.rdf.namespaces import KYODO
from tests.locations import ROOT

IRIS = Iris()


@pytest.fixture(scope="module")
def schema(settings: Settings) -> tuple[Graph, Graph]:
    return load_ontology(settings), load_sdg(settings.vocab_dir)


@pytest.fixture(scope="module")
def published(dist: Path) -> Dataset:
    """The session build (owlrl, the default reasoner) of the Koriyama plan."""
    dataset = Dataset()
    dataset.parse(dist / "kyodo-lod.trig", format="trig")
    return dataset


def test_rules_equal_owlrl_on_the_real_plan(
    build, published: Dataset, schema: tuple[Graph, Graph]
) -> None:
    assert [p.city.code for p in build.plans] == ["072036"]
    asserted = published.graph(IRIS.graph("asserted"))
    by_owlrl = set(published.graph(IRIS.graph("inferred")))
    by_rules = set(infer(asserted, *schema))
    assert len(by_owlrl) > 2000
    assert by_rules - by_owlrl == set(), "the rules infer something owlrl does not"
    assert by_owlrl - by_rules == set(), "the rules miss some of owlrl's entailments"


def test_rules_come_from_the_ontology(schema: tuple[Graph, Graph]) -> None:
    rules = Rules.of(*schema)
    is_target_of = URIRef("http://metadata.un.org/sdg/ontology#isTargetOf")
    assert (KYODO.impliedSdgGoal, (KYODO.sdgTarget, is_target_of)) in rules.chains
    assert (KYODO.statedSdgGoal, KYODO.sdgGoal) in rules.sub_properties
    assert (KYODO.impliedSdgGoal, KYODO.sdgGoal) in rules.sub_properties
    assert URIRef("http://www.w3.org/ns/org#transitiveSubOrganizationOf") in rules.transitive
    assert (KYODO.kpiOf, KYODO.hasKPI) in rules.inverses
    assert (KYODO.hasKPI, KYODO.kpiOf) in rules.inverses
    # a new axiom in the ontology becomes a rule without touching the code
    extended = Graph()
    extended += schema[0]
    extended.add((KYODO.hasKPI, RDF.type, OWL.TransitiveProperty))
    assert KYODO.hasKPI in Rules.of(extended, schema[1]).transitive


def test_an_axiom_the_rules_do_not_implement_is_refused(schema: tuple[Graph, Graph]) -> None:
    ontology = Graph()
    ontology += schema[0]
    ontology.add((KYODO.relists, RDF.type, OWL.FunctionalProperty))
    with pytest.raises(UnsupportedAxiom, match="FunctionalProperty"):
        Rules.of(ontology, schema[1])


def test_many_plans_at_once_equal_each_alone(
    published: Dataset, schema: tuple[Graph, Graph]
) -> None:
    koriyama = published.graph(IRIS.graph("asserted"))
    example = rdfize(
        read_plan_csv(ROOT / "data/examples/projects.csv", ROOT / "data/examples/kpis.csv")
    )
    both = Graph()
    both += koriyama
    both += example
    alone = set(infer(koriyama, *schema)) | set(infer(example, *schema))
    assert set(infer(both, *schema)) == alone


def test_rules_equal_owlrl_on_stated_and_implied_goals(schema: tuple[Graph, Graph]) -> None:
    """A plan that states goals, alone and beside targets (a fictional fixture): both reasoners
    derive the same triples, sdgGoal from either kind of goal, impliedSdgGoal only from targets."""
    from kyodo_lod.build.reason import owlrl

    asserted = rdfize(read_plan_csv(ROOT / "tests/fixtures/sdg-goals-and-targets.csv"))
    by_rules = infer(asserted, *schema)
    assert set(by_rules) == set(owlrl.infer(asserted, *schema))
    project = {n: IRIS.project("079995", "plan", 2025, n) for n in (1, 2, 3)}
    goal = {n: URIRef(f"http://metadata.un.org/sdg/{n}") for n in (3, 4, 11, 17)}
    assert set(asserted.objects(project[1], KYODO.statedSdgGoal)) == {goal[3], goal[4], goal[17]}
    assert set(by_rules.objects(project[1], KYODO.impliedSdgGoal)) == {goal[3], goal[17]}
    assert set(by_rules.objects(project[1], KYODO.sdgGoal)) == {goal[3], goal[4], goal[17]}
    assert set(by_rules.objects(project[2], KYODO.impliedSdgGoal)) == {goal[11]}
    assert set(by_rules.objects(project[2], KYODO.sdgGoal)) == {goal[11]}
    assert not list(asserted.objects(project[2], KYODO.statedSdgGoal))
    assert not list(by_rules.objects(project[3], KYODO.impliedSdgGoal))
    assert set(by_rules.objects(project[3], KYODO.sdgGoal)) == {goal[11]}
