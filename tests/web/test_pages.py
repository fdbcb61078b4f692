"""Pages for people: labels not IRIs, Japanese first with English, escaping, SDG pages, chart."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from .conftest import LiveServer, chromium_page, needs_chromium


class _Check(HTMLParser):
    """Collects what the tests look at: JSON-LD scripts, img/svg alt texts, unclosed tags."""

    def __init__(self) -> None:
        super().__init__()
        self.jsonld: list[str] = []
        self._in_jsonld = False
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:  # type: ignore[no-untyped-def]
        if tag in {"meta", "link", "br", "img", "input", "hr", "rect"}:
            return
        self.stack.append(tag)
        self._in_jsonld = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_startendtag(self, tag, attrs) -> None:  # type: ignore[no-untyped-def]
        pass

    def handle_endtag(self, tag) -> None:  # type: ignore[no-untyped-def]
        if tag in {"rect"}:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)


def _parse(html: str) -> _Check:
    checker = _Check()
    checker.feed(html)
    assert not checker.errors, checker.errors[:5]
    return checker


def test_project_page(live: LiveServer, sample_project: dict[str, str]) -> None:
    response = live.get(
        sample_project["doc"], headers={"Accept": "text/html", "Accept-Language": "ja"}
    )
    html = response.text
    assert '<html lang="ja">' in html
    assert sample_project["label"] in html
    code = sample_project["target"].rsplit("/", 1)[-1]
    assert f'href="/sdg/{code}"' in html
    assert f'href="{sample_project["target"]}"' in html  # out to metadata.un.org
    assert 'class="kpis"' in html
    checker = _parse(html)
    import json

    data = json.loads("".join(checker.jsonld))
    assert data["@type"] == "Project" and data["name"] == sample_project["label"]
    # labels, not IRIs, as link texts
    assert not re.search(
        r">https?://[^<]+</a>", html.replace(sample_project["target"] + '" rel', "")
    )


def test_english_by_accept_language_and_switch(
    live: LiveServer, sample_project: dict[str, str]
) -> None:
    english = live.get(
        sample_project["doc"], headers={"Accept": "text/html", "Accept-Language": "en"}
    )
    assert '<html lang="en">' in english.text and "SDG targets" in english.text
    switched = live.get(
        sample_project["doc"], params={"lang": "en"}, headers={"Accept": "text/html"}
    )
    assert '<html lang="en">' in switched.text
    assert "lang=en" in switched.headers.get("Set-Cookie", "")
    assert 'id="switch-ja"' in switched.text


def test_home_page_counts_and_chart(live: LiveServer) -> None:
    html = live.get("/").text
    assert 'data-count="projects"' in html
    # bars link to goal pages, so the chart is not role=img (an img may not hold links)
    assert "<svg" in html and 'aria-labelledby="chart-title chart-desc"' in html
    assert 'role="img"' not in html and '<title id="chart-title">' in html
    assert 'href="/sparql"' in html and 'href="/catalog"' in html
    _parse(html)


def test_sdg_pages(live: LiveServer, sample_project: dict[str, str]) -> None:
    code = sample_project["target"].rsplit("/", 1)[-1]
    target = live.get(f"/sdg/{code}")
    assert target.status_code == 200 and sample_project["label"] in target.text
    goal = live.get(f"/sdg/{code.split('.')[0]}")
    assert goal.status_code == 200 and f'href="/sdg/{code}"' in goal.text
    assert live.get("/sdg/").status_code == 200
    assert live.get("/sdg/99").status_code == 404


def test_department_and_policy_pages(live: LiveServer, sample_project: dict[str, str]) -> None:
    dept = sample_project["dept"].replace("https://kyodo-lod.example/id/", "/doc/")
    html = live.get(dept, headers={"Accept": "text/html"}).text
    assert sample_project["label"] in html  # its projects, inbound
    _parse(html)


def test_query_ui_page(live: LiveServer) -> None:
    html = live.get("/sparql", headers={"Accept": "text/html"}).text
    assert html.count('class="example"') >= 4
    assert "metadata.un.org/sdg/ontology#" in html


def test_project_page_names_the_bureau_above_its_department(live: LiveServer) -> None:
    # № 59 belongs to 保健福祉部 → 保健所 → 健康政策課: both units above are shown and linked
    page = live.get("/doc/072036/plan/kyodo2/2025/project/59?lang=ja").text
    bureau = re.search(r'<span class="bureau">(.*?)</span>', page, re.S)
    assert bureau, "no bureau shown beside the department"
    assert "保健福祉部" in bureau.group(1)
    assert "保健所" in bureau.group(1)
    assert 'href="/doc/072036/org/保健福祉部"' in bureau.group(1)


@needs_chromium
def test_home_chart_names_each_goal_and_shows_the_names_whole(live: LiveServer) -> None:
    """The bars are labelled with the goals' short names in the page language, drawn inside
    the chart (not "Goal 1…17")."""
    for lang, seven in (
        ("ja", "7 エネルギーをみんなに、そしてクリーンに"),
        ("en", "7 Affordable and clean energy"),
    ):
        with chromium_page() as page:
            page.goto(f"{live.url}/?lang={lang}")
            chart = page.locator("svg.chart").bounding_box()
            labels = page.locator("svg.chart text.chart-label")
            assert labels.count() == 17
            assert labels.nth(6).text_content() == seven
            for i in range(17):
                box = labels.nth(i).bounding_box()
                assert chart is not None and box is not None and box["x"] >= chart["x"]


def test_every_page_footer_attributes_the_source(
    live: LiveServer, sample_project: dict[str, str]
) -> None:
    """出典：…を加工して作成 in the page's language, from the catalogue's dct:rights, on every kind
    of page (error pages included), with the data's licence."""
    attribution = {
        "ja": "出典：郡山市「第二次郡山市協働推進基本計画_2025年度実施計画」（2025年度）"
        "を加工して作成",
        "en": 'Source: Koriyama City, "第二次郡山市協働推進基本計画_2025年度実施計画"',
    }
    pages = ["/", "/sdg/", "/sdg/17", "/sparql", "/catalog", "/def/kyodo", "/compare?city=072036",
             sample_project["doc"], "/doc/072036/no-such-thing"]  # fmt: skip
    for lang, words in attribution.items():
        for path in pages:
            response = live.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
            footer = response.text.split('<footer class="site">', 1)[-1]
            assert '<p class="attribution">' in footer, path
            assert html.unescape(footer).count(words) == 1, (lang, path)
            assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in footer
