"""Parsing RDF files for validation: the union of a dataset's graphs, and parse errors that
name file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from kyodo_lod.build.validate.parse import parse_rdf_file
from kyodo_lod.errors import SourceError


def test_a_dataset_is_read_as_the_union_of_its_graphs(tmp_path: Path) -> None:
    path = tmp_path / "data.trig"
    path.write_text(
        "@prefix ex: <http://example.org/> .\n"
        "ex:g1 { ex:a ex:b ex:c . }\n"
        "ex:g2 { ex:a ex:b ex:d . }\n",
        encoding="utf-8",
    )
    graph = parse_rdf_file(path)
    ex = "http://example.org/"
    assert set(graph.objects(URIRef(ex + "a"), URIRef(ex + "b"))) == {
        URIRef(ex + "c"),
        URIRef(ex + "d"),
    }
    assert dict(graph.namespaces())["ex"] == URIRef(ex)


def test_the_line_and_column_of_a_turtle_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\n ex:d .\n")
    with pytest.raises(SourceError) as raised:
        parse_rdf_file(path)
    # line 3, column 6: the "." where the object of ex:d should be
    assert str(raised.value) == f"{path}:3:6: turtle: objectList expected"


def test_names_the_line_of_an_ntriples_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.nt"
    path.write_text(
        "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
        "<http://example.org/a> <http://example.org/b> .\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as raised:
        parse_rdf_file(path)
    assert raised.value.problems[0].location.line == 2


def test_names_the_line_of_an_nquads_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.nq"
    path.write_text(
        "<http://example.org/a> <http://example.org/b> <http://example.org/c> <http://g> .\n"
        "\n"
        "<http://example.org/a> <http://example.org/b> .\n",  # no object
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as raised:
        parse_rdf_file(path)
    assert raised.value.problems[0].location.line == 3


def test_names_the_line_of_a_jsonld_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonld"
    path.write_text('{\n  "@id": "http://example.org/a",\n  "http://example.org/b": [\n}\n')
    with pytest.raises(SourceError) as raised:
        parse_rdf_file(path)
    assert raised.value.problems[0].location.line == 4


def test_an_unknown_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(SourceError, match="unknown RDF format"):
        parse_rdf_file(path)
