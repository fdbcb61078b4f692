"""The plan-text extractor against the real Koriyama FY2025 plan, and against broken copies."""

from __future__ import annotations

import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest

from kyodo_lod.build.extract import read_plan_text
from kyodo_lod.errors import ConsistencyError, SourceError
from kyodo_lod.model import Category, PlanYear, Project
from tests.locations import SOURCES

SOURCE = SOURCES / "koriyama-kyodo-2025.txt"
META = SOURCES / "koriyama-kyodo-2025.meta.json"


@pytest.fixture(scope="module")
def plan() -> PlanYear:
    return read_plan_text(SOURCE)


def numbered(plan: PlanYear) -> list[Project]:
    return [p for p in plan.projects if p.number is not None]


# -- the real plan ------------------------------------------------------------------------


def test_all_95_projects_in_order(plan: PlanYear) -> None:
    assert [p.number for p in numbered(plan)] == list(range(1, 96))
    assert all(p.fiscal_year == 2025 for p in numbered(plan))
    assert plan.stated_project_count == 95
    assert plan.stated_previous_year_count == 98


def test_plan_identity_from_sidecar(plan: PlanYear) -> None:
    assert plan.city.code == "072036"
    assert (plan.city.name_ja, plan.city.name_en) == ("郡山市", "Koriyama City")
    assert plan.basic_plan_key == "kyodo2"
    assert plan.fiscal_year == 2025
    assert plan.source_document == "koriyama-kyodo-2025.txt"
    assert plan.source_url == ""


def test_seven_policies_with_titles(plan: PlanYear) -> None:
    assert [p.number for p in plan.policies] == [str(n) for n in range(1, 8)]
    assert plan.policies[0].title_ja == "協働を支える人材の育成と協働意識の醸成"
    assert plan.policies[6].title_ja == "協働で進める安全・安心なまちづくり"
    assert all(p.title_en for p in plan.policies)


# policy: (FY2025 count, new, expanded, continued, completed, FY2024 count) as printed
SUMMARY = {
    "1": (11, 0, 2, 9, 0, 11),
    "2": (6, 0, 0, 6, 0, 6),
    "3": (8, 0, 0, 8, 0, 8),
    "4": (16, 0, 2, 14, 2, 18),
    "5": (10, 0, 0, 10, 0, 10),
    "6": (26, 0, 7, 19, 1, 27),
    "7": (18, 0, 1, 17, 0, 18),
}


@pytest.mark.parametrize("policy", sorted(SUMMARY))
def test_summary_rows_and_table_counts(plan: PlanYear, policy: str) -> None:
    summary = {s.policy_number: s for s in plan.summaries}[policy]
    printed = SUMMARY[policy]
    assert (
        summary.project_count,
        summary.new,
        summary.expanded,
        summary.continued,
        summary.completed,
        summary.previous_year_count,
    ) == printed
    rows = [p for p in numbered(plan) if p.policy_number == policy]
    by = {c: sum(p.category is c for p in rows) for c in Category}
    assert len(rows) == printed[0]
    assert by[Category.EXPANDED] == printed[2]
    # the summary counts 再掲 rows under 継続
    assert by[Category.CONTINUED] + by[Category.RELISTED] == printed[3]
    completed = [p for p in plan.projects if p.category is Category.COMPLETED]
    assert sum(p.policy_number == policy for p in completed) == printed[4]


