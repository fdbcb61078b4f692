"""Discovery for portals, crawlers and search engines: the DCAT catalogue (with Hydra paging),
VoID, the sitemap and the dumps. Everything is read from the published ``dist/catalog.ttl`` and
the dump files; nothing here knows about the pipeline."""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from flask import Blueprint, Response, abort, render_template, request, send_file, url_for
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, VOID, XSD
from rdflib.term import Node

from ..dist import CATALOG, CSV_METADATA, MEDIA_TYPES, PROJECTS_CSV, file_facts
from ..durable import sync_file, sync_folder
from ..rdf.iris import SDG_BASE
from ..rdf.namespaces import HYDRA, SPDX, bind_prefixes
from ..store import SelectResult
from ..store.disk import dump_copies_dir
from .conneg import DOCUMENT_FORMATS, GRAPH_FORMATS, HTML, Format, negotiate
from .i18n import choose_language, strings
from .state import AppState, state

log = logging.getLogger(__name__)

bp = Blueprint("catalog", __name__)

SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org)
# the resources the sitemap lists, at most (1,741 cities: 773,758); memory bounds it, ~150 B each
LISTING_MAX_ROWS = 5_000_000


# --- the catalogue graph and its pages -----------------------------------------------------


@dataclass(frozen=True)
class CatalogData:
    graph: Graph
    datasets: tuple[URIRef, ...]
    owner: dict[Node, URIRef]  # subject -> the dataset whose subtree it is in
    sha256: str


def _load(app_state: AppState) -> CatalogData:
    path = Path(app_state.settings.dist_dir) / CATALOG
    if not path.is_file():
        abort(404, description=f"{CATALOG} is not in the published build")
    graph = Graph()
    graph.parse(path, format="turtle")
    datasets = tuple(sorted(s for s in graph.subjects(RDF.type, DCAT.Dataset)))
    names = {str(d): d for d in datasets}
    owner: dict[Node, URIRef] = {}
    for subject in set(graph.subjects()):
        parts = str(subject).split("/")
        for cut in range(len(parts), 0, -1):
            found = names.get("/".join(parts[:cut]))
            if found is not None:
                owner[subject] = found
                break
    return CatalogData(graph, datasets, owner, file_facts(path)[1])


def catalog_data() -> CatalogData:
    return state().cached("catalog:data", lambda: _load(state()))


