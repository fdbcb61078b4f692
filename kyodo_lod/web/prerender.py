"""Making every resource's HTML page into the page store ahead of its first visitor: a crawler
or harvester touches each page once, so a page made on demand is always a page made while it
waits. One page at a time, in a background thread of the web process: it takes one page worker
at most, and live requests keep the others. (Over a remote engine the pages are made in the web
process itself, one at a time beside the live requests.)"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import unquote

from flask import Flask

from . import documents
from .catalog import sitemap_paths
from .conneg import HTML
from .page_store import PageStore, page_key
from .resources import document_path, path_to_iri
from .state import AppState

log = logging.getLogger(__name__)

LANGUAGES = ("ja", "en")
WARNINGS = 5  # pages that could not be made, named in the log one by one


class Prerenderer:
    """The background run over one app's resources; ``close`` stops it between two pages."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="page-prerender", daemon=True)
        self.made = 0

    def start(self) -> Prerenderer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def _run(self) -> None:
        st: AppState = self._app.extensions["kyodo"]
        pages = st.pages
        started = time.monotonic()
        failed = 0
        try:
            if pages is None:
                return
            with self._app.app_context():
                paths = [
                    path
                    for path in (
                        document_path(st.base, st.base + "id/" + p[len("/doc/") :])
                        for p in sitemap_paths(st)
                        if p.startswith("/doc/")
                    )
                    if path is not None
                ]
            for path in paths:
                for lang in LANGUAGES:
                    if self._stop.is_set():
                        return
                    try:
                        if not self._make(st, pages, path, lang):
                            log.info(
                                "page store full (%d MB): pre-rendering stopped",
                                pages.max_bytes >> 20,
                            )
                            return
                    except Exception as exc:  # one page that cannot be made stops no other
                        failed += 1
                        if failed <= WARNINGS:
                            log.warning("page %s (%s) not pre-rendered: %s", path, lang, exc)
            log.info(
                "pages pre-rendered: %d made in %.1f s, %d of %d kept, %d could not be made",
                self.made,
                time.monotonic() - started,
                pages.count(),
                len(paths) * len(LANGUAGES),
                failed,
            )
        except Exception:
            log.exception("pre-rendering pages stopped")

    def _make(self, st: AppState, pages: PageStore, doc_path: str, lang: str) -> bool:
        """Make and keep one page unless kept already; False once the store is full."""
        key = page_key(doc_path, HTML.key, lang)
        if key in pages:
            return True
        iri = path_to_iri(st.base, "id/" + unquote(doc_path[len("/doc/") :]))
        with self._app.test_request_context(doc_path):
            answer = documents.produce(st, iri, HTML, lang, doc_path, 1)
        self.made += 1
        return pages.put(key, answer)


def start_prerender(app: Flask) -> Prerenderer | None:
    """Start pre-rendering ``app``'s pages when its page store is on and the settings ask."""
    st: AppState = app.extensions["kyodo"]
    if st.pages is None or not st.settings.page_store_prerender:
        return None
    return Prerenderer(app).start()
