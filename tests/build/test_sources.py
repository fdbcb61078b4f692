"""Which plans a build reads: the ones bundled with kyodo-lod and the project's own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kyodo_lod.build import sources
from kyodo_lod.config import bundled_plan_texts
from kyodo_lod.errors import SourceError
from tests.locations import FIXTURES, SOURCES

KORIYAMA = "koriyama-kyodo-2025"


def test_an_empty_project_builds_the_bundled_plans(tmp_path: Path) -> None:
    assert sources.discover(tmp_path / "data" / "sources", bundled=True) == bundled_plan_texts()


def test_without_the_bundled_plans_the_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        sources.discover(tmp_path / "nothing")
    assert sources.discover(tmp_path) == []


def test_a_project_plan_of_the_same_name_takes_precedence(tmp_path: Path) -> None:
    for suffix in (".txt", ".meta.json"):
        shutil.copy(SOURCES / f"{KORIYAMA}{suffix}", tmp_path / f"{KORIYAMA}{suffix}")
    imported = tmp_path / sources.IMPORTED_DIR
    imported.mkdir()
    shutil.copy(FIXTURES / "kaku-2025.csv", imported / "079995-2025.csv")
    shutil.copy(FIXTURES / "kaku-2025.kpis.csv", imported / "079995-2025.kpis.csv")
    assert sources.discover(tmp_path, bundled=True) == [
        tmp_path / f"{KORIYAMA}.txt",
        imported / "079995-2025.csv",
    ]


def test_in_the_checkout_the_bundled_plan_is_read_once() -> None:
    assert sources.discover(SOURCES, bundled=True) == sources.discover(SOURCES)
