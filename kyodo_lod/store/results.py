"""pyoxigraph answers as our plain results (``convert``), and those results written in the
SPARQL result formats (JSON, XML, CSV, TSV) and RDF formats the endpoint serves.

Every store's answers pass through here (the embedded workers' and the parsed HTTP answers of
a remote engine), so both look the same, byte for byte."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring as _json_string  # json.dumps's own escapes
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from rdflib.namespace import XSD

from ..rdf.namespaces import DATA_PREFIXES, prefixes
from .base import AskResult, GraphResult, QueryResult, SelectResult, Serialized, Term

XSD_STRING = str(XSD.string)

# result formats a store can serialise to (the keys of kyodo_lod.web.conneg's formats)
SELECT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "rdf")

# what served Turtle and RDF/XML may declare (those in use)
PREFIXES = prefixes((*DATA_PREFIXES, "sd"))


def to_term(node: Any) -> Term | None:
    """A pyoxigraph term as a ``Term`` (None stays None: an unbound variable)."""
    import pyoxigraph as ox

    if node is None:
        return None
    kind = type(node)
    if kind is ox.NamedNode:
        return Term("uri", node.value)
    if kind is ox.Literal:
        lang = node.language
        if lang:
            return Term("literal", node.value, None, lang)
        dt = node.datatype.value
        return Term("literal", node.value, None if dt == XSD_STRING else dt, None)
    if kind is ox.BlankNode:
        return Term("bnode", node.value)
    return Term("triple", str(node))


def convert(result: Any, fmt: str | None, max_rows: int) -> QueryResult:
    """A pyoxigraph answer (from the embedded store or parsed from an HTTP response) as our
    plain result, or serialised in ``fmt``; rows past ``max_rows`` are cut and flagged."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean | bool):
        value = bool(result)
        if fmt is None:
            return AskResult(value)
        return Serialized("ask", fmt, write_ask(value, fmt), 1)
    if isinstance(result, ox.QuerySolutions):
        return _convert_solutions(result, fmt, max_rows)
    triples = []
    truncated = False
    for triple in result:
        if len(triples) >= max_rows:
            truncated = True
            break
        # a parsed N-Triples answer yields quads (in the default graph): keep the triple
        triples.append(triple.triple if isinstance(triple, ox.Quad) else triple)
    if fmt is None:
        # a document repeats its subject and properties in most triples: convert each term once
        terms: dict[Any, Term | None] = {}

        def term(node: Any) -> Term | None:
            found = terms.get(node)
            if found is None:
                found = terms[node] = to_term(node)
            return found

        graph = [(term(t.subject), term(t.predicate), term(t.object)) for t in triples]
        return GraphResult(graph, truncated)  # type: ignore[arg-type]
    return Serialized("graph", fmt, write_graph(triples, fmt), len(triples), truncated)


# a native JSON answer past this many bytes a row allowed is given up for the row-by-row
# writer, which stops at the row cap: a huge answer is never held whole
NATIVE_JSON_BYTES_PER_ROW = 512


class _OverCap(Exception):
    """pyoxigraph's writer went past the bytes a native answer may take."""


