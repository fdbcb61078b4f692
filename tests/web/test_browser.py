"""A real browser: headless Chromium through Playwright on the live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT, LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
)


@pytest.fixture(scope="module")
def page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
        yield context.new_page()
        browser.close()


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


def test_query_ui_runs_an_example(page, live: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live.url + "/sparql?lang=ja")
    page.click("button.example[data-key=goals]")
    if page.locator("#yasgui").count():
        rows = page.locator(".yasr tbody tr")
    else:  # the plain form: submit it and read the table
        page.click("#plain-form button[type=submit]")
        rows = page.locator("table.results tbody tr")
    rows.first.wait_for(timeout=15000)
    assert rows.count() >= 1
    page.screenshot(path=str(ARTIFACTS / "query-ui.png"), full_page=True)
