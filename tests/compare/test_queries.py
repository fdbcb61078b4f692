"""The comparison's SPARQL: a server's own names filled in, VALUES rows that cannot break out of
their strings, every query parsed by the engine."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kyodo_lod.compare import queries
from kyodo_lod.compare.queries import Vocabulary, change_values, city_year_values

REBASED = Vocabulary(kyodo="https://lod.example.jp/def/kyodo#", base="https://lod.example.jp/")


def test_a_servers_own_names_are_filled_in() -> None:
    sparql = REBASED.query(queries.CITIES_QUERY)
    assert "PREFIX kyodo: <https://lod.example.jp/def/kyodo#>" in sparql
    assert "<https://lod.example.jp/id/category/relisted>" in sparql
    assert "kyodo-lod.example" not in sparql


def test_values_rows_quote_what_they_are_given() -> None:
    assert city_year_values([("072036", 2025)]) == '("072036" "2025"^^xsd:gYear)'
    assert change_values([('07"2\\', 2024, 2025)]) == (
        '("07\\"2\\\\" "2024"^^xsd:gYear "2025"^^xsd:gYear)'
    )


@pytest.mark.parametrize(
    "template",
    [
        "ONTOLOGY_QUERY",
        "CITIES_QUERY",
        "GOALS_QUERY",
        "TARGETS_QUERY",
        "KINDS_QUERY",
        "CELL_QUERY",
        "CHANGES_QUERY",
        "NOT_STATED_QUERY",
        "GOAL_LABELS_QUERY",
        "KIND_LABELS_QUERY",
    ],
)
def test_every_query_parses(template: str) -> None:
    fill = {
        "values": city_year_values([("072036", 2025)]),
        "cell": queries.CELL_PATTERNS["target"].format(value="http://metadata.un.org/sdg/3.8"),
        "scheme": "https://lod.example.jp/id/department-kind",
    }
    if template in ("CHANGES_QUERY", "NOT_STATED_QUERY"):
        fill["values"] = change_values([("072036", 2024, 2025)])
    text = getattr(queries, template)
    sparql = text if template == "ONTOLOGY_QUERY" else REBASED.query(text, **fill)
    list(ox.Store().query(sparql))  # raises SyntaxError if the engine cannot parse it
