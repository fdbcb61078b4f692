"""The full-text index a build publishes (``dist.SEARCH_INDEX``): its table, how text is
normalised for it, and how a person's words become a safe SQLite FTS5 query.

The build writes the index (build/publish/search_index.py) and the web layer reads it
(web/search.py); both take the table, the normalisation and the query from here, so the two
sides cannot drift apart.

One FTS5 table with the trigram tokenizer: every three characters of a text are a term, so
Japanese needs no word splitter and any substring of three or more characters is found through
the index. Shorter words are found through the index too: every indexed text ends in ``END``
(two characters that normalised text never holds), so each character and each pair of
characters of a text begins at least one trigram. A word of one or two characters (防災, 協働:
most Japanese words are two) becomes the OR of the index's own trigrams that begin with it,
read from the fts5vocab table by a range query on its sorted terms. Only a word that begins
more than ``MAX_SHORT_TRIGRAMS`` different trigrams (a very common character) is found by a
``LIKE`` scan of the texts instead; being common, the scan soon finds a page of it.

A person's words never reach FTS5 as syntax: each is one quoted phrase (``"`` doubled), so
``*``, ``NEAR(``, ``AND``, ``:`` or a stray quote are searched for as text.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass

TABLE = "entries"
VOCABULARY = "entries_terms"  # fts5vocab 'row' over TABLE: its distinct trigrams, sorted
META = "meta"
FORMAT_VERSION = "4"  # in META under "format": the web refuses an index of another format
# searched (bm25 weights below, in this order): labels count ten times as much as texts
LABELS = ("label_ja", "label_en")
# "place": the city's names, so that 郡山市 防災 narrows a search to one city
INDEXED = (*LABELS, "text_ja", "text_en", "place")
WEIGHTS = (10.0, 10.0, 1.0, 1.0, 1.0)
# shown, not searched: the labels as published, what the thing is, where and when
STORED = ("kind", "iri", "name_ja", "name_en", "city_ja", "city_en", "fiscal_year")
COLUMNS = (*INDEXED, *STORED)
KINDS = ("project", "policy", "department", "kpi")
END = "\n\n"  # ends every indexed text (normalise() turns all other whitespace into " ")
TRIGRAM = 3

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
MAX_SHORT_TRIGRAMS = 1000  # a shorter word that begins more trigrams than this: a LIKE scan


def create_statements() -> list[str]:
    """The SQL that creates an empty index (the build runs it; the page size is set before)."""
    columns = ", ".join([*INDEXED, *(f"{name} UNINDEXED" for name in STORED)])
    return [
        f"CREATE TABLE {META} (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5({columns}, tokenize='trigram', detail=full)",
        f"CREATE VIRTUAL TABLE {VOCABULARY} USING fts5vocab({TABLE}, 'row')",
    ]


def average_length_key(column: str) -> str:
    """The META key of an indexed column's average length in characters (for ranking)."""
    return f"average_length:{column}"


def normalise(text: str) -> str:
    """Text as the index holds it and queries are matched: NFKC (full-width letters and digits
    become ASCII, half-width katakana full-width), every run of whitespace or control
    characters one space, trimmed. The tokenizer folds case itself."""
    folded = unicodedata.normalize("NFKC", text)
    cleaned = "".join(
        " " if ch.isspace() or unicodedata.category(ch) == "Cc" else ch for ch in folded
    )
    return " ".join(cleaned.split())


def indexed(text: str) -> str:
    """A text as stored in an indexed column: normalised, ended by ``END`` (empty stays empty)."""
    value = normalise(text)
    return value + END if value else ""


class QueryRefused(ValueError):
    """A search the index will not run (too long, too many words, too broad): says why."""


@dataclass(frozen=True)
class Words:
    """A person's search, as distinct normalised words (all must occur)."""

    words: tuple[str, ...]

    @classmethod
    def parse(cls, query: str) -> Words:
        if len(query) > MAX_QUERY_CHARS:
            raise QueryRefused(f"the search is {len(query)} characters; at most {MAX_QUERY_CHARS}")
        words = tuple(w for w in dict.fromkeys(normalise(query).split(" ")) if w)
        if len(words) > MAX_WORDS:
            raise QueryRefused(f"the search has {len(words)} words; at most {MAX_WORDS}")
        return cls(words)


@dataclass(frozen=True)
class Plan:
    """How to run a search: an FTS5 MATCH expression (None: no word is indexed) and LIKE
    patterns for the one-character words."""

    match: str | None
    like: tuple[str, ...]

    def in_labels(self) -> Plan:
        """The rows whose labels hold every indexed word."""
        if self.match is None:
            return self
        return Plan(f"{{{' '.join(LABELS)}}} : ({self.match})", self.like)

    def outside_labels(self) -> Plan:
        """The rows that match, but not by their labels alone (``in_labels``'s complement)."""
        if self.match is None:
            return self
        return Plan(f"({self.match}) NOT {self.in_labels().match}", self.like)

    def where(self) -> tuple[str, list[str]]:
        """The WHERE clause over TABLE and its parameters."""
        clauses: list[str] = []
        params: list[str] = []
        if self.match is not None:
            clauses.append(f"{TABLE} MATCH ?")
            params.append(self.match)
        for pattern in self.like:
            # "+column": LIKE on the column's value, row by row; a bare column would hand the
            # pattern to the trigram index, which matches nothing shorter than three characters
            clauses.append("(" + " OR ".join(f"+{c} LIKE ? ESCAPE '\\'" for c in INDEXED) + ")")
            params.extend([pattern] * len(INDEXED))
        return " AND ".join(clauses) or "0", params  # "0": nothing can match


def phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: quoted, its quotes doubled, so nothing in it is syntax."""
    return '"' + text.replace('"', '""') + '"'


def like_pattern(text: str) -> str:
    """A LIKE pattern finding ``text`` anywhere (``%``, ``_`` and ``\\`` in it escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def plan(
    words: Words, connection: sqlite3.Connection, max_short_trigrams: int = MAX_SHORT_TRIGRAMS
) -> Plan:
    """The query for ``words`` over the index open on ``connection`` (which it reads for the
    trigrams that begin a word of one or two characters; past ``max_short_trigrams`` of them,
    the word is scanned for)."""
    groups: list[str] = []
    like: list[str] = []
    for word in words.words:
        if len(word) >= TRIGRAM:
            groups.append(phrase(word))
            continue
        trigrams = trigrams_beginning(word, connection, max_short_trigrams)
        if trigrams is None:
            like.append(like_pattern(word))
        elif not trigrams:
            return _nothing()
        else:
            groups.append("(" + " OR ".join(phrase(t) for t in trigrams) + ")")
    return Plan(" AND ".join(groups) if groups else None, tuple(like))


def _nothing() -> Plan:
    """A plan that finds nothing (a short word that no text contains)."""
    return Plan(match=None, like=())


def trigrams_beginning(
    word: str, connection: sqlite3.Connection, most: int = MAX_SHORT_TRIGRAMS
) -> list[str] | None:
    """The index's trigrams that begin with ``word`` (case-folded as the tokenizer does); None
    when there are more than ``most``."""
    start = word.lower()
    rows = connection.execute(
        f"SELECT term FROM {VOCABULARY} WHERE term >= ? AND term < ? LIMIT ?",
        (start, start + "\U0010ffff", most + 1),
    ).fetchall()
    if len(rows) > most:
        return None
    return [term for (term,) in rows]
