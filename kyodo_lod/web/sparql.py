"""/sparql: the SPARQL 1.1 Protocol (query only), the service description and the query UI."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, render_template, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD

from ..rdf.namespaces import FORMATS, SD
from ..store import AskResult, SelectResult, Serialized
from . import queries
from .conneg import GRAPH_FORMATS, HTML, SELECT_FORMATS, SERVICE_FORMATS, Format, negotiate
from .errors import NotAcceptable, error_response
from .fairness import client_address
from .guard import Refused, check_graph_params, check_query
from .i18n import choose_language, strings
from .state import AppState, state
from .views import Labeller, Labels

bp = Blueprint("sparql", __name__)

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@bp.route("/sparql", methods=["GET", "POST", "HEAD"])
def endpoint() -> Response:
    st = state()
    settings = st.settings
    if request.content_length and request.content_length > settings.max_request_bytes:
        return error_response(413, f"Request body larger than {settings.max_request_bytes} bytes")
    query, default_graphs, named_graphs = _read_request()
    if query is None:
        return service(st)
    local = [st.base]
    check_graph_params([*default_graphs, *named_graphs], local, settings.remote_allowlist)
    checked = check_query(query, local, settings.remote_allowlist, settings.max_query_nesting)
    graph_form = checked.form in ("CONSTRUCT", "DESCRIBE")
    offered = (*GRAPH_FORMATS, HTML) if graph_form else (*SELECT_FORMATS, HTML)
    param = _parameter("format") or _parameter("output")
    fmt = negotiate(offered, request.headers.get("Accept"), param=param)
    if fmt is None:
        raise NotAcceptable([f.media_type for f in offered])
    kwargs = {
        "default_graphs": default_graphs,
        "named_graphs": named_graphs,
        "timeout_s": settings.query_timeout_s,
        "max_rows": settings.max_result_rows,
        "lane": "public",  # a user's query: it never takes the workers pages need
    }
    client = client_address(
        request.remote_addr, request.headers.getlist("X-Forwarded-For"), st.trusted_proxies
    )
    if fmt is HTML:
        with st.gate.admit(client):
            result = st.store.query(query, **kwargs)  # type: ignore[arg-type]
        return _html_results(st, query, result)
    etag = _result_etag(st, query, default_graphs, named_graphs, fmt)
    if etag is not None and request.if_none_match and request.if_none_match.contains(etag):
        # the client (or a cache in front) has this answer: the store is not asked
        return _cacheable(Response(status=304), etag)
    # the same question on the same build has the same answer: keep it (bounded, by bytes)
    key = st.response_key("sparql", query, tuple(default_graphs), tuple(named_graphs), fmt.key)

    def ask_store() -> Serialized:
        # only a query that reaches the store counts against the client's share
        with st.gate.admit(client):
            answer = st.store.query(query, result_format=fmt.key, **kwargs)  # type: ignore[arg-type]
        assert isinstance(answer, Serialized)
        return answer

    result = st.responses.fetch(key, ask_store, lambda r: len(r.body) + len(query) + 200)
    assert isinstance(result, Serialized)
    response = Response(result.body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    if result.truncated:
        _flag_truncated(response, settings.max_result_rows)
    return _cacheable(response, etag) if etag is not None else response


def _result_etag(
    st: AppState, query: str, default_graphs: list[str], named_graphs: list[str], fmt: Format
) -> str | None:
    """The ETag of a GET answer: the build's hash, the query, its dataset and the format. A
    build never changes while it is served, so the same request has the same answer; POST
    answers and builds without a hash (a remote engine that may change) get none."""
    if request.method not in ("GET", "HEAD") or st.build.content_hash is None:
        return None
    text = "\0".join([query, *default_graphs, "\1", *named_graphs, fmt.key])
    return st.etag("sparql", hashlib.sha256(text.encode("utf-8")).hexdigest()[:24])


def _cacheable(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _flag_truncated(response: Response, limit: int) -> None:
    response.headers["Kyodo-Result-Truncated"] = "true"
    response.headers["Kyodo-Result-Limit"] = str(limit)
    response.headers["Kyodo-Message"] = (
        f"result cut at {limit} rows (the server's limit); page with ORDER BY, LIMIT and OFFSET"
    )


def _parameter(name: str) -> str | None:
    """``request.values.get(name)`` without parsing a body that is not a form."""
    value = request.args.get(name)
    if value is None and request.method == "POST" and request.mimetype in FORM_TYPES:
        value = request.form.get(name)
    return value


def _read_request() -> tuple[str | None, list[str], list[str]]:
    """The query and the protocol's dataset parameters from GET, form POST or direct POST."""
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == "application/sparql-update":
            raise Refused("this endpoint is read-only: SPARQL Update is not accepted")
        if mimetype == "application/sparql-query":
            query = request.get_data(as_text=True)
            params = request.args
        elif mimetype in FORM_TYPES:
            params = request.form
            query = params.get("query")
        else:
            raise Refused(
                f"unsupported Content-Type {mimetype or '(none)'}: send "
                "application/sparql-query or application/x-www-form-urlencoded"
            )
    else:
        params = request.args
        query = params.get("query")
    if params.get("update") is not None or request.args.get("update") is not None:
        raise Refused("this endpoint is read-only: SPARQL Update is not accepted")
    default_graphs = params.getlist("default-graph-uri") + (
        request.args.getlist("default-graph-uri") if params is not request.args else []
    )
    named_graphs = params.getlist("named-graph-uri") + (
        request.args.getlist("named-graph-uri") if params is not request.args else []
    )
    if query is not None and not query.strip():
        query = None
    return query, default_graphs, named_graphs


