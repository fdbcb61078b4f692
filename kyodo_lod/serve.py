"""Serve a build with waitress: what ``python server.py`` and ``kyodo-lod serve`` both run."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace

from .config import Settings
from .dist import TRIG, PinnedBuild
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

    # one build, the one dist/ names now, until the server restarts: a build switched in
    # meanwhile never mixes its files with this one's store
    pinned = PinnedBuild(settings.dist_dir)
    shown = settings.dist_dir
    settings = replace(settings, dist_dir=pinned.folder)
    try:
        store = open_store(settings, workers=workers)
        app = create_app(settings, store)
        print(f"serving {shown} ({pinned.folder}) at http://{host}:{port}/", file=sys.stderr)
        try:
            waitress.serve(app, host=host, port=port, threads=threads, ident="kyodo-lod")
        finally:
            store.close()
    finally:
        pinned.release()
