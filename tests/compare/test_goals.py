"""Goals stated beside targets in the comparison: a plan that tags goals only (仮想町, 079987)
beside one that tags goals and targets (架空市, 079995); both fictional test fixtures
(tests/fixtures/README.md), not real data.

Expected figures, from the fixture files by hand:
- 079987: goals 3 (projects 1, 4), 4 (4), 11 (1), 17 (2); no target at all;
- 079995: project 1 has targets 3.8 17.17 and goals 3 4 17, project 2 target 11.3, project 3
  goal 11. Goal 3, 4 and 17: 1 project each (a goal given both ways counts once); goal 11: 2.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kyodo_lod.compare import NO_TARGET_TAGS, StoreRunner, cell_projects, compare, table_rows
from kyodo_lod.compare.report import to_text
from kyodo_lod.config import Settings
from kyodo_lod.store import OxigraphStore
from tests.locations import FIXTURES

GOALS_ONLY, BOTH = "079987", "079995"


@pytest.fixture(scope="module")
def goals_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    from kyodo_lod.build.importer import import_plan
    from kyodo_lod.build.pipeline import build

    folder = tmp_path_factory.mktemp("goals-compare")
    settings = Settings.from_env({}, sources_dir=folder / "sources", dist_dir=folder / "dist")
    settings.sources_dir.mkdir()
    import_plan(settings, FIXTURES / "goals-only-2025.csv")
    import_plan(settings, FIXTURES / "sdg-goals-and-targets.csv")
    build(settings)
    store = OxigraphStore(settings.dist_dir, workers=1, cache_dir=folder / "stores")
    yield store
    store.close()


def test_a_goal_counts_once_whether_stated_or_implied(goals_store):
    result = compare([StoreRunner(goals_store)], [GOALS_ONLY, BOTH])
    assert result.goals == {
        3: {GOALS_ONLY: 2, BOTH: 1},
        4: {GOALS_ONLY: 1, BOTH: 1},
        11: {GOALS_ONLY: 1, BOTH: 2},
        17: {GOALS_ONLY: 1, BOTH: 1},
    }
    runner = StoreRunner(goals_store)
    cell = cell_projects(runner, BOTH, 2025, "goal", "11")
    assert [number for _, number, _ in cell] == ["2", "3"]
    assert [n for _, n, _ in cell_projects(runner, GOALS_ONLY, 2025, "goal", "3")] == ["1", "4"]


def test_a_goals_only_city_has_no_target_level_tags_never_zeros(goals_store):
    result = compare([StoreRunner(goals_store)], [GOALS_ONLY, BOTH])
    assert not result.tags_targets(GOALS_ONLY) and result.tags_targets(BOTH)
    assert result.target_codes == [BOTH]
    assert result.shared_targets() == ["3.8", "11.3", "17.17"]  # over the cities that tag them
    assert result.single_city_targets() == []
    target_rows = [r for r in table_rows(result) if r["table"] == "target"]
    goal_only_rows = [r for r in target_rows if r["city_code"] == GOALS_ONLY]
    assert goal_only_rows == [
        {
            "table": "target",
            "key": "",
            "label": NO_TARGET_TAGS["en"],
            "city_code": GOALS_ONLY,
            "city_name": "仮想町",
            "fiscal_year": "2025",
            "projects": "",
            "share": "",
        }
    ]
    assert {r["key"] for r in target_rows if r["city_code"] == BOTH} == {"3.8", "11.3", "17.17"}
    text = to_text(result)
    per_target = text.split("Projects per SDG target")[1].split("Targets shared")[0]
    assert "仮想町 079987 FY2025: no target-level tags" in per_target
    assert "079987" not in per_target.splitlines()[1]  # no column of zeros for it
    assert "Targets shared by all 1 cities that tag targets: 3.8 11.3 17.17" in text
    assert "  仮想町: no target-level tags" in text


def test_a_project_without_category_counts_as_not_stated_never_continued(goals_store):
    from kyodo_lod.compare import category_label, change_columns

    result = compare([StoreRunner(goals_store)], [GOALS_ONLY, BOTH])
    counts = {change.code: change.counts for change in result.changes}
    assert counts[GOALS_ONLY] == {"continued": 1, "new": 1, "expanded": 1, "not-stated": 1}
    assert counts[BOTH] == {"continued": 3}
    assert result.city(GOALS_ONLY).projects == 4  # it is a plan project all the same
    assert change_columns(result)[-1] == "not-stated"
    assert (category_label("not-stated", "ja"), category_label("not-stated", "en")) == (
        "記載なし",
        "not stated",
    )
    text = to_text(result)
    assert text.splitlines()[-3].split() == [
        "city",
        "new",
        "expanded",
        "continued",
        "relisted",
        "completed",
        "not",
        "stated",
    ]
    changes = [r for r in table_rows(result) if r["table"] == "changes"]
    assert {"key": "2024-2025:not-stated", "label": "not stated", "projects": "1"}.items() <= next(
        r for r in changes if r["key"].endswith("not-stated")
    ).items()
