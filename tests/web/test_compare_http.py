"""/compare over HTTP, the federated compare across two live servers (one city each), and the
heat map in headless Chromium. The second city is the fictional test fixture (079995)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kyodo_lod.cli import main
from kyodo_lod.compare import CompareError, EndpointRunner, compare
from kyodo_lod.config import Settings
from tests.locations import FIXTURES

from .conftest import chromium_page, needs_chromium, start_server, stop_server


@pytest.fixture(scope="module")
def kaku_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build holding only the fixture city, imported from its CSV."""
    from kyodo_lod.build.importer import import_plan
    from kyodo_lod.build.pipeline import build

    folder = tmp_path_factory.mktemp("kaku")
    settings = Settings.from_env({}, sources_dir=folder / "sources", dist_dir=folder / "dist")
    settings.sources_dir.mkdir()
    import_plan(settings, FIXTURES / "kaku-2025.csv", FIXTURES / "kaku-2025.kpis.csv")
    return build(settings).dist_dir


@pytest.fixture(scope="module")
def two_servers(
    dist: Path, kaku_dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, Any]]:
    koriyama = start_server(dist, tmp_path_factory.mktemp("srv-koriyama"))
    try:
        kaku = start_server(kaku_dist, tmp_path_factory.mktemp("srv-kaku"))
    except BaseException:
        stop_server(koriyama)
        raise
    yield koriyama, kaku
    stop_server(kaku)
    stop_server(koriyama)


def test_federated_compare_merges_one_city_per_server(two_servers):
    koriyama, kaku = two_servers
    result = compare(
        [EndpointRunner(koriyama.url + "/sparql"), EndpointRunner(kaku.url + "/sparql")]
    )
    assert [c.code for c in result.cities] == ["072036", "079995"]
    assert result.cities[0].source == koriyama.url + "/sparql"
    assert result.city("079995").projects == 10
    assert result.goals[17]["079995"] == 2 and result.goals[15] == {"072036": 0, "079995": 1}
    assert "17.17" in result.shared_targets()
    assert ("15.1", "079995") in result.single_city_targets()

    # the CLI gives the same answer over the same two endpoints
    shown = CliRunner().invoke(
        main,
        ["compare", "--endpoint", koriyama.url + "/sparql", "--endpoint", kaku.url + "/sparql"],
    )
    assert shown.exit_code == 0, shown.output
    assert "郡山市" in shown.output and "架空市" in shown.output


def test_compare_page_lists_cities_and_links_each_cell(two_servers):
    _, kaku = two_servers
    form = kaku.get("/compare", headers={"Accept": "text/html"})
    assert form.status_code == 200 and 'value="079995"' in form.text
    page = kaku.get("/compare?city=079995", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<svg" in page.text and 'id="heatmap"' in page.text
    links = set(re.findall(r'href="(/compare/cell\?[^"]+)"', page.text))
    assert "/compare/cell?city=079995&amp;year=2025&amp;goal=17" in links
    cell = kaku.get("/compare/cell?city=079995&year=2025&goal=17", headers={"Accept": "text/html"})
    assert cell.status_code == 200
    assert 'href="/doc/079995/plan/plan/2025/project/1"' in cell.text
    assert "市民協働推進事業" in cell.text
    bad = kaku.get("/compare?city=131016", headers={"Accept": "text/plain"})
    assert bad.status_code == 400 and "131016" in bad.text
    as_csv = kaku.get("/compare?city=079995&format=csv")
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert "goal,17,パートナーシップで目標を達成しよう,079995,架空市,2025,2,0.2000" in as_csv.text


@needs_chromium
def test_compare_page_groups_its_cities_by_prefecture(two_servers):
    """The registry gives Koriyama its prefecture; the fictional city has none (never guessed)."""
    koriyama, kaku = two_servers
    city = '<label><input type="checkbox" name="city" value="{}">'
    ja = koriyama.get("/compare?lang=ja", headers={"Accept": "text/html"}).text
    assert re.search("<legend>福島県</legend>\\s*" + re.escape(city.format("072036")), ja)
    en = koriyama.get("/compare?lang=en", headers={"Accept": "text/html"}).text
    assert re.search(
        "<legend>Fukushima Prefecture</legend>\\s*" + re.escape(city.format("072036")), en
    )
    unregistered = kaku.get("/compare?lang=ja", headers={"Accept": "text/html"}).text
    legend = "<legend>都道府県なし（登録簿にない団体コード）</legend>\\s*"
    assert re.search(legend + re.escape(city.format("079995")), unregistered)
    assert "福島県" not in unregistered


def test_city_groups_order_prefectures_by_code_and_put_unregistered_last():
    from kyodo_lod.compare import CityPlan
    from kyodo_lod.web.compare import NO_PREFECTURE, city_groups

    cities = [
        CityPlan("079995", "架空市", 2025, 10),
        CityPlan("131016", "千代田区", 2025, 5, "", "13", "東京都", "Tokyo Metropolis"),
        CityPlan("072036", "郡山市", 2025, 95, "", "07", "福島県", "Fukushima Prefecture"),
        CityPlan("072036", "郡山市", 2024, 98, "", "07", "福島県", "Fukushima Prefecture"),
        CityPlan("072010", "福島市", 2025, 7, "", "07", "福島県", "Fukushima Prefecture"),
    ]
    assert city_groups(cities, "en") == [
        ("Fukushima Prefecture", [("072010", "福島市"), ("072036", "郡山市")]),
        ("Tokyo Metropolis", [("131016", "千代田区")]),
        (NO_PREFECTURE["en"], [("079995", "架空市")]),
    ]


def test_heat_map_renders_in_headless_chromium(two_servers):
    _, kaku = two_servers
    with chromium_page() as page:
        page.goto(kaku.url + "/compare?city=079995&lang=en")
        heat = page.locator("svg#heatmap")
        box = heat.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 300
        assert page.locator("svg#heatmap rect").count() == 17
        cell = page.locator('svg#heatmap rect[data-goal="17"]')
        assert cell.get_attribute("data-projects") == "2"
        assert float(cell.get_attribute("fill-opacity") or 0) > 0.5
        # every goal's name is drawn whole, inside the picture (they were cut at the left edge)
        labels = page.locator("svg#heatmap text.heat-goal")
        assert labels.count() == 17
        assert labels.nth(6).text_content() == "7 エネルギーをみんなに、そしてクリーンに"
        for i in range(17):
            label = labels.nth(i).bounding_box()
            assert label is not None and label["x"] >= box["x"], labels.nth(i).text_content()
        page.locator('svg#heatmap a:has(rect[data-goal="17"])').click()
        page.wait_for_url(re.compile(r"/compare/cell\?"))
        assert page.locator("#cell-projects li").count() == 2


def test_a_cut_answer_is_refused_not_counted(
    kaku_dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # a server whose row limit is below the size of the target table
    server = start_server(
        kaku_dist, tmp_path_factory.mktemp("srv-small"), KYODO_MAX_RESULT_ROWS="3"
    )
    try:
        with pytest.raises(CompareError, match=r"cut the answer at 3 rows"):
            compare([EndpointRunner(server.url + "/sparql")], ["079995"])
    finally:
        stop_server(server)
