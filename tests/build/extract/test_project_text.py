"""A project's 事業計画 cell: wrapped lines re-joined, items kept, KPIs and their figures."""

from __future__ import annotations

from decimal import Decimal

from kyodo_lod.build.extract.plan_source import Line
from kyodo_lod.build.extract.project_text import plan_text_and_kpis
from kyodo_lod.model import KPI

WIDE = "あ" * 35  # 70 columns: the layout wrapped the line after it


def lines(*texts: str) -> list[Line]:
    return [Line(number, text) for number, text in enumerate(texts, start=1)]


def test_a_wrapped_line_is_joined_and_an_item_is_not() -> None:
    text, kpis = plan_text_and_kpis(lines(WIDE, "続き。", "", "・項目"))
    assert text == WIDE + "続き。\n・項目"
    assert kpis == ()


def test_a_kpi_takes_its_figure_from_the_line_under_it() -> None:
    _, kpis = plan_text_and_kpis(lines("〇開催回数", "　　首都圏イベント　１回", "計画の本文"))
    assert kpis == (KPI("〇開催回数\n首都圏イベント　１回", Decimal(1), "回"),)


def test_a_kpi_with_two_numbers_is_text_only() -> None:
    _, kpis = plan_text_and_kpis(lines("〇参加者数　600人　会場3か所"))
    assert kpis == (KPI("〇参加者数　600人　会場3か所", None, None),)


def test_a_year_is_no_figure_so_the_one_number_beside_it_is_the_value() -> None:
    _, kpis = plan_text_and_kpis(lines("〇参加者数　2025年度 600人"))
    assert kpis == (KPI("〇参加者数　2025年度 600人", Decimal(600), "人"),)
