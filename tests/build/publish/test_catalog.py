"""The DCAT-AP 3 catalogue and VoID in dist/catalog.ttl, checked against the official shapes and
against the files it describes; its dates; the writer in publish."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from kyodo_lod.build.publish import catalog
from kyodo_lod.build.publish import dcat_vocabulary as vocabulary
from kyodo_lod.build.publish.catalog import CatalogWriter, SourceDates
from kyodo_lod.build.publish.union import GraphUnion
from kyodo_lod.config import PROJECT_ROOT, Settings
from kyodo_lod.dist import FileHashes, file_facts
from kyodo_lod.rdf.iris import SDG_BASE, Iris
from kyodo_lod.rdf.namespaces import ADMS, DCATAP, SPDX, VCARD

from .conftest import DUMP_FILES

# plain namespaces: pytest's collector trips over rdflib's DefinedNamespace at module level
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
VOID = Namespace("http://rdfs.org/ns/void#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SHAPES_DIR = PROJECT_ROOT / "shapes" / "dcat-ap-3.0.1"
SH = "http://www.w3.org/ns/shacl#"


def build_dates(build) -> SourceDates:  # type: ignore[no-untyped-def]
    """The dates as the pipeline hands them to the catalogue for the session's build."""
    from kyodo_lod.build.pipeline import _source_dates

    return _source_dates(list(build.plans), os.environ.get("SOURCE_DATE_EPOCH"))


def write_catalog(union: Graph, dist_dir: Path, iris: Iris, dates: SourceDates) -> Path:
    """catalog.ttl for the files in ``dist_dir``, its facts read by walking ``union``."""
    writer = CatalogWriter(iris, dates)
    [path] = writer.write(writer.read(GraphUnion(union)), dist_dir, FileHashes())
    return path


def shacl(data: Graph, *files: str) -> list[tuple[str, str, str, str]]:
    """(severity, focus, path, message) of each top-level result, validating with no inference
    and no owl:imports (the shapes files hold none; see shapes/dcat-ap-3.0.1/SOURCE.md)."""
    shapes = Graph()
    for name in files:
        shapes.parse(SHAPES_DIR / name, format="turtle")
    assert not list(shapes.triples((None, URIRef("http://www.w3.org/2002/07/owl#imports"), None)))
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    results = []
    for result in report.objects(None, URIRef(SH + "result")):
        severity = str(report.value(result, URIRef(SH + "resultSeverity"))).rsplit("#", 1)[-1]
        results.append(
            (
                severity,
                str(report.value(result, URIRef(SH + "focusNode"))),
                str(report.value(result, URIRef(SH + "resultPath"))),
                str(report.value(result, URIRef(SH + "resultMessage"))),
            )
        )
    return sorted(results)


# --- DCAT-AP 3.0.1 ----------------------------------------------------------------------------


def test_catalogue_has_no_dcat_ap_violations(cat: Graph) -> None:
    results = shacl(cat, "shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl")
    violations = [r for r in results if r[0] == "Violation"]
    assert violations == []


def test_recommended_warnings_are_only_the_known_ones(cat: Graph) -> None:
    """shapes_recommended.ttl: what is still missing is what we cannot state honestly offline
    (a bbox/centroid for places, a publisher type for the kyodo-lod project)."""
    results = shacl(cat, "shapes_recommended.ttl")
    assert {r[0] for r in results} <= {"Warning"}
    paths = Counter(r[2].rsplit("#", 1)[-1].rsplit("/", 1)[-1] for r in results)
    assert set(paths) <= {"bbox", "centroid", "type"}, results
    for _, focus, path, _ in results:
        if path.endswith("/type"):
            assert focus.endswith("id/agent/kyodo-lod")


def test_vocabulary_warnings_name_only_non_eu_concepts(cat: Graph) -> None:
    """mdr-vocabularies warns where a value is not from an EU table: the city as publisher and
    place (Japanese authorities are not in the EU tables) and the SDG goals as themes."""
    warnings = [r for r in shacl(cat, "mdr-vocabularies.shape.ttl") if r[0] == "Warning"]
    assert {r[2].rsplit("/", 1)[-1].rsplit("#", 1)[-1] for r in warnings} <= {
        "publisher",
        "spatial",
        "theme",
    }


def test_the_shapes_are_vendored_with_their_source() -> None:
    source = (SHAPES_DIR / "SOURCE.md").read_text(encoding="utf-8")
    for name in ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl", "shapes_recommended.ttl"):
        digest = hashlib.sha256((SHAPES_DIR / name).read_bytes()).hexdigest()
        assert digest in source, name
    assert "CC BY 4.0" in source and "7c531da7f154794da620fd0e57a3e8afe0286c0f" in source


