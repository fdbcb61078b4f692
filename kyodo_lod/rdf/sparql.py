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
    return [(kind, text) for kind, text, _ in token_spans(query)]


def token_spans(query: str) -> list[tuple[str, str, tuple[int, int]]]:
    """(kind, text, (start, end)) of each token, comments left out (for rewriting a query)."""
    return [
        (m.lastgroup or "other", m.group(), m.span())
        for m in _TOKEN.finditer(query)
        if m.lastgroup != "comment"
    ]


def has_from_clause(sparql: str) -> bool:
    """Whether a query names its own dataset (FROM / FROM NAMED)."""
    if "from" not in sparql.lower():  # (no need to tokenize: most queries have none)
        return False
    return any(kind == "word" and text.upper() == "FROM" for kind, text in sparql_tokens(sparql))


def prologue(tokens: list[tuple[str, str]]) -> tuple[dict[str, str], int]:
    """The PREFIX declarations of a query's prologue, and where the query itself begins."""
    prefixes: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        upper = tokens[i][1].upper() if tokens[i][0] == "word" else ""
        if upper == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
            i += 3
        elif upper == "BASE" and i + 1 < len(tokens):
            i += 2
        else:
            break
    return prefixes, i


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (the first keyword after the prologue), else None."""
    tokens = sparql_tokens(sparql)
    _, start = prologue(tokens)
    if start < len(tokens) and tokens[start][0] == "word":
        form = tokens[start][1].upper()
        if form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return form
    return None


def dataset_clauses(sparql: str) -> tuple[list[str | None], list[str | None]]:
    """The IRIs a query's FROM and FROM NAMED clauses name (prefixed names resolved; None for
    one that does not resolve)."""
    tokens = sparql_tokens(sparql)
    prefixes, _ = prologue(tokens)

    def resolve(token: tuple[str, str]) -> str | None:
        kind, text = token
        if kind == "iri":
            return text[1:-1]
        prefix, colon, local = text.partition(":")
        return prefixes[prefix] + local if kind == "word" and colon and prefix in prefixes else None

    defaults: list[str | None] = []
    named: list[str | None] = []
    for j, (kind, text) in enumerate(tokens[:-1]):
        if kind != "word" or text.upper() != "FROM":
            continue
        if tokens[j + 1][1].upper() == "NAMED" and j + 2 < len(tokens):
            named.append(resolve(tokens[j + 2]))
        else:
            defaults.append(resolve(tokens[j + 1]))
    return defaults, named
