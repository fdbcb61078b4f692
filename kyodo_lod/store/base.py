"""What every store shares: the result types the web layer reads, the errors, and the ``Store``
protocol each backend implements (``oxigraph.OxigraphStore``, ``remote.RemoteStore``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

from ..errors import KyodoError


class Term(NamedTuple):
    """An RDF term as plain values (picklable, backend-neutral).

    ``kind`` is ``uri``, ``bnode``, ``literal`` or ``triple``; ``datatype`` is ``None`` for
    xsd:string and language-tagged literals."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @property
    def is_uri(self) -> bool:
        return self.kind == "uri"

    def n3(self) -> str:
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.kind == "triple":
            return f"<< {self.value} >>"
        text = (
            self.value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if self.lang:
            return f'"{text}"@{self.lang}'
        if self.datatype:
            return f'"{text}"^^<{self.datatype}>'
        return f'"{text}"'


@dataclass(frozen=True)
class SelectResult:
    variables: tuple[str, ...]
    rows: list[tuple[Term | None, ...]]
    truncated: bool = False

    def dicts(self) -> list[dict[str, Term]]:
        """Rows as {variable: term}, unbound variables left out."""
        names = self.variables
        return [
            {n: t for n, t in zip(names, row, strict=True) if t is not None} for row in self.rows
        ]


@dataclass(frozen=True)
class AskResult:
    value: bool


@dataclass(frozen=True)
class GraphResult:
    triples: list[tuple[Term, Term, Term]]
    truncated: bool = False


@dataclass(frozen=True)
class Serialized:
    """A result already written in the requested format (``kind``: select, ask or graph)."""

    kind: str
    format: str
    body: bytes
    count: int
    truncated: bool = False


QueryResult = SelectResult | AskResult | GraphResult | Serialized


class StoreError(KyodoError):
    """The store could not answer (not loaded, a worker died, ...)."""


class QuerySyntaxError(StoreError):
    """The query does not parse; the message is the parser's."""


# what engines say when a query calls a function they do not have: the query's fault (400),
# though found only when it is evaluated (pyoxigraph, embedded or as Oxigraph server's 500;
# Virtuoso's 500 SR185). An unknown built-in name is a parse error everywhere.
UNKNOWN_FUNCTION = re.compile(
    r"The custom function <[^>]*> is not supported|Error SR185: Undefined procedure"
)


def calls_unknown_function(message: str) -> bool:
    """Whether an engine's error ``message`` says the query called a function it lacks."""
    return UNKNOWN_FUNCTION.search(message) is not None


class QueryTimeout(StoreError):
    """The query ran past its time limit and was stopped (or no worker became free in time)."""


class StoreBusy(StoreError):
    """Every worker that could answer a user's query stayed busy for the short wait allowed."""


class Store(Protocol):
    """What the web layer may ask of a store. Implementations: ``OxigraphStore``,
    ``RemoteStore``."""

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        result_format: str | None = None,
        timeout_s: float | None = None,
        max_rows: int | None = None,
        lane: str = "site",
    ) -> QueryResult:
        """Run a read-only SPARQL 1.1 query over the union of the named graphs (or the given
        dataset). With ``result_format`` the answer comes back serialised (``Serialized``).
        ``lane`` says whom it is for: ``site`` (pages, documents) or ``public`` (a user's query,
        which must not take the capacity pages need)."""
        ...

    def describe(
        self,
        iri: str,
        *,
        result_format: str | None = None,
        inbound_limit: int = 100,
        inbound_offset: int = 0,
    ) -> GraphResult | Serialized:
        """The document of one resource: its triples, labels of what it links to, and a page
        of its inbound links with their labels."""
        ...

    def load(self, dist_dir: Path) -> None:
        """(Re)load the named graphs a build published in ``dist_dir``."""
        ...

    def graph_names(self) -> list[str]: ...

    def close(self) -> None: ...
