"""A small SPARQL tokenizer: enough to find keywords outside strings, IRIs and comments.

The public endpoint's guard reads a query's form, updates, SERVICE, LOAD and FROM with it; the
stores ask it whether a query names its own dataset. Syntax errors are left to the engine's
parser (its message is the better one).
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
    (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n]*)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040\u00c0-\uffff]+)
  | (?P<word>[A-Za-z_\u00c0-\uffff][\w\-.\u00b7\u00c0-\uffff]*(?::[\w\-.:%\\\u00c0-\uffff]*)?
        |:[\w\-.:%\\\u00c0-\uffff]*)
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


def sparql_tokens(query: str) -> list[tuple[str, str]]:
    """(kind, text) of each token, comments left out: kind is string, iri, var, word or other."""
    return [
        (m.lastgroup or "other", m.group())
        for m in _TOKEN.finditer(query)
        if m.lastgroup != "comment"
    ]


def has_from_clause(sparql: str) -> bool:
    """Whether a query names its own dataset (FROM / FROM NAMED)."""
    return any(kind == "word" and text.upper() == "FROM" for kind, text in sparql_tokens(sparql))
