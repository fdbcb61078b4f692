"""The same plan as staff have it (CSV in UTF-8 or Shift_JIS, or an .xlsx workbook) is stored as
the same bytes and builds the same graph; a workbook's problems name its sheet and cell.

The data is the fictional 架空市 of tests/fixtures (not real data)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.workbook import write_workbook
from kyodo_lod.build.importer import import_plan
from kyodo_lod.cli import main
from kyodo_lod.config import Settings
from kyodo_lod.errors import SourceError
from tests.build.test_importer import tree
from tests.locations import FIXTURES

KAKU = FIXTURES / "kaku-2025.csv"
KAKU_KPIS = FIXTURES / "kaku-2025.kpis.csv"


def table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    return list(reader.fieldnames or ()), list(reader)


def as_cp932(source: Path, target: Path) -> Path:
    """As Excel in Japan saves CSV: Shift_JIS, CRLF line ends."""
    target.write_bytes(source.read_bytes().decode("utf-8-sig").encode("cp932"))
    return target


@pytest.fixture()
def formats(tmp_path: Path) -> dict[str, tuple[Path, Path | None]]:
    """(plan file, kpis file) of the same plan in each format."""
    book = tmp_path / "kaku.xlsx"
    write_workbook(book, {"事業一覧": table(KAKU), "kpis": table(KAKU_KPIS)})
    projects_only = tmp_path / "kaku-projects.xlsx"
    kpis_book = tmp_path / "kaku-kpis.xlsx"
    write_workbook(projects_only, {"事業一覧": table(KAKU)})
    write_workbook(kpis_book, {"指標": table(KAKU_KPIS)})
    return {
        "utf-8": (KAKU, KAKU_KPIS),
        "cp932": (as_cp932(KAKU, tmp_path / "sj.csv"), as_cp932(KAKU_KPIS, tmp_path / "sj.k.csv")),
        "xlsx with a kpis sheet": (book, None),
        "xlsx with a kpis workbook": (projects_only, kpis_book),
    }


def settings_in(folder: Path) -> Settings:
    (folder / "sources").mkdir(parents=True)
    return Settings.from_env({}, sources_dir=folder / "sources", dist_dir=folder / "dist")


def test_every_format_stores_the_same_bytes_and_builds_the_same_graph(
    tmp_path: Path, formats: dict[str, tuple[Path, Path | None]]
) -> None:
    from kyodo_lod.build.pipeline import build

    stored = {}
    for name, (plan, kpis) in formats.items():
        settings = settings_in(tmp_path / name)
        import_plan(settings, plan, kpis)
        stored[name] = tree(settings.sources_dir)
    assert set(stored["utf-8"]) == {"imported/079995-2025.csv", "imported/079995-2025.kpis.csv"}
    assert all(files == stored["utf-8"] for files in stored.values()), stored
    hashes = {
        name: build(Settings.from_env({}, sources_dir=tmp_path / name / "sources",
                                      dist_dir=tmp_path / name / "dist")).content_hash
        for name in ("utf-8", "xlsx with a kpis sheet")
    }  # fmt: skip
    assert hashes["utf-8"] == hashes["xlsx with a kpis sheet"]


def test_a_workbook_s_problems_name_its_sheet_and_cell(tmp_path: Path) -> None:
    columns, rows = table(KAKU)
    rows[5]["sdg_targets"] = "8.3 18.1"
    kpi_columns, kpis = table(KAKU_KPIS)
    kpis[1]["unit"] = ""
    book = tmp_path / "broken.xlsx"
    write_workbook(book, {"事業一覧": (columns, rows), "kpis": (kpi_columns, kpis)})
    settings = settings_in(tmp_path / "p")
    with pytest.raises(SourceError) as caught:
        import_plan(settings, book)
    assert [str(p) for p in caught.value.problems] == [
        f"{book}, sheet 事業一覧, cell J7 [sdg_targets]: SDG target 18.1 does not exist in the "
        "UN SDG vocabulary (value: '18.1')",
        f"{book}, sheet kpis, cell F3 [unit]: a value needs a unit (人, 件, %) (value: '3,000')",
    ]
    assert tree(settings.sources_dir) == {}


def test_the_import_command_reads_a_named_sheet(tmp_path: Path) -> None:
    book = tmp_path / "kaku.xlsx"
    write_workbook(book, {"表紙": (["a"], []), "事業一覧": table(KAKU), "kpis": table(KAKU_KPIS)})
    runner = CliRunner()
    refused = runner.invoke(main, ["--project", str(tmp_path / "p"), "import", str(book)])
    assert refused.exit_code == 1
    assert f"{book}, sheet 表紙, row 1: missing column(s): city_code" in refused.output
    done = runner.invoke(
        main, ["--project", str(tmp_path / "p"), "import", str(book), "--sheet", "事業一覧"]
    )
    assert done.exit_code == 0, done.output
    assert "warning: " in done.output and "079995 is not in the registry" in done.output
    stored = tmp_path / "p" / "data" / "sources" / "imported"
    visible = sorted(p.name for p in stored.iterdir() if not p.name.startswith("."))
    assert visible == ["079995-2025.csv", "079995-2025.kpis.csv"]
