"""/search?q=…: projects, policies, departments and KPIs found by the words of their labels and
texts (Japanese or English), ranked by bm25, as a page or as JSON (``?format=json`` or
``Accept: application/json``).

The index is the build's ``dist.SEARCH_INDEX`` (``textindex`` says how it is laid out and how
words become a query), opened read-only, one connection per server thread. A build without the
file, or with a damaged one, gets a 503 that says so; the rest of the site keeps working.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup, escape

from .. import textindex
from ..dist import SEARCH_INDEX
from . import ranking
from .conneg import HTML, Format, negotiate
from .errors import NotAcceptable, error_response
from .i18n import choose_language, pick, strings
from .state import AppState, state

bp = Blueprint("search", __name__)

JSON = Format("json", ("application/json",), None, "JSON")
SEARCH_FORMATS = (HTML, JSON)
PAGE_SIZE = 20
MAX_PAGES = 50  # ranks beyond 1,000 are not worth reading: refine the words instead
COUNT_CAP = PAGE_SIZE * MAX_PAGES  # counted up to here, then "more than"
SNIPPET_TOKENS = 24  # trigrams around a hit (FTS5's snippet)
SNIPPET_CHARS = 30  # characters either side of a hit found by the scan
# snippet() marks a hit with these; they never occur in indexed text (normalise() turns control
# characters into spaces), so the text is escaped first and the marks become <mark> after
_HIT_START, _HIT_END = "\x02", "\x03"


class SearchUnavailable(Exception):
    """The build's index is missing, damaged or of another format (503)."""


@dataclass(frozen=True)
class Hit:
    kind: str
    iri: str
    names: dict[str, str]
    cities: dict[str, str]
    fiscal_year: str
    score: float
    snippet: str  # the matching words in context, as indexed (normalised); "" without a match


class SearchIndex:
    """The index file, read-only: a connection per thread, opened on first use."""

    def __init__(self, path: Path, rank_limit: int) -> None:
        self.path = path
        self.rank_limit = rank_limit  # Settings.search_rank_limit (see search())
        self._local = threading.local()
        self.facts: dict[str, float] = {}  # META's numbers (entries, average lengths)

    def connection(self) -> sqlite3.Connection:
        found = getattr(self._local, "connection", None)
        if found is None:
            found = self._local.connection = self._open()
        return found

    def _open(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise SearchUnavailable(
                f"this build has no search index ({self.path.name} is missing from dist/); "
                "rebuild with `kyodo-lod build`"
            )
        # immutable: a published build never changes (publish swaps in a new folder)
        connection = sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
            uri=True,
            check_same_thread=False,
        )
        try:
            found = connection.execute(
                f"SELECT value FROM {textindex.META} WHERE key = 'format'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise SearchUnavailable(f"the search index {self.path.name} is damaged: {exc}") from exc
        if found is not None and found[0] == textindex.FORMAT_VERSION:
            self.facts = {
                key: float(value)
                for key, value in connection.execute(f"SELECT key, value FROM {textindex.META}")
                if key != "format"
            }
        if found is None or found[0] != textindex.FORMAT_VERSION:
            connection.close()
            raise SearchUnavailable(
                f"the search index {self.path.name} is of another format "
                f"({found[0] if found else 'none'}; this server reads {textindex.FORMAT_VERSION}); "
                "rebuild with `kyodo-lod build`"
            )
        return connection

    def search(self, words: textindex.Words, page: int) -> Found:
        """One page of hits and how many there are (counted up to ``rank_limit + 1``).

        Up to ``rank_limit`` matches are ranked by bm25 (web/ranking.py), whose cost grows
        with every match, so words found in more rows than that (事業 in a national build) are
        not ranked: rows whose names hold the words come first, then the others, each in IRI
        order (city, plan, year), which the index gives without a sort."""
        offset = (page - 1) * PAGE_SIZE
        found = words.words
        try:
            connection = self.connection()
            plan = textindex.plan(words, connection)
            total = _count(connection, plan, max(self.rank_limit, COUNT_CAP) + 1)
            if plan.match is not None and total <= self.rank_limit:
                scored = ranking.ranked(connection, plan, found, self.facts)
                chosen = dict(scored[offset : offset + PAGE_SIZE])
                return Found(_details(connection, plan, chosen, found), total, ranked=True)
            if plan.match is None:
                chosen = _in_order(connection, plan, PAGE_SIZE, offset)
                return Found(_details(connection, plan, chosen, found), total, ranked=False)
            named = plan.in_labels()
            in_labels = _count(connection, named, offset + PAGE_SIZE)
            rows = (
                _details(connection, named, _in_order(connection, named, PAGE_SIZE, offset), found)
                if offset < in_labels
                else []
            )
            if len(rows) < PAGE_SIZE:
                rest = plan.outside_labels()
                chosen = _in_order(
                    connection, rest, PAGE_SIZE - len(rows), max(0, offset - in_labels)
                )
                rows += _details(connection, rest, chosen, found)
        except sqlite3.DatabaseError as exc:
            raise SearchUnavailable(f"the search index {self.path.name} is damaged: {exc}") from exc
        return Found(rows, total, ranked=False)


@dataclass(frozen=True)
class Found:
    hits: list[Hit]
    total: int  # counted up to the larger of rank_limit and COUNT_CAP, plus one
    ranked: bool  # by bm25; else names first, then IRI order


def _count(connection: sqlite3.Connection, plan: textindex.Plan, cap: int) -> int:
    """How many rows ``plan`` finds, counted up to ``cap`` (the index stops there)."""
    where, params = plan.where()
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {textindex.TABLE} WHERE {where} LIMIT ?)"
    return connection.execute(sql, [*params, cap]).fetchone()[0]


