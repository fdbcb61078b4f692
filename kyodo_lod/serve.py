"""Serve a build with waitress: what ``python server.py`` and ``kyodo-lod serve`` both run."""

from __future__ import annotations

import logging
import sys

from .config import Settings
from .dist import TRIG
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

    store = open_store(settings, workers=workers)
    app = create_app(settings, store)
    print(f"serving {settings.dist_dir} at http://{host}:{port}/", file=sys.stderr)
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
        store.close()
