"""SDG pages at national scale: a goal page too long to list its projects gives each target's
count and a link instead, and a target page is paged. Exercised on Koriyama's build with the
page length set to 5 (``KYODO_SDG_PAGE_PROJECTS``); with the default, nothing changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import LiveServer, start_server, stop_server

KYODO = "https://kyodo-lod.example/def/kyodo#"
SDG = "http://metadata.un.org/sdg/"
PROJECT_LINK = re.compile(r'href="(/doc/[^"]+/project/[^"]+)"')


@pytest.fixture(scope="module")
def short(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(dist, tmp_path_factory.mktemp("short"), KYODO_SDG_PAGE_PROJECTS="5")
    yield server
    stop_server(server)


def projects_of(server: LiveServer, target: str) -> list[str]:
    rows = server.select(
        f"SELECT DISTINCT ?p ?year WHERE {{ ?p <{KYODO}sdgTarget> <{SDG}{target}> "
        f"OPTIONAL {{ ?p <{KYODO}fiscalYear> ?year }} }}"
    )
    ordered = sorted(rows, key=lambda r: (r.get("year", ""), r["p"]))
    return [r["p"].replace("https://kyodo-lod.example/id/", "/doc/") for r in ordered]


def test_a_goal_too_long_to_list_gives_counts_and_links(short: LiveServer) -> None:
    html = short.get("/sdg/17", headers={"Accept-Language": "en"}).text
    counts = short.select(
        "SELECT ?t (COUNT(DISTINCT ?p) AS ?n) WHERE { "
        f"?p <{KYODO}sdgTarget> ?t . ?t <{SDG}ontology#isTargetOf> <{SDG}17> }} GROUP BY ?t"
    )
    assert sum(int(row["n"]) for row in counts) > 5
    for row in counts:
        code = row["t"][len(SDG) :]
        assert f'<a href="/sdg/{code}">{row["n"]} projects (see the target' in html, code
    stated = short.select(f"SELECT DISTINCT ?p WHERE {{ ?p <{KYODO}statedSdgGoal> <{SDG}17> }}")
    # no target lists its projects; those stating the goal itself: the first 5, and how many more
    assert len(PROJECT_LINK.findall(html)) == min(5, len(stated))
    if len(stated) > 5:
        assert f"and {len(stated) - 5} more" in html


def test_a_target_page_is_paged_in_one_order(short: LiveServer, live: LiveServer) -> None:
    expected = projects_of(short, "17.17")
    assert len(expected) > 10
    seen: list[str] = []
    etags = set()
    path = "/sdg/17.17"
    pages = 0
    while path:
        answer = short.get(path)
        assert answer.status_code == 200
        etags.add(answer.headers["ETag"])
        links = list(dict.fromkeys(PROJECT_LINK.findall(answer.text)))
        assert 0 < len(links) <= 5
        assert f"({len(expected)})" in answer.text  # the heading counts them all
        seen += links
        pages += 1
        following = re.search(r'<a rel="next" href="([^"]+)"', answer.text)
        path = "/sdg/17.17" + following[1].replace("&amp;", "&") if following else ""
    assert seen == expected and pages == -(-len(expected) // 5) == len(etags)
    # with the default length, one page lists them all, in the same order, with no pager
    whole = live.get("/sdg/17.17").text
    assert list(dict.fromkeys(PROJECT_LINK.findall(whole))) == expected
    assert 'rel="next"' not in whole
