"""Session fixtures: the real pipeline builds the real plan once; tests read what it wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from kyodo_lod.config import Settings


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Default settings, but publishing into a temporary dist/ so tests never touch the repo's."""
    return Settings.from_env({}, dist_dir=tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def build(settings: Settings):  # type: ignore[no-untyped-def]
    """The pipeline run once per session on the repository's sources (a BuildResult)."""
    from kyodo_lod.build.pipeline import build as run_build

    return run_build(settings)


@pytest.fixture(scope="session")
def dist(build) -> Path:  # type: ignore[no-untyped-def]
    return build.dist_dir
