"""Dereferenceable URIs: /id/... → 303 → /doc/..., negotiated documents, the ontology at /def/kyodo.

A request path maps to an IRI under ``Settings.base_iri`` whatever host it came in by, so the
same build serves https://kyodo-lod.example/ in production and http://127.0.0.1:8000/ locally.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, redirect, render_template, request
from werkzeug.urls import iri_to_uri

from ..model import sdg_code_key
from ..rdf.iris import SDG_BASE
from ..store import AskResult, GraphResult, SelectResult, Serialized, Term
from . import queries
from .conneg import DOCUMENT_FORMATS, HTML, Format, negotiate, split_extension
from .errors import NotAcceptable, NotFound
from .i18n import choose_language, pick, strings
from .state import AppState, state
from .views import RDF_TYPE, Description, Labeller, describe

bp = Blueprint("resources", __name__)

PAGE_SIZE = 100  # inbound links per page
SAFE_PATH = "/-._~!$&'()*+,;=:@%"


def path_to_iri(base: str, path: str) -> str:
    """The IRI a decoded request path names: ASCII outside the unreserved set is escaped again
    exactly as iris.normalise_segment escaped it; Japanese stays as it is."""
    return base + "".join(c if ord(c) > 127 or c == "/" else quote(c, safe="-._~") for c in path)


@bp.route("/id/<path:rest>", methods=["GET", "HEAD"])
def id_redirect(rest: str) -> Response:
    st = state()
    iri = path_to_iri(st.base, "id/" + rest)

    def ask() -> bool:
        answer = st.store.query(
            f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}", timeout_s=5.0
        )
        return isinstance(answer, AskResult) and answer.value

    exists = st.responses.fetch(st.response_key("exists", iri), ask, lambda _: len(iri) + 64)
    if not exists:
        raise NotFound(f"nothing is published as {iri}")
    target = "/doc/" + quote(rest, safe=SAFE_PATH)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    response = redirect(target, code=303)
    response.headers["Vary"] = "Accept"
    return response  # type: ignore[return-value]


@bp.route("/doc/<path:rest>", methods=["GET", "HEAD"])
def document(rest: str) -> Response:
    st = state()
    path, ext = split_extension(rest, DOCUMENT_FORMATS)
    iri = path_to_iri(st.base, "id/" + path)
    return serve(st, iri, "/doc/" + quote(path, safe=SAFE_PATH), ext)


@bp.route("/def/kyodo", methods=["GET", "HEAD"])
@bp.route("/def/kyodo.<ext>", methods=["GET", "HEAD"])
def ontology(ext: str | None = None) -> Response:
    st = state()
    if ext is not None and not any(f.extension == ext for f in DOCUMENT_FORMATS):
        raise NotFound(f"no such document: /def/kyodo.{ext}")
    iri = str(st.iris.ontology())
    return serve(
        st,
        iri,
        "/def/kyodo",
        ext,
        producer=lambda fmt, lang: _ontology_document(st, iri, fmt, lang),
    )


def _alternates(doc_path: str) -> str:
    return ", ".join(
        f'<{doc_path}.{f.extension}>; rel="alternate"; type="{f.media_type}"'
        for f in DOCUMENT_FORMATS
    )


Producer = Callable[[Format, str], bytes]


def serve(
    st: AppState,
    iri: str,
    doc_path: str,
    ext: str | None,
    producer: Producer | None = None,
) -> Response:
    """A negotiated document of ``iri``: by default its description from the store; a
    ``producer`` (format, language) → body makes other documents (ontology, shapes, graphs)."""
    fmt = negotiate(
        DOCUMENT_FORMATS,
        request.headers.get("Accept"),
        extension=ext,
        param=request.args.get("format"),
    )
    if fmt is None:
        raise NotAcceptable([f.media_type for f in DOCUMENT_FORMATS])
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    lang = choose_language(request) if fmt is HTML else ""
    etag = st.etag(fmt.key, lang, str(page))
    headers = {
        "Vary": "Accept, Accept-Language, Cookie",
        "Link": _alternates(doc_path) + f', <{iri_to_uri(iri)}>; rel="describes"',
        "Cache-Control": "public, max-age=300",
    }
    if request.if_none_match and request.if_none_match.contains(etag):
        # the build has not changed since the client's copy: no need to ask the store
        response = Response(status=304)
    else:
        # the finished body, made once per path, query string, format and language
        key = st.response_key("doc", request.path, request.query_string, fmt.key, lang)
        body, has_next = st.responses.fetch(
            key,
            lambda: (
                (producer(fmt, lang), False)
                if producer is not None
                else _produce(st, iri, fmt, lang, doc_path, page)
            ),
            lambda value: len(value[0]) + 200,
        )
        response = Response(body, content_type=fmt.content_type)
        if has_next:
            headers["Link"] += f', <{doc_path}?page={page + 1}>; rel="next"'
    response.headers.update(headers)
    if fmt is HTML and request.args.get("lang") in ("ja", "en"):
        # the visible switch sticks for the next pages
        response.set_cookie("lang", request.args["lang"], max_age=31536000, samesite="Lax")
    response.set_etag(etag)
    response.last_modified = st.build.modified
    return response.make_conditional(request)


def _produce(
    st: AppState, iri: str, fmt: Format, lang: str, doc_path: str, page: int
) -> tuple[bytes, bool]:
    """The body of one document and whether a next page of inbound links exists."""
    offset = (page - 1) * PAGE_SIZE
    if fmt is HTML:
        result = st.store.describe(iri, inbound_limit=PAGE_SIZE, inbound_offset=offset)
        assert isinstance(result, GraphResult)
        desc = describe(iri, result)
        if desc.empty:
            raise NotFound(f"nothing is published as {iri}")
        html = _render_html(st, desc, lang, doc_path, page)
        return html.encode("utf-8"), desc.inbound_count >= PAGE_SIZE
    result = st.store.describe(
        iri, result_format=fmt.key, inbound_limit=PAGE_SIZE, inbound_offset=offset
    )
    assert isinstance(result, Serialized)
    if result.count == 0:
        raise NotFound(f"nothing is published as {iri}")
    return result.body, False


# ------------------------------------------------------------------ HTML


def _render_html(st: AppState, desc: Description, lang: str, doc_path: str, page: int) -> str:
    labeller = Labeller(st, desc.labels, lang)
    common: dict[str, Any] = {
        "lang": lang,
        "t": strings(lang),
        "L": labeller,
        "d": desc,
        "iri": desc.iri,
        "doc_path": doc_path,
        "formats": DOCUMENT_FORMATS[1:],
        "page": page,
        "page_size": PAGE_SIZE,
        "title": labeller(desc.iri),
    }
    if f"{st.kyodo}Project" in desc.types:
        common.update(_project_view(st, desc, labeller, lang))
        return render_template("project.html", **common)
    return render_template("resource.html", **common, sections=_sections(st, desc, labeller))


def _sections(st: AppState, desc: Description, labeller: Labeller) -> dict[str, Any]:
    """Properties in a stable order (type and labels first), and inbound links by property."""
    first = [RDF_TYPE, "http://www.w3.org/2000/01/rdf-schema#label"]
    props = sorted(
        desc.outbound,
        key=lambda p: (p not in first, first.index(p) if p in first else 0, labeller(p)),
    )
    inbound = sorted(desc.inbound, key=labeller)
    return {"outbound": props, "inbound": inbound}


def _project_view(st: AppState, desc: Description, labeller: Labeller, lang: str) -> dict[str, Any]:
    k = st.kyodo
    result = st.store.query(queries.project_extras(k, desc.iri))
    assert isinstance(result, SelectResult)
    kpis: dict[str, dict[str, Any]] = {}
    targets: dict[str, dict[str, Any]] = {}
    units: dict[str, str] = {}
    excerpt: dict[str, Any] = {}
    related: dict[str, dict[str, Any]] = {}
    for row in result.dicts():
        kind = row["kind"].value
        a = row.get("a")
        if a is None:
            continue
        if kind == "kpi":
            kpi = kpis.setdefault(a.value, {"iri": a.value})
            for key, var in (("order", "b"), ("text", "c"), ("value", "d"), ("unit", "e")):
                if var in row:
                    kpi[key] = row[var].value
        elif kind == "target":
            target = targets.setdefault(a.value, {"iri": a.value, "code": _sdg_code(a.value)})
            if "b" in row:
                target["goal"] = row["b"].value
                target["goal_code"] = _sdg_code(row["b"].value)
            if "c" in row:
                target["color"] = row["c"].value
        elif kind == "unit" and "b" in row:
            units[row["b"].value] = row["c"].value if "c" in row else labeller(row["b"])
        elif kind == "excerpt":
            excerpt = {"iri": a.value}
            for key, var in (("start", "b"), ("end", "c"), ("page", "d"), ("label", "e")):
                if var in row:
                    excerpt[key] = row[var].value
        elif kind == "related":
            item = related.setdefault(a.value, {"iri": a.value, "targets": set()})
            if "c" in row:
                labeller.labels.add_label(a.value, row["c"])
            if "b" in row:
                item["targets"].add(_sdg_code(row["b"].value))
    kpi_list = sorted(kpis.values(), key=lambda x: int(x.get("order", 0) or 0))
    target_list = sorted(targets.values(), key=lambda x: sdg_code_key(x["code"]))
    for target in target_list:
        target["title_ja"] = _label_in(labeller, target["iri"], "ja")
        target["title_en"] = _label_in(labeller, target["iri"], "en")
    # the bureau: the highest unit above the department (shortest IRI = closest to the city)
    chain = sorted(units, key=len)
    related_list = sorted(
        related.values(), key=lambda x: (sorted(sdg_code_key(c) for c in x["targets"]), x["iri"])
    )
    for item in related_list:
        item["targets"] = sorted(item["targets"], key=sdg_code_key)
    relisted_as = sorted(
        {t.value for t in desc.values(f"{k}relistedAs")}
        | {t.value for t in desc.inbound.get(f"{k}relists", [])}
    )
    return {
        "relisted_as": relisted_as,
        "kpis": kpi_list,
        "targets": target_list,
        "bureaus": [(iri, units[iri]) for iri in chain],
        "excerpt": excerpt,
        "related": related_list,
        "jsonld": _project_jsonld(st, desc, labeller, kpi_list, target_list),
    }


def _label_in(labeller: Labeller, iri: str, lang: str) -> str | None:
    texts = labeller.labels.texts.get(iri, {})
    for prop_texts in texts.values():
        if lang in prop_texts:
            return prop_texts[lang]
    return None


def _sdg_code(iri: str) -> str:
    return iri[len(SDG_BASE) :] if iri.startswith(SDG_BASE) else iri


def _project_jsonld(
    st: AppState,
    desc: Description,
    labeller: Labeller,
    kpis: list[dict[str, Any]],
    targets: list[dict[str, Any]],
) -> dict[str, Any]:
    """schema.org for search engines (serialised with |tojson, which escapes '<')."""
    k = st.kyodo
    name = desc.literal_in("http://www.w3.org/2000/01/rdf-schema#label", "ja") or labeller(desc.iri)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Project",
        "@id": desc.iri,
        "name": name,
        "url": desc.iri,
        "inLanguage": "ja",
    }
    text = desc.literal_in(f"{k}planText", "ja")
    if text:
        data["description"] = text
    dept = desc.first(f"{k}responsibleDepartment")
    if dept is not None:
        data["sponsor"] = {
            "@type": "GovernmentOrganization",
            "@id": dept.value,
            "name": labeller(dept),
        }
    if targets:
        data["about"] = [
            {
                "@type": "DefinedTerm",
                "@id": t["iri"],
                "termCode": t["code"],
                "name": t.get("title_en") or t.get("title_ja") or t["code"],
                "inDefinedTermSet": "http://metadata.un.org/sdg",
            }
            for t in targets
        ]
    year = desc.first(f"{k}fiscalYear")
    if year is not None:
        data["temporalCoverage"] = year.value
    return data


# ------------------------------------------------------------------ the ontology


def _ontology_document(st: AppState, iri: str, fmt: Format, lang: str) -> bytes:
    graph = str(st.iris.graph("ontology"))
    if fmt is not HTML:
        result = st.store.query(
            queries.ontology_graph(graph), result_format=fmt.key, max_rows=1_000_000
        )
        assert isinstance(result, Serialized)
        if result.count == 0:
            raise NotFound("the ontology is not published in this build")
        return result.body
    result = st.store.query(queries.ontology_terms(graph, iri), max_rows=1_000_000)
    assert isinstance(result, SelectResult)
    terms: dict[str, dict[str, Any]] = {}
    for row in result.dicts():
        term = terms.setdefault(
            row["term"].value,
            {"iri": row["term"].value, "types": set(), "label": {}, "comment": {}, "def": {}},
        )
        term["types"].add(row["type"].value)
        if "p" in row and "o" in row:
            # a term may have both a definition and a comment: the definition is shown, whatever
            # order the engine answers in (engines differ)
            key = row["p"].value.rsplit("#", 1)[-1].replace("definition", "def")
            term[key].setdefault(row["o"].lang or "", row["o"].value)
    owl = "http://www.w3.org/2002/07/owl#"
    classes, properties = [], []
    for term in sorted(terms.values(), key=lambda x: x["iri"]):
        view = {
            "iri": term["iri"],
            "name": term["iri"].rsplit("#", 1)[-1],
            "label": pick(term["label"], lang) or term["iri"].rsplit("#", 1)[-1],
            "comment": pick(term["def"] or term["comment"], lang)
            if term["def"] or term["comment"]
            else "",
        }
        if f"{owl}Class" in term["types"]:
            classes.append(view)
        elif any(t.endswith("Property") for t in term["types"]):
            properties.append(view)
    if not terms:
        raise NotFound("the ontology is not published in this build")
    body = render_template(
        "ontology.html",
        lang=lang,
        t=strings(lang),
        iri=iri,
        classes=classes,
        properties=properties,
        formats=DOCUMENT_FORMATS[1:],
        doc_path="/def/kyodo",
        title=strings(lang)["ontology"],
    )
    return body.encode("utf-8")


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


__all__ = ["Term", "bp", "path_to_iri"]
