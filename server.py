"""Serve the last build in dist/ as Linked Data (building first if there is none).

    python server.py [--host 127.0.0.1] [--port 8000] [--threads 8] [--workers N]

Settings come from KYODO_* environment variables (see kyodo_lod/config.py): KYODO_STORE=URL
serves from a remote SPARQL 1.1 engine instead of the embedded store. The project folder is the
one this file is in (its data/sources and dist/), wherever it is run from, unless
KYODO_PROJECT_DIR names another.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kyodo_lod.config import Settings
from kyodo_lod.errors import SettingsError
from kyodo_lod.serve import serve

HERE = Path(__file__).resolve().parent


def settings(environ: dict[str, str] | None = None) -> Settings:
    """The settings from the environment, with this file's folder as the default project."""
    env = os.environ if environ is None else environ
    return Settings.from_env(env, project_dir=None if env.get("KYODO_PROJECT_DIR") else HERE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8, help="request threads (granian's)")
    parser.add_argument(
        "--workers", type=int, help="SPARQL worker processes (default: KYODO_QUERY_WORKERS)"
    )
    args = parser.parse_args(argv)
    try:
        configured = settings()
    except SettingsError as error:  # one line naming the setting, not a traceback
        print(f"error: {error}", file=sys.stderr)
        return 2
    serve(configured, args.host, args.port, args.threads, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
