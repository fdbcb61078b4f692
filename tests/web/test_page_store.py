"""The page store: finished documents on disk per build, made ahead by the server
(web/page_store.py, web/prerender.py), served byte for byte as a page made afresh."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kyodo_lod.config import Settings
from kyodo_lod.web.page_store import PageStore, open_page_store, page_key, pages_fingerprint
from kyodo_lod.web.resources import document_path

from .conftest import LiveServer, start_server, stop_server

BASE = "https://kyodo-lod.example/"
COLD = {"KYODO_RESPONSE_CACHE_MB": "0"}  # (nothing in memory: every answer is made or read)
FRESH = {**COLD, "KYODO_PAGE_STORE_MB": "0"}  # nothing kept anywhere: every page made afresh
PROJECT = "/doc/072036/plan/kyodo2/2025/project/12"
DEPARTMENT = "/doc/072036/org/市民部/ダイバーシティ推進課"


def wait_for_prerender(server: LiveServer, timeout_s: float = 120) -> str:
    """The server's log line saying the pages were pre-rendered."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for line in server.log.read_text(errors="replace").splitlines():
            if "pages pre-rendered:" in line:
                return line
        time.sleep(0.3)
    raise AssertionError(f"no pages pre-rendered within {timeout_s} s:\n{server.log.read_text()}")


def page_files(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("pages-*/pages-*.sqlite"))


def kept_keys(database: Path) -> set[str]:
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute("SELECT key FROM page")}


@pytest.fixture(scope="module")
def servers(
    dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer, Path]]:
    """A server that pre-renders into its page store, and one that keeps nothing."""
    folder = tmp_path_factory.mktemp("pages")
    made = start_server(dist, folder, KYODO_PAGE_STORE_PRERENDER="1", **COLD)
    try:
        fresh = start_server(dist, tmp_path_factory.mktemp("fresh"), **FRESH)
    except BaseException:
        stop_server(made)
        raise
    wait_for_prerender(made)
    yield made, fresh, folder / "stores"
    stop_server(fresh)
    stop_server(made)


def doc_paths(server: LiveServer) -> list[str]:
    rows = server.select(
        "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?s), "{BASE}id/")) }}'
    )
    paths = [document_path(BASE, row["s"]) for row in rows]
    return sorted(p for p in paths if p is not None)


def test_every_resource_page_is_made_ahead_in_both_languages(
    servers: tuple[LiveServer, LiveServer, Path],
) -> None:
    made, _, cache_dir = servers
    (database,) = page_files(cache_dir)
    paths = doc_paths(made)
    assert len(paths) > 500  # (Koriyama: every project, KPI, department, policy, ...)
    expected = {page_key(p, "html", lang) for p in paths for lang in ("ja", "en")}
    assert expected <= kept_keys(database)
    line = wait_for_prerender(made)
    assert ", 0 could not be made" in line