class _CappedBuffer:
    """Where pyoxigraph writes an answer: its chunks, up to ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.chunks: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, chunk: bytes) -> int:
        self.size += len(chunk)
        if self.size > self.limit:
            raise _OverCap
        self.chunks.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        pass


def select_json(run: Callable[[], Any], max_rows: int) -> QueryResult:
    """The answer of ``run()`` (a pyoxigraph query) in SPARQL JSON, written by pyoxigraph itself
    when it is SELECT rows (many times faster than row by row in Python), else as ``convert``.

    The rows are counted (and cut past ``max_rows``) by reading the JSON back. An answer larger
    than ``max_rows`` × NATIVE_JSON_BYTES_PER_ROW bytes is given up and ``run()`` again row by
    row (``convert``), which stops at the cap; the bytes are the same either way."""
    import pyoxigraph as ox

    result = run()
    if not isinstance(result, ox.QuerySolutions):
        return convert(result, "json", max_rows)
    buffer = _CappedBuffer(max(1, max_rows) * NATIVE_JSON_BYTES_PER_ROW)
    try:
        result.serialize(buffer, format=ox.QueryResultsFormat.JSON)
    except _OverCap:
        return convert(run(), "json", max_rows)
    body = b"".join(buffer.chunks)
    answer = json.loads(body)
    rows = answer["results"]["bindings"]
    if len(rows) <= max_rows:
        return Serialized("select", "json", body, len(rows))
    del rows[max_rows:]
    body = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
    return Serialized("select", "json", body, max_rows, True)


def _convert_solutions(result: Any, fmt: str | None, max_rows: int) -> QueryResult:
    variables = tuple(v.value for v in result.variables)
    solutions = []
    truncated = False
    for solution in result:
        if len(solutions) >= max_rows:
            truncated = True  # one row more than allowed proves the cut
            break
        solutions.append(solution)
    if fmt is None:
        width = range(len(variables))
        rows = [tuple(to_term(solution[i]) for i in width) for solution in solutions]
        return SelectResult(variables, rows, truncated)
    body = write_solutions(variables, solutions, fmt)
    return Serialized("select", fmt, body, len(solutions), truncated)


# ---------------------------------------------------------------- RDF (CONSTRUCT, DESCRIBE)


def write_graph(triples: list[Any], fmt: str) -> bytes:
    """pyoxigraph triples in ``fmt`` (one of GRAPH_FORMATS), sorted."""
    import pyoxigraph as ox

    formats = {
        "ttl": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdf": ox.RdfFormat.RDF_XML,
    }
    if fmt not in formats:
        raise ValueError(f"cannot write a graph as {fmt!r}")
    # sorted: the same question gives the same bytes
    triples = sorted(triples, key=str)
    kwargs: dict[str, Any] = {}
    if fmt in ("ttl", "rdf"):
        kwargs["prefixes"] = _prefixes_in_use(triples)
    return ox.serialize(triples, format=formats[fmt], **kwargs) or b""


def _prefixes_in_use(triples: Iterable[Any]) -> dict[str, str]:
    seen = str(triples)
    return {p: ns for p, ns in PREFIXES.items() if ns in seen}


# ---------------------------------------------------------------- SPARQL results (SELECT, ASK)


# Written straight from pyoxigraph's terms, each distinct term once per answer (an answer
# repeats its predicates and classes): building plain terms, then dicts for json.dumps, took
# longer than many queries themselves.


def _json_cell(node: Any) -> str:
    import pyoxigraph as ox

    kind = type(node)
    if kind is ox.NamedNode:
        return '{"type":"uri","value":' + _json_string(node.value) + "}"
    if kind is ox.Literal:
        value = '{"type":"literal","value":' + _json_string(node.value)
        lang = node.language
        if lang:
            return value + ',"xml:lang":' + _json_string(lang) + "}"
        datatype = node.datatype.value
        if datatype == XSD_STRING:
            return value + "}"
        return value + ',"datatype":' + _json_string(datatype) + "}"
    if kind is ox.BlankNode:
        return '{"type":"bnode","value":' + _json_string(node.value) + "}"
    # a triple term as SPARQL 1.2 writes it (and pyoxigraph's own writer, select_json)
    return (
        '{"type":"triple","value":{"subject":'
        + _json_cell(node.subject)
        + ',"predicate":'
        + _json_cell(node.predicate)
        + ',"object":'
        + _json_cell(node.object)
        + "}}"
    )


def _xml_cell(node: Any) -> str:
    import pyoxigraph as ox

    kind = type(node)
    if kind is ox.NamedNode:
        return f"<uri>{xml_escape(node.value)}</uri>"
    if kind is ox.BlankNode:
        return f"<bnode>{xml_escape(node.value)}</bnode>"
    if kind is ox.Literal:
        lang = node.language
        if lang:
            return f"<literal xml:lang={quoteattr(lang)}>{xml_escape(node.value)}</literal>"
        datatype = node.datatype.value
        if datatype != XSD_STRING:
            dt = quoteattr(datatype)
            return f"<literal datatype={dt}>{xml_escape(node.value)}</literal>"
        return f"<literal>{xml_escape(node.value)}</literal>"
    return f"<literal>{xml_escape(str(node))}</literal>"  # a triple term


def _csv_cell(node: Any) -> str:
    import pyoxigraph as ox

    kind = type(node)
    if kind is ox.BlankNode:
        value = f"_:{node.value}"
    elif kind is ox.NamedNode or kind is ox.Literal:
        value = node.value
    else:
        value = str(node)  # a triple term
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _tsv_cell(node: Any) -> str:
    term = to_term(node)
    assert term is not None
    return term.n3()


def _cells(solutions: list[Any], width: int, cell: Callable[[Any], str]) -> Iterator[list[str]]:
    """Each solution as the cells ``cell`` writes ("" for an unbound variable)."""
    written: dict[Any, str] = {}
    positions = range(width)
    for solution in solutions:
        row = []
        for i in positions:
            node = solution[i]
            if node is None:
                row.append("")
                continue
            text = written.get(node)
            if text is None:
                text = written[node] = cell(node)
            row.append(text)
        yield row


def write_solutions(variables: tuple[str, ...], solutions: list[Any], fmt: str) -> bytes:
    """pyoxigraph SELECT solutions in ``fmt`` (one of SELECT_FORMATS)."""
    width = len(variables)
    if fmt == "json":
        names = [_json_string(v) + ":" for v in variables]
        bindings = ",".join(
            "{" + ",".join(names[i] + text for i, text in enumerate(row) if text) + "}"
            for row in _cells(solutions, width, _json_cell)
        )
        head = ",".join(_json_string(v) for v in variables)
        return f'{{"head":{{"vars":[{head}]}},"results":{{"bindings":[{bindings}]}}}}'.encode()
    if fmt == "xml":
        names = [f"<binding name={quoteattr(v)}>" for v in variables]
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables))
        out.append("</head><results>")
        for row in _cells(solutions, width, _xml_cell):
            out.append("<result>")
            out += [names[i] + text + "</binding>" for i, text in enumerate(row) if text]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode()
    if fmt == "csv":
        lines = [",".join(variables)]
        lines += [",".join(row) for row in _cells(solutions, width, _csv_cell)]
        return ("\r\n".join(lines) + "\r\n").encode()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join(row) for row in _cells(solutions, width, _tsv_cell)]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"cannot write SELECT results as {fmt!r}")


def write_ask(value: bool, fmt: str) -> bytes:
    """An ASK answer in ``fmt`` (one of SELECT_FORMATS)."""
    text = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{text}</boolean></sparql>\n"
        ).encode()
    if fmt in ("csv", "tsv"):
        return f"_askResult\n{text}\n".encode()
    raise ValueError(f"cannot write an ASK result as {fmt!r}")
