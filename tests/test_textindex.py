"""textindex: how a person's words become an FTS5 query that is never syntax, checked against
a real SQLite FTS5 trigram table (the one the build creates)."""

from __future__ import annotations

import sqlite3

import pytest

from kyodo_lod import textindex
from kyodo_lod.textindex import QueryRefused, Words


@pytest.fixture
def index() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    for statement in textindex.create_statements():
        connection.execute(statement)
    texts = [
        "地域防災充実事業",  # 防災 inside
        "防災",  # the whole text is the pair: END makes it a trigram
        "協働のまちづくり",
        'He said "NEAR(a b)" * OR AND: col:x 100% _done_',
        "Ｆｕｌｌ　ｗｉｄｔｈ　２回",  # NFKC: "Full width 2回"
        "ごく短い郡",
    ]
    for i, text in enumerate(texts):
        values = {name: "" for name in textindex.COLUMNS}
        values.update(label_ja=textindex.indexed(text), iri=f"urn:x:{i}", kind="project")
        connection.execute(
            f"INSERT INTO {textindex.TABLE} VALUES ({', '.join('?' * len(values))})",
            [values[name] for name in textindex.COLUMNS],
        )
    return connection


def found(connection: sqlite3.Connection, query: str, most: int = 1000) -> list[str]:
    where, params = textindex.plan(Words.parse(query), connection, most).where()
    sql = f"SELECT iri FROM {textindex.TABLE} WHERE {where} ORDER BY rowid"
    return [iri for (iri,) in connection.execute(sql, params)]


def test_words_of_three_or_more_characters_use_the_index(index: sqlite3.Connection) -> None:
    assert found(index, "まちづくり") == ["urn:x:2"]
    assert found(index, "full WIDTH") == ["urn:x:4"]  # case folded, full-width as ASCII
    assert found(index, "２回") == ["urn:x:4"]


def test_two_characters_find_a_pair_anywhere_even_at_the_end(index: sqlite3.Connection) -> None:
    assert found(index, "防災") == ["urn:x:0", "urn:x:1"]
    assert found(index, "協働") == ["urn:x:2"]
    assert found(index, "事業") == ["urn:x:0"]  # the last two characters of a text
    assert found(index, "災害") == []
    plan = textindex.plan(Words.parse("防災"), index)
    assert plan.match is not None and plan.like == ()


def test_one_character_is_found_through_the_index_even_at_the_end(
    index: sqlite3.Connection,
) -> None:
    assert found(index, "郡") == ["urn:x:5"]  # the text's last character
    assert found(index, "%") == ["urn:x:3"]
    assert found(index, "_") == ["urn:x:3"]
    assert found(index, "Q") == []
    plan = textindex.plan(Words.parse("郡"), index)
    assert plan.match is not None and plan.like == ()


def test_a_short_word_in_too_many_contexts_is_scanned_for(index: sqlite3.Connection) -> None:
    # "防" begins two different trigrams (防災充, 防災 + END); allowed one, it is scanned for
    scanned = textindex.plan(Words.parse("防"), index, max_short_trigrams=1)
    assert scanned.match is None and scanned.like == ("%防%",)
    assert found(index, "防", most=1) == found(index, "防") == ["urn:x:0", "urn:x:1"]
    assert found(index, "%", most=0) == ["urn:x:3"]  # LIKE's wildcards are escaped
    assert found(index, "_", most=0) == ["urn:x:3"]
    assert found(index, "防災 協働", most=0) == []
    assert found(index, "まち く", most=0) == ["urn:x:2"]  # the scan filters what the index found


def test_fts5_syntax_is_searched_for_as_text(index: sqlite3.Connection) -> None:
    assert found(index, '"NEAR(a') == ["urn:x:3"]
    assert found(index, "NEAR(防災") == []  # not a NEAR group: the text "near(防災" is nowhere
    assert found(index, "col:x") == ["urn:x:3"]
    assert found(index, "防災 OR 協働") == []  # OR is a word to find, not an operator
    for hostile in ['"', '""', "*", "a*", "(", ")", "^x", "-x", "+", "NOT", "AND", ":", "{a b}"]:
        found(index, hostile)  # never an FTS5 syntax error


def test_phrases_double_their_quotes() -> None:
    assert textindex.phrase('a"b') == '"a""b"'
    assert textindex.like_pattern("50%_\\") == "%50\\%\\_\\\\%"


def test_bad_searches_are_refused_with_a_reason() -> None:
    with pytest.raises(QueryRefused, match="at most 200"):
        Words.parse("あ" * 201)
    with pytest.raises(QueryRefused, match="at most 8"):
        Words.parse(" ".join(f"w{i}x" for i in range(9)))
    assert Words.parse("  \u3000 ").words == ()
    assert Words.parse("防災　防災 協働").words == ("防災", "協働")  # full-width space, duplicates
    assert Words.parse("a\x00b").words == ("a", "b")  # a control character separates words


def test_normalise_keeps_no_control_characters() -> None:
    assert textindex.normalise("ａ\x02b\nc\u3000d") == "a b c d"
    assert textindex.indexed("") == ""
    assert textindex.indexed(" x ").endswith(textindex.END)
