"""The negotiation table: extension > format parameter > Accept, q-values, specificity, 406."""

from __future__ import annotations

import pytest

from kyodo_lod.web.conneg import (
    DOCUMENT_FORMATS,
    GRAPH_FORMATS,
    SELECT_FORMATS,
    negotiate,
    parse_accept,
    split_extension,
)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("offered", "accept", "extension", "param", "expected"),
    [
        (DOCUMENT_FORMATS, BROWSER, None, None, "html"),
        (DOCUMENT_FORMATS, None, None, None, "html"),
        (DOCUMENT_FORMATS, "*/*", None, None, "html"),
        (DOCUMENT_FORMATS, "text/turtle", None, None, "ttl"),
        (DOCUMENT_FORMATS, "application/ld+json", None, None, "jsonld"),
        (DOCUMENT_FORMATS, "application/json", None, None, "jsonld"),
        (DOCUMENT_FORMATS, "application/rdf+xml", None, None, "rdf"),
        (DOCUMENT_FORMATS, "application/n-triples", None, None, "nt"),
        (DOCUMENT_FORMATS, "text/turtle;q=0.5, application/rdf+xml", None, None, "rdf"),
        (DOCUMENT_FORMATS, "text/*;q=0.9, text/html;q=0.1", None, None, "ttl"),
        (DOCUMENT_FORMATS, "image/png", None, None, None),
        (DOCUMENT_FORMATS, "text/html;q=0, */*;q=0.1", None, None, "ttl"),
        (DOCUMENT_FORMATS, "TEXT/Turtle; charset=utf-8", None, None, "ttl"),
        (DOCUMENT_FORMATS, BROWSER, "ttl", None, "ttl"),
        (DOCUMENT_FORMATS, "text/turtle", "jsonld", None, "jsonld"),
        (DOCUMENT_FORMATS, "text/turtle", None, "nt", "nt"),
        (DOCUMENT_FORMATS, "text/turtle", None, "application/rdf+xml", "rdf"),
        (DOCUMENT_FORMATS, None, "png", None, None),
        (DOCUMENT_FORMATS, None, None, "png", None),
        (SELECT_FORMATS, None, None, None, "json"),
        (SELECT_FORMATS, "application/sparql-results+xml", None, None, "xml"),
        (SELECT_FORMATS, "text/csv", None, None, "csv"),
        (SELECT_FORMATS, "text/tab-separated-values", None, None, "tsv"),
        (SELECT_FORMATS, "application/sparql-results+json,*/*;q=0.1", None, None, "json"),
        (SELECT_FORMATS, "text/turtle", None, None, None),
        (SELECT_FORMATS, None, None, "csv", "csv"),
        (GRAPH_FORMATS, "application/n-triples", None, None, "nt"),
        (GRAPH_FORMATS, "*/*", None, None, "ttl"),
        (GRAPH_FORMATS, "text/csv", None, None, None),
    ],
)
def test_negotiate(offered, accept, extension, param, expected) -> None:  # type: ignore[no-untyped-def]
    chosen = negotiate(offered, accept, extension=extension, param=param)
    assert (chosen.key if chosen else None) == expected


def test_parse_accept_reads_q_and_bad_q() -> None:
    assert parse_accept("text/html;q=0.3, text/*;q=abc, *") == [
        ("text/html", 0.3),
        ("text/*", 0.0),
        ("*/*", 1.0),
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("072036/plan/kyodo2/2025/project/1.ttl", ("072036/plan/kyodo2/2025/project/1", "ttl")),
        ("072036/plan/kyodo2/2025/project/1", ("072036/plan/kyodo2/2025/project/1", None)),
        ("sdg/17.17", ("sdg/17.17", None)),
        ("a/b.JSONLD", ("a/b", "jsonld")),
        ("a.b/c", ("a.b/c", None)),
    ],
)
def test_split_extension(path: str, expected: tuple[str, str | None]) -> None:
    assert split_extension(path, DOCUMENT_FORMATS) == expected
