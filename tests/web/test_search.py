"""/search on the live server over the real build: Japanese and English words, ranking, paging,
JSON and HTML, hostile input (escaped, never FTS5 syntax), a missing or damaged index (503),
and the search box on every page, typed into by Chromium."""

from __future__ import annotations

import html
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kyodo_lod.dist import SEARCH_INDEX
from kyodo_lod.textindex import normalise

from .conftest import LiveServer, chromium_page, needs_chromium, start_server, stop_server

HOSTILE = [
    "</script><script>alert(1)</script>",
    "<!-- 防災",
    "\"quoted\" 'single' & &amp; <b>",
    "]]> ${x} {{ 7*7 }}",
]
FTS5_SYNTAX = ['"', '""', "*", "防災*", "NEAR(防災 協働)", "防災 OR 協働", "label_ja:防災", "^防災",
               "-防災", "(", ")", "AND", "防災 NOT 協働", "{label_ja} : x", "'", "\\"]  # fmt: skip


def search(live: LiveServer, q: str, **params: str) -> requests.Response:
    return live.get("/search", params={"q": q, "format": "json", **params})


def results(live: LiveServer, q: str, **params: str) -> dict:
    response = search(live, q, **params)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def test_japanese_words_find_projects_with_city_year_and_type(live: LiveServer) -> None:
    found = results(live, "防災")
    assert found["ranked"]
    labels = [r["label"] for r in found["results"]]
    assert "防災啓発事業" in labels and "防災危機管理課" in labels
    for r in found["results"]:
        assert r["city"] == "郡山市" and r["cities"]["en"] == "Koriyama City"
        assert r["type"] in ("project", "policy", "department", "kpi")
        assert r["url"].startswith("/doc/072036/")
        if r["type"] in ("project", "kpi"):
            assert r["fiscal_year"] in ("2024", "2025")
    project = next(r for r in found["results"] if r["label"] == "防災啓発事業")
    assert project["type"] == "project" and project["type_label"] == "事業"
    assert live.get(project["url"], headers={"Accept": "text/html"}).status_code == 200
    kinds = {r["type"] for r in results(live, "協働")["results"]}
    assert {"policy", "project"} <= kinds


def test_english_words_find_english_labels(live: LiveServer) -> None:
    found = results(live, "Collaboration", lang="en")
    policies = [r for r in found["results"] if r["type"] == "policy"]
    assert policies and all(r["label"].startswith("Basic policy") for r in policies)
    assert all(r["city"] == "Koriyama City" for r in found["results"])
    assert policies[0]["type_label"] == "Basic policy"


def test_a_word_in_the_name_ranks_above_a_word_in_the_text(live: LiveServer) -> None:
    ranked = results(live, "協働")["results"]
    in_label = ["協働" in r["label"] for r in ranked]
    assert in_label[0] and not in_label[-1]
    assert in_label == sorted(in_label, reverse=True), [r["label"] for r in ranked]
    scores = [r["score"] for r in ranked]
    assert scores == sorted(scores, reverse=True)


def test_a_city_name_narrows_a_search(live: LiveServer) -> None:
    everywhere = results(live, "防災")
    assert results(live, "郡山市 防災")["total"] == everywhere["total"]  # one city in the build
    assert results(live, "Koriyama 防災")["total"] == everywhere["total"]
    assert results(live, "合成市0001 防災")["total"] == 0


def test_short_and_long_words_and_all_words_must_match(live: LiveServer) -> None:
    one = results(live, "郡")  # one character: a scan of the texts
    assert one["total"] > 0
    both = results(live, "協働 推進事業")
    assert both["total"] > 0
    assert all("推進事業" in r["label"] or "推進事業" in r["snippet"] for r in both["results"])
    assert both["total"] < results(live, "協働")["total"]
    assert results(live, "存在しない言葉の並び")["total"] == 0


def test_pages_of_results_do_not_overlap(live: LiveServer) -> None:
    first = results(live, "事業")
    assert first["total"] > 40 and len(first["results"]) == first["page_size"] == 20
    assert first["next"] and first["previous"] is None
    second = results(live, "事業", page="2")
    assert second["previous"] and second["page"] == 2
    assert not {r["iri"] for r in first["results"]} & {r["iri"] for r in second["results"]}
    assert live.get(first["next"]).json()["results"] == second["results"]


@pytest.mark.parametrize("query", FTS5_SYNTAX)
def test_fts5_syntax_in_a_search_is_text(live: LiveServer, query: str) -> None:
    found = results(live, query)
    assert found["query"] == query
    for r in found["results"]:  # every word is found as written, never as an operator
        shown = normalise(r["label"] + " " + r["snippet"]).lower()
        assert all(w.lower() in shown for w in found["words"]), r


def test_operators_are_words_not_operators(live: LiveServer) -> None:
    assert results(live, "防災 OR 協働")["total"] < results(live, "防災")["total"]
    assert results(live, "NEAR(防災 協働)")["total"] == 0


