"""/catalog, /.well-known/void, /sitemap.xml and /dumps/ over HTTP from the real server process,
and a harvest by CKAN's own DCAT parser (ckanext-dcat, in .venv-ckan) as a portal does it."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef

from kyodo_lod.build.publish.catalog import CatalogWriter
from kyodo_lod.build.publish.union import GraphUnion
from kyodo_lod.config import PROJECT_ROOT, Settings
from kyodo_lod.dist import FileHashes
from kyodo_lod.rdf.iris import Iris

from .conftest import LiveServer, stop_server
from .conftest import start_server as start_live_server

# rdflib's JSON-LD parser still builds a ConjunctiveGraph internally
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
KYODO_CODE = "072036"
DUMPS = (
    "kyodo-lod.trig",
    "kyodo-lod.ttl",
    "kyodo-lod.nt",
    "kyodo-lod.jsonld",
    "projects.csv",
    "projects.csv-metadata.json",
    "projects.xlsx",
)


@pytest.fixture(scope="module")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:  # type: ignore[type-arg]
    """Start the real server.py on a dist, with the catalogue's page size set."""
    started: list[LiveServer] = []

    def start(dist_dir: Path, page_size: int = 100) -> str:
        server = start_live_server(
            dist_dir,
            tmp_path_factory.mktemp("catalog-server"),
            KYODO_CATALOG_PAGE_SIZE=str(page_size),
        )
        started.append(server)
        return server.url

    yield start
    for server in started:
        stop_server(server)


@pytest.fixture(scope="module")
def server(live: LiveServer) -> str:
    return live.url


@pytest.fixture(scope="module")
def catalogue(dist: Path) -> Graph:
    return Graph().parse(dist / "catalog.ttl", format="turtle")


