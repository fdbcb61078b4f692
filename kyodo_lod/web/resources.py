"""Dereferenceable URIs: /id/... → 303 → /doc/..., negotiated documents, the ontology at /def/kyodo.

A request path maps to an IRI under ``Settings.base_iri`` whatever host it came in by, so the
same build serves https://kyodo-lod.example/ in production and http://127.0.0.1:8000/ locally.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

from flask import Blueprint, Response, redirect, render_template, request
from werkzeug.urls import iri_to_uri

from ..store import AskResult, SelectResult, Serialized, Term
from . import documents, queries
from .conneg import DOCUMENT_FORMATS, HTML, Format, negotiate, split_extension
from .errors import NotAcceptable, NotFound
from .i18n import choose_language, pick, strings
from .page_store import page_key
from .state import AppState, state

bp = Blueprint("resources", __name__)

SAFE_PATH = "/-._~!$&'()*+,;=:@%"


# an ASCII character path_to_iri escapes (outside the unreserved set and "/")
ESCAPED_ASCII = re.compile(r"[\x00-\x2c\x3a-\x40\x5b-\x5e\x60\x7b-\x7d\x7f]")


def path_to_iri(base: str, path: str) -> str:
    """The IRI a decoded request path names: ASCII outside the unreserved set is escaped again
    exactly as iris.normalise_segment escaped it; Japanese stays as it is."""
    if ESCAPED_ASCII.search(path) is None:  # (most paths: nothing to escape, per request)
        return base + path
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
    page = page_number()
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
            lambda: _made(st, iri, fmt, lang, doc_path, page, producer),
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


def page_number() -> int:
    """The request's ``?page=`` (1 when absent, not a number, or below 1)."""
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _made(
    st: AppState,
    iri: str,
    fmt: Format,
    lang: str,
    doc_path: str,
    page: int,
    producer: Producer | None,
) -> tuple[bytes, bool]:
    """The document made, or taken from the page store when it keeps it (a resource's page 1
    asked with no query string: what a crawler asks, and what ``prerender`` makes ahead)."""
    if producer is not None:
        return producer(fmt, lang), False
    if st.pages is not None and page == 1 and not request.query_string:
        return st.pages.fetch(
            page_key(doc_path, fmt.key, lang),
            lambda: documents.produce(st, iri, fmt, lang, doc_path, 1),
        )
    return documents.produce(st, iri, fmt, lang, doc_path, page)


def document_path(base: str, iri: str) -> str | None:
    """The canonical path of ``iri``'s document, as ``document`` answers it (the key under which
    the page store keeps it), or None for an IRI not under ``base`` + ``id/``."""
    prefix = base + "id/"
    if not iri.startswith(prefix):
        return None
    return "/doc/" + quote(unquote(iri[len(prefix) :]), safe=SAFE_PATH)


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


__all__ = ["Term", "bp", "document_path", "page_number", "path_to_iri"]
