"""Synthetic city plans for benchmarks, in the import format (projects.csv + kpis.csv).

    python bench/synth.py N OUT_DIR [--seed 1]

writes ``OUT_DIR/imported/<code>-2025.csv`` and ``<code>-2025.kpis.csv`` for N cities, the layout
``kyodo_lod.sources`` reads, so ``Settings(sources_dir=OUT_DIR)`` builds them. Never point it
at data/: these cities do not exist.

Shapes follow the real plan (Koriyama, FY2025): ~100 numbered projects under 7 policies (two
of them nested one level), ~40 departments in 部/課 (some 部/課/室 and センター) hierarchies,
1–9 SDG targets per project in canonical order, 1–3 KPIs (most with a value and unit), a few
再掲 rows and a few 完了・統合 rows of the year before. Every city is marked synthetic: its name
is 合成市NNNN / "Synthetic City NNNN" and its code uses prefecture numbers 50–99, which no real
municipality has (real codes start 01–47), with a valid check digit.
Seeded and deterministic: the same N and seed give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kyodo_lod.build.extract.csv_template import KPI_COLUMNS, TEMPLATE_COLUMNS  # noqa: E402
from kyodo_lod.build.extract.plan_cells import check_digit  # noqa: E402
from kyodo_lod.build.vocab import load_sdg, target_codes  # noqa: E402
from kyodo_lod.model import sdg_code_key  # noqa: E402

FISCAL_YEAR = 2025
PLAN_KEY = "synth"
COLUMNS = (*TEMPLATE_COLUMNS, "plan_key", "plan_title", "plan_title_en", "city_name_en",
           "description")  # fmt: skip

BUREAUS = ("総務部", "政策開発部", "財務部", "市民部", "文化スポーツ部", "生活環境部",
           "保健福祉部", "こども部", "産業観光部", "農林部", "建設交通部", "都市整備部",
           "上下水道局", "教育総務部", "学校教育部")  # fmt: skip
SECTIONS = ("総務課", "企画課", "財政課", "広聴広報課", "市民課", "協働推進課", "文化振興課",
            "スポーツ振興課", "環境政策課", "廃棄物対策課", "地域福祉課", "障がい福祉課",
            "高齢福祉課", "健康政策課", "こども支援課", "保育課", "産業政策課", "観光課",
            "農業政策課", "道路維持課", "都市計画課", "住宅政策課", "防災危機管理課",
            "生涯学習課", "学校教育推進課", "人権推進課", "国際政策課",
            "男女共同参画課")  # fmt: skip
OFFICES = ("政策推進室", "DX推進室", "ゼロカーボン推進室", "地域包括ケア推進室")
CENTRES = ("こども家庭支援センター", "消費生活センター", "国際交流センター")
POLICIES = (
    ("協働を支える人づくり", "People who support collaboration"),
    ("市民活動の支援", "Support for civic activity"),
    ("情報の共有と発信", "Sharing information"),
    ("地域コミュニティの活性化", "Lively local communities"),
    ("多様な主体の連携", "Partnerships of many actors"),
    ("協働の仕組みづくり", "Frameworks for collaboration"),
    ("誰もが参画できるまちづくり", "A city everyone takes part in"),
)
SUBPOLICIES = ("地域活動の担い手育成", "参加の機会づくり", "拠点の充実")
TOPICS = ("人材育成", "市民活動支援", "地域見守り", "防災訓練", "子育て支援", "健康づくり",
          "環境学習", "観光振興", "商店街活性化", "生涯学習", "国際交流", "文化振興",
          "スポーツ推進", "移動支援", "空き家対策", "情報発信", "多文化共生", "農業体験",
          "読書推進", "公園愛護")  # fmt: skip
KINDS = ("推進事業", "支援事業", "モデル事業", "促進事業", "啓発事業", "育成事業")
KPI_UNITS = (("会員数", "人"), ("参加者数", "人"), ("登録団体数", "団体"), ("開催回数", "回"),
             ("実施地区数", "地区"), ("満足度", "％"))  # fmt: skip
# categories of numbered projects, by weight (Koriyama FY2025: 継続 dominates)
CATEGORIES = (("継続", 70), ("拡充", 15), ("新規・追加", 8))


def city_code(index: int) -> str:
    """A valid-looking 6-digit code no real municipality has (prefectures 50–99)."""
    first_five = f"{50 + index // 1000:02d}{index % 1000:03d}"
    return first_five + str(check_digit(first_five))


def _departments(rng: random.Random) -> list[str]:
    """~40 units: 部 with 課 under them, a few 室 under a 課, a few センター under a 部."""
    bureaus = rng.sample(BUREAUS, 10)
    paths: list[str] = []
    for bureau in bureaus:
        paths.append(bureau)
        for section in rng.sample(SECTIONS, rng.randint(2, 3)):
            paths.append(f"{bureau}/{section}")
            if rng.random() < 0.12:
                paths.append(f"{bureau}/{section}/{rng.choice(OFFICES)}")
        if rng.random() < 0.2:
            paths.append(f"{bureau}/{rng.choice(CENTRES)}")
    return paths


def _targets(rng: random.Random, codes: list[str]) -> str:
    count = min(9, max(1, int(rng.triangular(1, 9, 2))))
    return " ".join(sorted(rng.sample(codes, count), key=sdg_code_key))


def city_rows(
    index: int, codes: list[str], seed: int
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The projects.csv and kpis.csv rows of synthetic city ``index``."""
    rng = random.Random(f"{seed}:{index}")
    code = city_code(index)
    name = f"合成市{index + 1:04d}"
    name_en = f"Synthetic City {index + 1:04d}"
    departments = [d for d in _departments(rng) if "/" in d]  # projects sit in 課 or below
    policies: list[tuple[str, str]] = []
    for number, (title, _) in enumerate(POLICIES, start=1):
        if number in (2, 5):  # two policies nested one level, as 施策 → 基本事業
            for sub, subtitle in enumerate(SUBPOLICIES, start=1):
                policies.append((f"{number}.{sub}", f"{title} / {subtitle}"))
        else:
            policies.append((str(number), title))
    common = {
        "city_code": code,
        "city_name": name,
        "plan_key": PLAN_KEY,
        "plan_title": f"{name}協働推進基本計画（合成データ）",
        "plan_title_en": f"{name_en} collaboration plan (synthetic)",
        "city_name_en": name_en,
    }
    rows: list[dict[str, str]] = []
    kpis: list[dict[str, str]] = []
    count = rng.randint(90, 110)
    categories = [c for c, _ in CATEGORIES]
    weights = [w for _, w in CATEGORIES]
    for number in range(1, count + 1):
        policy_number, policy_title = policies[(number - 1) * len(policies) // count]
        topic = rng.choice(TOPICS)
        relist = number > 10 and rng.random() < 0.04
        row = {
            **common,
            "fiscal_year": str(FISCAL_YEAR),
            "policy_number": policy_number,
            "policy_title": policy_title,
            "project_number": str(number),
            "category": "再掲" if relist else rng.choices(categories, weights)[0],
            "project_name": f"{topic}{rng.choice(KINDS)}",
            "department": rng.choice(departments),
            "sdg_targets": _targets(rng, codes),
            "relisted_from": "",
            "description": f"{name}の{topic}に関する取組を、市民・団体と協働して進める。"
            f"（合成データ：実在しない）",
        }
        if relist:  # a 再掲 row repeats an earlier, non-relisted project of another policy
            originals = [
                r["project_number"]
                for r in rows
                if r["policy_number"] != policy_number and r["category"] != "再掲"
            ]
            if originals:
                row["relisted_from"] = rng.choice(originals)
            else:
                row["category"] = "継続"
                relist = False
        rows.append(row)
        if relist:
            continue
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            what, unit = rng.choice(KPI_UNITS)
            if rng.random() < 0.85:
                value = str(rng.randrange(10, 2000, 10))
                kpis.append(
                    {
                        "city_code": code,
                        "fiscal_year": str(FISCAL_YEAR),
                        "project_number": str(number),
                        "kpi_text": f"〇{what}　{value}{unit}",
                        "value": value,
                        "unit": unit,
                    }
                )
            else:
                kpis.append(
                    {
                        "city_code": code,
                        "fiscal_year": str(FISCAL_YEAR),
                        "project_number": str(number),
                        "kpi_text": f"〇{what}を増やす",
                        "value": "",
                        "unit": "",
                    }
                )
    for _ in range(rng.randint(1, 4)):  # the previous year's completed projects (no №)
        policy_number, policy_title = rng.choice(policies)
        rows.append(
            {
                **common,
                "fiscal_year": str(FISCAL_YEAR - 1),
                "policy_number": policy_number,
                "policy_title": policy_title,
                "project_number": "",
                "category": "完了・統合",
                "project_name": f"{rng.choice(TOPICS)}{rng.choice(KINDS)}",
                "department": rng.choice(departments),
                "sdg_targets": _targets(rng, codes),
                "relisted_from": "",
                "description": "",
            }
        )
    return rows, kpis


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def generate(n: int, out_dir: Path, seed: int = 1, vocab_dir: Path | None = None) -> list[Path]:
    """Write N synthetic cities under ``out_dir/imported`` and return the projects files."""
    out_dir = Path(out_dir).resolve()
    if (ROOT / "data") in (out_dir, *out_dir.parents):
        raise ValueError(f"{out_dir}: synthetic cities never go into data/")
    codes = sorted(target_codes(load_sdg(vocab_dir or ROOT / "data" / "vocab")), key=sdg_code_key)
    imported = out_dir / "imported"
    imported.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(n):
        rows, kpis = city_rows(index, codes, seed)
        stem = f"{rows[0]['city_code']}-{FISCAL_YEAR}"
        _write(imported / f"{stem}.csv", COLUMNS, rows)
        _write(imported / f"{stem}.kpis.csv", KPI_COLUMNS, kpis)
        written.append(imported / f"{stem}.csv")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of cities")
    parser.add_argument("out_dir", type=Path, help="sources folder to write (never data/)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    files = generate(args.n, args.out_dir, args.seed)
    print(f"{len(files)} synthetic cities in {args.out_dir / 'imported'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
