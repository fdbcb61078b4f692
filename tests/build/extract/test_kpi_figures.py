"""The rules that read a KPI line's target figure, one by one, on lines as the plan prints
them (the real plan's projects: tests/build/extract/test_plan_text.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kyodo_lod.build.extract import kpi_figures


@pytest.mark.parametrize(
    ("rule", "text", "figure"),
    [
        # the examples of the Koriyama plan
        (
            kpi_figures.stated_total,
            "〇のびのび子育て広場　予定回数　12回×４広場　延べ48回",
            (48, "回"),
        ),
        (kpi_figures.stated_total, "〇ＩＣＴ推進講座　予定回数　全12回（45名）", (12, "回")),
        (
            kpi_figures.total_of_its_breakdown,
            "〇各種事業開催回数1,008回　開館数336日×（お集まり1回＋おはなし会2回）",
            (1008, "回"),
        ),
        (
            kpi_figures.one_figure_besides_dates,
            "〇市単独ＳＣ配置校相談件数（令和７年度推定　10,000件）",
            (10000, "件"),
        ),
        (
            kpi_figures.one_figure_besides_dates,
            "〇スクールソーシャルワーカーの増員（2026年度までに１名増員予定）",
            (1, "名"),
        ),
        (kpi_figures.stated_total, "〇在籍者数 計560人", (560, "人")),
        # not a total: 全 and 計 inside a word, two totals, a breakdown that does not add up
        (kpi_figures.stated_total, "〇安全12回講習", None),
        (kpi_figures.stated_total, "〇会計3件　設計4件", None),
        (kpi_figures.stated_total, "〇延べ10回（うち延べ4回は出張）", None),
        (kpi_figures.total_of_its_breakdown, "〇開催回数1,000回　開館数336日×（1回＋2回）", None),
        (kpi_figures.total_of_its_breakdown, "〇開催回数12回　会場3か所", None),
        # dates, years and ordinals are no figures; nothing else left: no value
        (kpi_figures.one_figure_besides_dates, "〇第33回大会　5月22日(木)開催", None),
        (kpi_figures.one_figure_besides_dates, "〇2026年度までに実施", None),
        (kpi_figures.one_figure_besides_dates, "〇研修 20回　講師 3名", None),
    ],
)
def test_rule(rule, text: str, figure: tuple[int, str] | None) -> None:
    expected = None if figure is None else (Decimal(figure[0]), figure[1])
    assert rule(text) == expected


def test_one_number_needs_no_rule_beyond_the_first() -> None:
    assert kpi_figures.kpi_figure("〇会員数　600人") == (Decimal(600), "人")
    assert kpi_figures.kpi_figure("〇補助金申請クラブ数（予定）164") == (Decimal(164), None)
    assert kpi_figures.kpi_figure("〇女性登用率：40%") == (Decimal(40), "％")
    assert kpi_figures.kpi_figure("〇ユニバーサルデザイン出前講座") is None
