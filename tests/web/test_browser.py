"""A real browser: headless Chromium through Playwright on the live server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..tools import AXE, AXE_PATH, YASGUI, needs
from .conftest import ROOT, LiveServer, chromium_page, needs_chromium

ARTIFACTS = ROOT / "test-artifacts"

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def page() -> Iterator[object]:
    with chromium_page(locale="ja-JP", viewport={"width": 390, "height": 844}) as page:
        yield page


def test_project_page_targets_and_language_switch(
    page, live: LiveServer, sample_project: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    page.goto(live.url + sample_project["path"])  # follows the 303
    assert page.url.endswith(sample_project["doc"])
    titles = page.locator("li.target .target-ja, li.target .target-en")
    assert titles.count() >= 1
    assert titles.first.inner_text().strip()
    page.click("#switch-en")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#sdgs").inner_text() == "SDG targets"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "project-page.png"), full_page=True)
    assert (ARTIFACTS / "project-page.png").stat().st_size > 1000


@needs(YASGUI)  # the editor that ships; the plain form has its own test (test_pages.py)
def test_query_ui_runs_an_example(page, live: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live.url + "/sparql?lang=ja")
    page.click("button.example[data-key=goals]")
    assert page.locator("#yasgui").count() == 1
    rows = page.locator(".yasr tbody tr")
    rows.first.wait_for(timeout=15000)
    assert rows.count() >= 1
    page.screenshot(path=str(ARTIFACTS / "query-ui.png"), full_page=True)


# what must never ship: unreadable contrast, images without text, unlabeled controls, ...
BLOCKING = ("serious", "critical")


@needs(AXE, YASGUI)  # /sparql is checked as it ships: with the query editor
def test_pages_pass_axe(page, live: LiveServer, sample_project: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    code = sample_project["target"].rsplit("/", 1)[-1]
    paths = [
        "/",
        sample_project["doc"],
        sample_project["dept"].replace("https://kyodo-lod.example/id/", "/doc/"),
        "/doc/072036/plan/kyodo2/policy/1",
        "/sdg/",
        f"/sdg/{code.split('.')[0]}",
        f"/sdg/{code}",
        "/def/kyodo",
        "/def/kyodo/shapes",
        "/catalog",
        "/graph/asserted",
        "/sparql",
        "/search?q=%E5%8D%94%E5%83%8D",  # 協働
    ]
    page.set_viewport_size({"width": 1280, "height": 900})
    found = []
    for lang in ("ja", "en"):
        for path in paths:
            page.goto(f"{live.url}{path}{'&' if '?' in path else '?'}lang={lang}")
            page.add_script_tag(path=str(AXE_PATH))  # from our vendored copy, never a CDN
            result = page.evaluate(
                """async () => {
                  const r = await axe.run(document, {
                    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                    resultTypes: ["violations"],
                  });
                  return r.violations.map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
                }"""
            )
            found += [(path, lang, v) for v in result if v["impact"] in BLOCKING]
    assert not found, "\n".join(f"{p} ({lang}): {v}" for p, lang, v in found)
