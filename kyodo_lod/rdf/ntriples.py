"""Graphs as sorted, unique N-Triples lines: the form every dump is written from.

A graph is kept as one or more sorted runs of lines (UTF-8 bytes, one run per worker batch),
merged when read; no rdflib graph is held. N-Triples lines sort the same as bytes and as str.
"""

from __future__ import annotations

import heapq
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_UNESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(["\\\'nrtbf]))')
_SIMPLE = {'"': '"', "\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def nt_term(term: object) -> str:
    """N-Triples form of a term. rdflib's n3() writes a literal with a line break as \"\"\"…\"\"\",
    which N-Triples does not allow (plan texts from CSV imports may have line breaks)."""
    if isinstance(term, Literal) and ("\n" in term or "\r" in term):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"')
        text = text.replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    return term.n3()  # type: ignore[attr-defined]


@dataclass
class SortedTriples:
    """A graph as sorted, unique N-Triples lines (each ending in " .\\n"), kept as one or more
    sorted runs (one per worker batch) that are merged when read: no rdflib graph is kept."""

    runs: list[bytes] = field(default_factory=list)  # UTF-8: half the size of a str here

    @classmethod
    def of(cls, graph: Graph | Iterable[tuple], name: str = "graph") -> SortedTriples:
        lines = set()
        written: dict[object, str] = {}  # terms repeat (predicates, classes, nodes): write once
        for s, p, o in graph:
            if isinstance(s, BNode) or isinstance(o, BNode):
                raise ValueError(f"graph {name} holds a blank node: {(s, p, o)}")
            parts = []
            for term in (s, p, o):
                text = written.get(term)
                if text is None:
                    text = written[term] = nt_term(term)
                parts.append(text)
            lines.add(" ".join(parts) + " .\n")
        # UTF-8 bytes sort in code point order, as the str lines do
        return cls(["".join(sorted(lines)).encode("utf-8")] if lines else [])

    def add(self, other: SortedTriples) -> None:
        self.runs.extend(other.runs)

    def lines(self) -> Iterator[str]:
        """Every line once, in sorted order."""
        # split on "\n" only (str.splitlines would also split on U+2028 in a literal)
        return unique_merged([text_lines(run) for run in self.runs])

    def __len__(self) -> int:
        return sum(1 for _ in self.lines())


def text_lines(run: bytes) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(run), encoding="utf-8", newline="\n")


def merged_lines(graphs: Iterable[SortedTriples]) -> Iterator[str]:
    """The union of several graphs' lines, sorted and unique."""
    return unique_merged([g.lines() for g in graphs])


def unique_merged(sources: list[Iterator[str]] | list[io.TextIOWrapper]) -> Iterator[str]:
    """Sorted sources merged into one sorted stream, each line once."""
    last = None
    for line in heapq.merge(*sources) if len(sources) != 1 else sources[0]:
        if line != last:
            yield line
            last = line


def split_line(line: str) -> tuple[str, str, str]:
    # IRIs hold no space and the graphs no blank node, so two splits find the three terms
    s, p, rest = line.split(" ", 2)
    return s, p, rest[:-3]  # drop " .\n"


def unescape(text: str) -> str:
    """The lexical form of an N-Triples string body."""
    if "\\" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        if match.group(3):
            return _SIMPLE[match.group(3)]
        return chr(int(match.group(1) or match.group(2), 16))

    return _UNESCAPE.sub(one, text)


def canonical_ntriples(graph: Graph) -> bytes:
    return "".join(SortedTriples.of(graph).lines()).encode("utf-8")
