"""Virtuoso's dialect: what the remote store changes in a query, and adds to it, for Virtuoso
(Open Source 7.2, as Debian packages it), so that it answers as the embedded store does.

The rest of what sets Virtuoso apart is handled for every engine alike: the protocol client
(``http``) posts queries form-encoded, asks for RDF only for CONSTRUCT/DESCRIBE, maps its
``SR171 Transaction timed out`` to a timeout and refuses its flagged partial ("anytime")
answers; the remote store names its dataset in full, so its system graphs never show."""

from __future__ import annotations

from collections.abc import Sequence

from ..rdf.sparql import token_spans

# what only Virtuoso answers (a pragma before the query): how the store tells it apart
PROBE = 'define sql:describe-mode "CBD" ASK {}'
# Virtuoso's DESCRIBE gives a sample of both directions; CBD is what the embedded store gives
DESCRIBE_MODE = 'define sql:describe-mode "CBD" '


def rewrite(sparql: str, form: str | None, named_graphs: Sequence[str]) -> str:
    """``sparql`` as Virtuoso must be asked it: DESCRIBE in CBD mode, and ``GRAPH ?g { }``
    (which Virtuoso answers with no row, or one unbound row) as the named graphs it stands
    for (``named_graphs``: the query's dataset)."""
    tokens = token_spans(sparql)
    out: list[str] = []
    done = 0
    values = " ".join(f"<{g}>" for g in named_graphs)
    for i in range(len(tokens) - 3):
        kind, text, (start, _) = tokens[i]
        if kind != "word" or text.upper() != "GRAPH" or tokens[i + 1][0] != "var":
            continue
        if tokens[i + 2][1] != "{" or tokens[i + 3][1] != "}" or start < done:
            continue
        out += [sparql[done:start], f"VALUES {tokens[i + 1][1]} {{ {values} }}"]
        done = tokens[i + 3][2][1]
    rewritten = "".join([*out, sparql[done:]])
    return DESCRIBE_MODE + rewritten if form == "DESCRIBE" else rewritten


def timeout_params(timeout_s: float) -> list[tuple[str, str]]:
    """Virtuoso's own per-query limit (ms): it stops the query then and answers what it has,
    flagged (``http.exchange`` refuses that answer), so its work ends when we give up."""
    return [("timeout", str(max(1, int(timeout_s * 1000))))]
