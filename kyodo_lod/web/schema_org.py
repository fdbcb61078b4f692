"""schema.org JSON-LD for search engines (Google Dataset Search reads it), from the published
DCAT catalogue: a DataCatalog with its Datasets on the home and catalogue pages, and each
Dataset on its own landing page (the implementation plan's page, the dataset's
dcat:landingPage). Embedded JSON escapes ``<``, ``>`` and ``&`` (``\\u003c`` …), so no text
of the data can close the script element."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS
from rdflib.term import Node

from ..dist import CATALOG
from .catalog import CatalogData, _texts, catalog_data
from .state import state


def script_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/ld+json">``."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def dataset_item(g: Graph, dataset: Node, catalog_node: Node, lang: str) -> dict[str, Any]:
    """One DCAT dataset as a schema.org Dataset."""
    temporal = g.value(dataset, DCTERMS.temporal)
    publisher = g.value(dataset, DCTERMS.publisher)
    spatial = g.value(dataset, DCTERMS.spatial)
    rights = g.value(dataset, DCTERMS.rights)
    item: dict[str, Any] = {
        "@type": "Dataset",
        "@id": str(dataset),
        "name": _texts(g, dataset, DCTERMS.title, lang),
        "description": _texts(g, dataset, DCTERMS.description, lang),
        "url": str(g.value(dataset, DCAT.landingPage) or dataset),
        "identifier": str(dataset),
        "inLanguage": ["ja", "en"],
        "isAccessibleForFree": True,
        "keywords": sorted(str(k) for k in g.objects(dataset, DCAT.keyword)),
        "license": str(g.value(dataset, DCTERMS.license) or ""),
        "dateModified": str(g.value(dataset, DCTERMS.modified) or ""),
        "datePublished": str(g.value(dataset, DCTERMS.issued) or ""),
        "creator": {
            "@type": "GovernmentOrganization",
            "@id": str(publisher),
            "name": _texts(g, publisher, FOAF.name, lang),
        },
        "spatialCoverage": {"@type": "Place", "name": _texts(g, spatial, RDFS.label, lang)},
        "includedInDataCatalog": {"@type": "DataCatalog", "@id": str(catalog_node)},
        "distribution": [
            {
                "@type": "DataDownload",
                "name": _texts(g, dist, DCTERMS.title, lang),
                "contentUrl": str(g.value(dist, DCAT.downloadURL)),
                "encodingFormat": str(g.value(dist, DCAT.mediaType)).split("media-types/")[-1],
                "contentSize": str(g.value(dist, DCAT.byteSize)),
            }
            for dist in sorted(g.objects(dataset, DCAT.distribution))
            if g.value(dist, DCAT.downloadURL) is not None
        ],
    }
    if temporal is not None:
        item["temporalCoverage"] = (
            f"{g.value(temporal, DCAT.startDate)}/{g.value(temporal, DCAT.endDate)}"
        )
    if rights is not None:  # the attribution: 出典：…を加工して作成
        item["creditText"] = _texts(g, rights, RDFS.label, lang)
    source = g.value(dataset, FOAF.primaryTopic)
    based_on = g.value(g.value(dataset, DCTERMS.provenance), DCTERMS.source)
    if based_on is not None:
        item["isBasedOn"] = str(based_on)
    if source is not None:
        item["about"] = str(source)
    return item


def schema_org(data: CatalogData, lang: str = "ja", limit: int = 50) -> dict[str, Any]:
    """schema.org DataCatalog + Dataset JSON-LD, from the DCAT catalogue."""
    g = data.graph
    catalog_node = next(g.subjects(RDF.type, DCAT.Catalog))
    return {
        "@context": "https://schema.org/",
        "@type": "DataCatalog",
        "@id": str(catalog_node),
        "name": _texts(g, catalog_node, DCTERMS.title, lang),
        "description": _texts(g, catalog_node, DCTERMS.description, lang),
        "url": str(g.value(catalog_node, FOAF.homepage) or ""),
        "dataset": [dataset_item(g, d, catalog_node, lang) for d in data.datasets[:limit]],
    }


def _has_catalogue() -> bool:
    return (Path(state().settings.dist_dir) / CATALOG).is_file()


def schema_org_script(lang: str = "ja") -> str:
    """The home and catalogue pages' JSON-LD; empty when the build has no catalogue."""
    return script_json(schema_org(catalog_data(), lang)) if _has_catalogue() else ""


def dataset_script(iri: str, lang: str = "ja") -> str:
    """The JSON-LD of the dataset whose landing page is the page of ``iri`` (its
    foaf:primaryTopic), or empty when ``iri`` is no dataset's topic."""
    if not _has_catalogue():
        return ""
    data = catalog_data()
    g = data.graph
    dataset = next(iter(g.subjects(FOAF.primaryTopic, URIRef(iri))), None)
    if dataset is None or dataset not in data.datasets:
        return ""
    item = dataset_item(g, dataset, next(g.subjects(RDF.type, DCAT.Catalog)), lang)
    return script_json({"@context": "https://schema.org/", **item})
