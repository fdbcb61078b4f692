"""What a public endpoint refuses before a query reaches the store.

The SPARQL tokenizer (``rdf.sparql``: strings, IRIs and comments are whole tokens, so a keyword
inside a literal or an IRI never counts) finds updates, ``SERVICE``, ``LOAD`` and ``FROM``
clauses. The server never fetches a URL on a user's behalf: remote IRIs are allowed only when
``remote_allowlist`` names their prefix.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from ..rdf.sparql import sparql_tokens

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


class TooComplex(Exception):
    """The query is refused as malformed before it reaches the store (400)."""


class Refused(Exception):
    """The query asks for something a read-only public endpoint does not do (403)."""


@dataclass(frozen=True)
class Checked:
    form: str  # SELECT, CONSTRUCT, ASK or DESCRIBE
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()


# queries up to this many characters are remembered once checked (bounded memory: the same
# queries come back from the apps and dashboards that send them, and tokenizing one cost a
# fifth of the endpoint's own work)
REMEMBERED_QUERY_CHARS = 8192


def check_query(
    query: str,
    local_prefixes: Sequence[str],
    allowlist: Sequence[str],
    max_nesting: int = 100,
) -> Checked:
    """Raise ``Refused`` for updates, SERVICE/LOAD and FROM of IRIs outside ``local_prefixes``
    and ``allowlist``, and ``TooComplex`` for brackets nested deeper than ``max_nesting``;
    return the query form and its FROM graphs otherwise. Syntax errors are left to the store's
    parser (its message is the better one)."""
    if len(query) <= REMEMBERED_QUERY_CHARS:
        return _check_remembered(query, tuple(local_prefixes), tuple(allowlist), max_nesting)
    return _check(query, local_prefixes, allowlist, max_nesting)


@functools.lru_cache(maxsize=512)
def _check_remembered(
    query: str, local_prefixes: tuple[str, ...], allowlist: tuple[str, ...], max_nesting: int
) -> Checked:
    return _check(query, local_prefixes, allowlist, max_nesting)


def _check(
    query: str, local_prefixes: Sequence[str], allowlist: Sequence[str], max_nesting: int
) -> Checked:
    tokens = sparql_tokens(query)
    depth = nesting_depth(tokens)
    if depth > max_nesting:
        raise TooComplex(
            f"the query nests {{ ( [ {depth} levels deep; this endpoint allows at most "
            f"{max_nesting} (KYODO_MAX_QUERY_NESTING)"
        )
    prefixes: dict[str, str] = {}
    form = ""
    i = 0
    # the prologue: BASE and PREFIX declarations
    while i < len(tokens):
        kind, text = tokens[i]
        upper = text.upper()
        if kind == "word" and upper == "PREFIX" and i + 2 < len(tokens):
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
            i += 3
        elif kind == "word" and upper == "BASE" and i + 1 < len(tokens):
            i += 2
        else:
            break
    if i < len(tokens):
        first = tokens[i][1].upper()
        if first in UPDATE_KEYWORDS:
            raise Refused(
                "this endpoint is read-only: SPARQL Update "
                f"({first}) is not accepted; download the dumps to change the data locally"
            )
        form = first
    from_graphs: list[str] = []
    from_named: list[str] = []

    def resolve(token: tuple[str, str]) -> str | None:
        kind, text = token
        if kind == "iri":
            return text[1:-1]
        if kind == "word" and ":" in text:
            prefix, _, local = text.partition(":")
            if prefix in prefixes:
                return prefixes[prefix] + local
        return None

    def allowed(iri: str | None, local_ok: bool) -> bool:
        if iri is None:
            return False
        if local_ok and any(iri.startswith(p) for p in local_prefixes):
            return True
        return any(iri.startswith(p) for p in allowlist if p)

    for j, (kind, text) in enumerate(tokens):
        if kind != "word":
            continue
        upper = text.upper()
        nxt = tokens[j + 1] if j + 1 < len(tokens) else ("other", "")
        if upper == "SERVICE":
            target = tokens[j + 2] if nxt[1].upper() == "SILENT" and j + 2 < len(tokens) else nxt
            iri = resolve(target)
            if not allowed(iri, local_ok=False):
                shown = iri or target[1]
                raise Refused(
                    f"SERVICE {shown} refused: this endpoint does not query other services "
                    "(allowed prefixes: " + (", ".join(allowlist) or "none") + ")"
                )
        elif upper == "LOAD":
            raise Refused("LOAD refused: this endpoint is read-only and never fetches a URL")
        elif upper == "FROM":
            named = nxt[1].upper() == "NAMED"
            target = tokens[j + 2] if named and j + 2 < len(tokens) else nxt
            iri = resolve(target)
            if not allowed(iri, local_ok=True):
                raise Refused(
                    f"FROM{' NAMED' if named else ''} {iri or target[1]} refused: only this "
                    "dataset's graphs can be named (the server never fetches a URL for you)"
                )
            (from_named if named else from_graphs).append(iri)  # type: ignore[arg-type]
    return Checked(form, tuple(from_graphs), tuple(from_named))


def check_graph_params(
    graphs: Sequence[str], local_prefixes: Sequence[str], allowlist: Sequence[str]
) -> None:
    """``default-graph-uri`` / ``named-graph-uri`` obey the same rule as FROM."""
    for iri in graphs:
        if not any(iri.startswith(p) for p in (*local_prefixes, *[a for a in allowlist if a])):
            raise Refused(
                f"graph {iri} refused: only this dataset's graphs can be named "
                "(the server never fetches a URL for you)"
            )


_OPENING, _CLOSING = frozenset("{(["), frozenset("})]")


def nesting_depth(tokens: Sequence[tuple[str, str]]) -> int:
    """How deep brackets nest, outside strings, IRIs and comments. A parser that recurses on
    them (the store's) can run out of stack on a hostile query: counting is cheap."""
    depth = deepest = 0
    for kind, text in tokens:
        if kind != "other":
            continue
        if text in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif text in _CLOSING:
            depth = max(0, depth - 1)
    return deepest
