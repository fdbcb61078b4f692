"""A generated project list shaped like a real city's 事務事業 list (NOT REAL DATA), in the three
formats staff have it: CSV in UTF-8, CSV in CP932 (Shift_JIS) and an .xlsx workbook.

    python bench/real_shape.py OUT_DIR [--seed 1] [--projects 400] [--no-two-spellings]
                                       [--no-blank-categories] [--sdg-column]

writes ``OUT_DIR/not-real-jimu-jigyo-utf8.csv`` (+ ``.kpis.csv``), ``…-cp932.csv`` (+ ``.kpis.csv``)
and ``…-xlsx.xlsx`` (sheets 事務事業一覧 and kpis): the same data in each.

The shape of a real list, as issue 11 describes it: a 3-level policy tree (政策 → 施策 → 基本
事業), ~400 projects, ~800 KPIs (two per project on average, some without a figure), 40–50
departments (部/課), long descriptions with line breaks, no SDG tags. The city is fictional
and marked so in its name, its English name, its plan title and the file names; its code is
in prefecture 99, which no real municipality has (a valid check digit; the registry warns).

Three traits of real lists are on by default, each with a switch to turn it off: about 10
policy levels spelled two ways across rows (``--no-two-spellings``), the category left blank,
no 継続/拡充 stated (``--no-blank-categories``), and no ``sdg_targets`` column
(``--sdg-column`` puts it back, empty).
Seeded and deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import BUREAUS, KINDS, SECTIONS, TOPICS  # noqa: E402
from bench.workbook import write_workbook  # noqa: E402
from kyodo_lod.build.extract.csv_template import KPI_COLUMNS, REQUIRED_COLUMNS  # noqa: E402
from kyodo_lod.build.extract.plan_cells import check_digit  # noqa: E402

STEM = "not-real-jimu-jigyo"
FISCAL_YEAR = 2025
CITY_CODE = "99001" + str(check_digit("99001"))  # prefecture 99: no real municipality
CITY_NAME = "架空事業市"
CITY_NAME_EN = "Kaku-jigyo City (generated, not real data)"
PLAN_TITLE = "架空事業市総合計画（生成した架空データ・実在しない）"
PLAN_TITLE_EN = "Kaku-jigyo City comprehensive plan (generated, not real data)"
SHEET = "事務事業一覧"

# 政策 (level 1), each with its 施策 (level 2); each 施策 has 2-4 基本事業 (level 3)
POLICIES = (
    ("潤いに満ちた快適な生活環境の創造", "潤いに満ちた快適な都市環境の創造",
     ("住環境の整備", "公園緑地の充実", "上下水道の安定供給", "ごみの減量とリサイクル")),
    ("安心して子どもを産み育てられるまちづくり", "安心して子供を産み育てられるまちづくり",
     ("妊娠・出産への支援", "保育サービスの充実", "子育て家庭への支援", "青少年の健全育成")),
    ("健康で生きがいを持って暮らせるまちづくり", "健康で生きがいをもって暮らせるまちづくり",
     ("健康づくりの推進", "地域医療の確保", "高齢者の生きがいづくり", "障がい者の自立支援")),
    ("活力ある産業と交流のまちづくり", "活力ある産業と交流によるまちづくり",
     ("商工業の振興", "農林業の振興", "観光の振興", "雇用の確保")),
    ("学びと文化を育むまちづくり", "学びと文化をはぐくむまちづくり",
     ("学校教育の充実", "生涯学習の推進", "文化芸術の振興", "スポーツの推進")),
    ("安全・安心なまちづくり", "安全安心なまちづくり",
     ("防災体制の強化", "交通安全の推進", "消費生活の安定", "防犯対策の推進")),
)  # fmt: skip
# the 施策 that get a second spelling with --two-spellings (with the 6 政策: 10 levels)
SECOND_SPELLINGS = {"2.3": "子育て家庭への支援の充実", "3.1": "健康づくりの推進と充実",
                    "5.2": "生涯学習の振興", "6.1": "防災体制の充実強化"}  # fmt: skip
CATEGORIES = (("継続", 75), ("拡充", 15), ("新規・追加", 10))
KPI_KINDS = (("参加者数", "人"), ("実施回数", "回"), ("相談件数", "件"), ("利用者数", "人"),
             ("登録団体数", "団体"), ("満足度", "％"), ("整備箇所数", "か所"))  # fmt: skip
SENTENCES = (
    "市民の皆様が安心して暮らせるよう、関係機関と連携しながら事業を進めます。",
    "前年度の実績と課題を踏まえ、対象者への周知方法を見直します。",
    "地域の団体や事業者と協力し、きめ細かな支援を行います。",
    "事業の効果を検証するため、利用者へのアンケート調査を実施します。",
    "国・県の補助制度を活用し、財源の確保に努めます。",
    "デジタル技術を活用して、申請手続の簡素化を図ります。",
    "専門職の配置により、相談体制の充実を図ります。",
    "施設の老朽化に対応するため、計画的な修繕を行います。",
)


@dataclass(frozen=True)
class Options:
    seed: int = 1
    projects: int = 400
    two_spellings: bool = True
    blank_categories: bool = True
    sdg_column: bool = False


def levels() -> list[tuple[str, str]]:
    """Every 基本事業 (level 3) as (number, its 3 titles joined by /)."""
    out = []
    for p, (title, _, measures) in enumerate(POLICIES, start=1):
        for m, measure in enumerate(measures, start=1):
            for b, basic in enumerate(("推進", "充実", "支援")[: 2 + (p + m) % 2], start=1):
                out.append((f"{p}.{m}.{b}", f"{title} / {measure} / {measure}の{basic}"))
    return out


def departments(rng: random.Random) -> list[str]:
    """45 部/課 paths."""
    paths = []
    for bureau in BUREAUS[:15]:
        for section in rng.sample(SECTIONS, 3):
            paths.append(f"{bureau}/{section}")
    return paths


def _spelled(policy: str, title: str, rng: random.Random, options: Options) -> str:
    """The policy title path as one row writes it: with --two-spellings, about a third of the
    rows under a level that has a second spelling use it (the first stays the most frequent)."""
    if not options.two_spellings or rng.random() > 0.3:
        return title
    parts = title.split(" / ")
    top = int(policy.split(".")[0])
    parts[0] = POLICIES[top - 1][1]
    measure = ".".join(policy.split(".")[:2])
    if measure in SECOND_SPELLINGS:
        parts[1] = SECOND_SPELLINGS[measure]
    return " / ".join(parts)


def _description(rng: random.Random, name: str) -> str:
    """A long plan text: several paragraphs, each a few sentences, joined by line breaks."""
    paragraphs = [f"【目的】{name}により、市民サービスの向上を図る。"]
    for heading in ("【内容】", "【今年度の取組】", "【課題】"):
        paragraphs.append(heading + "".join(rng.sample(SENTENCES, rng.randint(2, 4))))
    return "\n".join(paragraphs)


def rows(options: Options) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The projects and KPI rows of the generated list."""
    rng = random.Random(options.seed)
    tree, units = levels(), departments(rng)
    projects, kpis = [], []
    for number in range(1, options.projects + 1):
        policy, title = tree[(number - 1) * len(tree) // options.projects]
        name = f"{rng.choice(TOPICS)}{rng.choice(KINDS)}（その{number}）"
        category = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
        projects.append(
            {
                "city_code": CITY_CODE,
                "city_name": CITY_NAME,
                "fiscal_year": str(FISCAL_YEAR),
                "policy_number": policy,
                "policy_title": _spelled(policy, title, rng, options),
                "project_number": str(number),
                "category": "" if options.blank_categories else category,
                "project_name": name,
                "department": rng.choice(units),
                "sdg_targets": "",
                "relisted_from": "",
                "plan_title": PLAN_TITLE,
                "plan_title_en": PLAN_TITLE_EN,
                "city_name_en": CITY_NAME_EN,
                "description": _description(rng, name),
            }
        )
        for _ in range(rng.choice((1, 2, 2, 3))):
            kpis.append(_kpi(rng, number))
    return projects, kpis


def _kpi(rng: random.Random, number: int) -> dict[str, str]:
    what, unit = rng.choice(KPI_KINDS)
    figure = rng.choice((12, 48, 150, 600, 1008, 3000, 12500)) if unit != "％" else 80
    with_figure = rng.random() < 0.85
    text = f"〇{what}　{figure:,}{unit}" if with_figure else f"〇{what}の向上を図る"
    return {
        "city_code": CITY_CODE,
        "fiscal_year": str(FISCAL_YEAR),
        "project_number": str(number),
        "kpi_text": text,
        "value": str(figure) if with_figure else "",
        "unit": unit if with_figure else "",
    }


def project_columns(options: Options) -> list[str]:
    columns = [*REQUIRED_COLUMNS, "plan_title", "plan_title_en", "city_name_en", "description"]
    return columns if options.sdg_column else [c for c in columns if c != "sdg_targets"]


def csv_text(columns: Sequence[str], table: Sequence[dict[str, str]]) -> str:
    """As Excel saves CSV: CRLF between records, a line break inside a cell as LF."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n",
                            extrasaction="ignore")  # fmt: skip
    writer.writeheader()
    writer.writerows(table)
    return buffer.getvalue()


def write(out: Path, options: Options) -> dict[str, tuple[Path, Path | None]]:
    """Write the three formats into ``out``; returns {format: (plan file, kpis file)}."""
    out.mkdir(parents=True, exist_ok=True)
    projects, kpis = rows(options)
    columns = project_columns(options)
    plan_text, kpi_text = csv_text(columns, projects), csv_text(KPI_COLUMNS, kpis)
    files: dict[str, tuple[Path, Path | None]] = {}
    for name, encoding in (("utf8", "utf-8-sig"), ("cp932", "cp932")):
        plan, kpi = out / f"{STEM}-{name}.csv", out / f"{STEM}-{name}.kpis.csv"
        plan.write_bytes(plan_text.encode(encoding))  # strict: every character fits CP932
        kpi.write_bytes(kpi_text.encode(encoding))
        files[name] = (plan, kpi)
    book = out / f"{STEM}-xlsx.xlsx"
    write_workbook(book, {SHEET: (columns, projects), "kpis": (KPI_COLUMNS, kpis)})
    files["xlsx"] = (book, None)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--projects", type=int, default=400)
    on = argparse.BooleanOptionalAction
    parser.add_argument("--two-spellings", action=on, default=True)
    parser.add_argument("--blank-categories", action=on, default=True)
    parser.add_argument("--sdg-column", action=on, default=False)
    args = parser.parse_args()
    options = Options(
        args.seed, args.projects, args.two_spellings, args.blank_categories, args.sdg_column
    )
    for name, (plan, kpis) in write(args.out, options).items():
        print(f"{name}: {plan}" + (f" + {kpis}" if kpis else " (KPIs on its sheet kpis)"))


if __name__ == "__main__":
    main()