TRICKY = {
    # number: (category, policy, name, department path, SDG targets)
    8: (
        Category.CONTINUED,
        "1",
        "生涯学習支援事業(きらめき出前講座、広域圏高校生の学びの広場）",
        ("教育総務部", "生涯学習課"),
        ("3.4", "3.5", "3.6", "3.7", "3.8", "3.a", "4.7", "13.1", "13.3"),
    ),
    9: (
        Category.CONTINUED,
        "1",
        "ハタチのつどい開催事業",
        ("教育総務部", "生涯学習課"),
        ("17.17",),
    ),
    10: (
        Category.CONTINUED,
        "1",
        "地区・地域公民館の定期講座等開催事業",
        ("教育総務部", "生涯学習課"),
        ("3.4", "3.5", "3.6", "3.7", "3.8", "3.a", "4.7", "11.a", "13.1", "13.3", "17.17"),
    ),
    28: (
        Category.CONTINUED,
        "4",
        "市刊行物等配布事業",
        ("市民部", "市民・ＮＰＯ活動推進課"),
        ("17.17",),
    ),
    31: (
        Category.EXPANDED,
        "4",
        "５Ｒ推進事業（ごみ減量推進事業）",
        ("環境部", "５Ｒ推進課"),
        ("12.5", "13.3"),
    ),
    33: (
        Category.CONTINUED,
        "4",
        "高齢者の生きがいと健康づくり事業",
        ("保健福祉部", "健康長寿課"),
        ("1.3", "10.2"),
    ),
    34: (
        Category.CONTINUED,
        "4",
        "こども総合支援センター「ニコニコこども館」事業",
        ("こども部", "子育て給付課"),
        ("4.2",),
    ),
    41: (
        Category.CONTINUED,
        "4",
        "ワークショップ等による市民参加型会議等の開催",
        ("各課",),
        ("17.17",),
    ),
    46: (
        Category.CONTINUED,
        "5",
        "地域集会所補助事業",
        ("市民部", "市民・ＮＰＯ活動推進課"),
        ("13.1", "17.17"),
    ),
    53: (
        Category.CONTINUED,
        "6",
        "音楽文化芸術振興事業",
        ("文化スポーツ観光部", "文化振興課"),
        ("4.1", "4.7"),
    ),
    54: (
        Category.CONTINUED,
        "6",
        "こおりやまスポーツイノベーション事業",
        ("文化スポーツ観光部", "スポーツ振興課"),
        ("3.4",),
    ),
    55: (
        Category.CONTINUED,
        "6",
        "スポーツ施設リノベーション事業",
        ("文化スポーツ観光部", "スポーツ振興課"),
        ("3.4",),
    ),
    57: (
        Category.CONTINUED,
        "6",
        "日本遺産魅力発信推進事業（猪苗代湖プロモーション事業）",
        ("文化スポーツ観光部", "観光政策課"),
        ("11.4", "12.b", "17.17"),
    ),
    59: (
        Category.CONTINUED,
        "6",
        "ＳＤＧｓ推進全世代健康都市圏事業",
        ("保健福祉部", "保健所", "健康政策課"),
        ("3.4", "3.8", "17.17"),
    ),
    72: (
        Category.EXPANDED,
        "6",
        "旅行誘客推進事業（インバウンド・国内交流）",
        ("文化スポーツ観光部", "観光政策課"),
        ("17.17",),
    ),
    87: (
        Category.EXPANDED,
        "7",
        "避難行動要支援者避難支援体制管理事業",
        ("保健福祉部", "保健福祉総務課"),
        ("1.3", "1.5", "11.5"),
    ),
    88: (
        Category.CONTINUED,
        "7",
        "認知症高齢者家族支援事業【介護保険】",
        ("保健福祉部", "地域包括ケア推進課"),
        ("1.3", "3.8", "10.2"),
    ),
    92: (
        Category.CONTINUED,
        "7",
        "介護予防・生活支援サービス事業【介護保険】",
        ("保健福祉部", "地域包括ケア推進課"),
        ("1.3", "3.8", "10.2"),
    ),
    93: (
        Category.CONTINUED,
        "7",
        "自殺対策推進事業",
        ("保健福祉部", "保健所", "保健・感染症課"),
        ("1.3", "3.4", "10.2", "17.17"),
    ),
    95: (
        Category.CONTINUED,
        "7",
        "スクールカウンセラー配置事業",
        ("学校教育部", "総合教育支援センター"),
        ("4.5",),
    ),
}


@pytest.mark.parametrize("number", sorted(TRICKY))
def test_tricky_rows(plan: PlanYear, number: int) -> None:
    category, policy, name, path, targets = TRICKY[number]
    project = plan.project(number)
    assert project.category is category
    assert project.policy_number == policy
    assert project.name == name
    assert project.department.path == path
    assert project.sdg_targets == targets