# --- the catalogue's content --------------------------------------------------------------------


def test_catalogue_is_blank_node_free_and_deterministic(
    cat: Graph,
    union: Graph,
    dist: Path,
    build,  # type: ignore[no-untyped-def]
    iris: Iris,
    tmp_path: Path,
) -> None:
    # the build read its facts from publish's store; here they are read by walking a graph
    assert not [t for t in cat if any(isinstance(x, BNode) for x in t)]
    for name in (*DUMP_FILES, "validation-report.ttl", "anomalies.csv"):
        shutil.copy(dist / name, tmp_path / name)
    again = write_catalog(union, tmp_path, iris, build_dates(build))
    assert again.read_bytes() == (dist / "catalog.ttl").read_bytes()


def test_one_dataset_per_city_plan_year(cat: Graph, build, iris: Iris) -> None:  # type: ignore[no-untyped-def]
    expected = {iris.dataset(p.city.code, p.basic_plan_key, p.fiscal_year) for p in build.plans}
    assert set(cat.subjects(RDF.type, DCAT.Dataset)) == expected
    catalog_node = iris.catalog()
    assert set(cat.objects(catalog_node, DCAT.dataset)) == expected


def test_catalogue_node(cat: Graph, iris: Iris) -> None:
    node = iris.catalog()
    assert (node, RDF.type, DCAT.Catalog) in cat
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert {o.language for o in cat.objects(node, predicate)} == {"ja", "en"}
    assert cat.value(node, DCTERMS.publisher) == iris.publisher()
    assert cat.value(node, FOAF.homepage) == iris.home()
    assert set(cat.objects(node, DCTERMS.language)) == {vocabulary.LANG_JA, vocabulary.LANG_EN}
    assert cat.value(node, DCTERMS.license) == vocabulary.LICENCE
    assert cat.value(node, DCAT.service) == iris.sparql_service()
    assert cat.value(node, DCTERMS.issued).datatype == XSD.date
    assert cat.value(node, DCTERMS.modified).datatype == XSD.date
    # the VoID, the ontology and the validation report are one link away
    see_also = set(cat.objects(node, RDFS_SEE_ALSO))
    assert {iris.void_document(), iris.ontology(), iris.dump("validation-report.ttl")} <= see_also


RDFS_SEE_ALSO = URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")


