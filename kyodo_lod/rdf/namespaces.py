"""Namespaces. ``KYODO`` fails on a misspelt term: every term used must be listed here and
defined in ontology/kyodo.ttl (a test checks both directions)."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)

from ..config import DEFAULT_BASE_IRI

ONTOLOGY_IRI = DEFAULT_BASE_IRI + "def/kyodo"


class KYODO(DefinedNamespace):
    """The kyodo-lod ontology (minted at the default base; publish rebases it)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # classes
    City: URIRef
    Plan: URIRef
    BasicPlan: URIRef
    ImplementationPlan: URIRef
    Policy: URIRef
    PolicySummary: URIRef
    Project: URIRef
    KPI: URIRef
    Department: URIRef
    SourceDocument: URIRef
    SourceExcerpt: URIRef

    # city
    localGovernmentCode: URIRef
    # plans
    fiscalYear: URIRef
    implementsPlan: URIRef
    hasImplementationPlan: URIRef
    projectCount: URIRef
    previousYearProjectCount: URIRef
    # policies
    policyNumber: URIRef
    partOfPlan: URIRef
    hasPolicy: URIRef
    broaderPolicy: URIRef
    narrowerPolicy: URIRef
    # summary table rows
    summaryOf: URIRef
    summarisesPolicy: URIRef
    newCount: URIRef
    expandedCount: URIRef
    continuedCount: URIRef
    completedCount: URIRef
    # projects
    projectNumber: URIRef
    inPlan: URIRef
    hasProject: URIRef
    underPolicy: URIRef
    includesProject: URIRef
    category: URIRef
    planText: URIRef
    hasKPI: URIRef
    kpiOf: URIRef
    order: URIRef
    responsibleDepartment: URIRef
    responsibleFor: URIRef
    sdgTarget: URIRef
    sdgGoal: URIRef
    servedByProject: URIRef
    relists: URIRef
    relistedAs: URIRef
    previousYearEntry: URIRef
    nextYearEntry: URIRef
    # departments
    departmentKind: URIRef
    # provenance
    sourceExcerpt: URIRef
    startLine: URIRef
    endLine: URIRef
    page: URIRef


SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")

PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "kyodo": KYODO,
    "sdg": SDG,
    "sdgo": SDGO,
    "schema": SCHEMA,
    "skos": SKOS,
    "dct": DCTERMS,
    "org": ORG,
    "prov": PROV,
    "dcat": DCAT,
    "foaf": FOAF,
    "void": VOID,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sh": SH,
    "vann": VANN,
}


def bind_prefixes(graph) -> None:  # type: ignore[no-untyped-def]
    """Bind our prefixes on an rdflib graph or dataset, replacing rdflib's defaults."""
    for prefix, namespace in PREFIXES.items():
        ns = namespace._NS if isinstance(namespace, type) else namespace
        graph.bind(prefix, ns, override=True, replace=True)
