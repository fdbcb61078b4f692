"""One real Oxigraph server for the store tests that talk HTTP (test_http, test_remote)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .oxigraph_server import OXIGRAPH, oxigraph_server


@pytest.fixture(scope="package")
def oxigraph(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on a loopback port holding the build; yields its query URL."""
    if not Path(OXIGRAPH).exists():
        pytest.skip("the oxigraph CLI is not installed (pip install oxigraph)")
    with oxigraph_server(dist, tmp_path_factory.mktemp("oxigraph")) as url:
        yield url