# --- content negotiation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-triples", "application/n-triples", "nt"),
    ],
)
def test_catalog_by_content_negotiation(
    server: str, catalogue: Graph, accept: str, media_type: str, rdflib_format: str
) -> None:
    response = requests.get(server + "/catalog", headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers["Vary"]
    served = Graph().parse(data=response.content, format=rdflib_format)
    assert len(served) == len(catalogue)
    assert set(served.subjects(RDF.type, DCAT.Dataset)) == set(
        catalogue.subjects(RDF.type, DCAT.Dataset)
    )


def test_catalog_html_lists_datasets_and_distributions(server: str, catalogue: Graph) -> None:
    response = requests.get(server + "/catalog", headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    for dataset in catalogue.subjects(RDF.type, DCAT.Dataset):
        assert str(dataset) in response.text
    for value in catalogue.objects(None, SPDX.checksumValue):
        assert str(value) in response.text
    assert 'href="/catalog.ttl"' in response.text or "format=ttl" in response.text


def test_catalog_etag_gives_304(server: str) -> None:
    first = requests.get(server + "/catalog", headers={"Accept": "text/turtle"}, timeout=30)
    etag = first.headers["ETag"]
    again = requests.get(
        server + "/catalog",
        headers={"Accept": "text/turtle", "If-None-Match": etag},
        timeout=30,
    )
    assert again.status_code == 304
    other = requests.get(
        server + "/catalog",
        headers={"Accept": "application/ld+json", "If-None-Match": etag},
        timeout=30,
    )
    assert other.status_code == 200  # another representation, another tag


def test_catalog_unknown_page_is_404(server: str) -> None:
    for page in ("0", "999", "x"):
        assert requests.get(server + f"/catalog?page={page}", timeout=30).status_code == 404


# --- dumps -------------------------------------------------------------------------------------


def test_checksums_and_sizes_match_the_served_files(server: str, catalogue: Graph) -> None:
    checked = 0
    for dist_node in catalogue.subjects(RDF.type, DCAT.Distribution):
        url = catalogue.value(dist_node, DCAT.downloadURL)
        if url is None:
            continue
        path = "/dumps/" + str(url).rsplit("/", 1)[-1]
        response = requests.get(server + path, headers={"Accept-Encoding": "identity"}, timeout=60)
        assert response.status_code == 200
        size = catalogue.value(dist_node, DCAT.byteSize).toPython()
        assert int(response.headers["Content-Length"]) == size == len(response.content)
        checksum = catalogue.value(dist_node, SPDX.checksum)
        expected = str(catalogue.value(checksum, SPDX.checksumValue))
        assert hashlib.sha256(response.content).hexdigest() == expected
        assert response.headers["ETag"].strip('"') == expected
        media = str(catalogue.value(dist_node, DCAT.mediaType)).split("media-types/")[-1]
        assert response.headers["Content-Type"].split(";")[0] == media
        checked += 1
    assert checked >= len(DUMPS)


def test_dump_gzip_when_asked(server: str, dist: Path) -> None:
    plain = (dist / "kyodo-lod.nt").read_bytes()
    response = requests.get(
        server + "/dumps/kyodo-lod.nt", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=60
    )
    raw = response.raw.read(decode_content=False)
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) == len(raw) < len(plain)
    assert gzip.decompress(raw) == plain
    assert "Accept-Encoding" in response.headers["Vary"]
    etag = response.headers["ETag"]
    again = requests.get(
        server + "/dumps/kyodo-lod.nt",
        headers={"Accept-Encoding": "gzip", "If-None-Match": etag},
        timeout=60,
    )
    assert again.status_code == 304


def test_projects_csv_is_described_by_its_csvw_metadata(server: str, dist: Path) -> None:
    """/dumps/projects.csv links its CSV on the Web metadata (rel="describedby"), and a CSVW
    processor (the csvw library) finds it from the CSV's URL alone and reads every row."""
    import warnings

    from csvw import CSVW

    response = requests.head(server + "/dumps/projects.csv", timeout=30)
    assert response.links["describedby"]["url"] == "/dumps/projects.csv-metadata.json"
    assert 'type="application/csvm+json"' in response.headers["Link"]
    metadata = requests.get(server + "/dumps/projects.csv-metadata.json", timeout=30)
    assert metadata.headers["Content-Type"].startswith("application/csvm+json")
    assert metadata.json()["url"] == "projects.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # csvw reports problems as warnings
        table = CSVW(server + "/dumps/projects.csv", validate=True)
        assert table.is_valid, table.warnings[:5]
    assert not table.no_metadata  # found through the Link header, not guessed
    rows = list(table.tables[0].iterdicts())
    assert len(rows) == (dist / "projects.csv").read_text(encoding="utf-8").count("\n") - 1
    assert requests.head(server + "/dumps/anomalies.csv", timeout=30).links == {}


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/../pyproject.toml",
        "/dumps/..%2Fpyproject.toml",
        "/dumps/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/dumps/..%5Cbuild.json",
        "/dumps/.%2Fkyodo-lod.ttl",
        "/dumps/kyodo-lod.ttl%00.csv",
        "/dumps/",
        "/dumps/catalog.ttl/../../server.py",
        "/dumps/unknown.ttl",
        "/dumps/../../../../etc/passwd",
        "/static/../../server.py",
        "/static/..%2f..%2fserver.py",
        "/vendor/../../../server.py",
        "/vendor/..%2f..%2f..%2fserver.py",
        "/vendor/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_nothing_outside_the_dump_folder_can_be_read(server: str, path: str) -> None:
    # http.client sends the path as written (requests would resolve the ".." before sending)
    url = urlsplit(server)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 404
    assert not any(leak in body for leak in (b"[project]", b"root:", b"def main("))


# --- VoID, sitemap, schema.org ------------------------------------------------------------------


def test_void_well_known(server: str, settings: Settings) -> None:
    response = requests.get(
        server + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30
    )
    assert response.status_code == 200
    void = Graph().parse(data=response.content, format="turtle")
    dataset = Iris(settings.base_iri).void_dataset()
    assert (dataset, RDF.type, VOID.Dataset) in void
    for predicate in (VOID.triples, VOID.entities, VOID.classes, VOID.properties):
        assert void.value(dataset, predicate).toPython() > 0
    assert list(void.objects(dataset, VOID.classPartition))
    assert list(void.subjects(RDF.type, VOID.Linkset))


def sitemap_locations(url: str) -> set[str]:
    response = requests.get(url + "/sitemap.xml", timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    return set(re.findall(r"<loc>([^<]+)</loc>", response.text))


def test_sitemap_lists_every_resource_page(server: str, dist: Path, settings: Settings) -> None:
    locations = sitemap_locations(server)
    # every subject of the data and of the catalogue (its VoID partitions have no type)
    union = Graph().parse(dist / "kyodo-lod.nt", format="nt")
    union.parse(dist / "catalog.ttl", format="turtle")
    prefix = f"{settings.base_iri}id/"
    from urllib.parse import quote

    expected = {
        server + quote("/doc/" + str(s)[len(prefix) :], safe="/-._~!$&'()*+,;=:@%")
        for s in union.subjects()
        if isinstance(s, URIRef) and str(s).startswith(prefix)
    }
    assert any("/class-partition/" in location for location in expected)
    assert {loc for loc in locations if loc.startswith(server + "/doc/")} == expected
    assert server + "/" in locations
    assert any("/sdg/" in loc for loc in locations)
    for page in ("/def/kyodo", "/def/kyodo/shapes", "/graph/asserted", "/graph/inferred"):
        assert server + page in locations
    for location in sorted(locations)[:40]:  # every listed page answers
        assert requests.head(location, timeout=30).status_code == 200, location


def test_sitemap_is_not_cut_at_the_row_cap_of_queries(server: str, strict_live: LiveServer) -> None:
    # (KYODO_MAX_RESULT_ROWS=5 there: users' results are cut at 5 rows, the sitemap is whole)
    strict = {loc.removeprefix(strict_live.url) for loc in sitemap_locations(strict_live.url)}
    assert len(strict) > 500
    assert strict == {loc.removeprefix(server) for loc in sitemap_locations(server)}


def test_home_page_embeds_schema_org_dataset(server: str, catalogue: Graph) -> None:
    response = requests.get(server + "/", headers={"Accept": "text/html"}, timeout=30)
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.text, re.DOTALL
    )
    assert match, "no JSON-LD in the home page"
    data = json.loads(match.group(1))
    assert data["@type"] == "DataCatalog"
    names = {d["@id"] for d in data["dataset"]}
    assert names == {str(d) for d in catalogue.subjects(RDF.type, DCAT.Dataset)}
    first = data["dataset"][0]
    assert first["@type"] == "Dataset" and first["name"] and first["license"]
    assert {d["encodingFormat"] for d in first["distribution"]} >= {"text/turtle", "text/csv"}


# Google Dataset Search's Dataset properties (developers.google.com/search/docs/appearance/
# structured-data/dataset): required, and the recommended ones we can state
GOOGLE_REQUIRED = {"name", "description"}
GOOGLE_RECOMMENDED = {"creator", "distribution", "license", "temporalCoverage",
                      "spatialCoverage", "keywords", "url", "identifier", "isAccessibleForFree",
                      "includedInDataCatalog", "isBasedOn", "creditText"}  # fmt: skip
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def page_datasets(html: str) -> list[dict]:
    """The schema.org Datasets a page's JSON-LD scripts hold at their top level."""
    found = [json.loads(text) for text in SCRIPT.findall(html)]
    return [d for d in found if d.get("@type") == "Dataset"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_each_dataset_landing_page_embeds_its_schema_org_dataset(
    server: str, catalogue: Graph, lang: str
) -> None:
    datasets = list(catalogue.subjects(RDF.type, DCAT.Dataset))
    assert datasets
    for dataset in datasets:
        landing = str(catalogue.value(dataset, DCAT.landingPage))
        path = "/doc/" + landing.split("/doc/", 1)[1]
        response = requests.get(
            server + path, headers={"Accept": "text/html", "Accept-Language": lang}, timeout=30
        )
        [data] = page_datasets(response.text)
        assert data["@context"] == "https://schema.org/" and data["@id"] == str(dataset)
        assert set(data) >= GOOGLE_REQUIRED | GOOGLE_RECOMMENDED, set(data)
        title = next(t for t in catalogue.objects(dataset, DCTERMS.title) if t.language == lang)
        assert data["name"] == str(title)
        assert 50 <= len(data["description"]) <= 5000  # Google's bounds
        assert data["creator"]["@type"] in {"Organization", "GovernmentOrganization"}
        assert data["creator"]["name"]
        assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}", data["temporalCoverage"])
        assert data["spatialCoverage"]["@type"] == "Place" and data["spatialCoverage"]["name"]
        assert data["url"] == landing
        downloads = data["distribution"]
        assert len(downloads) == len(DUMPS)
        for download in downloads:
            assert download["@type"] == "DataDownload"
            assert download["contentUrl"].startswith("http") and download["encodingFormat"]
        assert ("出典：" if lang == "ja" else "Source: ") in data["creditText"]


def test_only_landing_pages_carry_a_dataset(server: str, sample_project: dict[str, str]) -> None:
    """The year before's plan (known only from the completed list) is no dataset; a project
    page has its own markup, not a Dataset."""
    for path in ("/doc/072036/plan/kyodo2/2024", sample_project["doc"]):
        response = requests.get(server + path, headers={"Accept": "text/html"}, timeout=30)
        assert response.status_code == 200
        assert page_datasets(response.text) == []


def test_dataset_json_ld_cannot_close_its_script(
    start_server,  # type: ignore[no-untyped-def]
    dist: Path,
    catalogue: Graph,
    tmp_path: Path,
) -> None:
    """A title with ``</script>`` and ``&`` is written as \\u003c… inside the script, and reads
    back whole."""
    evil = "</script><script>alert(1)</script> & <b>郡山</b>"
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy)
    changed = Graph().parse(dist / "catalog.ttl", format="turtle")
    dataset = next(changed.subjects(RDF.type, DCAT.Dataset))
    changed.remove((dataset, DCTERMS.title, None))
    changed.add((dataset, DCTERMS.title, Literal(evil, lang="ja")))
    changed.serialize(copy / "catalog.ttl", format="turtle")
    url = start_server(copy)
    path = "/doc/" + str(catalogue.value(dataset, DCAT.landingPage)).split("/doc/", 1)[1]
    html = requests.get(url + path, headers={"Accept": "text/html"}, timeout=30).text
    assert "alert(1)</script>" not in html and "<b>郡山" not in html
    assert "\\u003c/script\\u003e" in html and "\\u0026" in html
    [data] = page_datasets(html)
    assert data["name"] == evil
    home = requests.get(url + "/", headers={"Accept": "text/html"}, timeout=30).text
    assert (
        "alert(1)</script>" not in home
        and evil in json.loads(SCRIPT.search(home)[1])["dataset"][0]["name"]
    )


