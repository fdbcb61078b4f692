"""Serve a build with waitress: what ``python server.py`` and ``kyodo-lod serve`` both run."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

from .config import Settings
from .dist import TRIG
from .follow import BuildFollower
from .store import open_store


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    threads: int = 8,
    workers: int | None = None,
) -> None:
    """Serve the last build in ``settings.dist_dir``, building first if there is none."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if settings.store == "oxigraph" and not (settings.dist_dir / TRIG).is_file():
        from .build.pipeline import build

        print(f"no build in {settings.dist_dir}; building first", file=sys.stderr)
        build(settings)

    import waitress

    from .web import create_app
    from .web.page_worker import page_jobs
    from .web.prerender import start_prerender

    # one build at a time, from its own folder: a build switched in meanwhile never mixes its
    # files with this one's store; it is served once opened (KYODO_FOLLOW_DIST_S)
    def open_build(pinned: Settings) -> tuple[Any, Callable[[], None]]:
        # pages are made in the site's workers, next to the data, on every core
        store = open_store(pinned, workers=workers, page_jobs=partial(page_jobs, pinned))
        try:
            app = create_app(pinned, store)
        except BaseException:
            store.close()
            raise
        prerender = start_prerender(app)  # (a crawler's first visit finds the page made)
        pages = app.extensions["kyodo"].pages

        def close() -> None:
            if prerender is not None:
                prerender.close()
            if pages is not None:
                pages.close()
            store.close()

        # the app's objects live as long as the build: not worth collecting again (unfrozen
        # first, so that a replaced build's cycles can still be collected at the next switch)
        gc.unfreeze()
        gc.freeze()

        # (the gzip copies of the build's dumps and its made pages stay in the store cache,
        # shared with other servers of the build and its restarts: store/disk.py removes them
        # when unused)
        return app, close

    follows = settings.follow_dist_s if settings.store == "oxigraph" else 0.0
    app = BuildFollower(settings, open_build, follows, grace_s=settings.query_timeout_s + 5)
    print(f"serving {settings.dist_dir} ({app.folder}) at http://{host}:{port}/", file=sys.stderr)
    try:
        waitress.serve(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="kyodo-lod",
            # X-Forwarded-For reaches the app, which believes it only from the proxies in
            # KYODO_TRUSTED_PROXIES (web/fairness.py); waitress would drop it unread
            clear_untrusted_proxy_headers=False,
        )
    finally:
        app.close()
