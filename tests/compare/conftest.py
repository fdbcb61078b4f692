"""Two cities in one build: Koriyama's plan text and the fictional test city
(tests/fixtures/kaku-2025.csv), and the embedded store on that build."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from kyodo_lod.config import Settings
from kyodo_lod.store import OxigraphStore
from tests.locations import FIXTURES, ROOT

CITIES = ("072036", "079995")


@pytest.fixture(scope="session")
def two_cities(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A build of Koriyama's plan text plus the fixture city imported from CSV."""
    from kyodo_lod.build.importer import import_plan
    from kyodo_lod.build.pipeline import build

    folder = tmp_path_factory.mktemp("two-cities")
    settings = Settings.from_env({}, sources_dir=folder / "sources", dist_dir=folder / "dist")
    settings.sources_dir.mkdir()
    for path in (ROOT / "data" / "sources").glob("koriyama-kyodo-2025.*"):
        shutil.copy(path, settings.sources_dir / path.name)
    import_plan(settings, FIXTURES / "kaku-2025.csv", FIXTURES / "kaku-2025.kpis.csv")
    build(settings)
    return settings


@pytest.fixture(scope="package")
def store(
    two_cities: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OxigraphStore]:
    store = OxigraphStore(
        two_cities.dist_dir, workers=1, cache_dir=tmp_path_factory.mktemp("stores")
    )
    yield store
    store.close()
