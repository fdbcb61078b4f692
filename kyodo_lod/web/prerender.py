"""Making every resource's HTML page into the page store ahead of its first visitor: a crawler
or harvester touches each page once, so a page made on demand is always a page made while it
waits.

A server does it in a background thread of its web process, one page at a time: it takes one
page worker at most, and live requests keep the others. (Over a remote engine the pages are made
in the web process itself, beside the live requests.) ``kyodo-lod prerender`` does it in the
foreground with ``jobs`` pages at once, on as many page workers, before a build is served.

Makers share the work page by page: each page is claimed in the page store before it is made
(``PageStore.claim``), so two servers of the build, or a server and the command, never make the
same page twice, and each skips what another made."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


@dataclass
class Progress:
    """Where a run over the build's pages stands (read while it runs, from another thread)."""

    total: int = 0  # pages to have: every resource's page in each language
    made: int = 0  # made by this run
    elsewhere: int = 0  # kept already, or being made by another maker
    failed: int = 0  # could not be made (the log names the first ones)
    full: bool = False  # the page store's budget ran out: the rest is not kept
    interrupted: bool = False  # stopped by Ctrl-C (what was made is kept)
    seconds: float = 0.0  # since the run started
    listing_s: float = 0.0  # of which listing the resources took

    @property
    def rate(self) -> float:
        """Pages made per second since the listing."""
        making_s = self.seconds - self.listing_s
        return self.made / making_s if making_s > 0 else 0.0

    @property
    def done(self) -> int:
        return self.made + self.elsewhere + self.failed


class Prerenderer:
    """One run over one app's resources with ``jobs`` pages made at once; ``close`` stops it
    between two pages."""

    def __init__(self, app: Flask, jobs: int = 1) -> None:
        self._app = app
        self._jobs = max(1, jobs)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, name="page-prerender", daemon=True)
        self.progress = Progress()

    def start(self) -> Prerenderer:
        """Run in a background thread."""
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def run(
        self, report: Callable[[Progress], None] | None = None, every_s: float = 10.0
    ) -> Progress:
        """Make the pages no maker has kept yet; ``report(progress)`` every ``every_s`` seconds
        while it runs. Returns when every page is kept or claimed elsewhere, the budget is
        spent, or ``close`` was called."""
        st: AppState = self._app.extensions["kyodo"]
        pages = st.pages
        progress = self.progress
        started = time.monotonic()
        if pages is None:
            return progress
        try:
            with self._app.app_context():
                paths = doc_paths(st)
            progress.total = len(paths) * len(LANGUAGES)
            progress.listing_s = time.monotonic() - started
            work = _Work(((path, lang) for path in paths for lang in LANGUAGES), self._jobs)
            for _ in range(self._jobs):
                maker = threading.Thread(target=self._make_all, args=(st, pages, work))
                maker.daemon = True
                maker.start()
            # waited for by an event, not Thread.join: on Python 3.11, a join that Ctrl-C
            # interrupts can leave the next join returning at once, and a maker killed at exit
            # mid-page (its claim left behind)
            try:
                while not work.finished.wait(every_s):
                    progress.seconds = time.monotonic() - started
                    if report is not None:
                        report(progress)
            except KeyboardInterrupt:  # (each maker finishes the page it is making, then stops)
                progress.interrupted = True
            finally:
                self._stop.set()
                work.finished.wait()
            progress.seconds = time.monotonic() - started
            if progress.full:
                log.info("page store full (%d MB): pre-rendering stopped", pages.max_bytes >> 20)
            log.info(
                "pages pre-rendered: %d made in %.1f s, %d of %d kept, %d could not be made",
                progress.made,
                progress.seconds,
                pages.count(),
                progress.total,
                progress.failed,
            )
        except Exception:
            log.exception("pre-rendering pages stopped")
        return progress

    def _make_all(self, st: AppState, pages: PageStore, work: _Work) -> None:
        try:
            self._make_each(st, pages, work)
        finally:
            work.maker_done()

    def _make_each(self, st: AppState, pages: PageStore, work: _Work) -> None:
        for doc_path, lang in work:
            if self._stop.is_set() or self.progress.full:
                return
            key = page_key(doc_path, HTML.key, lang)
            if not pages.claim(key):  # kept already, or another maker has it
                work.count(self.progress, "elsewhere")
                continue
            try:
                iri = path_to_iri(st.base, "id/" + unquote(doc_path[len("/doc/") :]))
                with self._app.test_request_context(doc_path):
                    answer = documents.produce(st, iri, HTML, lang, doc_path, 1)
            except Exception as exc:  # one page that cannot be made stops no other
                pages.release(key)
                if work.count(self.progress, "failed") <= WARNINGS:
                    log.warning("page %s (%s) not pre-rendered: %s", doc_path, lang, exc)
                continue
            if not pages.put(key, answer):
                self.progress.full = True
                return
            work.count(self.progress, "made")


class _Work:
    """The (path, language) pairs, handed out one at a time to the run's threads."""

    def __init__(self, items: Iterator[tuple[str, str]], makers: int) -> None:
        self._items = items
        self._lock = threading.Lock()
        self._makers = makers
        self.finished = threading.Event()  # set when the last maker stopped

    def maker_done(self) -> None:
        with self._lock:
            self._makers -= 1
            if self._makers == 0:
                self.finished.set()

    def __iter__(self) -> _Work:
        return self

    def __next__(self) -> tuple[str, str]:
        with self._lock:
            return next(self._items)

    def count(self, progress: Progress, field: str) -> int:
        with self._lock:
            value = getattr(progress, field) + 1
            setattr(progress, field, value)
            return value


def doc_paths(st: AppState) -> list[str]:
    """The /doc/ path of every resource the sitemap lists (in an app context)."""
    paths = (
        document_path(st.base, st.base + "id/" + p[len("/doc/") :])
        for p in sitemap_paths(st)
        if p.startswith("/doc/")
    )
    return [path for path in paths if path is not None]


def start_prerender(app: Flask) -> Prerenderer | None:
    """Start pre-rendering ``app``'s pages when its page store is on and the settings ask."""
    st: AppState = app.extensions["kyodo"]
    if st.pages is None or not st.settings.page_store_prerender:
        return None
    return Prerenderer(app).start()
