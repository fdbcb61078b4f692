"""Write dist/: the named graphs as TriG, union dumps, projects.csv, the reports, the shapes,
what the writers add (the catalogue), build.json.

Every file is byte-stable: each graph comes as sorted, unique N-Triples lines
(``SortedTriples``), and our own writers stream Turtle, TriG and flattened JSON-LD from them in
that order (see ``dumps``). The whole folder is written beside the old one and swapped in at the
end: a failed publish leaves the previous dist/ as it was.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rdflib import Graph

from ...dist import FileHashes
from ...model import Anomaly
from ...rdf.iris import Iris
from ...rdf.namespaces import bind_prefixes
from ...rdf.ntriples import SortedTriples
from ...rdf.turtle import Prefixes
from .build_json import BuildSummary, write_build_json
from .csv_metadata import source_attributions, write_csv_metadata
from .dumps import PARALLEL_FROM, DumpWriter, check_blank_node_free
from .projects_csv import project_rows, write_projects_csv
from .projects_xlsx import write_projects_xlsx
from .reports import write_anomalies_csv
from .shapes import write_shapes
from .union import GraphUnion, lossless_store, run_blocks


class DistWriter(Protocol):
    """Something more that a build writes into dist/ from the union of its graphs (the
    catalogue, which describes the dumps: it needs them written first)."""

    def read(self, union: GraphUnion) -> Any:
        """What to write, read from the union: runs in publish's loader thread while the dumps
        are being written (reading the catalogue's facts there was measured to save time at
        scale)."""

    def write(self, facts: Any, staging: Path, hashes: FileHashes) -> Iterable[Path]:
        """The files, written into ``staging`` once every dump is there (``hashes``: their
        sizes and checksums, read once per build); returns their paths."""


@dataclass(frozen=True)
class Published:
    dist_dir: Path
    files: tuple[str, ...]
    triples_per_graph: dict[str, int]
    content_hash: str


def publish(
    dist_dir: Path,
    graphs: Mapping[str, SortedTriples | Graph],
    iris: Iris,
    validation_report: Graph,
    anomalies: Iterable[Anomaly],
    counts: Mapping[str, int],
    *,
    shapes: Graph | None = None,
    writers: Sequence[DistWriter] = (),
    prefixes: Mapping[str, str] | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> Published:
    """Write every dist/ file into a fresh folder, then swap it in for the old dist/.

    ``graphs`` are blank-node free (a ValueError otherwise); ``shapes``, the SHACL shapes the
    build validated with, become shapes.ttl; ``writers`` add their files after the dumps.
    ``prefixes`` (default: ours, ``namespaces.bind_prefixes``) are declared in the Turtle, TriG,
    JSON-LD and shapes. From ``parallel_from`` triples on, the validation report, TriG, Turtle
    and JSON-LD are written by two more processes (which read ``graphs`` from temporary files
    beside ``dist_dir``)."""
    sorted_graphs = {
        name: g if isinstance(g, SortedTriples) else SortedTriples.of(g, name)
        for name, g in graphs.items()
    }
    for name, triples in sorted_graphs.items():
        check_blank_node_free(name, triples)
    bound = Prefixes(_our_prefixes() if prefixes is None else prefixes)
    dist_dir = Path(dist_dir)
    dist_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dist-", dir=dist_dir.parent))
    try:
        triples, total, facts = _write_graph_files(
            staging, sorted_graphs, iris, bound, validation_report, shapes, writers, parallel_from
        )
        anomaly_rows = write_anomalies_csv(staging, anomalies)
        hashes = FileHashes()  # each file read once: by the writers, then for build.json
        for writer, read in zip(writers, facts, strict=True):
            writer.write(read, staging, hashes)
        summary = BuildSummary(tuple(sorted_graphs), triples, total, counts, anomaly_rows)
        files, content_hash = write_build_json(staging, summary, iris, hashes)
        _swap_in(staging, dist_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Published(
        dist_dir=dist_dir,
        files=tuple(files),
        triples_per_graph=triples,
        content_hash=content_hash,
    )


def _our_prefixes() -> dict[str, str]:
    bound = Graph(bind_namespaces="none")
    bind_prefixes(bound)
    return {p: str(ns) for p, ns in bound.namespaces() if p}


def _write_graph_files(
    staging: Path,
    graphs: Mapping[str, SortedTriples],
    iris: Iris,
    prefixes: Prefixes,
    validation_report: Graph,
    shapes: Graph | None,
    writers: Sequence[DistWriter],
    parallel_from: int,
) -> tuple[dict[str, int], int, list[Any]]:
    """The dumps, the validation report, projects.csv and the shapes, and what each writer
    reads from the union; returns the triples per graph, the union's triples and the writers'
    reads.

    The union's store fills from the graphs' runs in a thread, then the writers read it there:
    pyoxigraph parses, indexes and answers queries without the GIL, so this runs beside the
    N-Triples merge and the writing of the other dumps. A big build's Turtle and JSON-LD are
    written by the other processes while this one reads projects.csv and writes the shapes."""
    with contextlib.ExitStack() as stack:
        loader = stack.enter_context(ThreadPoolExecutor(1))
        union = loader.submit(_load_union, graphs, prefixes)
        reads = [loader.submit(_read_union, writer, union) for writer in writers]
        dumps = DumpWriter(staging, graphs, iris, prefixes, validation_report)
        dumps.start(stack, parallel_from)
        total = dumps.write_ntriples()
        dumps.write_derived()
        store = union.result().store
        assert store is not None
        kyodo = prefixes.prefixes["kyodo"]
        rows = project_rows(store, kyodo)
        attributions = source_attributions(store, kyodo)
        if shapes is not None:
            write_shapes(staging, shapes, prefixes.prefixes)
        facts = [read.result() for read in reads]
        triples = dumps.finish()
    write_projects_csv(staging, rows)
    write_csv_metadata(staging, iris, kyodo, attributions)
    write_projects_xlsx(staging, rows, attributions)
    return triples, total, facts


def _load_union(graphs: Mapping[str, SortedTriples], prefixes: Prefixes) -> GraphUnion:
    return GraphUnion.of_store(lossless_store(run_blocks(graphs.values())), prefixes)


def _read_union(writer: DistWriter, union: Future[GraphUnion]) -> Any:
    return writer.read(union.result())


def _swap_in(staging: Path, dist_dir: Path) -> None:
    old = None
    if dist_dir.exists():
        old = dist_dir.with_name(f".{dist_dir.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        dist_dir.rename(old)
    staging.rename(dist_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
