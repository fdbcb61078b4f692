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
    Prefecture: URIRef

    # city
    localGovernmentCode: URIRef
    # the registry of local governments: prefectures and readings
    prefecture: URIRef
    prefectureCode: URIRef
    kanaReading: URIRef
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
    statedSdgGoal: URIRef
    impliedSdgGoal: URIRef
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
ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

# Every prefix kyodo-lod writes, in one table (``kyodo`` at the default base: publish moves
# it with the data). The named selections below are what each kind of output declares.
NAMESPACES: dict[str, str] = {
    "kyodo": str(KYODO._NS),
    "sdg": str(SDG),
    "sdgo": str(SDGO),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "org": str(ORG),
    "prov": str(PROV),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "void": str(VOID),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "vann": str(VANN),
    "adms": str(ADMS),
    "spdx": str(SPDX),
    "vcard": str(VCARD),
    "dcatap": str(DCATAP),
    "hydra": str(HYDRA),
    "sd": str(SD),
    "formats": str(FORMATS),
}
# what the data, the ontology and the dumps declare (``bind_prefixes``)
DATA_PREFIXES = (
    "kyodo", "sdg", "sdgo", "schema", "skos", "dct", "org", "prov", "dcat", "foaf", "void",
    "owl", "rdf", "rdfs", "xsd", "sh", "vann",
)  # fmt: skip
# the DCAT-AP catalogue adds the vocabularies of DCAT-AP
CATALOG_PREFIXES = (*DATA_PREFIXES, "adms", "spdx", "vcard", "dcatap")
# the UN SDG vocabulary as vendored (data/vocab/sdg.ttl)
VOCAB_PREFIXES = ("dct", "owl", "rdf", "rdfs", "schema", "sdg", "sdgo", "skos", "xsd")


def prefixes(names: tuple[str, ...] = DATA_PREFIXES, kyodo: str | None = None) -> dict[str, str]:
    """``{prefix: namespace IRI}`` for ``names``; ``kyodo`` replaces the default kyodo namespace
    (a server or build under another base)."""
    table = {name: NAMESPACES[name] for name in names}
    if kyodo is not None and "kyodo" in table:
        table["kyodo"] = kyodo
    return table


def sparql_prologue(names: tuple[str, ...], kyodo: str | None = None) -> str:
    """``PREFIX`` lines for a SPARQL query."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes(names, kyodo).items())


def bind_prefixes(graph, names: tuple[str, ...] = DATA_PREFIXES) -> None:  # type: ignore[no-untyped-def]
    """Bind our prefixes on an rdflib graph or dataset, replacing rdflib's defaults."""
    for prefix, namespace in prefixes(names).items():
        graph.bind(prefix, URIRef(namespace), override=True, replace=True)
