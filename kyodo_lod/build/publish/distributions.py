"""The catalogue's distributions (one per dump file, and the SPARQL endpoint) and its SPARQL
data service."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from ...rdf.iris import Iris
from ...rdf.namespaces import DCATAP, SPDX
from .dcat_vocabulary import (
    DUMPS,
    EU,
    IANA,
    LICENCE,
    SHA256,
    SPARQL_PROTOCOL,
    STABLE,
    THEME_GOVERNMENT,
    DumpFormat,
    add_texts,
)


def add_distributions(
    g: Graph,
    iris: Iris,
    dataset: URIRef,
    files: Mapping[str, tuple[int, str]],
    issued: date,
    modified: date,
) -> None:
    """A distribution per dump in ``files`` (name → size, sha256), and the SPARQL one."""
    for dump in DUMPS:
        if dump.file_name in files:
            size, sha256 = files[dump.file_name]
            _distribution(g, iris, dataset, dump, size, sha256, issued, modified)
    _sparql_distribution(g, iris, dataset)


def _distribution(
    g: Graph,
    iris: Iris,
    dataset: URIRef,
    dump: DumpFormat,
    size: int,
    sha256: str,
    issued: date,
    modified: date,
) -> None:
    node = iris.distribution(dataset, dump.key)
    url = iris.dump(dump.file_name)
    g.add((dataset, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    scope_ja = "（全自治体・全年度を含む一括ダウンロード）"
    scope_en = " (bulk download: every city and fiscal year)"
    add_texts(g, node, DCTERMS.title, f"{dump.label_ja}{scope_ja}", f"{dump.label_en}{scope_en}")
    add_texts(
        g,
        node,
        DCTERMS.description,
        f"{dump.file_name}：{dump.about_ja}{'（RDF）' if dump.rdf else ''}。",
        f"{dump.file_name}: {dump.about_en}{' (RDF)' if dump.rdf else ''}.",
    )
    g.add((node, DCAT.accessURL, url))
    g.add((node, DCAT.downloadURL, url))
    g.add((node, DCATAP.availability, STABLE))
    g.add((node, DCAT.mediaType, URIRef(IANA + dump.media_type)))
    g.add((node, DCTERMS.format, URIRef(EU + "file-type/" + dump.file_type)))
    g.add((node, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    g.add((node, DCTERMS.license, LICENCE))
    g.add((node, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    g.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    if dump.rdf:
        g.add((node, DCTERMS.conformsTo, iris.ontology()))
    if dump.standard is not None:
        g.add((node, DCTERMS.conformsTo, dump.standard))
    checksum = iris.checksum(node)
    g.add((node, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SHA256))
    g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))


def _sparql_distribution(g: Graph, iris: Iris, dataset: URIRef) -> None:
    node = iris.distribution(dataset, "sparql")
    g.add((dataset, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    add_texts(g, node, DCTERMS.title, "SPARQLエンドポイント", "SPARQL endpoint")
    add_texts(g, node, DCTERMS.description,
              "SPARQL 1.1で問い合わせできます（全グラフの和が既定グラフ）。",
              "Query with SPARQL 1.1 (the default graph is the union of all graphs).")  # fmt: skip
    g.add((node, DCAT.accessURL, iris.sparql_endpoint()))
    g.add((node, DCAT.accessService, iris.sparql_service()))
    g.add((node, DCATAP.availability, STABLE))
    g.add((node, DCTERMS.format, URIRef(EU + "file-type/SPARQLQ")))
    g.add((node, DCTERMS.license, LICENCE))


def add_service(g: Graph, iris: Iris) -> None:
    service = iris.sparql_service()
    endpoint = iris.sparql_endpoint()
    g.add((service, RDF.type, DCAT.DataService))
    add_texts(g, service, DCTERMS.title, "kyodo-lod SPARQLエンドポイント",
              "kyodo-lod SPARQL endpoint")  # fmt: skip
    add_texts(g, service, DCTERMS.description,
              "全データをSPARQL 1.1で問い合わせるサービス。"
              "サービス記述はエンドポイントで取得できます。",
              "SPARQL 1.1 query service over all kyodo-lod data; GET the endpoint for its "
              "service description.")  # fmt: skip
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((service, DCTERMS.publisher, iris.publisher()))
    g.add((service, DCAT.contactPoint, iris.contact_point()))
    g.add((service, DCTERMS.license, LICENCE))
    g.add((service, DCAT.theme, THEME_GOVERNMENT))
    for word, language in (("SPARQL", "en"), ("linked open data", "en"), ("SPARQL", "ja")):
        g.add((service, DCAT.keyword, Literal(word, lang=language)))


# --- VoID ----------------------------------------------------------------------------------
