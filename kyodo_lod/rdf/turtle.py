"""Turtle and TriG streamed from sorted N-Triples lines: a block per subject, predicates
joined by ";" and objects by ",", IRIs compacted with the bound prefixes.

rdflib's writers manage ~3k triples/s here and hold the whole graph several times over; these
stream, so a national build's dumps are written in minutes with flat memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol

from .iris import Iris
from .ntriples import RDF_TYPE

# A conservative PN_LOCAL (ASCII only, no escapes): anything else is written as a full <IRI>.
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?\Z")


class Prefixes:
    """Compact IRIs for the bound namespaces (the longest namespace wins)."""

    def __init__(self, prefixes: Mapping[str, str]):
        self.prefixes = dict(sorted(prefixes.items()))
        self.by_namespace = {ns: p for p, ns in self.prefixes.items()}
        self.cache: dict[str, str | None] = {}
        self.iri_terms: dict[str, str] = {}  # "<iri>" → its Turtle form: most terms repeat

    def compact(self, iri: str) -> str | None:
        """``prefix:local`` for a bare IRI, or None."""
        if iri in self.cache:
            return self.cache[iri]
        found = None
        for cut in sorted({iri.rfind("#"), iri.rfind("/")}, reverse=True):
            if cut < 0:
                continue
            prefix = self.by_namespace.get(iri[: cut + 1])
            local = iri[cut + 1 :]
            if prefix is not None and _LOCAL.match(local):
                found = f"{prefix}:{local}"
                break
        if len(self.cache) < 1_000_000:
            self.cache[iri] = found
        return found

    def turtle(self, term: str) -> str:
        """An N-Triples term as Turtle (the N-Triples literal syntax is valid Turtle)."""
        if term.startswith("<"):
            found = self.iri_terms.get(term)
            if found is None:
                found = self.compact(term[1:-1]) or term
                if len(self.iri_terms) < 1_000_000:
                    self.iri_terms[term] = found
            return found
        if term.endswith(">"):
            cut = term.rfind('"^^<')
            compact = self.compact(term[cut + 4 : -1])
            if compact:
                return f"{term[: cut + 3]}{compact}"
        return term


def turtle_lines(lines: Iterable[str], prefixes: Prefixes, indent: str = "") -> Iterator[str]:
    """Turtle statements for sorted N-Triples lines: a block per subject, predicates joined by
    ";" and objects by ","."""
    subject = predicate = None
    turtle = prefixes.turtle
    # the Turtle of predicates and short objects, by their N-Triples (most of them repeat)
    verbs: dict[str, str] = {}
    objects: dict[str, str] = {}
    for line in lines:
        s, p, o = line.split(" ", 2)  # split_line, inlined: this loop runs per triple
        obj = objects.get(o)
        if obj is None:
            obj = turtle(o[:-3])
            if len(o) <= 123 and len(objects) < 1_000_000:
                objects[o] = obj
        if s != subject:
            if subject is not None:
                yield " .\n\n"
            subject, predicate = s, p
            verb = verbs.get(p) or verbs.setdefault(p, _predicate(p, prefixes))
            yield f"{indent}{turtle(s)}\n{indent}    {verb} {obj}"
        elif p != predicate:
            predicate = p
            verb = verbs.get(p) or verbs.setdefault(p, _predicate(p, prefixes))
            yield f" ;\n{indent}    {verb} {obj}"
        else:
            yield f",\n{indent}        {obj}"
    if subject is not None:
        yield " .\n"


def _predicate(p: str, prefixes: Prefixes) -> str:
    return "a" if p == RDF_TYPE else prefixes.turtle(p)


def prefix_lines(prefixes: Prefixes) -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.prefixes.items())


def turtle_chunks(lines: Iterable[str], prefixes: Prefixes) -> Iterator[str]:
    yield prefix_lines(prefixes)
    yield "\n"
    yield from turtle_lines(lines, prefixes)


class SortedLines(Protocol):
    """Anything that hands out a graph's sorted N-Triples lines (a ``SortedTriples``, or the
    same runs kept in files)."""

    def lines(self) -> Iterator[str]: ...


def trig_chunks(
    graphs: Mapping[str, SortedLines],
    iris: Iris,
    prefixes: Prefixes,
    counts: dict[str, int] | None = None,
) -> Iterator[str]:
    """TriG with one block per named graph, in name order, each as sorted Turtle. ``counts``,
    if given, gets each graph's triple count (saves a second pass over every graph)."""
    yield prefix_lines(prefixes)
    for name in sorted(graphs):
        yield f"\n<{iris.graph(name)}> {{\n"
        lines = _Counted(graphs[name].lines())
        yield from turtle_lines(lines, prefixes, indent="    ")
        yield "}\n"
        if counts is not None:
            counts[name] = lines.count


class _Counted:
    """An iterator of lines that counts what it hands out."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            self.count += 1
            yield line