def test_dataset_carries_what_ckan_reads(cat: Graph, build, iris: Iris) -> None:  # type: ignore[no-untyped-def]
    plan = build.plans[0]
    ds = iris.dataset(plan.city.code, plan.basic_plan_key, plan.fiscal_year)
    for predicate in (DCTERMS.title, DCTERMS.description, ADMS.versionNotes):
        assert {o.language for o in cat.objects(ds, predicate)} == {"ja", "en"}, predicate
    assert {o.language for o in cat.objects(ds, DCAT.keyword)} == {"ja", "en"}
    keywords = [str(k) for k in cat.objects(ds, DCAT.keyword)]
    assert len(keywords) == len(set(keywords))  # CKAN tags must be unique
    city = cat.value(ds, DCTERMS.publisher)
    assert city == iris.city(plan.city.code)
    assert (city, RDF.type, FOAF.Agent) in cat
    assert cat.value(city, DCTERMS.identifier) == Literal(plan.city.code)
    assert Literal(plan.city.name_ja, lang="ja") in set(cat.objects(city, FOAF.name))
    contact = cat.value(ds, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in cat
    licence = cat.value(ds, DCTERMS.license)
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in cat
    assert cat.value(licence, DCTERMS.title) is not None
    assert {vocabulary.LANG_JA, vocabulary.LANG_EN} == set(cat.objects(ds, DCTERMS.language))
    period = cat.value(ds, DCTERMS.temporal)
    fy = plan.fiscal_year
    assert cat.value(period, DCAT.startDate) == Literal(f"{fy}-04-01", datatype=XSD.date)
    assert cat.value(period, DCAT.endDate) == Literal(f"{fy + 1}-03-31", datatype=XSD.date)
    themes = set(cat.objects(ds, DCAT.theme))
    goals = {int(t.split(".")[0]) for p in plan.projects for t in p.sdg_targets}
    assert themes == {vocabulary.THEME_GOVERNMENT} | {URIRef(f"{SDG_BASE}{g}") for g in goals}
    assert {iris.ontology(), iris.shapes()} <= set(cat.objects(ds, DCTERMS.conformsTo))
    provenance = cat.value(ds, DCTERMS.provenance)
    assert (provenance, RDF.type, DCTERMS.ProvenanceStatement) in cat
    assert cat.value(provenance, DCTERMS.source) == iris.source_document(
        plan.city.code, plan.source_document
    )
    spatial = cat.value(ds, DCTERMS.spatial)
    assert (spatial, RDF.type, DCTERMS.Location) in cat


def test_licence_is_named_by_its_creative_commons_url(cat: Graph) -> None:
    """One licence IRI everywhere, the one licence registers match (Japanese CKAN portals have
    the CC URL): a LicenseDocument with an ADMS type, the same as the EU authority's concept
    (docs/decisions/0006-licence-iri.md)."""
    cc = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert set(cat.objects(None, DCTERMS.license)) == {cc}
    assert (cc, RDF.type, DCTERMS.LicenseDocument) in cat
    assert cat.value(cc, DCTERMS.type) == vocabulary.ATTRIBUTION
    assert cat.value(cc, DCTERMS.identifier) == Literal("CC-BY-4.0")
    assert cat.value(cc, SKOS.exactMatch) == vocabulary.LICENCE_EU
    assert (vocabulary.LICENCE_EU, SKOS.inScheme, URIRef(vocabulary.EU + "licence")) in cat
    assert {t.language for t in cat.objects(cc, DCTERMS.title)} == {"ja", "en"}


def test_every_controlled_vocabulary_iri_is_typed_in_its_scheme(cat: Graph) -> None:
    eu = "http://publications.europa.eu/resource/authority/"
    used = {o for _, _, o in cat if isinstance(o, URIRef) and o.startswith(eu) and o.count("/") > 5}
    assert used
    for concept in used:
        assert (concept, RDF.type, SKOS.Concept) in cat, concept
        scheme = cat.value(concept, SKOS.inScheme)
        assert scheme is not None and str(concept).startswith(str(scheme) + "/"), concept
        assert cat.value(concept, SKOS.prefLabel) is not None


# --- distributions match the files -----------------------------------------------------------


def test_one_distribution_per_dump_with_size_and_checksum(cat: Graph, dist: Path) -> None:
    seen = set()
    for node in cat.subjects(RDF.type, DCAT.Distribution):
        url = cat.value(node, DCAT.downloadURL)
        if url is None:
            assert cat.value(node, DCAT.accessService) is not None  # the SPARQL one
            continue
        name = str(url).rsplit("/", 1)[-1]
        seen.add(name)
        data = (dist / name).read_bytes()
        assert cat.value(node, DCAT.byteSize) == Literal(len(data), datatype=XSD.nonNegativeInteger)
        checksum = cat.value(node, SPDX.checksum)
        assert cat.value(checksum, SPDX.checksumValue) == Literal(
            hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary
        )
        assert cat.value(node, DCAT.accessURL) == url
        assert str(cat.value(node, DCAT.mediaType)).startswith(vocabulary.IANA)
        assert cat.value(node, DCATAP.availability) == vocabulary.STABLE
    assert seen == set(DUMP_FILES)


def test_sparql_service(cat: Graph, iris: Iris) -> None:
    service = iris.sparql_service()
    assert (service, RDF.type, DCAT.DataService) in cat
    assert cat.value(service, DCAT.endpointURL) == iris.sparql_endpoint()
    assert cat.value(service, DCAT.endpointDescription) is not None
    assert set(cat.objects(service, DCAT.servesDataset)) == set(
        cat.subjects(RDF.type, DCAT.Dataset)
    )
    via_service = set(cat.subjects(DCAT.accessService, service))
    assert len(via_service) == len(set(cat.subjects(RDF.type, DCAT.Dataset)))


# --- dates come from the sources, never the clock ----------------------------------------------


def _copy_dist(dist: Path, to: Path) -> Path:
    to.mkdir()
    for name in (*DUMP_FILES, "validation-report.ttl", "anomalies.csv"):
        shutil.copy(dist / name, to / name)
    return to


def _dataset_dates(path: Path) -> set[tuple[str, str]]:
    g = Graph().parse(path, format="turtle")
    return {
        (str(g.value(ds, DCTERMS.issued)), str(g.value(ds, DCTERMS.modified)))
        for ds in g.subjects(RDF.type, DCAT.Dataset)
    }


def test_dates_follow_source_date_epoch(
    union: Graph, dist: Path, iris: Iris, tmp_path: Path
) -> None:
    from kyodo_lod.build.pipeline import _source_dates

    dates = _source_dates([], "1767225600")  # 2026-01-01T00:00:00Z; no sidecar dates
    assert dates == SourceDates({}, date(2026, 1, 1))
    out = write_catalog(union, _copy_dist(dist, tmp_path / "d"), iris, dates)
    assert _dataset_dates(out) == {("2026-01-01", "2026-01-01")}


def test_dates_from_the_source_sidecar_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # sidecar → PlanYear.source_issued/modified → pipeline → the catalogue, SOURCE_DATE_EPOCH set
    from kyodo_lod.build.pipeline import build as run_build

    sources = tmp_path / "sources"
    sources.mkdir()
    for path in (PROJECT_ROOT / "data" / "sources").glob("*.*"):
        text = path.read_bytes()
        if path.name.endswith(".meta.json"):
            meta = json.loads(text)
            meta["source"].update(issued="2025-05-01", modified="2025-06-15")
            text = json.dumps(meta, ensure_ascii=False).encode("utf-8")
        (sources / path.name).write_bytes(text)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # read by the pipeline
    settings = Settings.from_env(
        {}, sources_dir=sources, dist_dir=tmp_path / "dist", reasoner="rules"
    )
    built = run_build(settings)
    assert [(p.source_issued, p.source_modified) for p in built.plans] == [
        (date(2025, 5, 1), date(2025, 6, 15))
    ]
    assert _dataset_dates(built.dist_dir / "catalog.ttl") == {("2025-05-01", "2025-06-15")}


def test_without_dates_the_fiscal_year_start_is_used(
    union: Graph, dist: Path, iris: Iris, tmp_path: Path
) -> None:
    from kyodo_lod.build.pipeline import _source_dates

    dates = _source_dates([], None)
    assert dates == SourceDates()
    out = write_catalog(union, _copy_dist(dist, tmp_path / "d"), iris, dates)
    found = _dataset_dates(out)
    assert found and all(i == m and i.endswith("-04-01") for i, m in found)


def test_the_catalogue_is_the_same_when_publish_reads_it_ahead(
    dist: Path,
    settings: Settings,
    build,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    # publish reads the catalogue's facts from its store in the loader thread while the dumps
    # are written (from parallel_from triples on, by two more processes); the writer describes
    # the dumps once they are all there: serial or parallel, the same files
    import warnings

    from rdflib import Dataset

    from kyodo_lod.build.publish import publish

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's Dataset.parse
        dataset = Dataset()
        dataset.parse(dist / "kyodo-lod.trig", format="trig")
    iris = Iris(settings.base_iri)
    graphs = {}
    for name in ("asserted", "inferred", "ontology", "sdg"):
        graphs[name] = Graph()
        for triple in dataset.graph(iris.graph(name)):
            graphs[name].add(triple)
    out = {}
    for mode, parallel_from in (("serial", 10**9), ("parallel", 0)):
        out[mode] = publish(
            tmp_path / mode,
            graphs,
            iris,
            Graph(),
            [],
            {},
            writers=[CatalogWriter(iris, build_dates(build))],
            parallel_from=parallel_from,
        ).dist_dir
    assert (out["serial"] / "kyodo-lod.nt").read_bytes() == (dist / "kyodo-lod.nt").read_bytes()
    names = sorted(p.name for p in out["serial"].iterdir())
    assert "catalog.ttl" in names
    assert names == sorted(p.name for p in out["parallel"].iterdir())
    for name in names:
        assert (out["serial"] / name).read_bytes() == (out["parallel"] / name).read_bytes(), name


# --- the catalogue's Turtle -----------------------------------------------------------------


def test_catalogue_turtle_parses_back_to_the_graph_it_was_written_from(
    union: Graph, dist: Path, iris: Iris, tmp_path: Path
) -> None:
    # catalog.ttl comes from publish's streaming writer: same graph as rdflib's serializer
    copied = _copy_dist(dist, tmp_path / "d")
    files = {path.name: file_facts(path) for path in copied.iterdir()}
    writer = CatalogWriter(iris)
    graph = writer.graph(writer.read(GraphUnion(union)), files)
    assert graph.value(iris.catalog(), RDF.type) == DCAT.Catalog
    written = catalog.serialise(graph)
    parsed = Graph(bind_namespaces="none").parse(data=written, format="turtle")
    assert isomorphic(parsed, graph)
    by_rdflib = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    assert isomorphic(parsed, by_rdflib)
    assert {p: str(ns) for p, ns in parsed.namespaces()} == catalog.CATALOG_PREFIX_IRIS
    assert catalog.serialise(graph) == written


def test_catalogue_turtle_refuses_blank_nodes() -> None:
    graph = Graph()
    graph.add((BNode(), DCTERMS.title, Literal("x")))
    with pytest.raises(ValueError, match="blank node"):
        catalog.serialise(graph)
