"""Session fixtures: the real pipeline builds the real plan once; tests read what it wrote.
And the rule for tests that need a tool outside Python (tests/tools.py): skip, or fail in CI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kyodo_lod.config import Settings

from .locations import FIXTURES, ROOT
from .tools import require_marked


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs_tools(*tools): skip without these tools, fail in CI (tests/tools.py)"
    )
    config.addinivalue_line(
        "markers", "install: builds the wheel and runs it installed in a fresh venv (slow)"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    require_marked(item)  # before the test's fixtures start a browser or a server


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Default settings for the repository (the project folder), but publishing into a
    temporary dist/ so tests never touch the repo's."""
    return Settings.from_env({}, project_dir=ROOT, dist_dir=tmp_path_factory.mktemp("dist"))


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


@pytest.fixture(scope="session")
def build(settings: Settings):  # type: ignore[no-untyped-def]
    """The pipeline run once per session on the repository's sources (a BuildResult)."""
    from kyodo_lod.build.pipeline import build as run_build

    return run_build(settings)


@pytest.fixture(scope="session")
def dist(build) -> Path:  # type: ignore[no-untyped-def]
    return build.dist_dir


@pytest.fixture(scope="session")
def virtuoso(dist: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A private Virtuoso instance holding the build, set up by scripts/virtuoso.py (once per
    session: the store tests and the server's battery share it)."""
    from .store.virtuoso_server import VIRTUOSO_TOOL, virtuoso_server
    from .tools import require

    require(VIRTUOSO_TOOL)  # a skip with how to get it; an error when CI=true
    with virtuoso_server(dist, tmp_path_factory.mktemp("virtuoso")) as instance:
        yield instance