def _in_order(
    connection: sqlite3.Connection, plan: textindex.Plan, limit: int, offset: int
) -> dict[int, float]:
    """A page of ``plan``'s rows in the index's (IRI) order: rowid → score 0."""
    where, params = plan.where()
    sql = f"SELECT rowid FROM {textindex.TABLE} WHERE {where} ORDER BY rowid LIMIT ? OFFSET ?"
    return {rowid: 0.0 for (rowid,) in connection.execute(sql, [*params, limit, offset])}


def _details(
    connection: sqlite3.Connection,
    plan: textindex.Plan,
    chosen: dict[int, float],
    words: tuple[str, ...],
) -> list[Hit]:
    """The hits for the rows ``chosen`` (rowid → score, in page order) with their snippets.

    A page's rows are chosen first and only then given snippets: in one step SQLite made a
    snippet for every match it sorted (measured: page 50 of 1,741 matches took 4–7× page 1)."""
    if not chosen:
        return []
    where, params = plan.where()
    snippet = (
        f"snippet({textindex.TABLE}, -1, '{_HIT_START}', '{_HIT_END}', '…', {SNIPPET_TOKENS})"
        if plan.match is not None
        else " || char(10) || ".join(textindex.INDEXED)  # cut in Python: _scanned()
    )
    rows = connection.execute(
        f"SELECT rowid, {', '.join(textindex.STORED)}, {snippet} FROM {textindex.TABLE} "
        f"WHERE {where} AND rowid IN ({', '.join('?' for _ in chosen)})",
        [*params, *chosen],
    ).fetchall()
    by_rowid = {rowid: rest for rowid, *rest in rows}
    hits = []
    for rowid, score in chosen.items():
        *stored, snippet_text = by_rowid[rowid]
        if plan.match is None:
            snippet_text = _scanned(snippet_text, words)
        hits.append(_hit((*stored, score, snippet_text)))
    return hits


def _scanned(texts: str, words: tuple[str, ...]) -> str:
    """A snippet of a hit found by the scan: the text around the first word, marked."""
    folded = texts.lower()
    for word in words:
        at = folded.find(word.lower())
        if at >= 0:
            start = texts.rfind("\n", 0, at) + 1  # texts are joined and ended by newlines
            end = texts.find("\n", at)
            end = len(texts) if end < 0 else end
            left, right = max(start, at - SNIPPET_CHARS), min(end, at + len(word) + SNIPPET_CHARS)
            return (
                ("…" if left > start else "")
                + texts[left:at]
                + _HIT_START
                + texts[at : at + len(word)]
                + _HIT_END
                + texts[at + len(word) : right]
                + ("…" if right < end else "")
            )
    return ""


def _hit(row: tuple[Any, ...]) -> Hit:
    kind, iri, name_ja, name_en, city_ja, city_en, year, score, snippet = row
    return Hit(
        kind=kind,
        iri=iri,
        names={k: v for k, v in (("ja", name_ja), ("en", name_en)) if v},
        cities={k: v for k, v in (("ja", city_ja), ("en", city_en)) if v},
        fiscal_year=year,
        score=float(score),
        snippet=" ".join(snippet.split("\n")).strip(),  # END, where a snippet reaches it
    )


