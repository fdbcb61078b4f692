"""Virtuoso's dialect: what the remote store changes in a query, and adds to it, for Virtuoso
(Open Source 7.2, as Debian packages it), so that it answers as the embedded store does.

The rest of what sets Virtuoso apart is handled for every engine alike: the protocol client
(``http``) posts queries form-encoded, asks for RDF only for CONSTRUCT/DESCRIBE, maps its
``SR171 Transaction timed out`` to a timeout and refuses its flagged partial ("anytime")
answers; the remote store names its dataset in full, so its system graphs never show."""

from __future__ import annotations

from collections.abc import Sequence

from ..rdf.sparql import prologue, sparql_tokens, token_spans
from .base import QuerySyntaxError

# Virtuoso's own functions (bif:file_to_string, sql:...) and the prefixes it declares by itself
BUILTIN_SCHEMES = ("bif:", "sql:")


def check(sparql: str) -> None:
    """Refuse (400) what only Virtuoso would run: a query that is not a SPARQL query form (a
    ``define`` pragma, which can switch on its crawler), its built-in functions, and prefixed
    names whose prefix the query does not declare (Virtuoso declares dozens; the embedded store
    none, and answers 400)."""
    tokens = sparql_tokens(sparql)
    prefixes, start = prologue(tokens)
    if start < len(tokens) and tokens[start][1].upper() not in FORMS:
        raise QuerySyntaxError(
            f"not a SPARQL query: {tokens[start][1]!r} where SELECT, ASK, CONSTRUCT or DESCRIBE "
            "should be"
        )
    for kind, text in tokens[start:]:
        if kind == "iri":
            iri = text[1:-1]
        elif kind == "word" and ":" in text and not text.startswith("_:"):
            prefix, _, local = text.partition(":")
            if prefix not in prefixes:
                raise QuerySyntaxError(f"prefix {prefix}: is not declared (PREFIX {prefix}: <…>)")
            iri = prefixes[prefix] + local
        else:
            continue
        if iri.startswith(BUILTIN_SCHEMES):
            raise QuerySyntaxError(f"<{iri}>: the engine's own functions are not served")


FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# what only Virtuoso answers (a pragma before the query): how the store tells it apart
PROBE = 'define sql:describe-mode "CBD" ASK {}'
# Virtuoso's DESCRIBE gives a sample of both directions; CBD is what the embedded store gives
DESCRIBE_MODE = 'define sql:describe-mode "CBD" '


def rewrite(
    sparql: str, form: str | None, named_graphs: Sequence[str], max_rows: int | None = None
) -> str:
    """``sparql`` as Virtuoso must be asked it: DESCRIBE in CBD mode, ``GRAPH ?g { }`` (which
    Virtuoso answers with no row, or one unbound row) as the named graphs it stands for
    (``named_graphs``: the query's dataset), and a SELECT without LIMIT, VALUES or ORDER BY to
    ``max_rows`` + 1 rows (one more proves our cut). Virtuoso computes the whole answer, up to
    its ResultSetMaxRows, before it sends a byte: 4 s for 12,000 rows here, of which we read
    the first 51)."""
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
    words = {text.upper() for kind, text, _ in tokens if kind == "word"}
    # (not with ORDER BY: a sorted LIMIT above MaxSortedTopRows, 10,000 by default, is an error)
    if form == "SELECT" and max_rows is not None and not words & {"LIMIT", "VALUES", "ORDER"}:
        # (a newline: the query may end in a comment)
        rewritten += f"\nLIMIT {max_rows + 1}"
    return DESCRIBE_MODE + rewritten if form == "DESCRIBE" else rewritten


def timeout_params(timeout_s: float) -> list[tuple[str, str]]:
    """Virtuoso's own per-query limit (ms): it stops the query then and answers what it has,
    flagged (``http.exchange`` refuses that answer), so its work ends when we give up."""
    return [("timeout", str(max(1, int(timeout_s * 1000))))]