def test_wrapped_departments_keep_their_printed_lines(plan: PlanYear) -> None:
    assert plan.project(54).department.source_text == "文化スポーツ観光部スポーツ振\n興課"
    assert plan.project(93).department.source_text == "保健福祉部保健所保健・感染症\n課"
    assert plan.project(95).department.source_text == "学校教育部総合教育支援セン\nター"
    assert plan.project(1).department.source_text == "総務部人事課"


def test_one_line_rows_split_name_plan_department(plan: PlanYear) -> None:
    assert plan.project(9).plan_text == (
        "参加者を祝い、励ますとともに、地域社会の一員としての意識醸成を図ります。"
    )
    plan_28 = "市刊行物等を配布している町内会に対して配布謝礼金を支給します。"
    assert plan.project(28).plan_text == plan_28
    for number in (9, 28):
        span = plan.project(number).source
        assert span is not None and span.first_line == span.last_line


def test_exactly_241_project_target_links(plan: PlanYear) -> None:
    assert sum(len(p.sdg_targets) for p in plan.projects) == 241
    assert all(len(p.sdg_targets) >= 1 for p in numbered(plan))


def test_sdg_codes_normalised_and_in_un_order(plan: PlanYear) -> None:
    codes = {c for p in plan.projects for c in p.sdg_targets}
    assert all(c.isascii() for c in codes)
    assert {"3.a", "11.b", "16.10", "17.14"} <= codes
    assert not [a for a in plan.anomalies if a.kind.startswith("sdg")]


KPIS = {
    # number: [(value, unit), ...] for the KPIs that state one figure, in order
    13: [(Decimal(600), "人"), (Decimal(180), "人"), (Decimal(6), "回")],
    12: [(Decimal(40), "％"), (Decimal(2), "回")],
    20: [(Decimal(14828192), "件")],
    21: [(Decimal("78.2"), "％")],
    22: [(Decimal("7.0"), "％")],
    36: [(Decimal(63), "団体")],
    37: [(Decimal(68), "箇所")],
    54: [
        (Decimal(18), "試合"),
        (Decimal(30), "回"),
        (Decimal(85), "回"),
        (Decimal(15), "回"),
        (Decimal(30), "回"),
        (Decimal(20), "回"),
        (Decimal(5), "回"),
        (Decimal(2), "種目"),
        (Decimal(7), "施設"),
    ],
    69: [(Decimal(10), "者"), (Decimal(7), "回")],
    # several figures, one of them the target (kpi_figures' rules): a stated total, a total
    # with its breakdown, one figure besides a year
    17: [(Decimal(48), "回"), (Decimal(2), "回")],  # 12回×４広場　延べ48回; 1回×2広場　延べ2回
    25: [(Decimal(12), "回")],  # 全12回（45名）
    34: [(Decimal(1008), "回")],  # 1,008回　開館数336日×（お集まり1回＋おはなし会2回）
    95: [(Decimal(1), "名"), (Decimal(10000), "件")],  # （2026年度までに１名…）（令和７年度推定…）
}


@pytest.mark.parametrize("number", sorted(KPIS))
def test_kpi_values_and_units(plan: PlanYear, number: int) -> None:
    kpis = plan.project(number).kpis
    assert [(k.value, k.unit) for k in kpis if k.value is not None] == KPIS[number]
    assert all(k.text.startswith(("〇", "○")) for k in kpis)


def test_kpi_texts_are_whole(plan: PlanYear) -> None:
    assert plan.project(13).kpis[0].text == "〇会員数　600人"
    assert plan.project(12).kpis[0].text == "〇郡山市附属機関の女性登用率：40％"
    # the figure sits on the indented line under the 〇 line
    first = plan.project(5).kpis[0]
    assert first.text == "○「郡山を知る・見る・食べる」発信事業\n首都圏イベント　１回"
    assert (first.value, first.unit) == (Decimal(1), "回")
    # several figures, none of them stated as the target: text only
    assert plan.project(24).kpis[0].value is None  # 初級クラス12クラス(1クラス×12月) ...
    assert plan.project(17).kpis[2].value is None  # 予定49回（毎週水曜日…）/ 予定回数未定
    assert plan.project(33).kpis[0].value is None  # 第33回… 5月22日(木): an ordinal and a date
    # a figure gained by a rule keeps the whole text
    assert plan.project(17).kpis[0].text == "〇のびのび子育て広場　予定回数　12回×４広場　延べ48回"
    # no figure at all
    assert plan.project(4).kpis[0] == plan.project(4).kpis[0].__class__(
        "〇ユニバーサルデザイン出前講座"
    )
    # №34's KPI line also carries the department and the target: neither is in the KPI
    (kpi34,) = plan.project(34).kpis
    assert kpi34.text.endswith("（お集まり1回＋おはなし会2回）")
    assert "こども部" not in plan.project(34).plan_text


