"""The comparison written out: text tables aligned for a terminal (Japanese takes two columns),
long CSV rows, and `kyodo-lod compare` printing or writing them."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from kyodo_lod.cli import main
from kyodo_lod.compare import (
    Changes,
    CityPlan,
    Comparison,
    StoreRunner,
    compare,
    table_rows,
    to_csv,
    to_text,
)

from .conftest import CITIES

SMALL = Comparison(
    cities=(CityPlan("072036", "郡山市", 2025, 4), CityPlan("079995", "架空市", 2025, 10)),
    goals={3: {"072036": 1, "079995": 0}, 17: {"072036": 4, "079995": 2}},
    targets={"3.8": {"072036": 1, "079995": 0}, "17.17": {"072036": 2, "079995": 2}},
    kinds={"ka": {"072036": 4, "079995": 7}},
    changes=(Changes("072036", 2024, 2025, {"new": 1, "continued": 3, "completed": 2}),),
    goal_labels={3: "すべての人に健康と福祉を", 17: "パートナーシップで目標を達成しよう"},
    kind_labels={"ka": "課"},
)

SMALL_TEXT = """\
Plan projects (numbered, not 再掲): 郡山市 4, 架空市 10

Projects per SDG goal (share of the plan)
goal                                   郡山市 072036 FY2025  架空市 079995 FY2025
3 すべての人に健康と福祉を             1 (25.0%)             -
17 パートナーシップで目標を達成しよう  4 (100.0%)            2 (20.0%)

Projects per SDG target (share of the plan)
target  郡山市 072036 FY2025  架空市 079995 FY2025
3.8     1 (25.0%)             -
17.17   2 (50.0%)             2 (20.0%)

Targets shared by all 2 cities: 17.17

Targets only one city covers
  郡山市: 3.8
  架空市: none

Projects per department kind (the responsible unit)
kind   郡山市 072036 FY2025  架空市 079995 FY2025
ka 課  4 (100.0%)            7 (70.0%)

Changes between fiscal years (year B's categories + year A's completed)
city                  new  expanded  continued  relisted  completed
郡山市 FY2024→FY2025  1    0         3          0         2
"""


def test_text_tables_line_up() -> None:
    assert to_text(SMALL) == SMALL_TEXT


def test_csv_rows_per_table_key_and_city() -> None:
    rows = table_rows(SMALL)
    assert rows[0] == {
        "table": "plan",
        "key": "projects",
        "label": "plan projects",
        "city_code": "072036",
        "city_name": "郡山市",
        "fiscal_year": "2025",
        "projects": "4",
        "share": "1.0000",
    }
    tables = [r["table"] for r in rows]
    assert tables.count("shared-target") == 2 and tables.count("single-city-target") == 1
    changes = [(r["key"], r["projects"], r["share"]) for r in rows if r["table"] == "changes"]
    assert changes == [
        ("2024-2025:new", "1", ""),
        ("2024-2025:continued", "3", ""),
        ("2024-2025:completed", "2", ""),
    ]
    written = to_csv(SMALL).splitlines()
    assert written[0] == "table,key,label,city_code,city_name,fiscal_year,projects,share"
    assert len(written) == len(rows) + 1


def test_cli_prints_tables_and_writes_csv(two_cities, store, tmp_path: Path):
    runner = CliRunner()
    dist = str(two_cities.dist_dir)
    shown = runner.invoke(main, ["compare", *CITIES, "--dist", dist])
    assert shown.exit_code == 0, shown.output
    assert "Targets shared by all 2 cities:" in shown.output and "17.17" in shown.output
    out = tmp_path / "compare.csv"
    written = runner.invoke(main, ["compare", *CITIES, "--dist", dist, "--csv", str(out)])
    assert written.exit_code == 0, written.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    goal17 = {r["city_code"]: r for r in rows if r["table"] == "goal" and r["key"] == "17"}
    assert goal17["079995"]["projects"] == "2" and goal17["079995"]["share"] == "0.2000"
    assert out.read_text(encoding="utf-8") == to_csv(compare([StoreRunner(store)], CITIES))
