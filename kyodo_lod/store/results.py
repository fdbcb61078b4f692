"""pyoxigraph answers as our plain results (``convert``), and those results written in the
SPARQL result formats (JSON, XML, CSV, TSV) and RDF formats the endpoint serves.

Every store's answers pass through here (the embedded workers' and the parsed HTTP answers of
a remote engine), so both look the same, byte for byte."""

from __future__ import annotations

import json
from collections.abc import Iterable
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


def _convert_solutions(result: Any, fmt: str | None, max_rows: int) -> QueryResult:
    variables = tuple(v.value for v in result.variables)
    rows: list[tuple[Term | None, ...]] = []
    truncated = False
    for solution in result:
        if len(rows) >= max_rows:
            truncated = True  # one row more than allowed proves the cut
            break
        rows.append(tuple(to_term(solution[i]) for i in range(len(variables))))
    if fmt is None:
        return SelectResult(variables, rows, truncated)
    body = write_select(variables, rows, fmt)
    return Serialized("select", fmt, body, len(rows), truncated)


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


def _json_term(term: Term) -> dict[str, str]:
    if term.kind == "uri":
        return {"type": "uri", "value": term.value}
    if term.kind == "bnode":
        return {"type": "bnode", "value": term.value}
    if term.kind == "triple":
        return {"type": "triple", "value": term.value}
    if term.lang:
        return {"type": "literal", "value": term.value, "xml:lang": term.lang}
    if term.datatype:
        return {"type": "literal", "value": term.value, "datatype": term.datatype}
    return {"type": "literal", "value": term.value}


def _xml_term(term: Term) -> str:
    if term.kind == "uri":
        return f"<uri>{xml_escape(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if term.lang:
        return f"<literal xml:lang={quoteattr(term.lang)}>{xml_escape(term.value)}</literal>"
    if term.datatype:
        dt = quoteattr(term.datatype)
        return f"<literal datatype={dt}>{xml_escape(term.value)}</literal>"
    return f"<literal>{xml_escape(term.value)}</literal>"


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    value = f"_:{term.value}" if term.kind == "bnode" else term.value
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _tsv_field(term: Term | None) -> str:
    return "" if term is None else term.n3()


def _select_json(variables: tuple[str, ...], rows: list[tuple[Term | None, ...]]) -> bytes:
    bindings = [
        {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
        for row in rows
    ]
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _select_xml(variables: tuple[str, ...], rows: list[tuple[Term | None, ...]]) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables))
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        for v, t in zip(variables, row, strict=True):
            if t is not None:
                out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode()


def write_select(
    variables: tuple[str, ...], rows: list[tuple[Term | None, ...]], fmt: str
) -> bytes:
    """SELECT rows in ``fmt`` (one of SELECT_FORMATS)."""
    if fmt == "json":
        return _select_json(variables, rows)
    if fmt == "xml":
        return _select_xml(variables, rows)
    if fmt == "csv":
        lines = [",".join(variables)]
        lines += [",".join(_csv_field(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join(_tsv_field(t) for t in row) for row in rows]
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