def test_kpi_figures_overall(plan: PlanYear) -> None:
    kpis = [k for p in plan.projects for k in p.kpis]
    assert len(kpis) == 106
    # 69 KPIs state exactly one number; 6 more state their target among several (kpi_figures)
    assert sum(k.value is not None for k in kpis) == 75
    assert [k.unit for k in kpis if k.value is not None and k.unit is None] == [None]  # №50


def test_plan_text_joins_wrapped_lines_and_keeps_items(plan: PlanYear) -> None:
    text = plan.project(29).plan_text
    assert "〇次世代自動車（燃料電池自動車、電気自動車（普通自動車、軽自動車））の導入助成" in text
    assert plan.project(1).plan_text.splitlines()[1].startswith("特に、女性活躍")
    # the duplicated phrase of №31 is kept as printed
    assert "（５Ｒ）を推進するため、を推進するため、一般家庭" in plan.project(31).plan_text
    # a relist note is not plan text
    assert "再掲" not in plan.project(15).plan_text


def test_relist_links(plan: PlanYear) -> None:
    links = {p.number: p.relisted_from for p in plan.projects if p.relisted_from is not None}
    assert links == {15: 8, 25: 11, 56: 5, 79: 18}
    assert all(plan.project(n).category is Category.RELISTED for n in links)


def test_completed_projects_from_the_list(plan: PlanYear) -> None:
    completed = [p for p in plan.projects if p.category is Category.COMPLETED]
    assert [(p.key, p.number, p.policy_number, p.fiscal_year) for p in completed] == [
        ("c1", None, "4", 2024),
        ("c2", None, "4", 2024),
        ("c3", None, "6", 2024),
    ]
    assert completed[0].name == "生ごみ減量啓発事業"
    assert completed[0].department.path == ("環境部", "５Ｒ推進課")
    assert completed[2].department.path == ("農商工部", "園芸畜産振興課")
    assert completed[0].source is not None and completed[0].source.first_line == 93
    assert completed[0].source.page is None  # the front sheet has no page number


def test_source_spans_and_pages(plan: PlanYear) -> None:
    spans = {p.number: p.source for p in numbered(plan)}
    assert all(s is not None and s.document == "koriyama-kyodo-2025.txt" for s in spans.values())
    assert (spans[1].first_line, spans[1].last_line, spans[1].page) == (120, 127, 1)
    assert spans[6].page == 2 and spans[10].page == 2  # the footer 「2/20」 closes page 2
    assert spans[11].page == 3
    assert spans[32].page == 9  # a page whose header was dropped (leading space)
    assert (spans[95].last_line, spans[95].page) == (1352, 20)
    assert plan.extra["pages"] == "20"


def test_anomalies_recorded(plan: PlanYear) -> None:
    found = {(a.kind, a.project_number) for a in plan.anomalies}
    assert ("name-spelling", 69) in found  # 継承 / 承継
    assert ("character-width", 31) in found  # ５R / ５Ｒ
    assert ("duplicated-phrase", 31) in found
    assert ("missing-relist-note", 56) in found
    spelling = next(a for a in plan.anomalies if a.kind == "name-spelling")
    assert "継承" in spelling.message and "承継" in spelling.message
    assert spelling.source is not None and spelling.source.first_line == 77
    widths = [a for a in plan.anomalies if a.kind == "character-width"]
    assert {a.source.first_line for a in widths if a.source} == {67}
    assert any("５R 推進事業" in a.message and "５Ｒ推進事業" in a.message for a in widths)
    # each project carries the notes of its anomalies
    assert len(plan.project(31).notes) == 3
    assert any("を推進するため、" in n for n in plan.project(31).notes)
    assert plan.project(56).notes and plan.project(1).notes == ()
    assert all(a.source is not None for a in plan.anomalies)


