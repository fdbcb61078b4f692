"""The real SPARQL engines for the store tests that talk HTTP (test_http, test_remote): one
Oxigraph server for this package, and the session's Virtuoso (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tools import OXIGRAPH as OXIGRAPH_TOOL
from tests.tools import require

from .oxigraph_server import oxigraph_server

ENGINES = ("oxigraph", "virtuoso")


@pytest.fixture(scope="package")
def oxigraph(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on a loopback port holding the build; yields its query URL."""
    require(OXIGRAPH_TOOL)  # a skip with how to get it; an error when CI=true
    with oxigraph_server(dist, tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="package", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> tuple[str, str]:
    """Each real engine in turn, holding the build: (its name, its SPARQL URL)."""
    if request.param == "oxigraph":
        return "oxigraph", request.getfixturevalue("oxigraph")
    return "virtuoso", request.getfixturevalue("virtuoso").url
