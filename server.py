"""Serve the last build in dist/ as Linked Data (building first if there is none).

    python server.py [--host 127.0.0.1] [--port 8000] [--threads 8] [--workers N]

Settings come from KYODO_* environment variables (see kyodo_lod/config.py): KYODO_STORE=URL
serves from a remote SPARQL 1.1 engine instead of the embedded store.
"""

from __future__ import annotations

import argparse
import sys

from kyodo_lod.config import Settings
from kyodo_lod.serve import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8, help="waitress request threads")
    parser.add_argument(
        "--workers", type=int, help="SPARQL worker processes (default: KYODO_QUERY_WORKERS)"
    )
    args = parser.parse_args(argv)
    serve(Settings.from_env(), args.host, args.port, args.threads, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
