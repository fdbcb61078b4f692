"""infer() on a small hand-written city: what OWL RL must add, and what it must leave out."""

from __future__ import annotations

import owlrl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, XSD

from kyodo_lod.build.reason.owlrl import infer, new_useful_triples, predicate_counts
from kyodo_lod.build.vocab import load_sdg
from kyodo_lod.config import Settings
from kyodo_lod.rdf.iris import Iris, sdg_goal, sdg_target
from kyodo_lod.rdf.namespaces import KYODO, SCHEMA

IRIS = Iris()
CODE = "072036"
CITY = IRIS.city(CODE)
BUREAU = IRIS.department(CODE, ("保健福祉部",))
SECTION = IRIS.department(CODE, ("保健福祉部", "健康政策課"))
PLAN = IRIS.implementation_plan(CODE, "kyodo2", 2025)
PROJECT = IRIS.project(CODE, "kyodo2", 2025, 1)
KPI = IRIS.kpi(PROJECT, 1)


def _asserted() -> Graph:
    g = Graph()
    g.add((CITY, RDF.type, KYODO.City))
    g.add((CITY, RDFS.label, Literal("郡山市", lang="ja")))
    g.add((CITY, KYODO.localGovernmentCode, Literal(CODE)))
    for unit, parent, name, kind in (
        (BUREAU, CITY, "保健福祉部", "bu"),
        (SECTION, BUREAU, "健康政策課", "ka"),
    ):
        g.add((unit, RDF.type, KYODO.Department))
        g.add((unit, RDFS.label, Literal(name, lang="ja")))
        g.add((unit, ORG.unitOf, parent))
        g.add((unit, KYODO.departmentKind, IRIS.department_kind(kind)))
    g.add((PROJECT, RDF.type, KYODO.Project))
    g.add((PROJECT, RDFS.label, Literal("健康づくり推進事業", lang="ja")))
    g.add((PROJECT, KYODO.projectNumber, Literal(1)))
    g.add((PROJECT, KYODO.fiscalYear, Literal("2025", datatype=XSD.gYear)))
    g.add((PROJECT, KYODO.inPlan, PLAN))
    g.add((PROJECT, KYODO.category, IRIS.category("continued")))
    g.add((PROJECT, KYODO.planText, Literal("市民の健康づくりを支援する。", lang="ja")))
    g.add((PROJECT, KYODO.responsibleDepartment, SECTION))
    g.add((PROJECT, KYODO.sdgTarget, sdg_target("3.8")))
    g.add((PROJECT, KYODO.sdgTarget, sdg_target("17.17")))
    g.add((PROJECT, KYODO.hasKPI, KPI))
    g.add((KPI, RDF.type, KYODO.KPI))
    g.add((KPI, RDFS.label, Literal("〇参加者数　600人", lang="ja")))
    g.add((KPI, SCHEMA.value, Literal("600", datatype=XSD.decimal)))
    return g


@pytest.fixture(scope="module")
def inputs() -> tuple[Graph, Graph, Graph]:
    settings = Settings.from_env({})
    ontology = Graph().parse(settings.ontology_path, format="turtle")
    return _asserted(), ontology, load_sdg(settings.vocab_dir)


@pytest.fixture(scope="module")
def inferred(inputs: tuple[Graph, Graph, Graph]) -> Graph:
    return infer(*inputs)


def test_project_gets_the_goals_of_its_targets(inferred: Graph) -> None:
    assert set(inferred.objects(PROJECT, KYODO.sdgGoal)) == {sdg_goal(3), sdg_goal(17)}
    subjects = set(inferred.objects(PROJECT, DCTERMS.subject))
    assert subjects == {sdg_goal(3), sdg_goal(17), sdg_target("3.8"), sdg_target("17.17")}


