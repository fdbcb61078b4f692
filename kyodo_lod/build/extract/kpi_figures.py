"""A KPI line's target figure (value and unit), by named rules tried in order.

Many KPI lines state more than one number: a breakdown, a date, a year. A figure is kept only
where the line itself says which number is the target; the full text is always kept anyway.

1. ``one_figure``: the line states exactly one number (「研修参加者数　600人」 → 600 人).
2. ``stated_total``: a number marked as the total, by 延べ/全/計/合計/総 before it
   (「予定回数　12回×４広場　延べ48回」 → 48 回; 「全12回（45名）」 → 12 回).
3. ``total_of_its_breakdown``: a number whose breakdown follows it and works out to it
   (「各種事業開催回数1,008回　開館数336日×（お集まり1回＋おはなし会2回）」: 336 × (1 + 2) = 1,008 →
   1,008 回). The arithmetic is checked, so a list of unrelated numbers never qualifies.
4. ``one_figure_besides_dates``: exactly one number once dates, years and ordinals are set
   aside (「（令和７年度推定　10,000件）」 → 10,000 件; 「（2026年度までに１名増員予定）」 → 1 名;
   「第33回…　5月22日(木)」 has none).
Anything else has no value: text only.
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal

from .text import UNITS, nfkc, one_figure

Figure = tuple[Decimal, str | None]

_UNIT = "|".join(re.escape(u) for u in UNITS)
_AMOUNT = r"\d{1,3}(?:,\d{3})+|\d+"
# 延べ48回, 全12回, 計560人, 合計3件, 総数 20人: a total marker, then the figure and its unit
# (全 and 計 not inside a word: 安全, 会計, 設計)
_TOTAL = re.compile(
    rf"(?:延べ|合計|総数|総計|(?<![\u4e00-\u9fff])[全計])\s*(?P<amount>{_AMOUNT})\s*(?P<unit>{_UNIT})"
)
# a figure with its unit, then what it is made of: 1,008回　開館数336日×（…1回＋…2回）
_FIGURE_THEN_BREAKDOWN = re.compile(
    rf"(?P<amount>{_AMOUNT})\s*(?P<unit>{_UNIT})(?P<breakdown>[^\d]*\d[^\n]*[×x\*][^\n]*)$"
)
# what is not a target figure: years (令和７年度, 2026年度, 2026年), dates (5月22日), ordinals
# (第33回), a day of the week in brackets
_NOT_FIGURES = re.compile(
    r"(?:令和|平成|昭和)\s*(?:\d+|元)\s*年度?|\d{4}\s*年度?|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
    r"(?:\s*\([月火水木金土日]\))?|第\s*\d+"
)


def kpi_figure(text: str) -> Figure | None:
    """The target figure of a KPI line, by the first rule that applies (module docstring)."""
    for rule in (one_figure, stated_total, total_of_its_breakdown, one_figure_besides_dates):
        figure = rule(text)
        if figure is not None:
            return figure
    return None


def _figure(amount: str, unit: str) -> Figure:
    return Decimal(amount.replace(",", "")), _unit(unit)


def _unit(unit: str) -> str:
    return "％" if unit == "%" else unit  # as the plan prints it (see text.one_figure)


def stated_total(text: str) -> Figure | None:
    """The one figure marked as a total (延べ, 全, 計, ...); none if several are."""
    totals = list(_TOTAL.finditer(nfkc(text)))
    if len(totals) != 1:
        return None
    return _figure(totals[0]["amount"], totals[0]["unit"])


def total_of_its_breakdown(text: str) -> Figure | None:
    """The figure a multiplication written after it works out to (the arithmetic checked)."""
    found = _FIGURE_THEN_BREAKDOWN.search(nfkc(text))
    if found is None:
        return None
    value, unit = _figure(found["amount"], found["unit"])
    result = _arithmetic(found["breakdown"])
    return (value, unit) if result is not None and result == value else None


def one_figure_besides_dates(text: str) -> Figure | None:
    """``one_figure`` of the line without its dates, years and ordinals."""
    rest = _NOT_FIGURES.sub(" ", nfkc(text))
    return one_figure(rest) if rest != nfkc(text) else None


def _arithmetic(breakdown: str) -> Decimal | None:
    """The value of the numbers and operators of ``breakdown`` (words and units dropped):
    「開館数336日×(お集まり1回+おはなし会2回)」 is 336*(1+2). None unless it is a product or sum."""
    kept = re.sub(r"[^\d×x\*\+＋\(\)]", "", breakdown.replace(",", ""))
    expression = kept.replace("×", "*").replace("x", "*").replace("＋", "+")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return None
    return _evaluate(tree.body)


def _evaluate(node: ast.expr) -> Decimal | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return Decimal(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Add):
        left, right = _evaluate(node.left), _evaluate(node.right)
        if left is None or right is None:
            return None
        return left * right if isinstance(node.op, ast.Mult) else left + right
    return None
