"""Warnings: what an import accepts but the user should know. A policy level spelled two ways
(tests/fixtures/policy-spellings-2025.csv, fictional, not real data) is imported; `kyodo-lod
import` lists a warning per line with file, line, column and field after the import; the most
frequent spelling becomes the title and the others skos:altLabel, through the stored import and
the build."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rdflib import Dataset, Literal
from rdflib.namespace import DCTERMS, SKOS

from kyodo_lod.build.extract.csv_plan import read_plan_csv
from kyodo_lod.cli import main
from kyodo_lod.config import Settings
from kyodo_lod.rdf.iris import Iris
from tests.locations import FIXTURES

SPELLINGS = FIXTURES / "policy-spellings-2025.csv"
LIFE = "潤いに満ちた快適な生活環境の創造"
CITY = "潤いに満ちた快適な都市環境の創造"
IRIS = Iris()


def test_spellings_are_accepted_with_a_warning_per_line_and_become_labels(tmp_path: Path):
    from kyodo_lod.build.pipeline import build

    result = CliRunner().invoke(main, ["--project", str(tmp_path), "import", str(SPELLINGS)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"imported {SPELLINGS} → ")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        unregistered(SPELLINGS, "079995"),
        f"warning: {SPELLINGS}:2:5 [policy_title]: policy 3 is spelled '{CITY}' here but "
        f"'{LIFE}' on 4 row(s) (from line 3): '{LIFE}' becomes its title and this spelling an "
        f"alternative label (value: '{CITY} / 公園の整備')",
        f"warning: {SPELLINGS}:6:5 [policy_title]: policy 3.2 is spelled '水辺の保全。' here "
        "but '水辺の保全' on 2 row(s) (from line 4): '水辺の保全' becomes its title and this "
        f"spelling an alternative label (value: '{LIFE} / 水辺の保全。')",
    ]
    assert result.stderr.splitlines()[-1] == "3 warning(s); the file was imported"

    # the stored import gives the same titles and alternatives (and warns again, the same way)
    stored = tmp_path / "data" / "sources" / "imported" / "079995-2025.csv"
    original, again = read_plan_csv(SPELLINGS), read_plan_csv(stored)
    assert again.policies == original.policies
    assert [(p.number, p.title_ja, p.alt_titles_ja) for p in again.policies] == [
        ("3", LIFE, (CITY,)),
        ("3.1", "公園の整備", ()),
        ("3.2", "水辺の保全", ("水辺の保全。",)),
    ]
    assert len(again.warnings) == 2

    settings = Settings.from_env(
        {}, sources_dir=tmp_path / "data" / "sources", dist_dir=tmp_path / "dist"
    )
    build(settings)  # the shapes accept the alternative labels
    dataset = Dataset()
    dataset.parse(settings.dist_dir / "kyodo-lod.trig", format="trig")
    asserted = dataset.graph(IRIS.graph("asserted"))
    policy = IRIS.policy("079995", "plan", "3")
    assert set(asserted.objects(policy, DCTERMS.title)) == {Literal(LIFE, lang="ja")}
    assert set(asserted.objects(policy, SKOS.altLabel)) == {Literal(CITY, lang="ja")}


def unregistered(path: Path, code: str) -> str:
    """The registry's warning for a made-up city (every fixture city is one)."""
    return (
        f"warning: {path} [city_name]: city code {code} is not in the registry of local "
        "governments: accepted, without a prefecture or kana reading (the registry lacks test "
        f"cities, the designated cities themselves and the prefectures) (value: '{code}')"
    )


def test_a_file_without_warnings_prints_only_the_registrys(tmp_path: Path):
    result = CliRunner().invoke(
        main, ["--project", str(tmp_path), "import", str(FIXTURES / "goals-only-2025.csv")]
    )
    assert result.exit_code == 0, result.output
    goals_only = FIXTURES / "goals-only-2025.csv"
    assert result.stderr.splitlines() == [
        unregistered(goals_only, "079987"),
        "1 warning(s); the file was imported",
    ]
