"""A server that follows dist/: it serves one build at a time, from that build's own folder, and
when a build switches dist/ to a new one, opens it in the background (store and app) and swaps
it in between requests. A request is answered wholly by one build, old or new, never a mix."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from .config import Settings
from .dist import PinnedBuild

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# what serves one build: its app, and a close() for what the app holds (the store)
OpenBuild = Callable[[Settings], tuple[WSGIApp, Callable[[], None]]]


@dataclass
class _Served:
    pinned: PinnedBuild
    app: WSGIApp
    close_app: Callable[[], None]

    def close(self) -> None:
        try:
            self.close_app()
        finally:
            self.pinned.release()


class BuildFollower:
    """The WSGI app of the build ``settings.dist_dir`` names, checked every ``interval_s``
    seconds (0: never, the build it started with until it stops). A build replaced is closed
    ``grace_s`` seconds later, when the requests it was answering are done."""

    def __init__(
        self, settings: Settings, open_build: OpenBuild, interval_s: float, grace_s: float
    ) -> None:
        self.settings = settings
        self._open_build = open_build
        self._interval_s = interval_s
        self._grace_s = grace_s
        self._served = self._open()
        self._failed: str | None = None  # a build that could not be opened: not tried again
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="dist-follower", daemon=True)
        if interval_s > 0:
            self._watcher.start()

    @property
    def folder(self) -> str:
        """The folder of the build being served."""
        return str(self._served.pinned.folder)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return self._served.app(environ, start_response)  # one read: one build per request

    def close(self) -> None:
        self._stop.set()
        if self._watcher.is_alive():
            self._watcher.join()
        self._served.close()

    def _open(self) -> _Served:
        pinned = PinnedBuild(self.settings.dist_dir)
        try:
            app, close_app = self._open_build(replace(self.settings, dist_dir=pinned.folder))
        except BaseException:
            pinned.release()
            raise
        return _Served(pinned, app, close_app)

    def _watch(self) -> None:
        while not self._stop.wait(self._interval_s):
            named = os.path.realpath(self.settings.dist_dir)
            if named in (self.folder, self._failed):
                continue
            try:
                new = self._open()
            except Exception:
                log.exception("could not open the build %s; still serving %s", named, self.folder)
                self._failed = named
                continue
            old, self._served = self._served, new
            log.info("serving the new build %s (was %s)", self.folder, old.pinned.folder)
            closing = threading.Timer(self._grace_s, old.close)
            closing.daemon = True
            closing.start()
