"""bm25 for a search's matches, computed here rather than by FTS5's ``bm25()``.

FTS5's ``bm25()`` counts, for each phrase of the query, every row of the whole table that holds
it (its IDF), reading that phrase's entire doclist with positions: on a national index a word
in every row (``Synthetic City 0042``: "synthetic" is in 458k rows) took seconds even when only
263 rows matched. Here the matches (at most ``Settings.search_rank_limit``) are read with their
indexed texts and scored in Python by the same formula (k1 = 1.2, b = 0.75, the column weights
of ``textindex.WEIGHTS``, average column lengths stored in the index by the build), with each
word's IDF from its number of rows counted up to ``IDF_COUNT_CAP`` (a word past the cap is so
common that its IDF is near zero either way). A word's frequency in a column is how often it
occurs there as a substring, as the trigram index finds it.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Mapping

from .. import textindex

K1, B = 1.2, 0.75
IDF_COUNT_CAP = 10_000


def ranked(
    connection: sqlite3.Connection,
    plan: textindex.Plan,
    words: tuple[str, ...],
    facts: Mapping[str, float],
) -> list[tuple[int, float]]:
    """(rowid, score) of every row ``plan`` finds, best first (ties by rowid). ``facts``: the
    index's META numbers (``entries``, ``textindex.average_length_key(column)``)."""
    where, params = plan.where()
    rows = connection.execute(
        f"SELECT rowid, {', '.join(textindex.INDEXED)} FROM {textindex.TABLE} WHERE {where}",
        params,
    ).fetchall()
    entries = max(1.0, facts.get("entries", 1.0))
    idf = {word: _idf(connection, word, entries) for word in words}
    averages = [
        max(1.0, facts.get(textindex.average_length_key(c), 1.0)) for c in textindex.INDEXED
    ]
    scored = []
    for rowid, *texts in rows:
        score = 0.0
        for column, text in enumerate(texts):
            if not text:
                continue
            folded = text.lower()
            norm = K1 * (1 - B + B * len(text) / averages[column])
            weight = textindex.WEIGHTS[column]
            for word, word_idf in idf.items():
                frequency = folded.count(word.lower())
                if frequency:
                    score += weight * word_idf * frequency * (K1 + 1) / (frequency + norm)
        scored.append((-score, rowid))
    scored.sort()
    return [(rowid, -negative) for negative, rowid in scored]


def _idf(connection: sqlite3.Connection, word: str, entries: float) -> float:
    """Okapi's IDF of ``word``, from its rows counted up to ``IDF_COUNT_CAP``."""
    where, params = textindex.plan(textindex.Words((word,)), connection).where()
    found = connection.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {textindex.TABLE} WHERE {where} LIMIT ?)",
        [*params, IDF_COUNT_CAP],
    ).fetchone()[0]
    return math.log(1 + (entries - found + 0.5) / (found + 0.5))
