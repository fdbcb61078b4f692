"""The generated list shaped like a real 事務事業 list (bench/real_shape.py, not real data):
its shape, and that it imports from all three formats into the same stored bytes, builds and
compares cleanly, with its real traits on (two spellings of a level, blank categories, no SDG
column)."""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from pathlib import Path

import pytest

from bench.real_shape import CITY_CODE, STEM, Options, rows, write
from kyodo_lod.build.importer import import_plan
from kyodo_lod.compare import run_compare
from kyodo_lod.config import Settings
from kyodo_lod.errors import Problem
from tests.locations import FIXTURES


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path | None]]:
    return write(tmp_path_factory.mktemp("real-shape"), Options())


def test_the_generated_list_has_the_shape_of_a_real_one() -> None:
    projects, kpis = rows(Options())
    assert len(projects) == 400 and 700 <= len(kpis) <= 900
    assert all(p["policy_number"].count(".") == 2 for p in projects)  # 政策 → 施策 → 基本事業
    assert 40 <= len({p["department"] for p in projects}) <= 50
    assert all("\n" in p["description"] and len(p["description"]) > 100 for p in projects)
    assert not any(p["sdg_targets"] for p in projects)
    assert (
        "not real data" in projects[0]["city_name_en"] and "実在しない" in projects[0]["plan_title"]
    )
    assert rows(Options()) == (projects, kpis)  # seeded: the same every time


def test_the_switches_give_two_spellings_blank_categories_and_no_sdg_column() -> None:
    projects, _ = rows(Options(two_spellings=True, blank_categories=True, sdg_column=False))
    spellings: dict[str, set[str]] = defaultdict(set)
    for p in projects:
        parts = p["policy_title"].split(" / ")
        levels = p["policy_number"].split(".")
        for depth in range(2):
            spellings[".".join(levels[: depth + 1])].add(parts[depth])
    assert sum(len(s) == 2 for s in spellings.values()) == 10
    assert not any(p["category"] for p in projects)
    assert "sdg_targets" not in write_header(Options(sdg_column=False))


def write_header(options: Options) -> list[str]:
    from bench.real_shape import project_columns

    return project_columns(options)


def test_the_three_formats_hold_the_same_data(files) -> None:
    utf8, cp932 = files["utf8"][0].read_bytes(), files["cp932"][0].read_bytes()
    assert utf8.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        cp932.decode("utf-8")
    assert cp932.decode("cp932") == utf8.decode("utf-8-sig")
    assert files["xlsx"][0].name == f"{STEM}-xlsx.xlsx"
    assert all(STEM in p.name for pair in files.values() for p in pair if p is not None)


def _tree(folder: Path) -> dict[str, str]:
    """The stored files as a reader opens them (an import's hidden versions left out)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def test_every_format_imports_the_same_then_builds_and_compares(files, tmp_path: Path) -> None:
    from kyodo_lod.build.pipeline import build

    stored = {}
    for name, (plan, kpis) in files.items():
        sources = tmp_path / name
        sources.mkdir()
        settings = Settings.from_env({}, sources_dir=sources, dist_dir=tmp_path / "dist")
        warnings: list[Problem] = []
        import_plan(settings, plan, kpis, warn=warnings.append)
        stored[name] = _tree(sources)
        # the other spellings of ~10 levels are accepted, one warning per row that has one
        fields = [w.location.field for w in warnings]
        assert set(fields) == {"city_name", "policy_title"}, name
        assert fields.count("policy_title") >= 10, name
    assert len(stored["utf8"]) == 2
    assert stored["utf8"] == stored["cp932"] == stored["xlsx"]

    # the list beside the fixture city: it builds, validates and compares
    settings = Settings.from_env({}, sources_dir=tmp_path / "xlsx", dist_dir=tmp_path / "dist")
    import_plan(settings, FIXTURES / "kaku-2025.csv", FIXTURES / "kaku-2025.kpis.csv")
    result = build(settings)
    (plan,) = [p for p in result.plans if p.city.code == CITY_CODE]
    assert len(plan.projects) == 400 and sum(len(p.kpis) for p in plan.projects) > 700
    table = run_compare(settings, [CITY_CODE, "079995"], [], None, None, "-")
    by_key = {
        (r["table"], r["key"], r["city_code"]): r["projects"]
        for r in csv.DictReader(io.StringIO(table))
    }
    assert by_key[("plan", "projects", CITY_CODE)] == "400"
    assert by_key[("goal", "17", CITY_CODE)] == "0"  # no SDG tags: zero, not missing
    assert by_key[("goal", "17", "079995")] == "2"
