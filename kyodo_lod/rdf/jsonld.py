"""Flattened JSON-LD streamed from sorted N-Triples lines: the prefixes as ``@context``, one
node object per subject, keys and values in the lines' order (byte-stable)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from .ntriples import RDF_TYPE, unescape
from .turtle import Prefixes

# JSON text of a str exactly as json.dumps(..., ensure_ascii=False) writes it (in C); the
# JSON-LD writer assembles its node objects from such texts ("key": value, ", " between)
_json_string = json.encoder.encode_basestring


def jsonld_value(term: str, prefixes: Prefixes) -> str:
    """The JSON text of an N-Triples object as a JSON-LD value: ``{"@id": …}`` for an IRI,
    a string for a plain literal, ``{"@language"|"@type": …, "@value": …}`` for the others."""
    if term.startswith("<"):
        iri = term[1:-1]
        return f'{{"@id": {_json_string(prefixes.compact(iri) or iri)}}}'
    close = term.rfind('"')
    value = _json_string(unescape(term[1:close]))
    tail = term[close + 1 :]
    if tail.startswith("@"):
        return f'{{"@language": {_json_string(tail[1:])}, "@value": {value}}}'
    if tail.startswith("^^<"):
        iri = tail[3:-1]
        return f'{{"@type": {_json_string(prefixes.compact(iri) or iri)}, "@value": {value}}}'
    return value


def jsonld_chunks(lines: Iterable[str], prefixes: Prefixes) -> Iterator[str]:
    """Flattened JSON-LD: the prefixes as @context, one node object per subject (a line each),
    keys and values in the sorted order of the N-Triples lines."""
    context = json.dumps(prefixes.prefixes, ensure_ascii=False, sort_keys=True)
    yield f'{{\n  "@context": {context},\n  "@graph": [\n'
    # a node as JSON texts: "@id" first, then each key (in the order met) with its values;
    # the texts of predicates, classes and short objects are kept: they repeat (9 in 10
    # literals of a build are codes, years, numbers, labels met before)
    node: dict[str, list[str]] = {}
    node_id = subject = None
    separator = ""
    keys: dict[str, str] = {}
    types: dict[str, str] = {}
    objects: dict[str, str] = {}
    type_key = _json_string("@type")
    for line in lines:
        s, p, o = line.split(" ", 2)  # split_line, inlined: this loop runs per triple
        o = o[:-3]
        if s != subject:
            if node_id is not None:
                yield _jsonld_node(separator, node_id, node)
                separator = ",\n"
                node = {}
            subject = s
            node_id = _json_string(prefixes.compact(s[1:-1]) or s[1:-1])
        if p == RDF_TYPE and o.startswith("<"):
            key = type_key
            value = types.get(o)
            if value is None:
                value = types[o] = _json_string(prefixes.compact(o[1:-1]) or o[1:-1])
        else:
            key = keys.get(p)
            if key is None:
                key = keys[p] = _json_string(prefixes.compact(p[1:-1]) or p[1:-1])
            value = objects.get(o)
            if value is None:
                value = jsonld_value(o, prefixes)
                if len(o) <= 120 and len(objects) < 1_000_000:
                    objects[o] = value
        found = node.get(key)
        if found is None:
            node[key] = [value]
        else:
            found.append(value)
    if node_id is not None:
        yield _jsonld_node(separator, node_id, node)
    yield "\n  ]\n}\n"


def _jsonld_node(separator: str, node_id: str, node: dict[str, list[str]]) -> str:
    members = "".join(f", {key}: [{', '.join(found)}]" for key, found in node.items())
    return f'{separator}    {{"@id": {node_id}{members}}}'
