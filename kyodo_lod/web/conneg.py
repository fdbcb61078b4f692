"""Content negotiation as one pure, table-driven function (no Flask here).

A client picks a representation by file extension (``/doc/x.ttl``), by a ``format`` parameter
(``?format=ttl``, for browsers) or by ``Accept``, in that order of precedence. ``negotiate``
returns the chosen ``Format`` or ``None`` (406 Not Acceptable).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    key: str  # our short name, also the ``format`` parameter value
    media_types: tuple[str, ...]  # the first is the one we answer with; the others are aliases
    extension: str | None = None
    label: str = ""
    aliases: tuple[str, ...] = ()  # other ``format`` values clients send (SPARQLWrapper: turtle)
    rdflib: str | None = None  # rdflib's serializer name, for RDF formats written by rdflib

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(
            ("json", "xml", "n-triples")
        )
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


HTML = Format("html", ("text/html", "application/xhtml+xml"), "html", "HTML")
TURTLE = Format(
    "ttl", ("text/turtle", "application/x-turtle"), "ttl", "Turtle", ("turtle", "n3"), "turtle"
)
JSONLD = Format(
    "jsonld",
    ("application/ld+json", "application/json"),
    "jsonld",
    "JSON-LD",
    ("json-ld", "json"),
    "json-ld",
)
RDFXML = Format(
    "rdf",
    ("application/rdf+xml", "application/xml", "text/xml"),
    "rdf",
    "RDF/XML",
    ("rdf+xml", "rdfxml", "xml"),
    "xml",
)
NTRIPLES = Format(
    "nt",
    ("application/n-triples", "text/plain"),
    "nt",
    "N-Triples",
    ("ntriples", "n-triples"),
    "nt",
)

SPARQL_JSON = Format(
    "json", ("application/sparql-results+json", "application/json"), "srj", "SPARQL JSON"
)
SPARQL_XML = Format(
    "xml", ("application/sparql-results+xml", "application/xml", "text/xml"), "srx", "SPARQL XML"
)
SPARQL_CSV = Format("csv", ("text/csv",), "csv", "CSV")
SPARQL_TSV = Format("tsv", ("text/tab-separated-values",), "tsv", "TSV")

# what each kind of answer can be written as, in our order of preference (first = default)
DOCUMENT_FORMATS: tuple[Format, ...] = (HTML, TURTLE, JSONLD, RDFXML, NTRIPLES)
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML)
SELECT_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)
# the service description: RDF for machines, the query UI for people
SERVICE_FORMATS: tuple[Format, ...] = (TURTLE, HTML, JSONLD, RDFXML, NTRIPLES)


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) pairs; malformed q-values count as 0 (ignored)."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media + "/*"
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[int, float]:
    """(specificity, q) of the most specific range that matches ``media_type`` (RFC 9110
    §12.5.1); specificity -1 when nothing matches."""
    kind = media_type.split("/")[0]
    best_specificity, best_q = -1, 0.0
    for media, q in ranges:
        if media == media_type:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, best_q = specificity, q
    return best_specificity, best_q


def negotiate(
    offered: Sequence[Format],
    accept: str | None = None,
    *,
    extension: str | None = None,
    param: str | None = None,
) -> Format | None:
    """The representation to send: by extension, else ``format`` parameter (key, extension or
    media type), else the best ``Accept`` match; ties go to the earlier entry of ``offered``.
    ``None`` means nothing offered is acceptable (406)."""
    if extension:
        ext = extension.lower().lstrip(".")
        return next((f for f in offered if f.extension == ext), None)
    if param:
        value = param.strip().lower()
        return next(
            (
                f
                for f in offered
                if value in (f.key, f.extension) or value in f.aliases or value in f.media_types
            ),
            None,
        )
    if isinstance(offered, tuple):  # (the tables' own tuples: remembered per Accept header)
        return _best_accepted(offered, accept)
    return _best_accepted.__wrapped__(offered, accept)


@functools.lru_cache(maxsize=1024)
def _best_accepted(offered: Sequence[Format], accept: str | None) -> Format | None:
    ranges = parse_accept(accept)
    best: Format | None = None
    best_q = 0.0
    for fmt in offered:
        # the most specific mention of any of its types decides (so text/html;q=0 excludes
        # HTML even though */* would match its alias application/xhtml+xml)
        _, q = max(_quality(m, ranges) for m in fmt.media_types)
        if q > best_q:
            best, best_q = fmt, q
    return best


def split_extension(path: str, offered: Sequence[Format]) -> tuple[str, str | None]:
    """``("a/b", "ttl")`` for ``"a/b.ttl"`` when ``ttl`` is an offered extension, else
    ``(path, None)``: a dot inside an identifier (``sdg/17.17``) is not an extension."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and any(f.extension == ext.lower() for f in offered):
        return stem, ext.lower()
    return path, None
