"""The query page never points to a script or stylesheet that is not there: with the vendored
YASGUI it loads the editor, without it the plain form shows and nothing names /vendor/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kyodo_lod.config import Settings
from kyodo_lod.store import OxigraphStore
from kyodo_lod.web import create_app

from ..tools import YASGUI, needs
from .htmlcheck import page_assets


def _status(client: FlaskClient, url: str) -> int:
    response = client.get(url)
    response.close()  # a file sent from disk stays open until then
    return response.status_code


@pytest.fixture(scope="module")
def store(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    s = OxigraphStore(dist, workers=1, cache_dir=tmp_path_factory.mktemp("stores"))
    yield s
    s.close()


@needs(YASGUI)
def test_every_asset_of_the_query_page_is_served(dist: Path, store: OxigraphStore) -> None:
    client = create_app(Settings.from_env({}, dist_dir=dist), store).test_client()
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assets = page_assets(html)
    assert "/vendor/yasgui.min.js" in assets and "/vendor/yasgui.min.css" in assets
    for url in assets:
        assert _status(client, url) == 200, url


def test_without_yasgui_the_plain_form_shows(dist: Path, store: OxigraphStore) -> None:
    app = create_app(Settings.from_env({}, dist_dir=dist), store)
    app.extensions["kyodo"].yasgui = False  # as when scripts/vendor_yasgui.sh has not run
    client = app.test_client()
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<form id="plain-form" method="get" action="/sparql">' in html  # not hidden
    assets = page_assets(html)
    assert assets and not any(url.startswith("/vendor/") for url in assets)
    for url in assets:
        assert _status(client, url) == 200, url
