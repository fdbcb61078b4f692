"""The DCAT-AP 3 catalogue and VoID in dist/catalog.ttl, checked against the official shapes and
against the files it describes."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from kyodo_lod.build.publish import catalog
from kyodo_lod.build.publish.catalog import ADMS, DCATAP, SPDX, VCARD, write_catalog
from kyodo_lod.config import PROJECT_ROOT, Settings
from kyodo_lod.rdf.iris import SDG_BASE, Iris

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
DUMP_FILES = ("kyodo-lod.trig", "kyodo-lod.ttl", "kyodo-lod.nt", "kyodo-lod.jsonld", "projects.csv")


@pytest.fixture(scope="module")
def cat(dist: Path) -> Graph:
    return Graph().parse(dist / "catalog.ttl", format="turtle")


@pytest.fixture(scope="module")
def union(dist: Path) -> Graph:
    return Graph().parse(dist / "kyodo-lod.nt", format="nt")


@pytest.fixture(scope="module")
def iris(settings: Settings) -> Iris:
    return Iris(settings.base_iri)


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
    cat: Graph, union: Graph, dist: Path, settings: Settings, tmp_path: Path
) -> None:
    assert not [t for t in cat if any(isinstance(x, BNode) for x in t)]
    for name in (*DUMP_FILES, "validation-report.ttl", "anomalies.csv"):
        shutil.copy(dist / name, tmp_path / name)
    again = write_catalog(settings, union, tmp_path)
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
    assert set(cat.objects(node, DCTERMS.language)) == {catalog.LANG_JA, catalog.LANG_EN}
    assert cat.value(node, DCTERMS.license) == catalog.LICENCE
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
    assert {catalog.LANG_JA, catalog.LANG_EN} == set(cat.objects(ds, DCTERMS.language))
    period = cat.value(ds, DCTERMS.temporal)
    fy = plan.fiscal_year
    assert cat.value(period, DCAT.startDate) == Literal(f"{fy}-04-01", datatype=XSD.date)
    assert cat.value(period, DCAT.endDate) == Literal(f"{fy + 1}-03-31", datatype=XSD.date)
    themes = set(cat.objects(ds, DCAT.theme))
    goals = {int(t.split(".")[0]) for p in plan.projects for t in p.sdg_targets}
    assert themes == {catalog.THEME_GOVERNMENT} | {URIRef(f"{SDG_BASE}{g}") for g in goals}
    assert {iris.ontology(), iris.shapes()} <= set(cat.objects(ds, DCTERMS.conformsTo))
    provenance = cat.value(ds, DCTERMS.provenance)
    assert (provenance, RDF.type, DCTERMS.ProvenanceStatement) in cat
    assert cat.value(provenance, DCTERMS.source) == iris.source_document(
        plan.city.code, plan.source_document
    )
    spatial = cat.value(ds, DCTERMS.spatial)
    assert (spatial, RDF.type, DCTERMS.Location) in cat


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
        assert str(cat.value(node, DCAT.mediaType)).startswith(catalog.IANA)
        assert cat.value(node, DCATAP.availability) == catalog.STABLE
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


# --- VoID -----------------------------------------------------------------------------------


def test_void_counts_are_computed_from_the_data(cat: Graph, union: Graph, iris: Iris) -> None:
    void = iris.void_dataset()
    assert cat.value(void, VOID.triples).toPython() == len(union)
    assert cat.value(void, VOID.properties).toPython() == len(set(union.predicates()))
    classes = set(union.objects(None, RDF.type))
    assert cat.value(void, VOID.classes).toPython() == len(classes)
    entities = {s for s in union.subjects() if isinstance(s, URIRef)}
    assert cat.value(void, VOID.entities).toPython() == len(entities)
    partitions = list(cat.objects(void, VOID.propertyPartition))
    assert sum(cat.value(p, VOID.triples).toPython() for p in partitions) == len(union)
    assert len(list(cat.objects(void, VOID.classPartition))) == len(classes)
    assert cat.value(void, VOID.sparqlEndpoint) == iris.sparql_endpoint()
    assert set(cat.objects(void, VOID.dataDump)) == {
        iris.dump(n) for n in DUMP_FILES if n.startswith("kyodo-lod")
    }
    assert list(cat.objects(void, VOID.exampleResource))
    assert iris.ontology() in set(cat.objects(void, VOID.vocabulary)) or any(
        str(v).startswith(str(iris.ontology())) for v in cat.objects(void, VOID.vocabulary)
    )


def test_void_linkset_counts_links_to_the_sdg_vocabulary(
    cat: Graph,
    union: Graph,
    build,
    iris: Iris,  # type: ignore[no-untyped-def]
) -> None:
    linksets = list(cat.subjects(RDF.type, VOID.Linkset))
    assert linksets
    ours = f"{iris.base}id/"
    for linkset in linksets:
        predicate = cat.value(linkset, VOID.linkPredicate)
        expected = sum(
            1
            for s, _, o in union.triples((None, predicate, None))
            if str(s).startswith(ours) and str(o).startswith(SDG_BASE)
        )
        assert cat.value(linkset, VOID.triples).toPython() == expected > 0
        assert cat.value(linkset, VOID.objectsTarget) == catalog.SDG_VOID
    # the asserted project→target links are all counted
    target_links = sum(len(p.sdg_targets) for plan in build.plans for p in plan.projects)
    by_predicate = {str(cat.value(ls, VOID.linkPredicate)): ls for ls in linksets}
    sdg_target = next(k for k in by_predicate if k.endswith("#sdgTarget"))
    assert cat.value(by_predicate[sdg_target], VOID.triples).toPython() == target_links


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
    union: Graph, dist: Path, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()  # no meta.json dates here
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    out = write_catalog(
        Settings.from_env({}, sources_dir=sources, dist_dir=tmp_path),
        union,
        _copy_dist(dist, tmp_path / "d"),
    )
    assert _dataset_dates(out) == {("2026-01-01", "2026-01-01")}


def test_dates_from_the_source_sidecar_win(
    union: Graph,
    dist: Path,
    build,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    sources = tmp_path / "sources"
    sources.mkdir()
    for plan in build.plans:
        stem = plan.source_document.rsplit(".", 1)[0]
        meta = {"source": {"issued": "2025-05-01", "modified": "2025-06-15"}}
        (sources / f"{stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    out = write_catalog(
        Settings.from_env({}, sources_dir=sources), union, _copy_dist(dist, tmp_path / "d")
    )
    assert _dataset_dates(out) == {("2025-05-01", "2025-06-15")}


def test_without_dates_the_fiscal_year_start_is_used(
    union: Graph, dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    sources = tmp_path / "sources"
    sources.mkdir()
    out = write_catalog(
        Settings.from_env({}, sources_dir=sources), union, _copy_dist(dist, tmp_path / "d")
    )
    dates = _dataset_dates(out)
    assert dates and all(i == m and i.endswith("-04-01") for i, m in dates)


def test_void_counts_in_the_store_as_rdflib_counts(union: Graph, tmp_path: Path) -> None:
    # the publish store is counted with SPARQL, a plain graph by walking it: same numbers,
    # also where rdflib makes one term of two lexical forms ("0012" and "12" as xsd:integer)
    from kyodo_lod.build.publish import _lossless_store, store_graph
    from kyodo_lod.rdf.ntriples import SortedTriples
    from kyodo_lod.rdf.turtle import Prefixes

    ours = "https://kyodo-lod.example/id/"
    path = tmp_path / "union.nt"
    path.write_text("".join(SortedTriples.of(union).lines()), encoding="utf-8")
    view = store_graph(_lossless_store(path), Prefixes({}))
    assert catalog.void_census(view, ours) == catalog._census_by_walking(view, ours)
    assert catalog.void_census(view, ours) == catalog.void_census(union, ours)

    odd = tmp_path / "odd.nt"
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    odd.write_text(
        f'<{ours}a> <urn:p> "0012"^^{integer} .\n'
        f'<{ours}a> <urn:p> "12"^^{integer} .\n'
        f'<{ours}a> <urn:p> "12" .\n'
        f'<{ours}a> <{RDF.type}> "01"^^{integer} .\n'
        f'<{ours}b> <{RDF.type}> "1"^^{integer} .\n'
        f"<{ours}b> <{RDF.type}> <urn:C> .\n"
        f"<{ours}b> <urn:q> <{SDG_BASE}1> .\n"
        f"<urn:x> <urn:q> <{SDG_BASE}1> .\n",
        encoding="utf-8",
    )
    view = store_graph(_lossless_store(odd), Prefixes({}))
    census = catalog.void_census(view, ours)
    assert census == catalog._census_by_walking(view, ours)
    assert census.objects == 5  # 12, "12", 1, urn:C and the SDG goal
    assert census.classes == {Literal("1", datatype=XSD.integer): 2, URIRef("urn:C"): 1}
    assert census.links == {URIRef("urn:q"): 1}


def test_the_catalogue_is_the_same_when_publish_reads_it_ahead(
    dist: Path, settings: Settings, tmp_path: Path
) -> None:
    # from parallel_from triples on, publish reads the catalogue's facts from the store while
    # its second process writes the dumps; the writer then finds them kept with the store
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
            extra_writers=[lambda union, staging: write_catalog(settings, union, staging)],
            parallel_from=parallel_from,
        ).dist_dir
    assert (out["serial"] / "kyodo-lod.nt").read_bytes() == (dist / "kyodo-lod.nt").read_bytes()
    names = sorted(p.name for p in out["serial"].iterdir())
    assert "catalog.ttl" in names
    assert names == sorted(p.name for p in out["parallel"].iterdir())
    for name in names:
        assert (out["serial"] / name).read_bytes() == (out["parallel"] / name).read_bytes(), name


# --- the catalogue's Turtle and what it reads from a publish store ----------------------------


def test_catalogue_turtle_parses_back_to_the_graph_it_was_written_from(
    union: Graph, dist: Path, settings: Settings, tmp_path: Path
) -> None:
    # catalog.ttl comes from publish's streaming writer: same graph as rdflib's serializer
    graph = catalog.build_catalog(settings, union, _copy_dist(dist, tmp_path / "d"))
    assert graph.value(Iris(settings.base_iri).catalog(), RDF.type) == DCAT.Catalog
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


def _plan_years_both_ways(data: Graph, path: Path) -> tuple[list, list]:  # type: ignore[type-arg]
    from kyodo_lod.build.publish import _lossless_store, store_graph
    from kyodo_lod.rdf.ntriples import SortedTriples
    from kyodo_lod.rdf.turtle import Prefixes

    path.write_text("".join(SortedTriples.of(data).lines()), encoding="utf-8")
    view = store_graph(_lossless_store(path), Prefixes({}))
    kyodo = catalog._kyodo_namespace(data)
    assert catalog._kyodo_namespace(view) == kyodo
    move = catalog._mover(kyodo, Iris("https://elsewhere.example/"))  # rebased: IRIs move
    return catalog._plan_years(view, kyodo, move), catalog._plan_years(data, kyodo, move)


def test_plan_years_in_the_store_as_by_walking(union: Graph, build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # the publish store is read with SPARQL, a plain graph by walking it: the same plans
    in_store, walked = _plan_years_both_ways(union, tmp_path / "union.nt")
    assert in_store == walked
    assert len(walked) == len(build.plans)
    assert all(plan.projects and plan.goals for plan in walked)


def test_plan_years_in_the_store_as_by_walking_odd_data(tmp_path: Path) -> None:
    kyodo = Namespace("https://kyodo-lod.example/def/kyodo#")
    ids = "https://kyodo-lod.example/id/"
    data = Graph()

    def plan(key: str, year: str) -> URIRef:
        node = URIRef(f"{ids}500003/plan/{key}/{year}")
        data.add((node, RDF.type, kyodo.ImplementationPlan))
        data.add((node, DCTERMS.publisher, URIRef(f"{ids}500003")))
        data.add((node, kyodo.fiscalYear, Literal(year, datatype=XSD.gYear)))
        data.add((node, kyodo.implementsPlan, URIRef(f"{ids}500003/plan/{key}")))
        data.add((node, DCTERMS.title, Literal(f"計画 {year}", lang="ja")))
        return node

    data.add((URIRef(f"{ids}500003"), kyodo.localGovernmentCode, Literal("500003")))
    data.add((URIRef(f"{ids}500003"), RDFS_LABEL, Literal("市", lang="ja")))
    numbered, listed_only, untyped = plan("a", "2025"), plan("a", "2024"), URIRef(f"{ids}x")
    for i, (in_plan, targets) in enumerate(
        [
            (numbered, [URIRef(f"{SDG_BASE}3.4"), URIRef(f"{SDG_BASE}3.5")]),
            (numbered, [URIRef(f"{SDG_BASE}11"), Literal(f"{SDG_BASE}7.1")]),  # no dot; a literal
            (numbered, [URIRef("urn:other:3.4"), Literal("12.1")]),  # neither is an SDG IRI
            (listed_only, [URIRef(f"{SDG_BASE}5.1")]),
            (untyped, [URIRef(f"{SDG_BASE}6.1")]),
        ]
    ):
        project = URIRef(f"{ids}500003/project/{i}")
        data.add((project, kyodo.inPlan, in_plan))
        if in_plan != listed_only:
            data.add((project, kyodo.projectNumber, Literal(i, datatype=XSD.integer)))
        for target in targets:
            data.add((project, kyodo.sdgTarget, target))
    in_store, walked = _plan_years_both_ways(data, tmp_path / "odd.nt")
    assert in_store == walked
    [only] = walked
    assert str(only.plan).endswith("/plan/a/2025") and only.plan.startswith("https://elsewhere")
    assert (only.goals, len(only.projects), only.fiscal_year) == ((3, 7, 11), 3, 2025)


RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