def search_index(st: AppState) -> SearchIndex:
    return st.cached(
        "search_index",
        lambda: SearchIndex(st.settings.dist_dir / SEARCH_INDEX, st.settings.search_rank_limit),
    )


@bp.route("/search", methods=["GET", "HEAD"])
def search() -> Response:
    st = state()
    lang = choose_language(request)
    fmt = negotiate(SEARCH_FORMATS, request.headers.get("Accept"), param=request.args.get("format"))
    if fmt is None:
        raise NotAcceptable([f.media_type for f in SEARCH_FORMATS])
    query = request.args.get("q", "")
    try:
        if "\x00" in query:
            raise textindex.QueryRefused("the search contains a NUL character")
        page = _page_number(request.args.get("page"))
        words = textindex.Words.parse(query)
    except textindex.QueryRefused as exc:
        return error_response(400, f"Bad search: {exc}", {"Vary": "Accept, Accept-Language"})
    hits: list[Hit] = []
    total, ranked = 0, True
    if words.words:
        try:
            found = search_index(st).search(words, page)
            hits, total, ranked = found.hits, found.total, found.ranked
        except SearchUnavailable as exc:
            return error_response(503, f"Search unavailable: {exc}", {"Retry-After": "60"})
    t = strings(lang)
    results = [_result(st, hit, lang, t) for hit in hits]
    more = total > page * PAGE_SIZE and page < MAX_PAGES
    links = {
        "previous": _search_url(query, page - 1, fmt) if page > 1 else None,
        "next": _search_url(query, page + 1, fmt) if more else None,
    }
    if fmt is JSON:
        body = _json(
            {
                "query": query,
                "words": list(words.words),
                "page": page,
                "page_size": PAGE_SIZE,
                "total": min(total, COUNT_CAP),
                "total_is_lower_bound": total > COUNT_CAP,
                "ranked": ranked,
                "results": [{k: v for k, v in r.items() if k != "snippet_html"} for r in results],
                **links,
            }
        )
        response = Response(body, content_type=JSON.content_type)
    else:
        body = render_template(
            "search.html",
            lang=lang,
            t=t,
            search_query=query,
            searched=bool(words.words),
            results=results,
            page=page,
            first=(page - 1) * PAGE_SIZE + 1,
            total=min(total, COUNT_CAP),
            more_than=total > COUNT_CAP,
            ranked=ranked,
            links=links,
        )
        response = Response(body, content_type=HTML.content_type)
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    return response


def _page_number(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGES:
        raise textindex.QueryRefused(f"page must be a number from 1 to {MAX_PAGES}")
    return int(raw)


def _result(st: AppState, hit: Hit, lang: str, t: dict[str, str]) -> dict[str, Any]:
    return {
        "iri": hit.iri,
        "url": st.local_path(hit.iri) or hit.iri,
        "type": hit.kind,
        "type_label": t.get(f"search_kind_{hit.kind}", hit.kind),
        "label": pick(hit.names, lang) or hit.iri.rsplit("/", 1)[-1],
        "labels": hit.names,
        "city": pick(hit.cities, lang) or "",
        "cities": hit.cities,
        "fiscal_year": hit.fiscal_year or None,
        "score": round(hit.score, 6),  # bm25, higher is better; 0 when not ranked
        "snippet": hit.snippet.replace(_HIT_START, "").replace(_HIT_END, ""),
        "snippet_html": _marked(hit.snippet),
    }


def _marked(snippet: str) -> Markup:
    """The snippet escaped, its hits in <mark>."""
    escaped = str(escape(snippet))
    return Markup(escaped.replace(_HIT_START, "<mark>").replace(_HIT_END, "</mark>"))


def _search_url(query: str, page: int, fmt: Format) -> str:
    args = {"q": query, "page": str(page)}
    if request.args.get("format"):
        args["format"] = fmt.key
    return "/search?" + urlencode(args)


_UNSAFE_IN_JSON = re.compile(r"[<>&']")


def _json(data: dict[str, Any]) -> str:
    """JSON whose strings cannot close a <script> or an HTML comment wherever it is pasted:
    < > & ' are written as \\u escapes (still the same JSON)."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
