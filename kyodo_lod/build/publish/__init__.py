"""Write dist/: the named graphs as TriG, union dumps, projects.csv, the reports, the shapes,
what the writers add (the catalogue), build.json.

Every file is byte-stable: each graph comes as sorted, unique N-Triples lines
(``SortedTriples``), and our own writers stream Turtle, TriG and flattened JSON-LD from them in
that order (see ``dumps``). Each build is written into a folder of its own and dist/, a symlink,
is switched to it at the end (``swap``): a failed or killed publish leaves the previous build
served, and a reader of dist/ always sees one complete build.
"""

from __future__ import annotations

import contextlib
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
from .swap import Staging, failure
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
    build_dir: Path | None = None  # the build's own folder, which dist_dir now links to


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
    """Write every dist/ file into a fresh folder, then switch dist/ to it.

    ``graphs`` are blank-node free (a ValueError otherwise); ``shapes``, the SHACL shapes the
    build validated with, become shapes.ttl; ``writers`` add their files after the dumps.
    ``prefixes`` (default: ours, ``namespaces.bind_prefixes``) are declared in the Turtle, TriG,
    JSON-LD and shapes. From ``parallel_from`` triples on, the validation report, TriG, Turtle
    and JSON-LD are written by two more processes (which read ``graphs`` from temporary files
    in the build's folder). A build that cannot be written (a full disk) raises
    ``PublishFailed``, one line naming the cause and the folder."""
    sorted_graphs = {
        name: g if isinstance(g, SortedTriples) else SortedTriples.of(g, name)
        for name, g in graphs.items()
    }
    for name, triples in sorted_graphs.items():
        check_blank_node_free(name, triples)
    bound = Prefixes(_our_prefixes() if prefixes is None else prefixes)
    dist_dir = Path(dist_dir)
    try:
        staging = Staging(dist_dir)
    except OSError as error:
        raise failure(error, dist_dir) from error
    try:
        folder = staging.path
        triples, total, facts = _write_graph_files(
            folder, sorted_graphs, iris, bound, validation_report, shapes, writers, parallel_from
        )
        anomaly_rows = write_anomalies_csv(folder, anomalies)
        hashes = FileHashes()  # each file read once: by the writers, then for build.json
        for writer, read in zip(writers, facts, strict=True):
            writer.write(read, folder, hashes)
        summary = BuildSummary(tuple(sorted_graphs), triples, total, counts, anomaly_rows)
        files, content_hash = write_build_json(folder, summary, iris, hashes)
        build_dir = staging.switch_in(content_hash[:16])
    except OSError as error:
        staging.discard()
        raise failure(error, dist_dir) from error
    except BaseException:
        staging.discard()
        raise
    return Published(
        dist_dir=dist_dir,
        files=tuple(files),
        triples_per_graph=triples,
        content_hash=content_hash,
        build_dir=build_dir,
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
