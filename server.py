"""Serve the last build in dist/ as Linked Data (building first if there is none).

    python server.py [--host 127.0.0.1] [--port 8000] [--threads 8] [--workers N]

Settings come from KYODO_* environment variables (see kyodo_lod/config.py): KYODO_STORE=URL
serves from a remote SPARQL 1.1 engine instead of the embedded store.
"""

from __future__ import annotations

import argparse
import logging
import sys

from kyodo_lod.config import Settings
from kyodo_lod.store import TRIG_FILE, open_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8, help="waitress request threads")
    parser.add_argument(
        "--workers", type=int, help="SPARQL worker processes (default: KYODO_QUERY_WORKERS)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings.from_env()
    if settings.store == "oxigraph" and not (settings.dist_dir / TRIG_FILE).is_file():
        from kyodo_lod.pipeline import build  # only here: the web layer never builds

        print(f"no build in {settings.dist_dir}; building first", file=sys.stderr)
        build(settings)

    import waitress

    from kyodo_lod.web import create_app

    store = open_store(settings, workers=args.workers)
    app = create_app(settings, store)
    print(f"serving {settings.dist_dir} at http://{args.host}:{args.port}/", file=sys.stderr)
    try:
        waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="kyodo-lod")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
