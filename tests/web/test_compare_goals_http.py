"""/compare over HTTP with a plan that tags SDG goals only (仮想町, 079987) beside one that tags
goals and targets (架空市, 079995): fictional test fixtures (tests/fixtures/README.md), not real
data. The heat map and the goal table count a goal given either way once; the target table
says the goals-only city has no target-level tags instead of showing zeros."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from kyodo_lod.config import Settings
from tests.locations import FIXTURES

from ..tools import NU_CHECKER, needs
from .conftest import start_server, stop_server
from .htmlcheck import nu_errors

PAGE = "/compare?city=079987&city=079995"


@pytest.fixture(scope="module")
def goals_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from kyodo_lod.build.importer import import_plan
    from kyodo_lod.build.pipeline import build

    folder = tmp_path_factory.mktemp("goals-web")
    settings = Settings.from_env({}, sources_dir=folder / "sources", dist_dir=folder / "dist")
    settings.sources_dir.mkdir()
    import_plan(settings, FIXTURES / "goals-only-2025.csv")
    import_plan(settings, FIXTURES / "sdg-goals-and-targets.csv")
    build(settings)
    server = start_server(settings.dist_dir, folder)
    yield server
    stop_server(server)


def _heat(page: str, goal: int, city: str) -> str:
    found = re.search(rf'data-goal="{goal}" data-city="{city}" data-projects="(\d+)"', page)
    assert found, (goal, city)
    return found.group(1)


def test_heat_map_and_goal_table_count_stated_and_implied_goals_once(goals_server):
    page = goals_server.get(PAGE + "&lang=en", headers={"Accept": "text/html"}).text
    assert _heat(page, 3, "079987") == "2" and _heat(page, 3, "079995") == "1"
    assert _heat(page, 11, "079995") == "2" and _heat(page, 17, "079995") == "1"
    assert _heat(page, 1, "079987") == "0"
    links = set(re.findall(r'href="(/compare/cell\?[^"]+)"', page))
    assert "/compare/cell?city=079987&amp;year=2025&amp;goal=3" in links
    cell = goals_server.get("/compare/cell?city=079987&year=2025&goal=3&format=csv").text
    assert [line.split(",")[1] for line in cell.splitlines()[1:]] == ["1", "4"]


def test_target_table_says_no_target_level_tags_in_the_page_language(goals_server):
    for lang, words in (("ja", "ターゲット単位の記載なし"), ("en", "no target-level tags")):
        page = goals_server.get(f"{PAGE}&lang={lang}", headers={"Accept": "text/html"}).text
        table = page.split('id="targets"')[1].split("</table>")[0]
        assert f'<td class="no-targets" data-city="079987" rowspan="3">{words}</td>' in table
        # the city that tags targets has its figures; the goals-only one never a zero or a dash
        assert table.count('class="n"') == 3
        single = page.split('id="single"')[1].split("</ul>")[0]
        assert f"仮想町: {words}" in single
    as_csv = goals_server.get(PAGE + "&format=csv").text
    assert "target,,no target-level tags,079987,仮想町,2025,," in as_csv
    assert not re.search(r"^target,[^,]+,,079987,", as_csv, re.MULTILINE)


def test_changes_table_counts_a_blank_category_as_not_stated(goals_server):
    for lang, words in (("ja", "記載なし"), ("en", "not stated")):
        page = goals_server.get(f"{PAGE}&lang={lang}", headers={"Accept": "text/html"}).text
        table = page.split('id="changes"')[1].split("</table>")[0]
        assert f"<th>{words}</th></tr></thead>" in table
        row = table.split("仮想町 FY2024→FY2025</th>")[1].split("</tr>")[0]
        # new, expanded, continued, relisted, completed, not stated: never counted as 継続
        assert re.findall(r'<td class="n">(\d+)</td>', row) == ["1", "1", "1", "0", "0", "1"]


@needs(NU_CHECKER)
def test_the_page_with_a_goals_only_city_is_valid_html(goals_server):
    pages = {
        f"compare {lang}": goals_server.get(
            f"{PAGE}&lang={lang}", headers={"Accept": "text/html"}
        ).text
        for lang in ("ja", "en")
    }
    assert nu_errors(pages) == []


def test_goal_pages_list_and_count_a_goal_the_plan_states(goals_server):
    # 仮想町 states goal 3 on two projects and tags no target: the goal page lists them, and the
    # SDG index counts them with 架空市's (one project, goal 3 stated and implied: once)
    page = goals_server.get("/sdg/3?lang=ja", headers={"Accept": "text/html"}).text
    stated = page.split('id="stated"')[1].split("</section>")[0]
    assert "このゴールを記載した事業" in stated
    assert "健康づくり推進事業" in stated and "子ども学習支援事業" in stated
    assert "図書館運営事業" not in stated
    index = goals_server.get("/sdg/?lang=en", headers={"Accept": "text/html"}).text
    goal3 = re.search(r'href="/sdg/3">[^<]*</a> <span class="small">\(([^)]*)\)', index)
    assert goal3 and goal3.group(1).endswith(": 3"), goal3
    goal1 = re.search(r'href="/sdg/1">[^<]*</a> <span class="small">\(([^)]*)\)', index)
    assert goal1 and goal1.group(1).endswith(": 0"), goal1
