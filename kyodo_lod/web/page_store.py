"""Finished documents on disk, one SQLite file per build: the tier under the memory response
cache. It outlives a restart, is shared by every server of the build on this machine, and is
filled ahead of the first visitor (``web.prerender``), so that a harvester or crawler that touches
each page once still gets a page already made instead of waiting while it is made.

Only what a bare request gets is kept: page 1 of a document, no query string, keyed by its path,
format and language. A build never changes while it is served and the file is named by the
build's content hash, so an entry never goes stale; files of builds unused for a week are
removed with the other per-build caches (``store.disk.build_cache_dir``)."""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..config import PACKAGE_DIR, Settings
from ..store.disk import build_cache_dir

log = logging.getLogger(__name__)

Answer = tuple[bytes, bool]  # (body, whether a next page of inbound links exists)
# how long a claim to make a page ahead holds: far past any page's making (its queries are
# bounded by query_timeout_s), so only a maker that died leaves one to lapse
CLAIM_HOLD_S = 300.0


def page_key(doc_path: str, fmt_key: str, lang: str) -> str:
    """The key of the bare request for ``doc_path`` in one format and language."""
    return f"{doc_path}\t{fmt_key}\t{lang}"


class PageStore:
    """Documents of one build by ``page_key``, at most ``max_bytes`` of bodies (then no more are
    kept: what is kept stays, as the build is immutable)."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        # connections lent to one request thread at a time: lookups never wait for each other
        # (WAL lets them, and other servers of the build, read while one writes; a crash never
        # leaves half a row); there are at most as many as threads ever asked at once
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._write = threading.Lock()
        self._closed = False
        with self._connection() as db:
            _create(db)
            (self.size,) = db.execute("SELECT COALESCE(SUM(LENGTH(body)), 0) FROM page").fetchone()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            db = self._idle.get_nowait()
        except queue.Empty:
            db = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False)
            db.execute("PRAGMA synchronous=NORMAL")
        try:
            yield db
        finally:
            if self._closed:
                db.close()
            else:
                self._idle.put(db)

    def get(self, key: str) -> Answer | None:
        with self._connection() as db:
            row = db.execute("SELECT body, has_next FROM page WHERE key = ?", (key,)).fetchone()
        return None if row is None else (bytes(row[0]), bool(row[1]))

    def put(self, key: str, answer: Answer) -> bool:
        """Keep ``answer`` under ``key`` (and drop this maker's claim on it); False once the
        budget is spent."""
        body, has_next = answer
        with self._write, self._connection() as db:
            if self.size + len(body) > self.max_bytes:
                self._forget_claim(db, key)
                return False
            try:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO page (key, body, has_next) VALUES (?, ?, ?)",
                    (key, body, int(has_next)),
                )
                db.execute("DELETE FROM making WHERE key = ?", (key,))
                db.commit()
            except sqlite3.OperationalError as exc:  # another server holds the file too long
                db.rollback()
                log.warning("page store %s: not kept (%s)", self.path, exc)
                return True
            if cursor.rowcount:
                self.size += len(body)
        return True

    def claim(self, key: str, hold_s: float = CLAIM_HOLD_S) -> bool:
        """Whether this maker should make ``key`` ahead now: it is not kept, and no other maker
        (another thread, another server of the build, ``kyodo-lod prerender``) claimed it in
        the last ``hold_s`` seconds. One statement, so two makers never both win; a claim of
        a maker that died lapses after ``hold_s``."""
        now = time.time()
        with self._write, self._connection() as db:
            try:
                cursor = db.execute(
                    "INSERT INTO making (key, until) SELECT ?, ? "
                    "WHERE NOT EXISTS (SELECT 1 FROM page WHERE key = ?) "
                    "ON CONFLICT (key) DO UPDATE SET until = excluded.until "
                    "WHERE making.until < ?",
                    (key, now + hold_s, key, now),
                )
                db.commit()
            except sqlite3.OperationalError as exc:  # busy past the timeout: skip the page
                db.rollback()
                log.warning("page store %s: no claim on %s (%s)", self.path, key, exc)
                return False
            return cursor.rowcount == 1

    def release(self, key: str) -> None:
        """Drop this maker's claim on ``key`` without keeping a page (it could not be made)."""
        with self._write, self._connection() as db:
            self._forget_claim(db, key)

    def _forget_claim(self, db: sqlite3.Connection, key: str) -> None:
        try:
            db.execute("DELETE FROM making WHERE key = ?", (key,))
            db.commit()
        except sqlite3.OperationalError:  # it lapses by itself
            db.rollback()

    def fetch(self, key: str, compute: Callable[[], Answer]) -> Answer:
        """The kept answer, or ``compute()`` kept (an exception is not kept)."""
        answer = self.get(key)
        if answer is None:
            answer = compute()
            self.put(key, answer)
        return answer

    def count(self) -> int:
        with self._connection() as db:
            return int(db.execute("SELECT COUNT(*) FROM page").fetchone()[0])

    def close(self) -> None:
        """Close the connections (one lent now is closed when given back)."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


def _create(db: sqlite3.Connection, timeout_s: float = 10.0) -> None:
    """WAL mode and the table, in a file other servers of the build may be creating at the same
    moment: switching to WAL answers "locked" at once rather than waiting, so it is retried."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS page (key TEXT PRIMARY KEY, body BLOB NOT NULL, "
                "has_next INTEGER NOT NULL)"
            )
            # pages being made ahead, by whom until when (``PageStore.claim``)
            db.execute(
                "CREATE TABLE IF NOT EXISTS making (key TEXT PRIMARY KEY, until REAL NOT NULL)"
            )
            db.commit()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def open_page_store(settings: Settings, content_hash: str | None) -> PageStore | None:
    """The page store of the build ``content_hash`` as this code and these settings make its
    pages, or None when off (``page_store_mb`` 0) or when the build has no hash to name it by
    (its data may change)."""
    if settings.page_store_mb <= 0 or not content_hash:
        return None
    folder = build_cache_dir(settings.store_cache_dir, "pages", content_hash)
    name = f"pages-{pages_fingerprint(settings)}.sqlite"
    return PageStore(folder / name, settings.page_store_mb << 20)


def pages_fingerprint(settings: Settings, package_dir: Path = PACKAGE_DIR) -> str:
    """A hash of what besides the build decides a page's bytes: the code and templates (an
    upgraded kyodo-lod makes its pages afresh rather than serve the old version's), and the
    settings pages depend on (another base IRI, engine or shapes folder is another store)."""
    digest = hashlib.sha256()
    for setting in (
        settings.base_iri,
        settings.store,
        settings.shapes_dir,
        settings.max_result_rows,
    ):
        digest.update(f"{setting}\0".encode())
    sources: list[Path] = []
    for folder, subfolders, files in os.walk(package_dir):
        subfolders[:] = [d for d in subfolders if d not in ("vendor", "bundled", "__pycache__")]
        sources += [Path(folder, name) for name in files if name.endswith((".py", ".html"))]
    for path in sorted(sources):
        digest.update(str(path.relative_to(package_dir)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
