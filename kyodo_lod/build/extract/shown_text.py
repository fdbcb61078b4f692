"""The text a spreadsheet cell shows: what a user typed and sees, whatever Excel stored.

A workbook stores a number as a number (``3``, ``1008``, ``0.5``) and how to show it as a
format (``0``, ``#,##0``, ``0%``). kyodo-lod reads a cell as the text it shows, so a workbook
reads as the same text as the CSV Excel saves from it (Excel writes each cell as shown):
``3`` with format General is "3", never "3.0"; ``1008`` with ``#,##0`` is "1,008" (the KPI
``value`` column drops thousands separators; a № shown as "1,008" is refused as it would be in
CSV); ``0.5`` with ``0%`` is "50%"; ``12`` with ``0"回"`` is "12回".

The formats read: General and text (``@``); digit placeholders ``0 # ?`` with a decimal point,
thousands commas and ``%``; quoted or ``\\``-escaped literal text around them; up to three
sections (positive;negative;zero). Colours and conditions in brackets are ignored. Scientific
and fraction formats are shown as General. Dates are shown as ISO 8601 (``2025-04-01``), a
time of day only when it is not midnight; TRUE and FALSE as Excel writes them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

GENERAL_DIGITS = 15  # significant digits a double holds; Excel shows no more than these
_BRACKETS = re.compile(r"\[[^\]]*\]")
_PLACEHOLDERS = set("0#?")


def shown_text(value: object, number_format: str | None) -> str:
    """The text a cell holding ``value`` with ``number_format`` shows."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        return _number(value, number_format or "General")
    return str(value)


def _number(value: float, number_format: str) -> str:
    sections = _split_sections(number_format)
    section, sign = sections[0], "-" if value < 0 else ""
    if value < 0 and len(sections) > 1:
        section, sign = sections[1], ""  # the negative section shows its own sign, if any
    elif value == 0 and len(sections) > 2:
        section = sections[2]
    if _BRACKETS.sub("", section).strip().lower() in ("general", "@", ""):
        return _general(value)
    prefix, pattern, suffix = _parts(section)
    if pattern is None:
        return prefix + suffix  # a section of text only: "－" for zero
    if "E" in pattern.upper() or "/" in pattern:
        return sign + prefix + _general(abs(value)) + suffix
    return sign + prefix + _pattern(abs(value), pattern) + suffix


def _general(value: float) -> str:
    if float(value).is_integer() and abs(value) < 10**GENERAL_DIGITS:
        return str(int(value))
    return f"{value:.{GENERAL_DIGITS}g}"


def _split_sections(number_format: str) -> list[str]:
    """The format's sections (split at ``;`` outside quotes)."""
    sections, current, quoted = [], "", False
    for char in number_format:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += char
    return [*sections, current]


def _parts(section: str) -> tuple[str, str | None, str]:
    """(literal text before, the digit pattern, literal text after); no pattern for a section
    of text only."""
    section = _BRACKETS.sub("", section)
    before, pattern, after = "", "", ""
    index = 0
    while index < len(section):
        char = section[index]
        literal = None
        if char == '"':
            end = section.find('"', index + 1)
            end = len(section) if end < 0 else end
            literal, index = section[index + 1 : end], end + 1
        elif char == "\\" and index + 1 < len(section):
            literal, index = section[index + 1], index + 2
        elif char in "_*" and index + 1 < len(section):
            literal, index = "", index + 2  # padding and fill: no text of their own
        elif char in _PLACEHOLDERS or char == "%" or (pattern and char in ".,eE+/"):
            pattern += char
            index += 1
        else:
            literal, index = char, index + 1
        if literal is not None:
            if pattern:
                after += literal
            else:
                before += literal
    return before, pattern or None, after


def _pattern(value: float, pattern: str) -> str:
    percent = pattern.count("%")
    number = Decimal(repr(value)) * (100**percent)
    digits = pattern.replace("%", "")
    whole, _, fraction = digits.partition(".")
    places = sum(1 for char in fraction if char in _PLACEHOLDERS)
    optional = sum(1 for char in fraction if char == "#")
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    integer, _, decimals = f"{rounded:f}".partition(".")
    if optional:  # "#" places show no trailing zeros
        keep = places - optional
        decimals = decimals[:keep] + decimals[keep:].rstrip("0")
    minimum = sum(1 for char in whole if char == "0")
    if integer == "0" and minimum == 0:
        integer = ""  # ".5" for the format "#.0"
    integer = integer.zfill(minimum) if minimum else integer
    if "," in whole and integer:
        integer = f"{int(integer):,}"
    text = integer + ("." + decimals if decimals else "")  # a zero under "#" shows nothing
    return text + "%" * percent
