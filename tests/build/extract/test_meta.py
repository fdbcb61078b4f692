"""The sidecar's record of the source document's terms of use (``source.rights``): the
city's terms when known, else "not stated" in so many words; bad values name file and field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kyodo_lod.build.extract.meta import read_meta
from kyodo_lod.errors import SourceError
from kyodo_lod.model import RIGHTS_NOT_STATED
from tests.locations import SOURCES

SOURCE = SOURCES / "koriyama-kyodo-2025.txt"
META = SOURCES / "koriyama-kyodo-2025.meta.json"


def with_source(tmp_path: Path, **fields: object) -> Path:
    """A copy of the Koriyama text with its sidecar's ``source`` block changed (None: removed)."""
    text = tmp_path / SOURCE.name
    shutil.copy(SOURCE, text)
    data = json.loads(META.read_text(encoding="utf-8"))
    for key, value in fields.items():
        if value is None:
            data["source"].pop(key, None)
        else:
            data["source"][key] = value
    (tmp_path / META.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return text


def test_the_koriyama_sidecar_says_not_stated() -> None:
    """The plan's text states no terms of use (data/sources/SOURCE.md): so the sidecar says."""
    assert json.loads(META.read_text(encoding="utf-8"))["source"]["rights"] == "not stated"
    meta = read_meta(SOURCE)
    assert (meta.source_rights, meta.source_rights_url) == (RIGHTS_NOT_STATED, "")


def test_missing_rights_mean_not_stated(tmp_path: Path) -> None:
    assert read_meta(with_source(tmp_path, rights=None)).source_rights == RIGHTS_NOT_STATED


def test_the_citys_terms_are_kept(tmp_path: Path) -> None:
    url = "https://www.city.example.jp/opendata/terms.html"
    terms = "公共データ利用規約（第1.0版）"
    meta = read_meta(with_source(tmp_path, rights=f" {terms} ", rights_url=url))
    assert (meta.source_rights, meta.source_rights_url) == (terms, url)


@pytest.mark.parametrize(
    ("fields", "field", "shown"),
    [
        ({"rights": ""}, "source.rights", "''"),
        ({"rights": "unknown"}, "source.rights", "'unknown'"),
        ({"rights": "不明"}, "source.rights", "'不明'"),
        ({"rights": 1}, "source.rights", "1"),
        ({"rights": ["CC BY"]}, "source.rights", "['CC BY']"),
        ({"rights": "CC BY 4.0", "rights_url": "www.city.example.jp"}, "source.rights_url",
         "'www.city.example.jp'"),
        ({"rights": "not stated", "rights_url": "https://example.jp/t"}, "source.rights_url",
         "https://example.jp/t"),
    ],
)  # fmt: skip
def test_bad_rights_name_the_file_and_field(
    tmp_path: Path, fields: dict[str, object], field: str, shown: str
) -> None:
    with pytest.raises(SourceError) as raised:
        read_meta(with_source(tmp_path, **fields))
    [problem] = raised.value.problems
    message = str(problem)
    assert "koriyama-kyodo-2025.meta.json" in message
    assert problem.location.field == field
    assert shown in message
