"""dist/search.sqlite: the full-text index behind /search (SQLite FTS5, trigram tokenizer; the
table is ``textindex``'s), one row per project, policy, department and KPI: its labels and texts
in Japanese and English, its city, fiscal year and kind.

``SearchIndexWriter`` is a writer of publish's: it reads its rows from the union by SPARQL while
the dumps are being written, then writes the file. The bytes are the same for the same sources:
rows go in sorted by IRI in one transaction, the FTS5 segments are merged into one
(``optimize``), the page size and text encoding are fixed, and ``VACUUM`` rewrites the file in
page order; no journal or WAL file is left beside it. A SQLite library of another version may
write other bytes (its version number is in the file header): the same machine gives the same
bytes, which is what build.json's hash needs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import RDFS, Namespace

from ... import textindex
from ...dist import SEARCH_INDEX, FileHashes
from ...rdf.namespaces import sparql_prologue
from ...rdf.terms import to_oxigraph
from .dataset_facts import kyodo_namespace
from .union import GraphUnion

PAGE_SIZE = 4096
CACHE_KIB = 128 * 1024  # SQLite's page cache while writing
HASH_BYTES = 64 << 20  # FTS5's in-memory terms before it writes a segment

# what each row is and where it belongs: a KPI's city and year are its project's
PLACES_QUERY = """
SELECT ?s ?kind ?city ?year WHERE {
  { ?s a kyodo:Project ; kyodo:inPlan/dct:publisher ?city .
     OPTIONAL { ?s kyodo:fiscalYear ?year } BIND("project" AS ?kind) }
  UNION
  { ?s a kyodo:KPI ; kyodo:kpiOf ?project . ?project kyodo:inPlan/dct:publisher ?city .
     OPTIONAL { ?project kyodo:fiscalYear ?year } BIND("kpi" AS ?kind) }
  UNION
  { ?s a kyodo:Policy ; kyodo:partOfPlan/dct:publisher ?city . BIND("policy" AS ?kind) }
  UNION
  { ?s a kyodo:Department ; org:unitOf ?city . BIND("department" AS ?kind) }
}
"""

# the words searched: labels, the plan's text of a project, editorial notes (English)
TEXTS_QUERY = """
SELECT ?s ?p ?text WHERE {
  VALUES ?class { kyodo:Project kyodo:KPI kyodo:Policy kyodo:Department }
  VALUES ?p { rdfs:label kyodo:planText skos:editorialNote }
  ?s a ?class ; ?p ?text .
  FILTER(isLiteral(?text))
}
"""

CITY_NAMES_QUERY = """
SELECT ?city ?name WHERE { ?city a kyodo:City ; rdfs:label ?name }
"""

LABEL = str(RDFS.label)


@dataclass(frozen=True)
class Entry:
    """One row of the index, fields as ``textindex.COLUMNS`` name them."""

    kind: str
    iri: str
    name_ja: str
    name_en: str
    texts_ja: tuple[str, ...]
    texts_en: tuple[str, ...]
    city_ja: str
    city_en: str
    fiscal_year: str

    def values(self) -> tuple[str, ...]:
        """The row in ``textindex.COLUMNS`` order."""
        searched = {
            "label_ja": textindex.indexed(self.name_ja),
            "label_en": textindex.indexed(self.name_en),
            "text_ja": textindex.indexed(" ".join(self.texts_ja)),
            "text_en": textindex.indexed(" ".join(self.texts_en)),
            "place": textindex.indexed(f"{self.city_ja} {self.city_en}"),
        }
        shown = {
            "kind": self.kind,
            "iri": self.iri,
            "name_ja": self.name_ja,
            "name_en": self.name_en,
            "city_ja": self.city_ja,
            "city_en": self.city_en,
            "fiscal_year": self.fiscal_year,
        }
        row = {**searched, **shown}
        return tuple(row[name] for name in textindex.COLUMNS)


class SearchIndexWriter:
    """Writes search.sqlite for publish: ``read`` while the dumps are written, then ``write``."""

    def read(self, union: GraphUnion) -> list[Entry]:
        """The rows, sorted by IRI, read from the union's store by SPARQL."""
        store = union.store if union.store is not None else _store_of(union)
        return read_entries(store, kyodo_namespace(union.graph))

    def write(self, facts: list[Entry], staging: Path, hashes: FileHashes) -> list[Path]:
        """search.sqlite in ``staging``."""
        path = staging / SEARCH_INDEX
        write_index(path, facts)
        return [path]