def test_inverse_properties(inferred: Graph) -> None:
    assert (PLAN, KYODO.hasProject, PROJECT) in inferred
    assert (KPI, KYODO.kpiOf, PROJECT) in inferred
    assert (SECTION, KYODO.responsibleFor, PROJECT) in inferred
    assert (sdg_target("3.8"), KYODO.servedByProject, PROJECT) in inferred
    assert (sdg_target("17.17"), KYODO.servedByProject, PROJECT) in inferred
    assert (CITY, ORG.hasUnit, BUREAU) in inferred
    assert (BUREAU, ORG.hasUnit, SECTION) in inferred


def test_units_are_transitively_part_of_the_city(inferred: Graph) -> None:
    assert set(inferred.objects(SECTION, ORG.transitiveSubOrganizationOf)) == {BUREAU, CITY}
    assert set(inferred.objects(BUREAU, ORG.transitiveSubOrganizationOf)) == {CITY}
    assert (SECTION, ORG.subOrganizationOf, BUREAU) in inferred


def test_super_properties_and_classes(inferred: Graph) -> None:
    assert (PROJECT, DCTERMS.isPartOf, PLAN) in inferred
    assert (PLAN, DCTERMS.hasPart, PROJECT) in inferred
    assert (PROJECT, PROV.wasAttributedTo, SECTION) in inferred
    assert (
        PROJECT,
        DCTERMS.description,
        Literal("市民の健康づくりを支援する。", lang="ja"),
    ) in inferred
    assert (SECTION, ORG.classification, IRIS.department_kind("ka")) in inferred
    assert (PROJECT, RDF.type, PROV.Entity) in inferred
    assert (KPI, RDF.type, SCHEMA.QuantitativeValue) in inferred
    assert (SECTION, RDF.type, ORG.OrganizationalUnit) in inferred
    assert (CITY, RDF.type, ORG.FormalOrganization) in inferred
    assert {KYODO.ImplementationPlan, KYODO.Plan} <= set(inferred.objects(PLAN, RDF.type))


def test_nothing_trivial_nothing_restated(
    inferred: Graph, inputs: tuple[Graph, Graph, Graph]
) -> None:
    for triple in inferred:
        s, p, o = triple
        assert not any(isinstance(n, BNode) for n in triple), triple
        assert isinstance(s, URIRef), triple
        assert not any(triple in graph for graph in inputs), triple
        assert p not in (OWL.sameAs, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain), triple
        if p == RDF.type:
            assert o not in (OWL.Thing, RDFS.Resource, OWL.Nothing, OWL.Class, RDFS.Class), triple
    vocabulary = set(inputs[1].subjects())
    assert not [t for t in inferred if t[0] in vocabulary], "triples about ontology terms"
    assert not [t for t in inferred if str(t[0]).startswith("http://metadata.un.org/sdg/ontology")]
    assert not [t for t in inferred if t[1] == KYODO.servedByProject and t[2] not in {PROJECT}]
    # SDG concepts appear as subjects only for the inverse links to our projects
    sdg_subjects = {t for t in inferred if str(t[0]).startswith("http://metadata.un.org/sdg/")}
    assert {t[1] for t in sdg_subjects} == {KYODO.servedByProject}


def test_inputs_are_not_modified(inputs: tuple[Graph, Graph, Graph]) -> None:
    before = [len(g) for g in inputs]
    infer(*inputs)
    assert [len(g) for g in inputs] == before


def test_result_equals_owlrl_on_the_unpruned_inputs(
    inferred: Graph, inputs: tuple[Graph, Graph, Graph]
) -> None:
    """infer() leaves the SDG labels out of owlrl's copy for speed; that must change nothing."""
    asserted, ontology, sdg = inputs
    closure = Graph()
    for graph in inputs:
        for triple in graph:
            closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    full = new_useful_triples(closure, asserted, ontology, sdg)
    assert set(inferred) == set(full)


def test_predicate_counts(inferred: Graph) -> None:
    counts = predicate_counts(inferred)
    assert sum(counts.values()) == len(inferred)
    assert counts[KYODO.sdgGoal] == 2
    assert counts[KYODO.servedByProject] == 2
    assert counts[ORG.transitiveSubOrganizationOf] == 3
    assert list(counts.values()) == sorted(counts.values(), reverse=True)