# --- Hydra paging over many cities ----------------------------------------------------------


@pytest.fixture(scope="module")
def three_city_dist(
    dist: Path, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The real build's files, with a catalogue for the real city and two copies of it under
    other codes (the dumps are unchanged: only the catalogue needs many cities)."""
    codes = (KYODO_CODE, "999991", "999992")
    return _many_city_dist(dist, settings, tmp_path_factory.mktemp("three-cities"), codes)


def _many_city_dist(dist: Path, settings: Settings, out: Path, codes: tuple[str, ...]) -> Path:
    union = Graph().parse(dist / "kyodo-lod.nt", format="nt")
    many = Graph()
    for code in codes:
        for s, p, o in union:
            many.add(tuple(_recode(t, code) for t in (s, p, o)))  # type: ignore[arg-type]
    for name in [*DUMPS, "validation-report.ttl", "anomalies.csv", "shapes.ttl", "build.json"]:
        shutil.copy(dist / name, out / name)
    writer = CatalogWriter(Iris(settings.base_iri))
    writer.write(writer.read(GraphUnion(many)), out, FileHashes())
    return out


def test_footer_lists_a_few_attributions_and_points_to_the_catalogue_for_many(
    start_server,  # type: ignore[no-untyped-def]
    three_city_dist: Path,
    dist: Path,
    settings: Settings,
    tmp_path: Path,
) -> None:
    """Up to three datasets: each one's 出典 line in the footer; more: one line that links the
    catalogue, where each dataset carries its own."""
    few = requests.get(start_server(three_city_dist) + "/", timeout=30).text
    assert few.count('<p class="attribution">出典：郡山市「') == 3
    codes = (KYODO_CODE, "999991", "999992", "999993")
    many_dist = _many_city_dist(dist, settings, tmp_path, codes)
    url = start_server(many_dist)
    for lang, words in (("ja", "（4 件。"), ("en", "(4 datasets;")):
        page = requests.get(url + "/", headers={"Accept-Language": lang}, timeout=30).text
        footer = page.split('<footer class="site">', 1)[1]
        assert "出典：郡山市「" not in footer and "Source: Koriyama" not in footer
        assert '<a href="/catalog">' in footer and words in footer


def _recode(term, code: str):  # type: ignore[no-untyped-def]
    if isinstance(term, URIRef) and f"/id/{KYODO_CODE}" in term:
        return URIRef(str(term).replace(f"/id/{KYODO_CODE}", f"/id/{code}"))
    if isinstance(term, Literal) and str(term) == KYODO_CODE:
        return Literal(code, datatype=term.datatype, lang=term.language)
    return term


def test_hydra_paging_links_every_page(start_server, three_city_dist: Path) -> None:  # type: ignore[no-untyped-def]
    url = start_server(three_city_dist, page_size=1)
    seen = []
    next_url: str | None = url + "/catalog"
    while next_url:
        response = requests.get(next_url, headers={"Accept": "text/turtle"}, timeout=30)
        assert response.status_code == 200
        page = Graph().parse(data=response.content, format="turtle")
        datasets = list(page.subjects(RDF.type, DCAT.Dataset))
        assert len(datasets) == 1
        seen.extend(datasets)
        collection = next(page.subjects(RDF.type, HYDRA.PagedCollection))
        assert page.value(collection, HYDRA.totalItems).toPython() == 3
        # distributions of other pages' datasets are left out
        for node in page.subjects(RDF.type, DCAT.Distribution):
            assert str(node).startswith(str(datasets[0]) + "/")
        following = page.value(collection, HYDRA.next)
        next_url = str(following) if following is not None else None
    assert len(set(seen)) == 3


# --- harvesting as a CKAN portal does ---------------------------------------------------------


@pytest.fixture(scope="session")
def ckan_python() -> Path:
    """.venv-ckan, created by scripts/setup_ckan_venv.sh (CKAN + ckanext-dcat from PyPI)."""
    if os.environ.get("KYODO_SKIP_CKAN") == "1":
        pytest.skip("KYODO_SKIP_CKAN=1: the CKAN harvest check is switched off")
    subprocess.run(["sh", str(PROJECT_ROOT / "scripts" / "setup_ckan_venv.sh")], check=True)
    return PROJECT_ROOT / ".venv-ckan" / "bin" / "python"


# the licence list a portal would configure (CKAN's built-in one has no CC BY 4.0)
ENGLISH_LICENCES = [
    {
        "id": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
]
# a Japanese portal's register: its own Japanese titles (not ours, so only the URL can match),
# and the government's 公共データ利用規約 beside CC BY
JAPANESE_LICENCES = [
    {
        "id": "CC-BY-4.0",
        "title": "クリエイティブ・コモンズ・ライセンス 表示4.0 国際（CC BY 4.0）",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    },
    {
        "id": "PDL-1.0",
        "title": "公共データ利用規約 第1.0版",
        "url": "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
    },
]


def harvest(
    ckan_python: Path,
    url: str,
    profile: str,
    rdf_format: str,
    tmp: Path,
    licences: list[dict[str, str]] = ENGLISH_LICENCES,
    locale: tuple[str, str] = ("en", "en"),
) -> dict:
    """What CKAN's parser makes of the catalogue at ``url``, with the licence register
    ``licences`` and ``locale`` (ckan.locale_default, ckan.locales_offered)."""
    register = tmp / "licences.json"
    register.write_text(json.dumps(licences, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [
            str(ckan_python),
            str(PROJECT_ROOT / "scripts" / "harvest_check.py"),
            url,
            "--profile",
            profile,
            "--format",
            rdf_format,
            "--licenses",
            str(register),
            "--locale",
            locale[0],
            "--locales-offered",
            locale[1],
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("profile", "rdf_format"),
    [("euro_dcat_ap_3", "turtle"), ("euro_dcat_ap_3", "xml"), ("euro_dcat_ap_2", "json-ld")],
)
def test_ckan_harvests_the_catalogue(
    ckan_python: Path,
    server: str,
    catalogue: Graph,
    build,  # type: ignore[no-untyped-def]
    profile: str,
    rdf_format: str,
    tmp_path: Path,
) -> None:
    result = harvest(ckan_python, server + "/catalog", profile, rdf_format, tmp_path)
    datasets = result["datasets"]
    assert len(datasets) == len(build.plans)
    for dataset in datasets:
        assert dataset["title"] and dataset["notes"]
        assert dataset["license_id"] == "CC-BY-4.0"
        tags = [t["name"] for t in dataset["tags"]]
        assert len(tags) == len(set(tags)) >= 10
        node = URIRef(next(e["value"] for e in dataset["extras"] if e["key"] == "uri"))
        distributions = set(catalogue.objects(node, DCAT.distribution))
        assert len(dataset["resources"]) == len(distributions) == len(DUMPS) + 1
        by_url = {r["url"]: r for r in dataset["resources"]}
        sparql = [r for r in dataset["resources"] if r["url"].endswith("/sparql")]
        assert len(sparql) == 1
        for name in DUMPS:
            resource = next(r for u, r in by_url.items() if u.endswith("/dumps/" + name))
            assert resource["hash"] and resource["size"] > 0
            assert resource["license"] == "https://creativecommons.org/licenses/by/4.0/"
        extras = {e["key"]: e["value"] for e in dataset["extras"]}
        assert extras["publisher_identifier"] == KYODO_CODE
        assert extras["temporal_start"].endswith("-04-01")


@pytest.mark.parametrize("rdf_format", ["turtle", "xml"])
def test_japanese_ckan_harvests_the_catalogue_in_japanese(
    ckan_python: Path,
    server: str,
    catalogue: Graph,
    build,  # type: ignore[no-untyped-def]
    rdf_format: str,
    tmp_path: Path,
) -> None:
    """A portal with ckan.locale_default = ja (ja and en offered) and a Japanese licence
    register: Japanese titles, notes and tags, CC-BY-4.0 found by the licence's URL."""
    result = harvest(
        ckan_python,
        server + "/catalog",
        "euro_dcat_ap_3",
        rdf_format,
        tmp_path,
        licences=JAPANESE_LICENCES,
        locale=("ja", "ja en"),
    )
    datasets = result["datasets"]
    assert len(datasets) == len(build.plans)
    for dataset in datasets:
        node = URIRef(next(e["value"] for e in dataset["extras"] if e["key"] == "uri"))
        assert dataset["title"] == str(_literal_in(catalogue, node, DCTERMS.title, "ja"))
        assert dataset["notes"] == str(_literal_in(catalogue, node, DCTERMS.description, "ja"))
        assert re.search("[\u3040-\u30ff\u4e00-\u9fff]", dataset["title"] + dataset["notes"])
        keywords_ja = {str(k) for k in catalogue.objects(node, DCAT.keyword) if k.language == "ja"}
        assert len(keywords_ja) >= 5
        assert keywords_ja <= {t["name"] for t in dataset["tags"]}
        assert dataset["license_id"] == "CC-BY-4.0"
        resources = dataset["resources"]
        assert len(resources) == len(DUMPS) + 1
        [sparql] = [r for r in resources if r["url"].endswith("/sparql")]
        assert sparql["name"] == "SPARQLエンドポイント"
        for name in DUMPS:
            resource = next(r for r in resources if r["url"].endswith("/dumps/" + name))
            assert re.fullmatch("[0-9a-f]{64}", resource["hash"]) and resource["size"] > 0
            assert "一括ダウンロード" in resource["name"]  # the Japanese title


def _literal_in(graph: Graph, subject: URIRef, predicate: URIRef, language: str) -> Literal:
    return next(o for o in graph.objects(subject, predicate) if o.language == language)


def test_ckan_follows_hydra_pages(
    ckan_python: Path,
    start_server,  # type: ignore[no-untyped-def]
    three_city_dist: Path,
    tmp_path: Path,
) -> None:
    url = start_server(three_city_dist, page_size=2)
    result = harvest(ckan_python, url + "/catalog", "euro_dcat_ap_3", "turtle", tmp_path)
    assert result["pages"] == 2
    codes = sorted(
        next(e["value"] for e in d["extras"] if e["key"] == "publisher_identifier")
        for d in result["datasets"]
    )
    assert codes == ["072036", "999991", "999992"]
