"""ontology/kyodo.ttl against the KYODO namespace, the model contract and the two SKOS schemes."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS

from kyodo_lod.config import Settings
from kyodo_lod.model import CATEGORY_LABELS_JA, Category
from kyodo_lod.rdf.iris import Iris
from kyodo_lod.rdf.namespaces import KYODO, ONTOLOGY_IRI, SCHEMA, SDGO

VANN = "http://purl.org/vocab/vann/"
IRIS = Iris()
ONTOLOGY = URIRef(ONTOLOGY_IRI)
TERMS = sorted(KYODO._NS[name] for name in KYODO.__annotations__)
DEPARTMENT_KINDS = ("bu", "kyoku", "ka", "shitsu", "center", "kan", "sho", "kakuka", "other")


@pytest.fixture(scope="module")
def onto() -> Graph:
    graph = Graph()
    graph.parse(Settings.from_env({}).ontology_path, format="turtle")
    return graph


def _langs(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str | None]:
    return sorted(o.language or "" for o in graph.objects(subject, predicate))  # type: ignore[union-attr]


def test_ontology_header(onto: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY, OWL.versionInfo) is not None
    assert _langs(onto, ONTOLOGY, DCTERMS.title) == ["en", "ja"]
    assert onto.value(ONTOLOGY, DCTERMS.description) is not None
    assert onto.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert onto.value(ONTOLOGY, DCTERMS.creator) == Literal("kyodo-lod")
    assert onto.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix")) == Literal("kyodo")


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.fragment)
def test_every_namespace_term_is_defined(onto: Graph, term: URIRef) -> None:
    kinds = set(onto.objects(term, RDF.type))
    assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, f"{term} has no type"
    assert _langs(onto, term, RDFS.label) == ["en", "ja"]
    assert _langs(onto, term, SKOS.definition) == ["en", "ja"]
    assert (term, RDFS.isDefinedBy, ONTOLOGY) in onto


def test_no_term_outside_the_namespace_class(onto: Graph) -> None:
    used = {
        node
        for triple in onto
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(KYODO._NS))
    }
    assert used - set(TERMS) == set(), "terms in the ontology file but not in KYODO"
    assert set(TERMS) - used == set()


def test_object_and_datatype_properties_are_apart(onto: Graph) -> None:
    objects = set(onto.subjects(RDF.type, OWL.ObjectProperty))
    datatypes = set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    assert not objects & datatypes
    assert KYODO.sdgTarget in objects and KYODO.planText in datatypes
    assert KYODO.fiscalYear in datatypes and KYODO.projectNumber in datatypes


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (KYODO.City, ORG.FormalOrganization),
        (KYODO.Department, ORG.OrganizationalUnit),
        (KYODO.Plan, PROV.Entity),
        (KYODO.BasicPlan, KYODO.Plan),
        (KYODO.ImplementationPlan, KYODO.Plan),
        (KYODO.Project, PROV.Entity),
        (KYODO.KPI, SCHEMA.QuantitativeValue),
        (KYODO.SourceDocument, PROV.Entity),
        (KYODO.SourceDocument, FOAF.Document),
        (KYODO.SourceExcerpt, PROV.Entity),
    ],
)
def test_classes_reuse_standard_ones(onto: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in onto


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (KYODO.planText, DCTERMS.description),
        (KYODO.inPlan, DCTERMS.isPartOf),
        (KYODO.partOfPlan, DCTERMS.isPartOf),
        (KYODO.implementsPlan, DCTERMS.isPartOf),
        (KYODO.hasProject, DCTERMS.hasPart),
        (KYODO.hasPolicy, DCTERMS.hasPart),
        (KYODO.hasImplementationPlan, DCTERMS.hasPart),
        (KYODO.responsibleDepartment, PROV.wasAttributedTo),
        (KYODO.sdgTarget, DCTERMS.subject),
        (KYODO.sdgGoal, DCTERMS.subject),
        (KYODO.statedSdgGoal, KYODO.sdgGoal),
        (KYODO.impliedSdgGoal, KYODO.sdgGoal),
        (KYODO.sourceExcerpt, PROV.wasDerivedFrom),
        (KYODO.previousYearEntry, PROV.wasRevisionOf),
        (KYODO.broaderPolicy, SKOS.broader),
        (ORG.unitOf, ORG.subOrganizationOf),
        (ORG.subOrganizationOf, ORG.transitiveSubOrganizationOf),
    ],
)
def test_properties_reuse_standard_ones(onto: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subPropertyOf, sup) in onto


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (KYODO.underPolicy, KYODO.includesProject),
        (KYODO.inPlan, KYODO.hasProject),
        (KYODO.hasKPI, KYODO.kpiOf),
        (KYODO.responsibleDepartment, KYODO.responsibleFor),
        (KYODO.sdgTarget, KYODO.servedByProject),
        (KYODO.relists, KYODO.relistedAs),
        (KYODO.implementsPlan, KYODO.hasImplementationPlan),
        (KYODO.broaderPolicy, KYODO.narrowerPolicy),
        (KYODO.partOfPlan, KYODO.hasPolicy),
        (KYODO.previousYearEntry, KYODO.nextYearEntry),
        (ORG.hasUnit, ORG.unitOf),
    ],
)
def test_inverse_pairs(onto: Graph, left: URIRef, right: URIRef) -> None:
    assert (left, OWL.inverseOf, right) in onto or (right, OWL.inverseOf, left) in onto


def test_the_goal_a_target_implies_is_the_target_chain(onto: Graph) -> None:
    chains = list(onto.objects(KYODO.impliedSdgGoal, OWL.propertyChainAxiom))
    assert len(chains) == 1
    assert list(Collection(onto, chains[0])) == [KYODO.sdgTarget, SDGO.isTargetOf]
    # a goal the plan states and a goal a target implies are told apart; sdgGoal is either
    assert not list(onto.objects(KYODO.statedSdgGoal, OWL.propertyChainAxiom))
    assert not list(onto.objects(KYODO.sdgGoal, OWL.propertyChainAxiom))
    for prop in (KYODO.sdgGoal, KYODO.statedSdgGoal, KYODO.impliedSdgGoal):
        assert onto.value(prop, RDFS.range) == SDGO.Goal
        assert _langs(onto, prop, RDFS.label) == ["en", "ja"]
    for prop in (KYODO.statedSdgGoal, KYODO.impliedSdgGoal):
        assert _langs(onto, prop, RDFS.comment) == ["en", "ja"]


def test_org_transitivity_is_stated(onto: Graph) -> None:
    assert (ORG.transitiveSubOrganizationOf, RDF.type, OWL.TransitiveProperty) in onto


def _check_scheme(onto: Graph, scheme: URIRef, concepts: list[URIRef]) -> None:
    assert (scheme, RDF.type, SKOS.ConceptScheme) in onto
    assert _langs(onto, scheme, SKOS.prefLabel) == ["en", "ja"]
    assert set(onto.subjects(SKOS.inScheme, scheme)) == set(concepts)
    assert set(onto.objects(scheme, SKOS.hasTopConcept)) == set(concepts)
    for concept in concepts:
        assert (concept, RDF.type, SKOS.Concept) in onto
        assert (concept, SKOS.topConceptOf, scheme) in onto
        assert _langs(onto, concept, SKOS.prefLabel) == ["en", "ja"], concept
        assert _langs(onto, concept, SKOS.definition) == ["en", "ja"], concept
        assert onto.value(concept, SKOS.notation) == Literal(str(concept).rsplit("/", 1)[1])


def test_category_scheme_matches_the_model(onto: Graph) -> None:
    concepts = [IRIS.category(c.value) for c in Category]
    _check_scheme(onto, IRIS.category_scheme(), concepts)
    for category in Category:
        label = Literal(CATEGORY_LABELS_JA[category], lang="ja")
        assert (IRIS.category(category.value), SKOS.prefLabel, label) in onto


def test_department_kind_scheme(onto: Graph) -> None:
    concepts = [IRIS.department_kind(k) for k in DEPARTMENT_KINDS]
    _check_scheme(onto, IRIS.department_kind_scheme(), concepts)
    kakuka = IRIS.department_kind("kakuka")
    assert (kakuka, SKOS.prefLabel, Literal("各課", lang="ja")) in onto


def test_only_the_property_chain_uses_blank_nodes(onto: Graph) -> None:
    """Blank nodes make dumps non-deterministic; the chain's RDF list is the one exception."""
    blank_subjects = {s for s in onto.subjects() if not isinstance(s, URIRef)}
    assert len(blank_subjects) == 2  # the two cells of (kyodo:sdgTarget sdgo:isTargetOf)
