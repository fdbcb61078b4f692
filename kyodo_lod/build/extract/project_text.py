"""A project's 事業計画 cell: its plan text re-joined where the layout wrapped it, and its KPIs.

- *Plan text.* Lines are re-joined without a separator where the layout wrapped them (the
  previous line is at least ``WRAP_WIDTH`` columns and this one is not indented and starts no
  item); other line breaks are kept as ``\\n``. Leading and trailing spaces (layout indentation)
  and blank lines are dropped; the characters are kept as printed (no NFKC). (A relist note
  「（施策１再掲）」 is taken out before: it becomes ``relisted_from``.)
- *KPIs.* A line starting with 〇/○ plus the indented lines under it (「　　首都圏イベント　１回」,
  「　・教養課程…」), joined with ``\\n``. ``value``/``unit`` come from the 〇 line by the rules
  of ``kpi_figures`` (one number; a stated total; a total with its breakdown; one number besides
  dates and years); when the 〇 line has no number and exactly one line sits under it, from that
  line (№5 「首都圏イベント　１回」 → 1 回); otherwise the KPI is text only. A lone number
  without a unit (№50 「…クラブ数（予定）164」) gives a value and no unit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ...model import KPI
from .kpi_figures import kpi_figure
from .plan_source import Line
from .text import BULLETS, KPI_BULLETS, WRAP_WIDTH, display_width, has_number


@dataclass
class _Logical:
    """A line of plan text after re-joining the layout's wraps."""

    text: str
    indented: bool
    after_blank: bool


def plan_text_and_kpis(lines: list[Line]) -> tuple[str, tuple[KPI, ...]]:
    """The plan text of ``lines`` (the cell's printed lines) and the KPIs in it."""
    logical = list(_logical_lines(lines))
    kpis: list[KPI] = []
    position = 0
    while position < len(logical):
        head = logical[position]
        position += 1
        if head.text[0] not in KPI_BULLETS:
            continue
        under: list[_Logical] = []
        while position < len(logical):
            item = logical[position]
            if item.after_blank or not item.indented or item.text[0] in KPI_BULLETS:
                break
            under.append(item)
            position += 1
        kpis.append(_kpi(head, under))
    return "\n".join(item.text for item in logical), tuple(kpis)


def _kpi(head: _Logical, under: list[_Logical]) -> KPI:
    if has_number(head.text):
        figure = kpi_figure(head.text)
    elif len(under) == 1:
        figure = kpi_figure(under[0].text)
    else:
        figure = None
    text = "\n".join([head.text, *(u.text for u in under)])
    return KPI(text, *(figure or (None, None)))


def _logical_lines(lines: list[Line]) -> Iterator[_Logical]:
    current: _Logical | None = None
    previous_raw: str | None = None
    after_blank = True
    for line in lines:
        if line.blank:
            after_blank, previous_raw = True, None
            continue
        raw = line.text.rstrip()
        stripped = raw.strip()
        indented = raw[0] in " \u3000\t"
        wrapped = (
            current is not None
            and previous_raw is not None
            and not indented
            and stripped[0] not in BULLETS
            and display_width(previous_raw) >= WRAP_WIDTH
        )
        if wrapped and current is not None:
            current.text += stripped
        else:
            if current is not None:
                yield current
            current = _Logical(stripped, indented, after_blank)
        after_blank, previous_raw = False, raw
    if current is not None:
        yield current