def test_extraction_is_fast() -> None:
    start = time.perf_counter()
    read_plan_text(SOURCE)
    assert time.perf_counter() - start < 1.0


# -- broken copies ------------------------------------------------------------------------


def broken(tmp_path: Path, edits: dict[int, tuple[str, str | None]]) -> Path:
    """A copy of the plan with lines replaced (new text) or deleted (None). Each edit names the
    line's current text, so a change in the source makes the test fail instead of passing."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    for number, (old, _new) in edits.items():
        assert lines[number - 1] == old, (number, lines[number - 1])
    out = [
        line if i not in edits else edits[i][1]
        for i, line in enumerate(lines, start=1)
        if i not in edits or edits[i][1] is not None
    ]
    target = tmp_path / SOURCE.name
    target.write_text("\n".join(str(line) for line in out), encoding="utf-8")
    shutil.copy(META, tmp_path / META.name)
    return target


def consistency_message(path: Path) -> str:
    with pytest.raises(ConsistencyError) as info:
        read_plan_text(path)
    return str(info.value)


def test_deleted_project_row(tmp_path: Path) -> None:
    rows = {
        704: "41 継続",
        705: "ワークショップ等による市民参加",
        706: "型会議等の開催",
        707: "",
        708: "事業の立案や実施の過程において、市民等との意見交換や情報共有を行い、協働の",
        709: "まちづくりを推進します。",
        710: "",
        711: "各課 17.17",
    }
    message = consistency_message(broken(tmp_path, {n: (t, None) for n, t in rows.items()}))
    assert "№ 42 (line 706) follows № 40; № 41 missing" in message
    assert "policy 4: the table lists 15 projects (№ 26–40) but the summary table says 16" in (
        message
    )


def test_changed_summary_count(tmp_path: Path) -> None:
    edit = ("基本施策３ ８ ０ ０ ８ ０ ８ ", "基本施策３ ９ ０ ０ ９ ０ ９ ")
    path = broken(tmp_path, {28: edit})
    message = consistency_message(path)
    assert "policy 3: the table lists 8 projects (№ 18–25) but the summary table says 9" in message
    assert "the summary's 計 row says projects 95 but its policy rows add up to 96" in message


def test_previous_year_count_must_add_up(tmp_path: Path) -> None:
    path = broken(tmp_path, {24: ("基本施策１ 11 ０ 2 9 ０ 11 ", "基本施策１ 11 ０ 2 9 ０ 12 ")})
    message = consistency_message(path)
    assert (
        "policy 1: the summary says 12 projects the year before, but 11 − 新規・追加 0"
        " + 完了・統合 0 = 11" in message
    )


def test_relist_note_naming_the_wrong_policy(tmp_path: Path) -> None:
    path = broken(tmp_path, {364: ("（施策１再掲）", "（施策３再掲）")})
    message = consistency_message(path)
    assert (
        "project 15 (policy 2, line 360) is 再掲 but policy 3 has 0 project(s) named"
        " '生涯学習支援事業'" in message
    )


def test_bad_sdg_code_on_its_own_line(tmp_path: Path) -> None:
    path = broken(tmp_path, {135: ("17.15", "18.1")})
    with pytest.raises(SourceError) as info:
        read_plan_text(path)
    (problem,) = info.value.problems
    assert (problem.location.line, problem.location.column) == (135, 1)
    assert problem.location.field == "sdg_target"
    assert problem.value == "18.1"
    assert "project 2: SDG goal 18 does not exist" in str(info.value)


def test_bad_sdg_code_after_the_department(tmp_path: Path) -> None:
    path = broken(tmp_path, {127: ("総務部人事課 17.14", "総務部人事課 18.1")})
    with pytest.raises(SourceError) as info:
        read_plan_text(path)
    assert (info.value.problems[0].location.line, info.value.problems[0].location.column) == (
        127,
        8,
    )
    assert "project 1" in str(info.value)


def test_malformed_sdg_code(tmp_path: Path) -> None:
    path = broken(tmp_path, {136: ("17.17", "17.1.7")})
    with pytest.raises(SourceError) as info:
        read_plan_text(path)
    (problem,) = info.value.problems
    assert (problem.location.line, problem.location.field, problem.value) == (
        136,
        "sdg_target",
        "17.1.7",
    )
    assert "project 2: not an SDG target code" in str(info.value)


def test_completed_list_shorter_than_summary(tmp_path: Path) -> None:
    path = broken(
        tmp_path, {95: ("保健・福祉フェスティバル開催事業 保健福祉部保健福祉総務課 ", None)}
    )
    message = consistency_message(path)
    assert (
        "policy 4: the 完了等 list has 1 projects (生ごみ減量啓発事業) but the summary's"
        " 完了・統合 says 2" in message
    )


def test_expanded_list_department_must_match(tmp_path: Path) -> None:
    path = broken(
        tmp_path,
        {73: ("農福連携推進事業 農商工部園芸畜産振興課 ", "農福連携推進事業 農商工部農業政策課 ")},
    )
    message = consistency_message(path)
    assert "policy 6: the 拡充 list (line 73) gives № 65 the department '農商工部農業政策課'" in (
        message
    )


def test_category_changed_in_the_table(tmp_path: Path) -> None:
    edit = ("30 継続 新エネルギー普及促進事業", "30 拡充 新エネルギー普及促進事業")
    path = broken(tmp_path, {598: edit})
    message = consistency_message(path)
    assert "policy 4: the table has 3 拡充 rows (№ 29–31) but the summary table says 2" in message
    unlisted = "policy 4: № 30 '新エネルギー普及促進事業' is 拡充 in the table but not in the"
    unlisted += " 拡充 list"
    assert unlisted in message


def test_page_footer_must_match_the_headers(tmp_path: Path) -> None:
    message = consistency_message(broken(tmp_path, {264: ("2/20", "3/20")}))
    expected = "page footer 「3/20」 at line 264 does not match the page headers"
    assert f"{expected}: it ends page 2 of 20" in message


def test_unreadable_wrapped_department(tmp_path: Path) -> None:
    path = broken(tmp_path, {856: ("興課", "興")})
    with pytest.raises(SourceError) as info:
        read_plan_text(path)
    assert info.value.problems[0].location.line == 856
    assert "project 54: no department (担当所属)" in str(info.value)


def test_sdg_targets_out_of_order_are_recorded(tmp_path: Path) -> None:
    plan = read_plan_text(broken(tmp_path, {135: ("17.15", "17.17"), 136: ("17.17", "17.15")}))
    (anomaly,) = [a for a in plan.anomalies if a.kind == "sdg-order"]
    assert anomaly.project_number == 2
    assert plan.project(2).sdg_targets == ("17.17", "17.15")  # document order kept


def test_unknown_text_on_the_front_sheet(tmp_path: Path) -> None:
    path = broken(tmp_path, {18: ("内訳 ", "内訳の説明 ")})
    with pytest.raises(SourceError) as info:
        read_plan_text(path)
    assert info.value.problems[0].location.line == 18


def test_missing_or_undecodable_input(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read the plan text"):
        shutil.copy(META, tmp_path / META.name)
        read_plan_text(tmp_path / SOURCE.name)
    data = SOURCE.read_bytes().split(b"\n")
    data[199] = data[199][:6] + b"\xff" + data[199][6:]
    (tmp_path / SOURCE.name).write_bytes(b"\n".join(data))
    with pytest.raises(SourceError) as info:
        read_plan_text(tmp_path / SOURCE.name)
    assert (info.value.problems[0].location.line, info.value.problems[0].location.column) == (
        200,
        7,
    )


def test_missing_sidecar(tmp_path: Path) -> None:
    shutil.copy(SOURCE, tmp_path / SOURCE.name)
    with pytest.raises(SourceError, match=r"koriyama-kyodo-2025\.meta\.json"):
        read_plan_text(tmp_path / SOURCE.name)
