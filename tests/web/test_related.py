"""A project page's related projects: the same city's projects serving one of its SDG targets,
never another city's, in a build of two cities (``two_cities``: Koriyama and the fictional
fixture city 079995, which share target 17.17)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask

from kyodo_lod.config import Settings
from kyodo_lod.store import OxigraphStore, SelectResult
from kyodo_lod.web import create_app

BASE = "https://kyodo-lod.example/"
PREFIXES = (
    "PREFIX kyodo: <https://kyodo-lod.example/def/kyodo#> PREFIX dct: <http://purl.org/dc/terms/> "
)


@pytest.fixture(scope="module")
def two_city_app(two_cities: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    store = OxigraphStore(two_cities.dist_dir, workers=1, cache_dir=tmp_path_factory.mktemp("s"))
    try:
        yield create_app(replace(two_cities, response_cache_mb=0, page_store_mb=0), store)
    finally:
        store.close()


def select(app: Flask, query: str) -> list[dict[str, str]]:
    result = app.extensions["kyodo"].store.query(PREFIXES + query)
    assert isinstance(result, SelectResult)
    return [{k: v.value for k, v in row.items()} for row in result.dicts()]


def related_links(app: Flask, iri: str) -> list[str]:
    page = app.test_client().get(
        iri.replace(BASE + "id/", "/doc/"), headers={"Accept": "text/html"}
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    if 'id="related"' not in html:
        return []
    section = html.split('id="related"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="(/doc/[^"]+)"', section)


def test_related_projects_stay_within_the_city(two_city_app: Flask) -> None:
    shared = select(
        two_city_app,
        """SELECT DISTINCT ?a ?city ?other WHERE {
             ?a kyodo:sdgTarget ?t ; kyodo:inPlan/dct:publisher ?city .
             ?b kyodo:sdgTarget ?t ; kyodo:inPlan/dct:publisher ?other .
             FILTER(?city != ?other) }""",
    )
    assert {row["city"] for row in shared} == {BASE + "id/072036", BASE + "id/079995"}
    checked = 0
    for row in shared:
        other = row["other"][len(BASE) + 3 :]
        expected = {
            r["b"].replace(BASE + "id/", "/doc/")
            for r in select(
                two_city_app,
                f"""SELECT DISTINCT ?b WHERE {{
                  <{row["a"]}> kyodo:sdgTarget ?t ; kyodo:inPlan/dct:publisher ?city .
                  ?b kyodo:sdgTarget ?t ; kyodo:inPlan/dct:publisher ?city .
                  FILTER(?b != <{row["a"]}>) }}""",
            )
        }
        links = related_links(two_city_app, row["a"])
        assert not any(link.startswith(f"/doc/{other}/") for link in links), row["a"]
        assert set(links) == expected, row["a"]
        checked += bool(links)
    assert checked > 0  # (some project had related projects of its own city to list)


def test_related_projects_come_in_one_order(two_city_app: Flask) -> None:
    rows = select(
        two_city_app,
        "SELECT ?a WHERE { ?a kyodo:inPlan/dct:publisher <https://kyodo-lod.example/id/072036> ; "
        "kyodo:projectNumber 9 }",
    )
    (project,) = {row["a"] for row in rows}
    first = related_links(two_city_app, project)
    assert first and related_links(two_city_app, project) == first
