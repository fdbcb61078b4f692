"""A real Virtuoso Open Source instance (Debian's) holding a build, set up as an operator does it:
by ``scripts/virtuoso.py start`` (its own folder and virtuoso.ini, loopback ports, the build
bulk-loaded by Virtuoso's loader) and stopped by ``scripts/virtuoso.py stop``. The second real
engine behind the remote store's tests (tests/store) and the server's battery (tests/web)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.locations import ROOT
from tests.tools import VIRTUOSO as VIRTUOSO_TOOL
from tests.tools import needs

SCRIPT = ROOT / "scripts" / "virtuoso.py"

# a missing Virtuoso is a skip with how to get it, and an error when CI=true (tests/tools.py)
needs_virtuoso = needs(VIRTUOSO_TOOL)


def virtuoso_command(*args: str) -> str:
    """Run scripts/virtuoso.py; its stdout (the endpoint URL for start and url)."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"scripts/virtuoso.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout.strip()


@dataclass(frozen=True)
class Instance:
    url: str  # its SPARQL endpoint
    folder: Path  # its own folder (virtuoso.ini, database, log)


@contextmanager
def virtuoso_server(dist: Path, folder: Path) -> Iterator[Instance]:
    """Virtuoso serving the build in ``dist`` (its instance in ``folder``), stopped afterwards."""
    url = virtuoso_command("start", "--dir", str(folder), "--dist", str(dist))
    try:
        yield Instance(url, folder)
    finally:
        virtuoso_command("stop", "--dir", str(folder))
