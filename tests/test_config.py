import os
import subprocess
import sys
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from kyodo_lod.config import BUNDLED_PLANS, Settings, bundled, bundled_plan_texts
from kyodo_lod.errors import SettingsError

from .locations import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_has_help_text():
    for f in fields(Settings):
        assert f.metadata.get("help"), f"setting {f.name} has no help text"


def test_settings_come_from_the_environment():
    settings = Settings.from_env(
        {
            "KYODO_BASE_IRI": "http://example.org/lod",
            "KYODO_QUERY_TIMEOUT_S": "2.5",
            "KYODO_MAX_RESULT_ROWS": "7",
            "KYODO_REMOTE_ALLOWLIST": "http://a.example/, http://b.example/",
            "KYODO_DIST_DIR": "/tmp/somewhere",
        }
    )
    assert settings.base_iri == "http://example.org/lod/"
    assert settings.query_timeout_s == 2.5
    assert settings.max_result_rows == 7
    assert settings.remote_allowlist == ("http://a.example/", "http://b.example/")
    assert settings.dist_dir == Path("/tmp/somewhere")


def test_explicit_overrides_win_over_the_environment():
    settings = Settings.from_env({"KYODO_MAX_RESULT_ROWS": "7"}, max_result_rows=9)
    assert settings.max_result_rows == 9


def test_a_bad_number_names_the_variable():
    with pytest.raises(ValueError, match="KYODO_QUERY_TIMEOUT_S='soon'"):
        Settings.from_env({"KYODO_QUERY_TIMEOUT_S": "soon"})


def test_every_setting_is_documented_in_the_readme():
    for f in fields(Settings):
        assert f"`KYODO_{f.name.upper()}`" in README, f"KYODO_{f.name.upper()} is not in README.md"


def test_relative_paths_resolve_against_the_project_folder(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"KYODO_PROJECT_DIR": str(tmp_path), "KYODO_DIST_DIR": "out", "KYODO_SHAPES_DIR": "s"}
    )
    assert settings.project_dir == tmp_path
    assert settings.dist_dir == tmp_path / "out"
    assert settings.shapes_dir == tmp_path / "s"
    assert settings.sources_dir == tmp_path / "data" / "sources"


def test_the_project_is_the_current_folder_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.project_dir == tmp_path
    assert settings.dist_dir == tmp_path / "dist"
    assert settings.sources_dir == tmp_path / "data" / "sources"
    assert settings.bundled_sources is True


def test_what_ships_is_read_from_the_bundled_copies() -> None:
    settings = Settings.from_env({})
    assert settings.ontology_path == bundled("ontology/kyodo.ttl")
    assert settings.shapes_dir == bundled("shapes")
    assert settings.vocab_dir == bundled("data/vocab")
    for path in (settings.ontology_path, settings.shapes_dir / "core.ttl", settings.vocab_dir):
        assert path.exists(), path
    assert all(text.is_file() for text in bundled_plan_texts())


def test_a_named_sources_folder_is_built_alone(tmp_path: Path) -> None:
    assert not Settings.from_env({"KYODO_SOURCES_DIR": str(tmp_path)}).bundled_sources
    assert not Settings.from_env({}, sources_dir=tmp_path).bundled_sources
    both = {"KYODO_SOURCES_DIR": str(tmp_path), "KYODO_BUNDLED_SOURCES": "1"}
    assert Settings.from_env(both).bundled_sources
    assert not Settings.from_env({"KYODO_BUNDLED_SOURCES": "off"}).bundled_sources


def test_the_wheel_maps_what_ships() -> None:
    """pyproject.toml's force-include carries every bundled resource config.py reads."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapped = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    wanted = ["ontology", "shapes", "data/vocab", "data/templates"] + [
        f"data/sources/{stem}{suffix}"
        for stem in BUNDLED_PLANS
        for suffix in (".txt", ".meta.json")
    ]
    for source in wanted:
        assert mapped.get(source) == f"kyodo_lod/bundled/{source}", source
        assert (ROOT / source).exists(), source


# ------------------------------------------------------------------ a setting that cannot be used


def test_an_unusable_trusted_proxy_is_refused_naming_the_setting() -> None:
    with pytest.raises(SettingsError, match=r"KYODO_TRUSTED_PROXIES: 'proxy\.example' is not"):
        Settings.from_env({"KYODO_TRUSTED_PROXIES": "10.0.0.0/8, proxy.example"})
    assert Settings.from_env({"KYODO_TRUSTED_PROXIES": "10.0.0.0/8,::1"}).trusted_proxies


@pytest.mark.parametrize(
    ("command", "setting", "expected"),
    [
        (
            [sys.executable, "server.py", "--port", "0"],
            {"KYODO_TRUSTED_PROXIES": "proxy.example"},
            "error: KYODO_TRUSTED_PROXIES: 'proxy.example' is not an address or network",
        ),
        (
            [sys.executable, "-m", "kyodo_lod.cli", "build"],
            {"KYODO_QUERY_TIMEOUT_S": "ten"},
            "error: KYODO_QUERY_TIMEOUT_S='ten': could not convert string to float: 'ten'",
        ),
    ],
)
def test_a_command_with_an_unusable_setting_stops_with_one_line(
    command: list[str], setting: dict[str, str], expected: str, tmp_path: Path
) -> None:
    env = {**os.environ, **setting, "KYODO_PROJECT_DIR": str(tmp_path)}
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode in (1, 2)
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]  # one line
    assert done.stderr.startswith(expected), done.stderr
    assert not (tmp_path / "dist").exists()
