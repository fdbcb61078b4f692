"""The catalogue's vocabulary: the EU authority tables and ADMS code lists it draws on, the
dumps it describes (``DUMPS``) and the files it links (``REPORT_FILES``), and how each
controlled term is described in the catalogue graph."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from ...dist import (
    ANOMALIES_CSV,
    CSV_METADATA,
    JSONLD,
    NTRIPLES,
    PROJECTS_CSV,
    PROJECTS_XLSX,
    TRIG,
    TURTLE,
    VALIDATION_REPORT,
)
from ...rdf.namespaces import SPDX

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
FORMATS = "http://www.w3.org/ns/formats/"

# The EU authority tables (and ADMS code lists) we use. Each concept is described minimally in the
# catalogue graph (type, scheme, notation, a display label) so the DCAT-AP range and vocabulary
# shapes can check it without fetching anything; the authoritative record is the IRI itself.
SCHEMES: dict[str, str] = {
    EU + "language": "Languages (EU authority table)",
    EU + "file-type": "File types (EU authority table)",
    EU + "frequency": "Frequencies (EU authority table)",
    EU + "data-theme": "Data themes (EU authority table)",
    EU + "country": "Countries and territories (EU authority table)",
    EU + "licence": "Licences (EU authority table)",
    "http://purl.org/adms/publishertype/1.0": "Publisher type (ADMS)",
    "http://purl.org/adms/licencetype/1.0": "Licence type (ADMS)",
    EU + "planned-availability": "Planned availability (EU authority table)",
}
LANG_JA = URIRef(EU + "language/JPN")
LANG_EN = URIRef(EU + "language/ENG")
THEME_GOVERNMENT = URIRef(EU + "data-theme/GOVE")
ANNUAL = URIRef(EU + "frequency/ANNUAL")
STABLE = URIRef(EU + "planned-availability/STABLE")
JAPAN = URIRef(EU + "country/JPN")
# The licence is named by Creative Commons' own URL, the one IRI both EU portals and Japanese
# CKAN licence registers recognise (ckanext-dcat matches a licence by its URL, then its title);
# the EU authority's concept is stated as the same licence (docs/decisions/0006-licence-iri.md).
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
LICENCE_EU = URIRef(EU + "licence/CC_BY_4_0")
LICENCE_SPDX = "CC-BY-4.0"  # the SPDX licence identifier, which CKAN registers use as their id
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")
# DCAT-AP 3.0.1's vocabulary shape wants the algorithm IRI to start with https://spdx.org/rdf/terms
# while the SPDX 2 term is http://; we use the https form and state it is the same term.
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
SDG_SCHEME = URIRef("http://metadata.un.org/sdg")
SDG_VOID = URIRef("http://metadata.un.org/sdg/void.ttl#SDG")  # the UN KOS's own VoID dataset
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
CSVW = URIRef("http://www.w3.org/ns/csvw")  # CSV on the Web (its namespace names the standard)

# (concept, scheme, notation, labels)
CONCEPTS: tuple[tuple[URIRef, str, str, dict[str, str]], ...] = (
    (LANG_JA, EU + "language", "JPN", {"en": "Japanese", "ja": "日本語"}),
    (LANG_EN, EU + "language", "ENG", {"en": "English", "ja": "英語"}),
    (THEME_GOVERNMENT, EU + "data-theme", "GOVE", {"en": "Government and public sector"}),
    (ANNUAL, EU + "frequency", "ANNUAL", {"en": "annual"}),
    (STABLE, EU + "planned-availability", "STABLE", {"en": "stable"}),
    (JAPAN, EU + "country", "JPN", {"en": "Japan", "ja": "日本"}),
    (LICENCE_EU, EU + "licence", "CC_BY_4_0", {"en": "Creative Commons Attribution 4.0"}),
    (LOCAL_AUTHORITY, "http://purl.org/adms/publishertype/1.0", "LocalAuthority",
     {"en": "Local Authority"}),
    (ATTRIBUTION, "http://purl.org/adms/licencetype/1.0", "Attribution", {"en": "Attribution"}),
)  # fmt: skip


@dataclass(frozen=True)
class DumpFormat:
    key: str  # the distribution's IRI key
    file_name: str
    media_type: str  # IANA name
    file_type: str  # EU file-type code
    label_en: str
    label_ja: str
    rdf: bool = True
    feature: str | None = None  # W3C format IRI, for void:feature
    standard: URIRef | None = None  # what the file conforms to besides our ontology
    about_ja: str = "kyodo-lodの全データ"  # what the file holds
    about_en: str = "all kyodo-lod data"


DUMPS: tuple[DumpFormat, ...] = (
    DumpFormat("trig", TRIG, "application/trig", "RDF_TRIG",
               "TriG (named graphs)", "TriG（名前付きグラフ）", feature="TriG"),
    DumpFormat("turtle", TURTLE, "text/turtle", "RDF_TURTLE",
               "Turtle", "Turtle", feature="Turtle"),
    DumpFormat("ntriples", NTRIPLES, "application/n-triples", "RDF_N_TRIPLES",
               "N-Triples", "N-Triples", feature="N-Triples"),
    DumpFormat("jsonld", JSONLD, "application/ld+json", "JSON_LD",
               "JSON-LD", "JSON-LD", feature="JSON-LD"),
    DumpFormat("csv", PROJECTS_CSV, "text/csv", "CSV",
               "projects (CSV, one row per project per year)", "事業一覧（CSV、年度ごとに1行）",
               rdf=False),
    DumpFormat("csvw", CSV_METADATA, "application/csvm+json", "JSON",
               "projects.csv's columns described (CSV on the Web metadata)",
               "事業一覧CSVの列の説明（CSV on the Webメタデータ）", rdf=False, standard=CSVW,
               about_ja="projects.csvの各列（見出し・型・必須・区切り）とグラフへの対応",
               about_en="the columns of projects.csv (titles, datatypes, required, separators) "
               "and how they map onto the graph"),
    DumpFormat("xlsx", PROJECTS_XLSX,
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX",
               "projects (Excel, the rows of projects.csv)",
               "事業一覧（Excel、projects.csvと同じ行）",
               rdf=False, about_ja="projects.csvと同じ行（見出しは日本語・英語、2枚目に出典）",
               about_en="the rows of projects.csv (ja/en column titles; the attribution on a "
               "second sheet)"),
)  # fmt: skip
FILE_TYPE_LABELS = {
    "RDF_TRIG": "RDF TriG",
    "RDF_TURTLE": "RDF Turtle",
    "RDF_N_TRIPLES": "RDF N-Triples",
    "JSON_LD": "JSON-LD",
    "CSV": "CSV",
    "JSON": "JSON",
    "XLSX": "XLSX",
    "SPARQLQ": "SPARQL",
}
REPORT_FILES = {
    VALIDATION_REPORT: ("SHACL検証レポート", "SHACL validation report"),
    ANOMALIES_CSV: ("抽出時に補正した箇所の一覧", "What the extraction reconciled"),
}


def add_texts(g: Graph, subject: URIRef, predicate: URIRef, ja: str, en: str) -> None:
    """``ja``@ja and ``en``@en, each where not empty."""
    if ja:
        g.add((subject, predicate, Literal(ja, lang="ja")))
    if en:
        g.add((subject, predicate, Literal(en, lang="en")))


def describe_vocabulary(g: Graph) -> None:
    """Minimal typed descriptions of the controlled-vocabulary IRIs used (see SCHEMES)."""
    for scheme, title in SCHEMES.items():
        node = URIRef(scheme)
        g.add((node, RDF.type, SKOS.ConceptScheme))
        g.add((node, DCTERMS.title, Literal(title, lang="en")))
    for concept, scheme, notation, labels in CONCEPTS:
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.inScheme, URIRef(scheme)))
        g.add((concept, SKOS.notation, Literal(notation)))
        g.add((concept, DCTERMS.source, URIRef(scheme)))
        for language, label in labels.items():
            g.add((concept, SKOS.prefLabel, Literal(label, lang=language)))
    for language in (LANG_JA, LANG_EN):
        g.add((language, RDF.type, DCTERMS.LinguisticSystem))
    g.add((ANNUAL, RDF.type, DCTERMS.Frequency))
    g.add((JAPAN, RDF.type, DCTERMS.Location))
    g.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    add_texts(g, LICENCE, DCTERMS.title, "クリエイティブ・コモンズ 表示 4.0 国際",
              "Creative Commons Attribution 4.0 International")  # fmt: skip
    g.add((LICENCE, DCTERMS.type, ATTRIBUTION))
    g.add((LICENCE, DCTERMS.identifier, Literal(LICENCE_SPDX)))
    g.add((LICENCE, SKOS.exactMatch, LICENCE_EU))
    for dump in DUMPS:
        media = URIRef(IANA + dump.media_type)
        g.add((media, RDF.type, DCTERMS.MediaType))
        g.add((media, RDFS.label, Literal(dump.media_type)))
    for code, label in FILE_TYPE_LABELS.items():
        node = URIRef(EU + "file-type/" + code)
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((node, SKOS.inScheme, URIRef(EU + "file-type")))
        g.add((node, SKOS.notation, Literal(code)))
        g.add((node, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((node, DCTERMS.source, URIRef(EU + "file-type")))
    g.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
    g.add((SHA256, RDFS.label, Literal("SHA-256", lang="en")))
    g.add((SHA256, OWL.sameAs, SPDX.checksumAlgorithm_sha256))
    g.add((SDG_SCHEME, RDF.type, SKOS.ConceptScheme))
    # the title the UN gives its KOS in its own VoID description
    g.add(
        (
            SDG_SCHEME,
            DCTERMS.title,
            Literal(
                "A Knowledge Organization System for the United Nations Sustainable "
                "Development Goals",
                lang="en",
            ),
        )
    )
    g.add((CSVW, RDF.type, DCTERMS.Standard))
    g.add((CSVW, DCTERMS.title, Literal("CSV on the Web (W3C)", lang="en")))
    g.add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))
    g.add((SPARQL_PROTOCOL, DCTERMS.title, Literal("SPARQL 1.1 Protocol", lang="en")))