def read_entries(store: pyoxigraph.Store, kyodo: Namespace | str) -> list[Entry]:
    """Every project, policy, department and KPI of the store with its texts, sorted by IRI."""
    cities: dict[str, dict[str, str]] = {}
    for row in store.query(sparql_prologue(("kyodo", "rdfs"), kyodo) + CITY_NAMES_QUERY):
        _add(cities.setdefault(row["city"].value, {}), row["name"])
    places: dict[str, tuple[str, str, str]] = {}
    for row in store.query(sparql_prologue(("kyodo", "dct", "org"), kyodo) + PLACES_QUERY):
        year = row["year"]
        place = (row["kind"].value, row["city"].value, "" if year is None else year.value)
        # a thing is one kind in one place; should it be two, the first in sorted order wins
        places[row["s"].value] = min(place, places.get(row["s"].value, place))
    labels: dict[str, dict[str, str]] = {}
    texts: dict[str, dict[str, set[str]]] = {}
    for row in store.query(sparql_prologue(("kyodo", "rdfs", "skos"), kyodo) + TEXTS_QUERY):
        subject = row["s"].value
        if row["p"].value == LABEL:
            _add(labels.setdefault(subject, {}), row["text"])
        else:
            language = _language(row["text"])
            texts.setdefault(subject, {}).setdefault(language, set()).add(row["text"].value)
    return [
        _entry(iri, places[iri], cities, labels.get(iri, {}), texts.get(iri, {}))
        for iri in sorted(places)
    ]


def _entry(
    iri: str,
    place: tuple[str, str, str],
    cities: dict[str, dict[str, str]],
    labels: dict[str, str],
    texts: dict[str, set[str]],
) -> Entry:
    kind, city, year = place
    city_names = cities.get(city, {})
    return Entry(
        kind=kind,
        iri=iri,
        name_ja=labels.get("ja", ""),
        name_en=labels.get("en", ""),
        texts_ja=tuple(sorted(texts.get("ja", ()))),
        texts_en=tuple(sorted(texts.get("en", ()))),
        city_ja=city_names.get("ja", ""),
        city_en=city_names.get("en", ""),
        fiscal_year=year,
    )


def _language(literal: object) -> str:
    """ "en" for English, else "ja" (the plans' texts without a tag are Japanese)."""
    language = (getattr(literal, "language", None) or "").lower()
    return "en" if language == "en" or language.startswith("en-") else "ja"


def _add(by_language: dict[str, str], literal: object) -> None:
    """Keep one label per language: the smallest, so the choice never depends on order."""
    language = _language(literal)
    value = getattr(literal, "value", "")
    if language not in by_language or value < by_language[language]:
        by_language[language] = value


def write_index(path: Path, entries: Iterable[Entry]) -> None:
    """The index at ``path`` (replaced), byte-stable for the same entries (module docstring)."""
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        connection.execute("PRAGMA journal_mode = OFF")  # no side file in staging
        connection.execute("PRAGMA encoding = 'UTF-8'")
        connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        connection.execute("BEGIN")
        try:
            for statement in textindex.create_statements():
                connection.execute(statement)
        except sqlite3.OperationalError as exc:  # FTS5's trigram tokenizer came in 3.34
            raise RuntimeError(
                f"{path.name}: this Python's SQLite {sqlite3.sqlite_version} cannot make the "
                f"search index (FTS5 with the trigram tokenizer, SQLite 3.34 or later): {exc}"
            ) from exc
        # fewer, larger segments while inserting (FTS5's default is 1 MB): for 150 cities'
        # rows, measured on a loaded machine, insert 16.4 s against 20.2 s and 'optimize'
        # 0.5 s against 3.0 s
        connection.execute(
            f"INSERT INTO {textindex.TABLE}({textindex.TABLE}, rank) VALUES ('hashsize', ?)",
            (HASH_BYTES,),
        )
        placeholders = ", ".join("?" for _ in textindex.COLUMNS)
        columns = ", ".join(textindex.COLUMNS)
        connection.executemany(
            f"INSERT INTO {textindex.TABLE} ({columns}) VALUES ({placeholders})",
            _rows(entries),
        )
        count = connection.execute(f"SELECT count(*) FROM {textindex.TABLE}").fetchone()[0]
        averages = connection.execute(
            "SELECT "
            + ", ".join(f"coalesce(avg(length({c})), 0)" for c in textindex.INDEXED)
            + f" FROM {textindex.TABLE}"
        ).fetchone()
        connection.executemany(
            f"INSERT INTO {textindex.META} (key, value) VALUES (?, ?)",
            [
                ("format", textindex.FORMAT_VERSION),
                ("entries", str(count)),
                *(
                    (textindex.average_length_key(column), f"{average:.3f}")
                    for column, average in zip(textindex.INDEXED, averages, strict=True)
                ),
            ],
        )
        connection.execute(f"INSERT INTO {textindex.TABLE}({textindex.TABLE}) VALUES ('optimize')")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()


def _rows(entries: Iterable[Entry]) -> Iterator[tuple[str, ...]]:
    for entry in entries:
        yield entry.values()


def _store_of(union: GraphUnion) -> pyoxigraph.Store:
    """A store holding a plain rdflib union (publish always hands one in; tests may not)."""
    store = pyoxigraph.Store()
    store.extend(
        pyoxigraph.Quad(*(to_oxigraph(term) for term in triple))  # type: ignore[misc]
        for triple in union.graph
    )
    return store
