"""Parsing any RDF file for validation, format by extension; TriG and N-Quads as the union of
their graphs. A parse error is a ``SourceError`` naming file, line and column where the parser
knows them (and the line, where a line-based parser does not say)."""

from __future__ import annotations

import json
import warnings
import xml.sax
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.graph import ConjunctiveGraph
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.util import guess_format

from ...errors import Location, Problem, SourceError

DATASET_FORMATS = frozenset({"trig", "nquads"})


def parse_rdf_file(path: Path) -> Graph:
    """The graph of an RDF file (a dataset's union of graphs)."""
    fmt = guess_format(str(path))
    if fmt is None:
        raise SourceError(
            Problem(Location(str(path)), "unknown RDF format (by extension)", path.suffix)
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(Problem(Location(str(path)), f"cannot read: {exc.strerror}")) from exc
    text = _utf8_text(path, data)
    try:
        if fmt in DATASET_FORMATS:
            # rdflib 7.6's Dataset.parse calls its own deprecated API (default_context)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                dataset = Dataset()
                dataset.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
                return union_graph(dataset)
        graph = Graph()
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
        return graph
    except Exception as exc:  # each rdflib parser raises its own types; report them alike
        raise SourceError(_parse_problem(path, fmt, text, exc)) from exc


def union_graph(dataset: ConjunctiveGraph) -> Graph:
    """The triples of every graph of ``dataset`` in one graph, with its prefixes."""
    union = Graph()
    for prefix, namespace in dataset.namespaces():
        union.bind(prefix, namespace, override=True, replace=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _utf8_text(path: Path, data: bytes) -> str:
    """The file's text; bytes that are not UTF-8 are a ``SourceError`` naming their line and
    column (RDF is UTF-8; a UTF-16 file, as some Windows editors save, is named as such)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        what = "UTF-16 text: save it as UTF-8" if utf16 else "not UTF-8 text"
        bad = data[exc.start : exc.end].hex()
        raise SourceError(Problem(Location(str(path), line, column), what, f"bytes {bad}")) from exc


def _parse_problem(path: Path, fmt: str, text: str, exc: Exception) -> Problem:
    """The parse error with a 1-based line (and column where the parser knows it)."""
    where = str(path)
    if isinstance(exc, BadSyntax):  # Turtle, TriG, N3
        source = exc._str if isinstance(exc._str, bytes) else str(exc._str).encode("utf-8")
        # the line from the offset: rdflib's own count is off in TriG (a line too many)
        line = source.count(b"\n", 0, exc._i) + 1
        line_start = source.rfind(b"\n", 0, exc._i) + 1
        column = len(source[line_start : exc._i].decode("utf-8", "replace")) + 1
        return Problem(Location(where, line, column), f"{fmt}: {exc._why}")
    if isinstance(exc, xml.sax.SAXParseException):  # RDF/XML; expat columns are 0-based
        return Problem(
            Location(where, exc.getLineNumber(), exc.getColumnNumber() + 1),
            f"{fmt}: {exc.getMessage()}",
        )
    if isinstance(exc, json.JSONDecodeError):  # JSON-LD
        return Problem(Location(where, exc.lineno, exc.colno), f"{fmt}: {exc.msg}")
    if fmt in {"nt", "nquads"}:  # line-based parsers do not say which line: find it
        line = _first_bad_line(text, fmt)
        return Problem(Location(where, line), f"{fmt}: {exc}")
    return Problem(Location(where), f"{fmt}: {exc}")


def _first_bad_line(text: str, fmt: str) -> int | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Dataset.parse, as above
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                (Dataset() if fmt == "nquads" else Graph()).parse(data=line, format=fmt)
            except Exception:
                return number
    return None
