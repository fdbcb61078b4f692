"""Writing durably: what one rename switches in (a build, an import's pair) is on the disk
before the rename, and the rename itself after it, so a power cut after the switch finds the
new content whole, and one before it the old.

    sync_tree(folder)     before renaming a finished folder into place: each file's data and
                          each folder's entries (rename(2) orders nothing on its own: ext4 and
                          xfs may write the new name before the data it names)
    sync_file(path)       before renaming one finished file into place
    sync_folder(parent)   after a rename in ``parent``: the new name itself

Builds (``build.publish.swap``), imports (``build.import_commit``) and the server's gzip copies
of dumps (``web.catalog``) use these and nothing else.
"""

from __future__ import annotations

import os
from pathlib import Path


def sync_tree(folder: Path) -> None:
    """fsync every file under ``folder``, then every folder, deepest first."""
    for parent, _folders, files in os.walk(folder, topdown=False):
        for name in files:
            _fsync(os.path.join(parent, name), os.O_RDONLY)
        sync_folder(Path(parent))


def sync_file(path: Path) -> None:
    """fsync one file's data."""
    _fsync(path, os.O_RDONLY)


def sync_folder(folder: Path) -> None:
    """fsync ``folder`` itself: the names made, renamed or removed in it."""
    _fsync(folder, os.O_RDONLY | os.O_DIRECTORY)


def _fsync(path: str | Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
