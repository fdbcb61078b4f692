"""The RDF dumps, streamed from the graphs' sorted N-Triples lines (``SortedTriples``): the TriG
from the graphs, the N-Triples from their merge (the union), Turtle and JSON-LD from the
N-Triples file. No graph is ever held in rdflib here (rdflib's writers manage ~3k triples/s and
hold the whole union several times over).

A big build writes the validation report and the TriG (from the graphs) in a second process
while this one merges the N-Triples, then Turtle and JSON-LD (from the N-Triples) in two while
this one reads projects.csv and the catalogue's facts from the store. The files are the same
either way.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ...dist import JSONLD, NTRIPLES, TRIG, TURTLE
from ...rdf.iris import Iris
from ...rdf.jsonld import jsonld_chunks
from ...rdf.ntriples import SortedTriples, merged_lines, split_line, text_lines, unique_merged
from ...rdf.turtle import Prefixes, trig_chunks, turtle_chunks
from .reports import write_validation_report

PARALLEL_FROM = 200_000  # below this a second process costs more than it saves


def check_blank_node_free(name: str, graph: SortedTriples) -> None:
    """A ValueError naming the first line of ``graph`` that holds a blank node."""
    for run in graph.runs:
        if run.startswith(b"_:") or b"\n_:" in run or b" _:" in run:
            for line in text_lines(run):
                s, _, o = split_line(line)
                if s.startswith("_:") or o.startswith("_:"):
                    raise ValueError(f"graph {name} holds a blank node: {line.strip()}")


def write_text(path: Path, chunks: Iterable[str]) -> None:
    """``chunks`` into ``path`` (UTF-8, "\\n"), a few thousand at a time."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        buffer: list[str] = []
        for chunk in chunks:
            buffer.append(chunk)
            if len(buffer) >= 4096:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))


class DumpWriter:
    """Writes the dumps of one publish into ``staging``: ``start``, ``write_ntriples``,
    ``write_derived``, then ``finish`` (which waits for the other processes, if any)."""

    def __init__(
        self,
        staging: Path,
        graphs: Mapping[str, SortedTriples],
        iris: Iris,
        prefixes: Prefixes,
        validation_report: Graph,
    ) -> None:
        self.staging = staging
        self.graphs = graphs
        self.iris = iris
        self.prefixes = prefixes.prefixes
        self.validation_report = validation_report
        self.pool: ProcessPoolExecutor | None = None
        self.trig_job: Future[dict[str, int]] | None = None
        self.derived_jobs: list[Future[None]] = []
        self.triples: dict[str, int] = {}

    def start(self, stack: contextlib.ExitStack, parallel_from: int = PARALLEL_FROM) -> None:
        """From ``parallel_from`` triples on, start two processes (closed with ``stack``) and
        hand the report and the TriG to one of them."""
        # an upper bound of the union's size (a line shared by two runs counts twice)
        lines = sum(run.count(b"\n") for g in self.graphs.values() for run in g.runs)
        if lines < parallel_from:
            return
        # the graphs go as files (removed once the process is done), not pickled; inside the
        # staging folder, so that a killed build's are removed with it
        runs = Path(tempfile.mkdtemp(prefix=".runs-", dir=self.staging))
        stack.callback(shutil.rmtree, runs, ignore_errors=True)
        on_disk = {
            name: _RunFiles.write(self.graphs[name], runs / str(i))
            for i, name in enumerate(sorted(self.graphs))
        }
        context = multiprocessing.get_context("forkserver")
        self.pool = stack.enter_context(ProcessPoolExecutor(2, mp_context=context))
        self.trig_job = self.pool.submit(
            _write_report_and_trig,
            self.staging,
            on_disk,
            self.iris,
            self.prefixes,
            self.validation_report,
        )

    def write_ntriples(self) -> int:
        """kyodo-lod.nt, the union, in this process; returns its number of triples."""
        total = 0

        def counted(lines: Iterable[str]) -> Iterator[str]:
            nonlocal total
            for line in lines:
                total += 1
                yield line

        merged = merged_lines(self.graphs[name] for name in sorted(self.graphs))
        write_text(self.staging / NTRIPLES, counted(merged))
        return total

    def write_derived(self) -> None:
        """Once kyodo-lod.nt is written: Turtle and JSON-LD from it (handed to the processes
        when there are some; else the report and TriG too, here)."""
        if self.pool is not None:
            self.derived_jobs = [
                self.pool.submit(_write_from_ntriples, self.staging, name, self.prefixes)
                for name in (JSONLD, TURTLE)
            ]
            return
        self.triples = _write_report_and_trig(
            self.staging, self.graphs, self.iris, self.prefixes, self.validation_report
        )
        for name in (TURTLE, JSONLD):
            _write_from_ntriples(self.staging, name, self.prefixes)

    def finish(self) -> dict[str, int]:
        """The triples per graph (as the TriG counted them); raises what a writer raised."""
        if self.trig_job is not None:
            self.triples = self.trig_job.result()
        for job in self.derived_jobs:
            job.result()
        return self.triples


@dataclass
class _RunFiles:
    """A ``SortedTriples`` whose runs were written to files: what the second process gets
    instead of a pickled copy of every graph (a national build's runs are GBs)."""

    paths: list[Path]

    @classmethod
    def write(cls, graph: SortedTriples, folder: Path) -> _RunFiles:
        folder.mkdir(parents=True)
        paths = [folder / f"{i}.nt" for i in range(len(graph.runs))]
        for path, run in zip(paths, graph.runs, strict=True):
            path.write_bytes(run)
        return cls(paths)

    def lines(self) -> Iterator[str]:
        """Every line once, in sorted order (as ``SortedTriples.lines``)."""
        with contextlib.ExitStack() as stack:
            sources = [
                stack.enter_context(path.open(encoding="utf-8", newline="\n"))
                for path in self.paths
            ]
            yield from unique_merged(sources)


def _write_report_and_trig(
    staging: Path,
    graphs: Mapping[str, SortedTriples] | Mapping[str, _RunFiles],
    iris: Iris,
    prefixes: dict[str, str],
    validation_report: Graph,
) -> dict[str, int]:
    """The validation report and the TriG (from the graphs); returns the triples per graph."""
    write_validation_report(staging, validation_report)
    triples: dict[str, int] = {}
    write_text(staging / TRIG, trig_chunks(graphs, iris, Prefixes(prefixes), triples))
    return {name: triples[name] for name in sorted(graphs)}


def _write_from_ntriples(staging: Path, name: str, prefixes: dict[str, str]) -> None:
    """kyodo-lod.ttl or kyodo-lod.jsonld from kyodo-lod.nt (sorted), a line at a time."""
    chunks = {TURTLE: turtle_chunks, JSONLD: jsonld_chunks}[name]
    with (staging / NTRIPLES).open(encoding="utf-8", newline="\n") as lines:
        write_text(staging / name, chunks(lines, Prefixes(prefixes)))
