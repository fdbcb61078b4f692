"""The embedded store on the build of two cities (``two_cities``, tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kyodo_lod.config import Settings
from kyodo_lod.store import OxigraphStore

CITIES = ("072036", "079995")


@pytest.fixture(scope="package")
def store(
    two_cities: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OxigraphStore]:
    store = OxigraphStore(
        two_cities.dist_dir, workers=1, cache_dir=tmp_path_factory.mktemp("stores")
    )
    yield store
    store.close()
