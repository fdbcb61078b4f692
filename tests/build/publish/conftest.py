"""Graphs with every kind of term that is hard to write (publish's dumps and the union's store
must keep each one as it is), and the session build's catalogue and union."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kyodo_lod.config import Settings
from kyodo_lod.rdf.iris import Iris

EX = "https://kyodo-lod.example/id/test/"
DUMP_FILES = (
    "kyodo-lod.trig",
    "kyodo-lod.ttl",
    "kyodo-lod.nt",
    "kyodo-lod.jsonld",
    "projects.csv",
    "projects.csv-metadata.json",
    "projects.xlsx",
)


@pytest.fixture(scope="module")
def cat(dist: Path) -> Graph:
    return Graph().parse(dist / "catalog.ttl", format="turtle")


@pytest.fixture(scope="module")
def union(dist: Path) -> Graph:
    return Graph().parse(dist / "kyodo-lod.nt", format="nt")


@pytest.fixture(scope="module")
def iris(settings: Settings) -> Iris:
    return Iris(settings.base_iri)


NASTY = [
    Literal('quote " and back\\slash'),
    Literal("line\nbreak and\r\nCRLF and \t tab"),
    Literal('ends with a quote"'),
    Literal('"""triple"""'),
    Literal("separator\u2028and\u2029paragraph"),
    Literal("emoji 🙂 and 日本語", lang="ja"),
    Literal("British", lang="en-GB"),
    Literal("07.50", datatype=XSD.decimal),
    Literal("7.5", datatype=XSD.decimal),
    Literal("x", datatype=XSD.string),
    Literal("x"),
    Literal("0012", datatype=XSD.integer),
    Literal("abc", datatype=XSD.integer),  # ill-typed, kept as written
    Literal("2025", datatype=XSD.gYear),
    Literal("odd", datatype=URIRef("urn:example:datatype#odd")),
    Literal("{?value} @id @type", lang="ja"),
    Literal(""),
]


@pytest.fixture
def nasty() -> dict[str, Graph]:
    data = Graph()
    odd_iris = [
        URIRef(EX + "a"),
        URIRef(EX + "日本語"),
        URIRef(EX + "dot."),
        URIRef(EX + "1.2"),
        URIRef(EX + "with#hash"),
        URIRef(EX + "q?x=1&y=2"),
        URIRef("urn:example:thing"),
        URIRef("https://kyodo-lod.example/def/kyodo#"),
    ]
    for i, literal in enumerate(NASTY):
        subject = odd_iris[i % len(odd_iris)]
        data.add((subject, RDFS.comment, literal))
        data.add((subject, URIRef(EX + f"p{i}"), odd_iris[(i + 1) % len(odd_iris)]))
    data.add((odd_iris[0], RDF.type, URIRef("https://kyodo-lod.example/def/kyodo#Project")))
    other = Graph()
    other.add((odd_iris[1], RDFS.label, Literal("only here", lang="en")))
    other.add((odd_iris[0], RDFS.comment, NASTY[0]))  # also in the other graph
    return {"asserted": data, "inferred": other}
