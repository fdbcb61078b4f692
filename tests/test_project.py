"""The project folder: where a user's plans and builds live, chosen by --project,
KYODO_PROJECT_DIR or the current folder; nothing is written into the package or, from another
folder, into the repository."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import server
from kyodo_lod.cli import main
from tests.locations import FIXTURES, ROOT, SOURCES

KAKU = ["import", str(FIXTURES / "kaku-2025.csv"), "--kpis", str(FIXTURES / "kaku-2025.kpis.csv")]


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _settings_shown(output: str) -> dict[str, str]:
    return {
        line.split()[0]: line.split(maxsplit=1)[1]
        for line in output.splitlines()
        if line.startswith("KYODO_")
    }


def test_import_writes_into_the_project_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _tree(SOURCES)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, KAKU, env={"KYODO_PROJECT_DIR": None})
    assert result.exit_code == 0, result.output
    stored = tmp_path / "data" / "sources" / "imported"
    shown = sorted(p.name for p in stored.iterdir() if not p.name.startswith("."))  # + versions
    assert shown == ["079995-2025.csv", "079995-2025.kpis.csv"]
    assert _tree(SOURCES) == before  # the repository's sources are not the project's


def test_the_project_option_wins_over_the_environment(tmp_path: Path) -> None:
    chosen, other = tmp_path / "chosen", tmp_path / "other"
    result = CliRunner().invoke(
        main, ["--project", str(chosen), *KAKU], env={"KYODO_PROJECT_DIR": str(other)}
    )
    assert result.exit_code == 0, result.output
    assert (chosen / "data" / "sources" / "imported" / "079995-2025.csv").is_file()
    assert not other.exists()


def test_settings_show_where_each_path_resolves(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--project", str(tmp_path), "settings"], env={"KYODO_DIST_DIR": "out"}
    )
    assert result.exit_code == 0, result.output
    shown = _settings_shown(result.output)
    assert shown["KYODO_PROJECT_DIR"] == str(tmp_path)
    assert shown["KYODO_DIST_DIR"] == str(tmp_path / "out")
    assert shown["KYODO_SOURCES_DIR"] == str(tmp_path / "data" / "sources")
    assert shown["KYODO_ONTOLOGY_PATH"] == str(ROOT / "ontology" / "kyodo.ttl")  # a checkout
    assert f"  {SOURCES / 'koriyama-kyodo-2025.txt'}" in result.output.splitlines()


def test_server_py_serves_its_own_folder_unless_told_otherwise(tmp_path: Path) -> None:
    assert server.settings({}).dist_dir == ROOT / "dist"
    assert server.settings({}).sources_dir == ROOT / "data" / "sources"
    assert server.settings({"KYODO_PROJECT_DIR": str(tmp_path)}).dist_dir == tmp_path / "dist"
    assert server.settings({"KYODO_DIST_DIR": str(tmp_path)}).dist_dir == tmp_path
