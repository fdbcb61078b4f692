"""Normalisation helpers for Japanese plan text (no I/O, no rdflib).

The records keep names, plan text and KPI text as printed. NFKC (full-width → half-width) is
used only to *compare* texts, to read numbers and SDG codes, and inside ``compare_key``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# Wording variants the plan itself mixes, mapped to the spelling the project table uses.
# 事業継承 is a frequent misspelling of 事業承継 (business succession); the 拡充 list prints
# 継承 for project 69 where the table, and the plan text of 69, print 承継.
KNOWN_VARIANTS: tuple[tuple[str, str], ...] = (("継承", "承継"),)

# Printed lines of the plan-text column are at most 74 columns wide (37 full-width characters)
# in this extraction; ASCII in a proportional font makes some wrapped lines a little narrower.
# A line at least this wide was wrapped by the layout, so the next line continues it.
WRAP_WIDTH = 70

# Characters that open a new item in the plan-text column (never a wrapped continuation).
BULLETS = "〇○◯・※◆●■□[［"
KPI_BULLETS = "〇○◯"

_SDG_LIKE = re.compile(r"^(\d{1,2})\.(\d{1,2}|[A-Za-z])$")

# Regular-expression classes for what the plan prints: a digit (ASCII or full-width) and a
# space (ASCII or the full-width U+3000).
DIGIT = "[0-9０-９]"
SPACE = "[ \u3000]"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def compare_key(text: str) -> str:
    """Key for comparing two printings of the same name: NFKC, no white space at all."""
    return "".join(nfkc(text).split())


def variant_key(text: str) -> str:
    """``compare_key`` after the recorded ``KNOWN_VARIANTS`` rules."""
    key = compare_key(text)
    for variant, canonical in KNOWN_VARIANTS:
        key = key.replace(variant, canonical)
    return key


def base_name_key(name: str) -> str:
    """Compare key of a project name without its parenthesised detail:
    ``生涯学習支援事業（きらめきバンク）`` → ``生涯学習支援事業``."""
    return compare_key(name).split("(", 1)[0]


def display_width(text: str) -> int:
    """Columns of a printed line: full-width and ambiguous characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "FWA" else 1 for c in text)


def is_blank(text: str) -> bool:
    """Blank, including lines of only full-width spaces (str.strip removes U+3000)."""
    return not text.strip()


def sdg_like(token: str) -> str | None:
    """The normalised code if ``token`` has the shape of an SDG target ("17.14", "３.ａ"),
    whatever the goal number; ``None`` otherwise. Letters are lower-cased."""
    match = _SDG_LIKE.match(nfkc(token.strip()))
    if not match:
        return None
    return f"{int(match.group(1))}.{match.group(2).lower()}"


def sdg_problem(code: str) -> str | None:
    """Why an SDG-shaped code is not a UN target code (goal 1–17), or ``None`` if it is."""
    goal, _, target = code.partition(".")
    if not 1 <= int(goal) <= 17:
        return f"SDG goal {goal} does not exist (goals are 1–17)"
    if target.isdigit() and int(target) == 0:
        return "SDG target numbers start at 1"
    return None


def split_number(text: str) -> str:
    """A printed policy number ("１", "2") as ASCII digits."""
    return nfkc(text).strip()


# KPI figures: a number (with thousands separators, maybe a decimal part) and the unit after it.
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
UNITS: tuple[str, ...] = (
    "団体",
    "箇所",
    "か所",
    "試合",
    "施設",
    "種目",
    "クラブ",
    "世帯",
    "時間",
    "人",
    "件",
    "回",
    "%",
    "名",
    "者",
    "校",
    "社",
    "台",
    "本",
    "部",
    "日",
)
_UNIT_PRINTED = {"%": "％"}  # units are given as the plan prints them (full-width per cent)


def one_figure(text: str) -> tuple[Decimal, str | None] | None:
    """The target figure of a KPI text when it states exactly one number.

    Returns (value, unit) where unit is one of ``UNITS`` directly after the number (white space
    allowed) or ``None`` when the number has no unit; ``None`` when the text has no number or
    several (a breakdown, a date, a year)."""
    normal = nfkc(text)
    numbers = list(_NUMBER.finditer(normal))
    if len(numbers) != 1:
        return None
    match = numbers[0]
    value = Decimal(match.group(0).replace(",", ""))
    after = normal[match.end() :].lstrip()
    for unit in UNITS:
        if after.startswith(unit):
            return value, _UNIT_PRINTED.get(unit, unit)
    return value, None


def has_number(text: str) -> bool:
    return _NUMBER.search(nfkc(text)) is not None