def test_pages_from_the_store_are_the_pages_made_afresh(
    servers: tuple[LiveServer, LiveServer, Path],
) -> None:
    made, fresh, _ = servers
    paths = doc_paths(made)
    compared = 0
    for path in [*paths[:: max(1, len(paths) // 150)], PROJECT, DEPARTMENT]:
        for headers in ({"Accept": "text/html"}, {"Accept": "text/html", "Accept-Language": "en"}):
            kept, afresh = made.get(path, headers=headers), fresh.get(path, headers=headers)
            assert kept.status_code == afresh.status_code == 200, path
            assert kept.content == afresh.content, path
            assert kept.headers["ETag"] == afresh.headers["ETag"]
            assert kept.headers.get("Link") == afresh.headers.get("Link")
            compared += 1
    assert compared > 300


def test_other_formats_are_kept_on_first_request(
    servers: tuple[LiveServer, LiveServer, Path],
) -> None:
    made, fresh, cache_dir = servers
    (database,) = page_files(cache_dir)
    key = page_key(PROJECT, "ttl", "")
    assert key not in kept_keys(database)  # made ahead: HTML only
    first = made.get(PROJECT, headers={"Accept": "text/turtle"})
    assert key in kept_keys(database)
    again = made.get(PROJECT, headers={"Accept": "text/turtle"})
    afresh = fresh.get(PROJECT, headers={"Accept": "text/turtle"})
    assert first.content == again.content == afresh.content


def test_what_a_query_string_changes_is_never_kept(
    servers: tuple[LiveServer, LiveServer, Path],
) -> None:
    made, fresh, cache_dir = servers
    (database,) = page_files(cache_dir)
    before = kept_keys(database)
    for query in ("?lang=en", "?page=2", "?page=1"):
        kept = made.get(DEPARTMENT + query, headers={"Accept": "text/html"})
        assert (
            kept.content == fresh.get(DEPARTMENT + query, headers={"Accept": "text/html"}).content
        )
    assert kept_keys(database) == before


def test_the_server_answers_from_the_store(
    servers: tuple[LiveServer, LiveServer, Path], tmp_path: Path
) -> None:
    # the proof the tier is read, not only written: a kept body changed behind the server's
    # back is what it serves (then put back)
    made, _, cache_dir = servers
    (database,) = page_files(cache_dir)
    key = page_key(PROJECT, "html", "en")
    with sqlite3.connect(database) as db:
        (original,) = db.execute("SELECT body FROM page WHERE key = ?", (key,)).fetchone()
        db.execute("UPDATE page SET body = ? WHERE key = ?", (b"<p>kept</p>", key))
    try:
        answer = made.get(PROJECT, headers={"Accept": "text/html", "Accept-Language": "en"})
        assert answer.content == b"<p>kept</p>"
    finally:
        with sqlite3.connect(database) as db:
            db.execute("UPDATE page SET body = ? WHERE key = ?", (original, key))


def test_a_restart_makes_nothing_again(dist: Path, tmp_path: Path) -> None:
    first = start_server(dist, tmp_path, KYODO_PAGE_STORE_PRERENDER="1", **COLD)
    try:
        assert "pages pre-rendered: 0 made" not in wait_for_prerender(first)
    finally:
        stop_server(first)
    (database,) = page_files(tmp_path / "stores")
    kept = kept_keys(database)
    again = start_server(dist, tmp_path, KYODO_PAGE_STORE_PRERENDER="1", **COLD)
    try:
        line = wait_for_prerender(again)
        assert "pages pre-rendered: 0 made" in line, line
    finally:
        stop_server(again)
    assert page_files(tmp_path / "stores") == [database] and kept_keys(database) == kept


def test_the_budget_bounds_what_is_kept(tmp_path: Path) -> None:
    store = PageStore(tmp_path / "pages.sqlite", max_bytes=1000)
    assert store.put("a", (b"x" * 600, False))
    assert not store.put("b", (b"y" * 600, True))  # over the budget: not kept
    assert store.get("a") == (b"x" * 600, False) and store.get("b") is None
    store.put("a", (b"z" * 600, False))  # kept already: the first stays
    assert store.get("a") == (b"x" * 600, False)
    store.close()
    reopened = PageStore(tmp_path / "pages.sqlite", max_bytes=1000)
    assert reopened.size == 600 and reopened.count() == 1
    assert not reopened.put("c", (b"w" * 500, False))
    reopened.close()


def test_another_code_or_setting_is_another_store(tmp_path: Path) -> None:
    package = tmp_path / "kyodo_lod"
    shutil.copytree(
        Path(__file__).resolve().parents[2] / "kyodo_lod",
        package,
        ignore=shutil.ignore_patterns("vendor", "__pycache__", "bundled"),
    )
    settings = Settings.from_env({}, store_cache_dir=tmp_path / "cache")
    before = pages_fingerprint(settings, package)
    assert pages_fingerprint(settings, package) == before  # deterministic
    template = package / "web" / "templates" / "project.html"
    template.write_text(template.read_text() + "\n")
    assert pages_fingerprint(settings, package) != before
    changed = pages_fingerprint(settings, package)
    (package / "web" / "static" / "notes.txt").write_text("not a template")
    assert pages_fingerprint(settings, package) == changed
    for other in (
        {"base_iri": "http://data.example.org/lod/"},
        {"store": "http://127.0.0.1:7878/query"},
    ):
        assert pages_fingerprint(Settings.from_env({}, **other), package) != pages_fingerprint(
            Settings.from_env({}), package
        )
    assert open_page_store(settings, None) is None  # no build hash: nothing to key on
    assert open_page_store(Settings.from_env({}, page_store_mb=0), "abc") is None
    opened = open_page_store(settings, "0123456789abcdef0123456789")
    assert opened is not None and opened.path.parent.name == "pages-0123456789abcdef01234567"
    opened.close()
