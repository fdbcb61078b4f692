"""The dist/ contract: the files a build publishes, by name, and what build.json says of it.

The build writes these names and the server, the store and the command line read them; none of
them spells a file name of its own. The names are a contract with researchers and portals
(README, "Contracts"): add, never rename.

Where the files are: each build is written into its own folder under ``builds_dir(dist)``, and
``dist`` is a symlink to the current one, switched by one rename (build/publish/swap.py), so
``dist/<file>`` always names a file of one complete build. A server pins the build it starts
with (``PinnedBuild``) and reads only that folder until it restarts.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TRIG = "kyodo-lod.trig"  # every named graph
TURTLE = "kyodo-lod.ttl"  # the union of the graphs
NTRIPLES = "kyodo-lod.nt"
JSONLD = "kyodo-lod.jsonld"
PROJECTS_CSV = "projects.csv"  # one row per project per fiscal year (the import template)
CSV_METADATA = "projects.csv-metadata.json"  # projects.csv described by CSV on the Web (W3C)
PROJECTS_XLSX = "projects.xlsx"  # projects.csv's rows as an Excel workbook (+ attribution sheet)
VALIDATION_REPORT = "validation-report.ttl"
ANOMALIES_CSV = "anomalies.csv"
CATALOG = "catalog.ttl"  # DCAT-AP 3 + VoID; the named graph B graph/catalog
SHAPES = "shapes.ttl"  # the SHACL shapes the build validated with (B def/kyodo/shapes)
BUILD_JSON = "build.json"
# the full-text index behind /search (SQLite FTS5; its table: textindex.py). Not a dump: not
# served under /dumps/ nor in the catalogue, but hashed into build.json like every file
SEARCH_INDEX = "search.sqlite"

# what /dumps/ serves: exactly these files of dist/, with their media types
MEDIA_TYPES: dict[str, str] = {
    TRIG: "application/trig",
    TURTLE: "text/turtle",
    NTRIPLES: "application/n-triples",
    JSONLD: "application/ld+json",
    PROJECTS_CSV: "text/csv",
    CSV_METADATA: "application/csvm+json",
    PROJECTS_XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    VALIDATION_REPORT: "text/turtle",
    ANOMALIES_CSV: "text/csv",
    BUILD_JSON: "application/json",
    CATALOG: "text/turtle",
    SHAPES: "text/turtle",
}

# keys under which older builds wrote their hash (build.json keeps ``content_hash``)
_HASH_KEYS = ("content_hash", "hash", "sha256", "content_sha256", "etag")


@dataclass(frozen=True)
class BuildFacts:
    """What build.json says of a build. ``content_hash`` changes with any published byte: the
    ETag of everything served from the build, and the key of its on-disk query store."""

    content_hash: str | None  # None: no build.json and no data files
    modified: datetime  # when build.json (else the TriG) was written
    triples_total: int | None
    info: dict[str, Any] = field(default_factory=dict)  # build.json as written

    @classmethod
    def read(cls, dist_dir: Path) -> BuildFacts:
        build_json = Path(dist_dir) / BUILD_JSON
        info: dict[str, Any] = {}
        if build_json.is_file():
            info = json.loads(build_json.read_text(encoding="utf-8"))
        digest = next(
            (
                value.removeprefix("sha256:")
                for key in _HASH_KEYS
                if isinstance(value := info.get(key), str) and value
            ),
            None,
        )
        if digest is None:
            digest = _data_hash(Path(dist_dir))
        stamp = build_json if build_json.is_file() else Path(dist_dir) / TRIG
        mtime = stamp.stat().st_mtime if stamp.is_file() else 0.0
        total = info.get("triples_total")
        return cls(
            content_hash=digest,
            modified=datetime.fromtimestamp(int(mtime), tz=UTC),
            triples_total=total if isinstance(total, int) else None,
            info=info,
        )


def _data_hash(dist_dir: Path) -> str | None:
    """A build without build.json (written by hand, or by an older kyodo-lod): its data's hash."""
    found = [dist_dir / name for name in (TRIG, CATALOG) if (dist_dir / name).is_file()]
    if not found:
        return None
    digest = hashlib.sha256()
    for path in found:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def file_facts(path: Path) -> tuple[int, str]:
    """(byte size, sha256 hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class FileHashes:
    """``file_facts`` remembered while a file's path, size, mtime and inode stay the same.

    One publish makes one and hands it to every reader of the files it wrote (the catalogue's
    checksums, build.json's content hash), so each dump is read once per build: the dumps of a
    national build are GBs, and reading them twice was measured."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int, int, int, int], tuple[int, str]] = {}

    def facts(self, path: Path) -> tuple[int, str]:
        """(byte size, sha256 hex) of ``path``."""
        stat = path.stat()
        key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_dev)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = file_facts(path)
        return found


def builds_dir(dist_dir: Path) -> Path:
    """The folder beside ``dist_dir`` that holds its builds, one folder each."""
    dist_dir = Path(dist_dir)
    return dist_dir.with_name(f".{dist_dir.name}.builds")


class PinnedBuild:
    """The build ``dist_dir`` names when pinned, held for as long as this object lives.

    ``folder`` is the build's own folder (``dist_dir`` itself when it is a plain folder, as a
    build written by hand or by an older kyodo-lod is): reading it, never ``dist_dir``, a
    server serves one build even while a newer one is switched in. A shared lock on the folder
    keeps publish from pruning it (publish removes an old build only if it can lock it
    exclusively); the lock goes with the process, however it ends."""

    def __init__(self, dist_dir: Path) -> None:
        self.folder = Path(dist_dir)
        self._fd: int | None = None
        for _ in range(10):  # a build may be pruned between resolving and locking: again
            folder = Path(os.path.realpath(dist_dir))
            try:
                fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            except FileNotFoundError:
                continue
            fcntl.flock(fd, fcntl.LOCK_SH)
            if folder.is_dir() and os.path.samestat(os.fstat(fd), os.stat(folder)):
                self.folder, self._fd = folder, fd
                return
            os.close(fd)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