# ------------------------------------------------------------------ service description and UI


def service(st: AppState) -> Response:
    fmt = negotiate(
        SERVICE_FORMATS, request.headers.get("Accept"), param=request.args.get("format")
    )
    if fmt is None:
        raise NotAcceptable([f.media_type for f in SERVICE_FORMATS])
    if fmt is HTML:
        lang = choose_language(request)
        body = render_template(
            "sparql.html",
            lang=lang,
            t=strings(lang),
            yasgui=st.yasgui,
            examples=queries.examples(st.kyodo),
            endpoint_iri=str(st.iris.sparql_endpoint()),
            graphs=_graph_counts(st),
        )
        response = Response(body, content_type=HTML.content_type)
    else:
        response = Response(
            st.cached(f"sd-{fmt.key}", lambda: _service_description(st, fmt)),
            content_type=fmt.content_type,
        )
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def _graph_counts(st: AppState) -> list[tuple[str, int]]:
    """Triples per named graph: as build.json counted them, the store asked only for the graphs
    it does not list (the catalogue); counting every graph in the store took over 10 s at
    1,741 cities."""

    def compute() -> list[tuple[str, int]]:
        names = st.build.info.get("graphs", {})
        counted = st.build.info.get("triples", {})
        known = {iri: int(counted[name]) for name, iri in names.items() if name in counted}
        if not known:  # (no build.json: a front end of a remote engine)
            result = st.store.query(queries.GRAPH_COUNTS)
            assert isinstance(result, SelectResult)
            return [(row["g"].value, int(row["n"].value)) for row in result.dicts()]
        for graph in st.store.graph_names():
            if graph not in known:
                result = st.store.query(queries.graph_count(graph))
                assert isinstance(result, SelectResult)
                known[graph] = int(result.rows[0][0].value) if result.rows[0][0] else 0
        return sorted((g, n) for g, n in known.items() if n)

    return st.cached("graph-counts", compute)


def _service_description(st: AppState, fmt: Format) -> bytes:
    """SPARQL 1.1 Service Description: the default graph is the union of the named graphs."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("formats", FORMATS)
    service_node = URIRef(str(st.iris.sparql_service()))
    g.add((service_node, RDF.type, SD.Service))
    g.add((service_node, SD.endpoint, URIRef(str(st.iris.sparql_endpoint()))))
    g.add((service_node, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service_node, SD.feature, SD.UnionDefaultGraph))
    g.add((service_node, SD.feature, SD.BasicFederatedQuery))  # only for allow-listed services
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        g.add((service_node, SD.resultFormat, FORMATS[name]))
    dataset = URIRef(f"{service_node}#dataset")
    default = URIRef(f"{service_node}#default-graph")
    g.add((service_node, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    counts = dict(_graph_counts(st))
    g.add((default, VOID.triples, Literal(sum(counts.values()), datatype=XSD.integer)))
    g.add(
        (
            default,
            RDFS.comment,
            Literal("The default graph is the union of all the named graphs.", lang="en"),
        )
    )
    g.add(
        (default, RDFS.comment, Literal("既定グラフはすべての名前付きグラフの和です。", lang="ja"))
    )
    for graph_iri in st.graph_iris():
        named = URIRef(f"{service_node}#graph-{graph_iri.rsplit('/', 1)[-1]}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(graph_iri)))
        inner = BNode(f"g-{graph_iri.rsplit('/', 1)[-1]}")
        g.add((named, SD.graph, inner))
        g.add((inner, RDF.type, SD.Graph))
        g.add((inner, VOID.triples, Literal(counts.get(graph_iri, 0), datatype=XSD.integer)))
    rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[fmt.key]
    return g.serialize(format=rdflib_format, encoding="utf-8")


def _html_results(st: AppState, query: str, result: object) -> Response:
    """Results as a table (the plain form's answer, and any browser following a query link)."""
    lang = choose_language(request)
    labeller = Labeller(st, Labels(), lang)
    columns: tuple[str, ...] = ()
    rows: list = []
    boolean = None
    truncated = False
    if isinstance(result, SelectResult):
        columns, rows, truncated = result.variables, result.rows, result.truncated
    elif isinstance(result, AskResult):
        boolean = result.value
    else:
        columns = ("subject", "predicate", "object")
        rows = list(result.triples)  # type: ignore[attr-defined]
        truncated = result.truncated  # type: ignore[attr-defined]
    body = render_template(
        "results.html",
        lang=lang,
        t=strings(lang),
        query=query,
        columns=columns,
        rows=rows,
        boolean=boolean,
        truncated=truncated,
        limit=st.settings.max_result_rows,
        L=labeller,
    )
    response = Response(body, content_type=HTML.content_type)
    response.headers["Vary"] = "Accept"
    if truncated:
        _flag_truncated(response, st.settings.max_result_rows)
    return response