def page_count(data: CatalogData, size: int) -> int:
    return max(1, -(-len(data.datasets) // size))


def page_graph(data: CatalogData, page: int | None, size: int, page_url: str) -> Graph:
    """The catalogue, or one page of it: datasets outside the page and the nodes under them
    (distributions, checksums, provenance) are left out; a Hydra PagedCollection links pages."""
    pages = page_count(data, size)
    if page is None and pages == 1:
        return data.graph
    page = page or 1
    kept = set(data.datasets[(page - 1) * size : page * size])
    out = Graph()
    bind_prefixes(out)
    out.bind("hydra", HYDRA)
    out.bind("spdx", SPDX)
    for s, p, o in data.graph:
        if data.owner.get(s, None) not in (None, *kept):
            continue
        if isinstance(o, URIRef) and o in data.owner and data.owner[o] not in kept:
            continue
        out.add((s, p, o))
    node = URIRef(f"{page_url}?page={page}")
    out.add((node, RDF.type, HYDRA.PagedCollection))
    out.add((node, HYDRA.totalItems, Literal(len(data.datasets), datatype=XSD.integer)))
    out.add((node, HYDRA.itemsPerPage, Literal(size, datatype=XSD.integer)))
    out.add((node, HYDRA.firstPage, URIRef(f"{page_url}?page=1")))
    out.add((node, HYDRA.lastPage, URIRef(f"{page_url}?page={pages}")))
    if page < pages:
        # hydra:next is current Hydra; ckanext-dcat also reads the older hydra:nextPage
        out.add((node, HYDRA.next, URIRef(f"{page_url}?page={page + 1}")))
        out.add((node, HYDRA.nextPage, URIRef(f"{page_url}?page={page + 1}")))
    if page > 1:
        out.add((node, HYDRA.previous, URIRef(f"{page_url}?page={page - 1}")))
        out.add((node, HYDRA.previousPage, URIRef(f"{page_url}?page={page - 1}")))
    return out


def _serialise(graph: Graph, fmt: Format) -> bytes:
    kind = fmt.rdflib
    if kind == "json-ld":
        context = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
        return graph.serialize(format=kind, context=context, sort_keys=True, encoding="utf-8")
    if kind == "nt":
        lines = sorted({f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in graph})
        return "".join(lines).encode("utf-8")
    return graph.serialize(format=kind, encoding="utf-8")


def _respond(body: bytes, fmt: Format, etag: str) -> Response:
    response = Response(body, content_type=fmt.content_type)
    response.set_etag(etag)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


def _page_size() -> int:
    return state().settings.catalog_page_size


@bp.get("/catalog")
@bp.get("/catalog.<ext>")
def catalog(ext: str | None = None) -> Response:
    fmt = negotiate(
        DOCUMENT_FORMATS,
        request.headers.get("Accept"),
        extension=ext,
        param=request.args.get("format"),
    )
    if fmt is None:
        abort(406)
    data = catalog_data()
    size = _page_size()
    raw_page = request.args.get("page")
    page: int | None = None
    if raw_page is not None:
        if not raw_page.isdigit() or not 1 <= int(raw_page) <= page_count(data, size):
            abort(404, description=f"no catalogue page {raw_page!r}")
        page = int(raw_page)
    page_url = request.host_url + "catalog"
    etag = f"{data.sha256[:20]}-{fmt.key}-{page or 0}-{size}"
    if fmt is HTML:
        lang = choose_language(request)
        view = _html_view(data, page, size, lang)
        body = render_template(
            "catalog.html",
            lang=lang,
            t=strings(lang),
            doc_path="/catalog",
            **view,
        ).encode("utf-8")
        return _respond(body, fmt, f"{etag}-{lang}")
    key = f"catalog:{fmt.key}:{page}:{size}:{page_url}"
    body = state().cached(key, lambda: _serialise(page_graph(data, page, size, page_url), fmt))
    return _respond(body, fmt, etag)


# --- HTML view -------------------------------------------------------------------------------


def _texts(graph: Graph, subject: Node, predicate: URIRef, lang: str) -> str:
    values = {
        (o.language or ""): str(o)
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal)
    }
    for key in (lang, "ja", "en", ""):
        if values.get(key):
            return values[key]
    return next(iter(values.values()), "")


def _html_view(data: CatalogData, page: int | None, size: int, lang: str) -> dict[str, Any]:
    g = data.graph
    catalog_node = next(g.subjects(RDF.type, DCAT.Catalog))
    pages = page_count(data, size)
    current = page or 1
    datasets = []
    for dataset in data.datasets[(current - 1) * size : current * size]:
        distributions = []
        for dist in sorted(g.objects(dataset, DCAT.distribution)):
            checksum = g.value(dist, SPDX.checksum)
            distributions.append(
                {
                    "title": _texts(g, dist, DCTERMS.title, lang),
                    "url": str(g.value(dist, DCAT.downloadURL) or g.value(dist, DCAT.accessURL)),
                    "format": _texts(g, g.value(dist, DCTERMS.format), SKOS.prefLabel, lang)
                    or str(g.value(dist, DCTERMS.format) or "").rsplit("/", 1)[-1],
                    "media_type": str(g.value(dist, DCAT.mediaType) or "").split("media-types/")[
                        -1
                    ],
                    "bytes": g.value(dist, DCAT.byteSize),
                    "sha256": g.value(checksum, SPDX.checksumValue) if checksum else None,
                }
            )
        temporal = g.value(dataset, DCTERMS.temporal)
        datasets.append(
            {
                "iri": str(dataset),
                "title": _texts(g, dataset, DCTERMS.title, lang),
                "description": _texts(g, dataset, DCTERMS.description, lang),
                "landing": str(g.value(dataset, DCAT.landingPage) or ""),
                "issued": g.value(dataset, DCTERMS.issued),
                "modified": g.value(dataset, DCTERMS.modified),
                "start": g.value(temporal, DCAT.startDate) if temporal else None,
                "end": g.value(temporal, DCAT.endDate) if temporal else None,
                "keywords": sorted(
                    str(k) for k in g.objects(dataset, DCAT.keyword) if k.language == lang
                ),
                "distributions": distributions,
            }
        )
    service = g.value(catalog_node, DCAT.service)
    return {
        "title": _texts(g, catalog_node, DCTERMS.title, lang),
        "description": _texts(g, catalog_node, DCTERMS.description, lang),
        "catalog_iri": str(catalog_node),
        "datasets": datasets,
        "total": len(data.datasets),
        "page": current,
        "pages": pages,
        "endpoint": str(g.value(service, DCAT.endpointURL) or "") if service else "",
        "see_also": sorted(str(o) for o in g.objects(catalog_node, RDFS.seeAlso)),
        "formats": [f for f in DOCUMENT_FORMATS if f is not HTML],
    }


# --- VoID --------------------------------------------------------------------------------------


def void_graph(data: CatalogData) -> Graph:
    """The VoID part of the catalogue: the description document, the dataset, its partitions
    and linksets (everything reachable from the VoID dataset)."""
    g = data.graph
    out = Graph()
    bind_prefixes(out)
    document = next(g.subjects(RDF.type, VOID.DatasetDescription), None)
    if document is None:
        abort(404, description="the build has no VoID description")
    todo: list[Node] = [document]
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in g.triples((node, None, None)):
            out.add((s, p, o))
            if p in (FOAF.primaryTopic, VOID.classPartition, VOID.propertyPartition, VOID.subset):
                todo.append(o)
            if p == VOID.objectsTarget:
                todo.append(o)
    return out


@bp.get("/.well-known/void")
def void() -> Response:
    fmt = negotiate(GRAPH_FORMATS, request.headers.get("Accept"), param=request.args.get("format"))
    if fmt is None:
        abort(406)
    data = catalog_data()
    body = state().cached(f"void:{fmt.key}", lambda: _serialise(void_graph(data), fmt))
    return _respond(body, fmt, f"{data.sha256[:20]}-void-{fmt.key}")


# --- sitemap -------------------------------------------------------------------------------


def sitemap_paths(app_state: AppState) -> list[str]:
    """Every HTML page: home, catalogue, SPARQL UI, ontology, shapes, the named graphs, the
    document of every /id/ resource and the SDG goal and target pages, as paths on this server
    (listed once per build)."""
    return app_state.cached("sitemap:paths", lambda: _list_paths(app_state))


def _list_paths(app_state: AppState) -> list[str]:
    base = app_state.base
    # every resource has a type but the catalogue's VoID partitions, so: the typed subjects and
    # the catalogue graph's (1,741 cities: 773,758 subjects in 19 s, where every triple's
    # subject took 218 s)
    catalog = app_state.iris.graph("catalog")
    query = f"""SELECT DISTINCT ?s WHERE {{
      {{ GRAPH ?g {{ ?s a ?type }} }} UNION {{ GRAPH <{catalog}> {{ ?s ?p ?o }} }}
      FILTER(isIRI(?s) && (STRSTARTS(STR(?s), "{base}id/")
             || STRSTARTS(STR(?s), "{SDG_BASE}")))
    }}"""
    # the whole list, once per build: past the row cap and the time limit of users' queries
    result = app_state.store.query(
        query, max_rows=LISTING_MAX_ROWS, timeout_s=max(app_state.settings.query_timeout_s, 300)
    )
    assert isinstance(result, SelectResult)
    if result.truncated:  # (a remote engine's own row limit may be lower: it says so)
        log.warning("the sitemap lists the first %d resources only", len(result.rows))
    paths = {"/", "/catalog", "/sparql", "/sdg/", "/def/kyodo", "/def/kyodo/shapes"}
    iris = [row["s"].value for row in result.dicts()]
    for iri in [*iris, *app_state.store.graph_names()]:  # the named graphs have pages too
        path = app_state.local_path(iri)
        if path:
            paths.add(path)
    return sorted(paths)


def _xml(body: str) -> Response:
    response = Response(body, content_type="application/xml; charset=utf-8")
    response.set_etag(state().etag("sitemap", hashlib.sha256(body.encode()).hexdigest()[:12]))
    return response.make_conditional(request)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    app_state = state()
    paths = sitemap_paths(app_state)
    root = request.host_url.rstrip("/")
    chunks = max(1, -(-len(paths) // SITEMAP_LIMIT))
    raw_page = request.args.get("page")
    if raw_page is None and chunks > 1:
        items = "".join(
            f"<sitemap><loc>{xml_escape(f'{root}/sitemap.xml?page={n}')}</loc></sitemap>"
            for n in range(1, chunks + 1)
        )
        return _xml(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}'
            "</sitemapindex>\n"
        )
    page = 1
    if raw_page is not None:
        if not raw_page.isdigit() or not 1 <= int(raw_page) <= chunks:
            abort(404)
        page = int(raw_page)
    part = paths[(page - 1) * SITEMAP_LIMIT : page * SITEMAP_LIMIT]
    catalog_node = next(catalog_data().graph.subjects(RDF.type, DCAT.Catalog), None)
    modified = catalog_data().graph.value(catalog_node, DCTERMS.modified) if catalog_node else None
    lastmod = str(modified) if modified else app_state.build.modified.date().isoformat()
    items = "".join(
        f"<url><loc>{xml_escape(root + _quote_path(p))}</loc><lastmod>{lastmod}</lastmod></url>\n"
        for p in part
    )
    return _xml(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</urlset>\n'
    )


def _quote_path(path: str) -> str:
    """Sitemaps need URLs: percent-encode the Japanese segments (UTF-8)."""
    from urllib.parse import quote

    return quote(path, safe="/-._~!$&'()*+,;=:@%")


# --- dumps -----------------------------------------------------------------------------------


def _dump_facts(path: Path) -> tuple[str, Path | None]:
    """(sha256, gzip copy) of a dump, computed once per app. The copy (dist/ is read-only to
    the server) lives under the store cache, in the build's folder (``dump_copies_dir``), named
    by the dump's hash: every server of the build and its restarts share it."""
    app_state = state()
    stat = path.stat()
    key = f"dump:{path.name}:{stat.st_mtime_ns}:{stat.st_size}"

    def compute() -> tuple[str, Path | None]:
        sha = file_facts(path)[1]
        folder = app_state.cached(
            "dump:gzip-dir",
            lambda: dump_copies_dir(app_state.settings.store_cache_dir, app_state.content_hash),
        )
        target = folder / f"{sha}.gz"
        if not target.exists():
            _write_gzip_copy(path, target)
        return sha, target

    facts = app_state.cached(key, compute)
    if facts[1] is not None and not facts[1].exists():  # removed meanwhile: written again
        _write_gzip_copy(path, facts[1])
    return facts


def _write_gzip_copy(path: Path, target: Path) -> None:
    """gzip ``path`` into ``target``, durably and atomically. A name of its own first: requests
    arriving together may each gzip the dump (a shared name gave 500s and torn bytes), and each
    rename puts whole, equal bytes; a power cut never leaves a torn copy that restarts reuse."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f"{target.stem}.", suffix=".part", dir=target.parent)
    try:
        # mtime=0 and no file name: the same dump always gives the same gzip bytes
        with (
            path.open("rb") as source,
            os.fdopen(handle, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped,
        ):
            shutil.copyfileobj(source, zipped, 1 << 20)
        sync_file(Path(partial))
        os.replace(partial, target)
        sync_folder(target.parent)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _accepts_gzip() -> bool:
    """Whether ``Accept-Encoding`` allows gzip (q > 0)."""
    for value in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = value.strip().partition(";")
        if name.strip().lower() not in {"gzip", "x-gzip", "*"}:
            continue
        q = 1.0
        key, _, number = params.strip().partition("=")
        if key.strip().lower() == "q":
            try:
                q = float(number)
            except ValueError:
                q = 0.0
        return q > 0
    return False


@bp.get("/dumps/<name>")
def dump(name: str) -> Response:
    if name not in MEDIA_TYPES:  # a fixed list: no other path can be read
        abort(404)
    path = Path(state().settings.dist_dir) / name
    if not path.is_file():
        abort(404)
    sha, gz = _dump_facts(path)
    media_type = MEDIA_TYPES[name]
    if gz is not None and _accepts_gzip() and "Range" not in request.headers:
        response = send_file(gz, mimetype=media_type, etag=f"{sha}-gzip", conditional=True)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = send_file(path, mimetype=media_type, etag=sha, conditional=True)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    if name == PROJECTS_CSV and (path.parent / CSV_METADATA).is_file():  # CSV on the Web
        described = url_for("catalog.dump", name=CSV_METADATA)
        response.headers["Link"] = (
            f'<{described}>; rel="describedby"; type="{MEDIA_TYPES[CSV_METADATA]}"'
        )
    return response


def dump_urls() -> Iterable[str]:
    """The dumps this server can serve (for pages that link them)."""
    return [url_for("catalog.dump", name=name) for name in MEDIA_TYPES]
