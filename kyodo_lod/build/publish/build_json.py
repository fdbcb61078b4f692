"""build.json: what a build published (read back by ``dist.BuildFacts``), written last, with a
content hash over every other file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...dist import BUILD_JSON, FileHashes
from ...rdf.iris import Iris


@dataclass(frozen=True)
class BuildSummary:
    graphs: tuple[str, ...]  # the named graphs' names
    triples: Mapping[str, int]  # per named graph
    triples_total: int  # in the union
    counts: Mapping[str, int]  # cities, plan-years, projects, ...
    anomalies: int


def write_build_json(
    staging: Path, summary: BuildSummary, iris: Iris, hashes: FileHashes
) -> tuple[list[str], str]:
    """build.json for the files in ``staging``; returns every file's name (build.json last)
    and the content hash: a hash of each file's name, size and sha256 (``hashes`` has read
    the dumps already, for the catalogue's checksums)."""
    hashed = sorted(p.name for p in staging.iterdir() if p.is_file())
    digest = hashlib.sha256()
    for name in hashed:
        size, sha256 = hashes.facts(staging / name)
        digest.update(f"{name}\0{size}\0{sha256}\n".encode())
    files = [*hashed, BUILD_JSON]
    info = {
        "content_hash": digest.hexdigest(),
        "graphs": {name: str(iris.graph(name)) for name in sorted(summary.graphs)},
        "triples": dict(summary.triples),
        "triples_total": summary.triples_total,
        "counts": dict(sorted(summary.counts.items())),
        "anomalies": summary.anomalies,
        "files": files,
    }
    (staging / BUILD_JSON).write_text(
        json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return files, digest.hexdigest()