@pytest.mark.parametrize("query", HOSTILE)
def test_the_query_is_escaped_in_html_and_json(live: LiveServer, query: str) -> None:
    page = live.get("/search", params={"q": query}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert query not in page.text
    escaped = html.escape(query, quote=True).replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
    assert page.text.count(escaped) >= 3  # the title, the box's value, the summary
    response = search(live, query)
    assert not set("<>&'") & set(response.text)  # \u escapes inside the JSON strings
    assert response.json()["query"] == query


def test_bad_input_is_refused_with_a_reason(live: LiveServer) -> None:
    for params, reason in [
        ({"q": "あ" * 201}, "at most 200"),
        ({"q": "防災\x00"}, "NUL"),
        ({"q": "防災", "page": "0"}, "page"),
        ({"q": "防災", "page": "51"}, "page"),
        ({"q": "防災", "page": "x"}, "page"),
    ]:
        response = live.get("/search", params=params)
        assert response.status_code == 400, params
        assert reason in response.text
    assert (
        live.get("/search", params={"q": "x"}, headers={"Accept": "image/png"}).status_code == 406
    )


def test_json_by_accept_and_an_empty_search(live: LiveServer) -> None:
    response = live.get("/search", params={"q": "防災"}, headers={"Accept": "application/json"})
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["total"] > 0
    assert "Accept" in response.headers["Vary"]
    empty = results(live, "")
    assert empty["total"] == 0 and empty["results"] == []
    page = live.get("/search", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'name="q"' in page.text


def test_the_search_page_lists_results_with_links(live: LiveServer) -> None:
    page = live.get("/search", params={"q": "防災", "lang": "en"}, headers={"Accept": "text/html"})
    assert '<a href="/doc/072036/plan/kyodo2/2025/project/80">防災啓発事業</a>' in page.text
    assert "Project · Koriyama City · Fiscal year 2025" in page.text
    assert "<mark>" in page.text


@pytest.fixture(scope="module")
def bare_dist(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("no-index") / "dist"
    shutil.copytree(dist, copy)
    (copy / SEARCH_INDEX).unlink()
    return copy


@pytest.fixture(scope="module")
def bare_live(bare_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # and a rank limit a small build can pass: broad searches are served unranked
    server = start_server(
        bare_dist, tmp_path_factory.mktemp("no-index-live"), KYODO_SEARCH_RANK_LIMIT="10"
    )
    yield server
    stop_server(server)


def test_a_missing_or_damaged_index_is_a_clear_503(
    bare_live: LiveServer, bare_dist: Path, dist: Path
) -> None:
    index = bare_dist / SEARCH_INDEX

    def unavailable(reason: str) -> None:
        for accept in ("text/html", "application/json"):
            response = bare_live.get("/search", params={"q": "防災"}, headers={"Accept": accept})
            assert response.status_code == 503, response.text
            assert reason in response.text and "Retry-After" in response.headers

    unavailable("missing")
    index.write_bytes(b"this is not a database" * 100)
    unavailable("damaged")
    index.unlink()
    other = sqlite3.connect(index)
    other.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    other.execute("INSERT INTO meta VALUES ('format', '0')")
    other.commit()
    other.close()
    unavailable("another format")
    assert bare_live.get("/", headers={"Accept": "text/html"}).status_code == 200
    index.unlink()
    shutil.copyfile(dist / SEARCH_INDEX, index)  # the real one: search comes back
    assert bare_live.get("/search", params={"q": "防災", "format": "json"}).json()["total"] > 0


@needs_chromium
def test_the_search_box_on_a_page_finds_and_links(live: LiveServer) -> None:
    with chromium_page(locale="ja-JP", viewport={"width": 390, "height": 844}) as page:
        for path in ("/", "/sdg/", "/def/kyodo"):
            page.goto(live.url + path)  # type: ignore[attr-defined]
            assert page.locator("form[role=search] input[name=q]").count() == 1  # type: ignore[attr-defined]
        page.fill("#site-search-q", "防災")  # type: ignore[attr-defined]
        page.press("#site-search-q", "Enter")  # type: ignore[attr-defined]
        page.wait_for_url("**/search?q=*")  # type: ignore[attr-defined]
        links = page.locator("ol.search-results li a")  # type: ignore[attr-defined]
        assert links.count() >= 5
        assert page.locator("#site-search-q").input_value() == "防災"  # type: ignore[attr-defined]
        first = links.first.inner_text()
        links.first.click()
        page.wait_for_load_state()  # type: ignore[attr-defined]
        assert "/doc/072036/" in page.url  # type: ignore[attr-defined]
        assert first in page.locator("h1").inner_text()  # type: ignore[attr-defined]


def all_pages(server: LiveServer, q: str) -> list[dict]:
    hits, page = [], "1"
    while page:
        answer = server.get("/search", params={"q": q, "format": "json", "page": page}).json()
        hits += answer["results"]
        page = str(answer["page"] + 1) if answer["next"] else ""
    return hits


def test_a_search_past_the_rank_limit_lists_names_first_without_overlap(
    bare_live: LiveServer, bare_dist: Path, dist: Path, live: LiveServer
) -> None:
    shutil.copyfile(dist / SEARCH_INDEX, bare_dist / SEARCH_INDEX)
    few = bare_live.get("/search", params={"q": "防災", "format": "json"}).json()
    assert few["total"] <= 10 and few["ranked"]
    pages, page = [], "1"
    while page:
        found = bare_live.get("/search", params={"q": "事業", "format": "json", "page": page})
        answer = found.json()
        assert not answer["ranked"] and answer["total"] > 40
        pages.append(answer["results"])
        page = str(answer["page"] + 1) if answer["next"] else ""
    hits = [r for results in pages for r in results]
    assert len(hits) == len({r["iri"] for r in hits}) == answer["total"]
    named = ["事業" in r["label"] for r in hits]
    assert named == sorted(named, reverse=True) and named[0] and not named[-1]
    first_named = [r["iri"] for r in hits if "事業" in r["label"]]
    assert first_named == sorted(first_named)  # the index's order: by IRI
    assert {r["iri"] for r in hits} == {r["iri"] for r in all_pages(live, "事業")}  # same rows
    page = bare_live.get(
        "/search", params={"q": "事業", "lang": "en"}, headers={"Accept": "text/html"}
    )
    assert "Too many matches to rank" in page.text
