"""The comparison tables: Koriyama beside the fictional test city (tests/fixtures/kaku-2025.csv),
checked against counts computed here from the CSV files with the csv module alone."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

import pytest

from kyodo_lod.compare import CompareError, StoreRunner, cell_projects, compare
from kyodo_lod.config import Settings
from tests.locations import FIXTURES

from .conftest import CITIES


def csv_rows(two_cities: Settings) -> list[dict[str, str]]:
    """Koriyama's rows from the published projects.csv, the fixture city's from its own file."""
    with (two_cities.dist_dir / "projects.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["city_code"] == "072036"]
    with (FIXTURES / "kaku-2025.csv").open(encoding="utf-8-sig", newline="") as f:
        rows += list(csv.DictReader(f))
    return rows


def expected(rows: list[dict[str, str]]) -> dict[str, object]:
    """The counting rule of docs (README): the latest year's numbered rows, 再掲 left out."""
    latest = {
        code: max(int(r["fiscal_year"]) for r in rows if r["city_code"] == code) for code in CITIES
    }
    plan = [
        r
        for r in rows
        if int(r["fiscal_year"]) == latest[r["city_code"]]
        and r["project_number"]
        and r["category"] != "再掲"
    ]
    totals = Counter(r["city_code"] for r in plan)
    goals: dict[int, Counter[str]] = defaultdict(Counter)
    targets: dict[str, Counter[str]] = defaultdict(Counter)
    for r in plan:
        codes = set(r["sdg_targets"].split())
        for goal in {int(c.split(".")[0]) for c in codes}:
            goals[goal][r["city_code"]] += 1
        for code in codes:
            targets[code][r["city_code"]] += 1
    changes: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        year, code = int(r["fiscal_year"]), r["city_code"]
        if year == latest[code]:
            changes[code][r["category"]] += 1
        elif year == latest[code] - 1 and r["category"] == "完了・統合":
            changes[code]["完了・統合"] += 1
    return {"totals": totals, "goals": goals, "targets": targets, "changes": changes}


def test_counts_and_shares_match_the_csv_files(store, two_cities):
    result = compare([StoreRunner(store)], CITIES)
    want = expected(csv_rows(two_cities))
    assert [c.code for c in result.cities] == list(CITIES)
    assert {c.code: c.projects for c in result.cities} == dict(want["totals"])
    assert result.city("079995").projects == 10  # 11 numbered rows, one of them 再掲
    got_goals = {g: {c: n for c, n in by.items() if n} for g, by in result.goals.items()}
    assert got_goals == {g: dict(by) for g, by in want["goals"].items()}
    got_targets = {t: {c: n for c, n in by.items() if n} for t, by in result.targets.items()}
    assert got_targets == {t: dict(by) for t, by in want["targets"].items()}
    share = result.share("079995", result.goals[3]["079995"])
    assert share == pytest.approx(want["goals"][3]["079995"] / want["totals"]["079995"])


def test_shared_and_single_city_targets(store, two_cities):
    result = compare([StoreRunner(store)], CITIES)
    targets = expected(csv_rows(two_cities))["targets"]
    assert set(result.shared_targets()) == {t for t, by in targets.items() if len(by) == 2}
    assert "17.17" in result.shared_targets()
    assert set(result.single_city_targets()) == {
        (t, next(iter(by))) for t, by in targets.items() if len(by) == 1
    }
    assert ("15.1", "079995") in result.single_city_targets()


def test_departments_by_kind(store):
    result = compare([StoreRunner(store)], CITIES)
    # the fixture city: 7 sections (課), a 室, a センター, and 各課 (再掲 row not counted)
    assert {k: by["079995"] for k, by in result.kinds.items() if by["079995"]} == {
        "ka": 7,
        "shitsu": 1,
        "center": 1,
        "kakuka": 1,
    }
    assert sum(by["072036"] for by in result.kinds.values()) == result.city("072036").projects


def test_changes_between_years(store, two_cities):
    result = compare([StoreRunner(store)], CITIES)
    want = expected(csv_rows(two_cities))["changes"]
    labels = {"新規・追加": "new", "拡充": "expanded", "継続": "continued", "再掲": "relisted"}
    labels["完了・統合"] = "completed"
    for change in result.changes:
        assert (change.year_a, change.year_b) == (2024, 2025)
        assert change.counts == {labels[k]: n for k, n in want[change.code].items()}
    assert result.changes[1].counts["completed"] == 2


def test_the_projects_behind_a_cell(store):
    rows = cell_projects(StoreRunner(store), "079995", 2025, "goal", "17")
    assert [(number, name) for _, number, name in rows] == [
        ("1", "子ども食堂支援事業"),
        ("9", "市民協働推進事業"),
    ]
    assert rows[0][0] == "https://kyodo-lod.example/id/079995/plan/plan/2025/project/1"
    with pytest.raises(CompareError):
        cell_projects(StoreRunner(store), "079995", 2025, "goal", "x} DROP")


def test_an_unknown_city_is_an_error(store):
    with pytest.raises(CompareError, match="no city 131016"):
        compare([StoreRunner(store)], ["072036", "131016"])
